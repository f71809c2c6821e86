import type { ProviderName } from '../domain/listing.js';

/**
 * The one failure taxonomy: the transport raises it for what happens on the wire, the providers'
 * judges for what an answer says, and every layer above sees nothing else. The codes are a public
 * contract: they reach clients as `extensions.code`.
 */
export const UPSTREAM_ERROR_CODES = [
  'UPSTREAM_AUTH_FAILED',
  'UPSTREAM_RATE_LIMITED',
  'UPSTREAM_QUOTA_EXHAUSTED',
  'UPSTREAM_UNAVAILABLE',
  'UPSTREAM_BAD_RESPONSE',
  /** The provider rejected our parameters (Beike 400, Fang 400): a bug on our side, never retried. */
  'UPSTREAM_BAD_REQUEST',
] as const;
export type UpstreamErrorCode = (typeof UPSTREAM_ERROR_CODES)[number];

export interface UpstreamErrorDetails {
  provider: ProviderName;
  /** Whether the same call may succeed if tried again later. */
  retryable: boolean;
  /** The provider's own code (Beike business code, Fang error code) or HTTP status. */
  upstreamCode?: string | number;
  httpStatus?: number;
  /** Attempts made before giving up (1 when not retried). */
  attempts?: number;
  /** Seconds after which trying again makes sense, when known. */
  retryAfterSeconds?: number;
}

/**
 * Messages are written by us, never copied from a URL or an undici error, so they cannot carry a
 * credential.
 */
export class UpstreamError extends Error {
  override readonly name = 'UpstreamError';
  readonly code: UpstreamErrorCode;
  readonly provider: ProviderName;
  readonly retryable: boolean;
  readonly upstreamCode: string | number | undefined;
  readonly httpStatus: number | undefined;
  attempts: number;
  readonly retryAfterSeconds: number | undefined;

  constructor(code: UpstreamErrorCode, message: string, details: UpstreamErrorDetails) {
    super(message);
    this.code = code;
    this.provider = details.provider;
    this.retryable = details.retryable;
    this.upstreamCode = details.upstreamCode;
    this.httpStatus = details.httpStatus;
    this.attempts = details.attempts ?? 1;
    this.retryAfterSeconds = details.retryAfterSeconds;
  }
}

export function isUpstreamError(error: unknown): error is UpstreamError {
  return error instanceof UpstreamError;
}
