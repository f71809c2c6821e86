import type { ProviderName } from '../domain/listing.js';
import { parseRetryAfterSeconds } from '../http/backoff.js';
import { UpstreamError, type UpstreamErrorCode } from '../http/errors.js';
import type { UpstreamResponse, Verdict } from '../http/transport.js';

/** What both providers' judges share: reading the body, and the failure they hand back. */

/** undefined when the body is not JSON: the judge then classifies by HTTP status. */
export function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** A classified failure, before it is told. */
export interface Failure {
  code: UpstreamErrorCode;
  retryable: boolean;
}

/** How a provider's failures are worded: its name, and what it can reject. */
export interface FailureWording {
  provider: ProviderName;
  /** e.g. "Beike (Just One API)". */
  label: string;
  /** e.g. "the token or the call". */
  rejects: string;
}

function messageOf(code: UpstreamErrorCode, { label, rejects }: FailureWording): string {
  switch (code) {
    case 'UPSTREAM_AUTH_FAILED':
      return `${label} rejected ${rejects}`;
    case 'UPSTREAM_RATE_LIMITED':
      return `${label} is rate limiting the calls`;
    case 'UPSTREAM_QUOTA_EXHAUSTED':
      return `${label}'s call quota is exhausted`;
    case 'UPSTREAM_UNAVAILABLE':
      return `${label} is unavailable`;
    case 'UPSTREAM_BAD_RESPONSE':
      return `${label} answered with a body that cannot be used`;
    case 'UPSTREAM_BAD_REQUEST':
      return `${label} rejected the request parameters`;
  }
}

/**
 * The failed verdict of one answer. The message is ours alone: a provider's own message could
 * echo the request, credentials included. Retry-After (seconds or an HTTP date) is kept when sent.
 */
export function failure(
  wording: FailureWording,
  { code, retryable }: Failure,
  response: UpstreamResponse,
  detail: string,
  upstreamCode: string | number,
): Verdict<never> {
  const retryAfterSeconds = parseRetryAfterSeconds(response.headers['retry-after'], Date.now());
  return {
    ok: false,
    error: new UpstreamError(code, `${messageOf(code, wording)} (${detail}, HTTP ${response.status})`, {
      provider: wording.provider,
      retryable,
      upstreamCode,
      httpStatus: response.status,
      ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
    }),
  };
}
