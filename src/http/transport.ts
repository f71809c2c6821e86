// CONTRACT ONLY — to be implemented (see the http helper's brief). Types are final.
import type { Logger } from 'pino';
import type { ProviderName } from '../domain/listing.js';
import type { UpstreamError } from '../providers/errors.js';

export interface UpstreamRequest {
  /** A bounded label for logs and metrics, e.g. "detail", "search". */
  endpoint: string;
  /** Path under the base URL, e.g. "/api/beike/ershoufang/detail/v1". */
  path: string;
  /** Raw (unencoded) values; the transport encodes each exactly once. */
  query: Record<string, string>;
  /** A listing id or similar for logs; never a secret. */
  id?: string;
}

export interface UpstreamResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export type Verdict<T> = { ok: true; value: T } | { ok: false; error: UpstreamError };

/** Provider-specific: turns one HTTP answer into a value or a classified failure. */
export type Judge<T> = (response: UpstreamResponse) => Verdict<T>;
