import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { type Agent, request, errors as undiciErrors } from 'undici';
import { checkWebhookUrl, WebhookUrlError } from './ssrf.js';

/**
 * One webhook attempt, signed per Standard Webhooks (webhook-id, webhook-timestamp,
 * webhook-signature). The secret is used here and nowhere else: no message, log line or
 * attempt record carries it or the signature.
 */

export interface WebhookSettings {
  /** WEBHOOK_ALLOW_PRIVATE: http and private or loopback targets allowed (sandbox mode, tests). */
  allowPrivate: boolean;
  /** One attempt, connect to last byte. */
  timeoutMs: number;
  /** The waits before each retry, growing; their count is the number of retries. */
  retryDelaysMs: readonly number[];
}

export interface AttemptOutcome {
  status: number | null;
  durationMs: number;
  /** null when delivered. */
  error: string | null;
  /** What follows: done, try again later, give up, or the endpoint is gone for good (410). */
  verdict: 'DELIVERED' | 'RETRY' | 'FAILED' | 'GONE';
}

/** A new per-watch secret, in the Standard Webhooks form (whsec_ + base64 of 32 random bytes). */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

export async function sendWebhook(
  dispatcher: Agent,
  settings: WebhookSettings,
  target: { url: string; secret: string; messageId: string; body: string },
): Promise<AttemptOutcome> {
  const started = performance.now();
  const took = () => Math.round(performance.now() - started);
  let url: URL;
  try {
    // Checked again at send time: the rules may have tightened since the URL was saved.
    url = checkWebhookUrl(target.url, settings.allowPrivate);
  } catch (error) {
    const message = error instanceof WebhookUrlError ? error.message : 'is not usable';
    return { status: null, durationMs: 0, error: `webhook URL ${message}`, verdict: 'FAILED' };
  }
  const timestamp = new Date();
  const signature = new Webhook(target.secret).sign(target.messageId, timestamp, target.body);
  try {
    const answer = await request(url, {
      method: 'POST',
      dispatcher,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'listing-graph-webhooks/1',
        'webhook-id': target.messageId,
        'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
        'webhook-signature': signature,
      },
      body: target.body,
      signal: AbortSignal.timeout(settings.timeoutMs),
    });
    // Only the status matters; the body is drained so the connection can be reused.
    await answer.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
    const status = answer.statusCode;
    const durationMs = took();
    if (status >= 200 && status < 300) return { status, durationMs, error: null, verdict: 'DELIVERED' };
    if (status === 410) {
      return {
        status,
        durationMs,
        error: 'the receiver answered 410 Gone: webhook disabled',
        verdict: 'GONE',
      };
    }
    if (status === 429 || status >= 500) {
      return { status, durationMs, error: `the receiver answered ${status}`, verdict: 'RETRY' };
    }
    if (status >= 300 && status < 400) {
      return { status, durationMs, error: `redirect (${status}) not followed`, verdict: 'FAILED' };
    }
    return { status, durationMs, error: `the receiver answered ${status}`, verdict: 'FAILED' };
  } catch (error) {
    return { status: null, durationMs: took(), ...failureOf(error, settings.timeoutMs) };
  }
}

/** Our own words for a failed connection: undici's messages may name internal addresses. */
function failureOf(error: unknown, timeoutMs: number): Pick<AttemptOutcome, 'error' | 'verdict'> {
  const code = (error as { code?: unknown; cause?: { code?: unknown } }).code;
  const causeCode = (error as { cause?: { code?: unknown } }).cause?.code;
  if (code === 'EADDRNOTPUBLIC' || causeCode === 'EADDRNOTPUBLIC') {
    return { error: 'refused: the host resolves to a private or loopback address', verdict: 'FAILED' };
  }
  if (
    (error as Error).name === 'TimeoutError' ||
    error instanceof undiciErrors.HeadersTimeoutError ||
    error instanceof undiciErrors.BodyTimeoutError ||
    error instanceof undiciErrors.ConnectTimeoutError
  ) {
    return { error: `timed out after ${timeoutMs} ms`, verdict: 'RETRY' };
  }
  if (code === 'ENOTFOUND' || causeCode === 'ENOTFOUND') {
    return { error: 'the host name does not resolve', verdict: 'RETRY' };
  }
  return { error: `connection failed${typeof code === 'string' ? ` (${code})` : ''}`, verdict: 'RETRY' };
}
