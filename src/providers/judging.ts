import { parseRetryAfterSeconds } from '../http/backoff.js';
import type { UpstreamResponse } from '../http/transport.js';

/** Small pieces both providers' judges need. */

/** undefined when the body is not JSON: the judge then classifies by HTTP status. */
export function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** Seconds the provider asks us to wait (delta-seconds or an HTTP date), when it says. */
export function retryAfterSeconds(response: UpstreamResponse): number | undefined {
  return parseRetryAfterSeconds(response.headers['retry-after'], Date.now());
}
