export interface BackoffPolicy {
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * Equal jitter: half of the exponential delay is kept so retries still back off, the other half
 * is random so concurrent callers do not retry in lockstep.
 * `failedAttempts` is 1 after the first failure.
 */
export function backoffDelayMs(failedAttempts: number, policy: BackoffPolicy, random: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, failedAttempts - 1));
  return ceiling / 2 + (random * ceiling) / 2;
}

/** The provider's own hint wins when it asks for a longer wait than our backoff. */
export function retryDelayMs(
  failedAttempts: number,
  policy: BackoffPolicy,
  random: number,
  retryAfterSeconds: number | undefined,
): number {
  const backoff = backoffDelayMs(failedAttempts, policy, random);
  return retryAfterSeconds === undefined ? backoff : Math.max(backoff, retryAfterSeconds * 1000);
}

/** Retry-After is either delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfterSeconds(
  header: string | string[] | undefined,
  nowMs: number,
): number | undefined {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - nowMs) / 1000));
}
