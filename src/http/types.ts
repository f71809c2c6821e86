import type { Logger } from 'pino';
import type { ProviderName } from '../domain/listing.js';
import type { SharedState } from '../state/index.js';
import type { UpstreamError, UpstreamErrorCode } from './errors.js';

/** What a provider adapter hands the transport, and what it gets back. */

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

export interface TransportOptions {
  provider: ProviderName;
  /** May carry a path prefix: http://127.0.0.1:4001/prefix */
  baseUrl: string;
  /** Credentials to scrub from anything leaving the transport. */
  secrets: readonly string[];
  /** Per attempt, covering connect, headers and the whole body. */
  timeoutMs: number;
  /** Overall, across waiting for a token, attempts and backoff. */
  deadlineMs: number;
  /** A larger body fails with UPSTREAM_BAD_RESPONSE (not retried) and drops the connection. */
  maxBodyBytes: number;
  retry: { maxAttempts: number; baseDelayMs: number; maxDelayMs: number };
  rate: { perSecond: number; burst: number };
  /** Attempts per calendar day in China time (UTC+8); null = unlimited. */
  dailyBudget: number | null;
  /**
   * Each client's share of the daily budget: `payer` names the client a call is made for (null:
   * nobody's, e.g. a warm-up), `fraction` is how much of the budget one client may spend.
   */
  dailyShare?: { fraction: number; payer: () => string | null };
  /**
   * An extra allowance for the work under way (a watch run: its own cap and the watch runs' share
   * of the budget), read once per request; each attempt must take one unit of it first.
   */
  allowance?: () => AttemptAllowance | null;
  circuit: { failureThreshold: number; openMs: number };
  /**
   * Where pacing, the budgets and the circuit are kept: this process (default, one of each per
   * transport) or Redis, shared by every replica (REDIS_URL).
   */
  state?: SharedState;
  /** Size of the one keep-alive undici Pool of this transport. */
  connections: number;
  logger: Logger;
  /** Called once per attempt, including attempts refused before any call was made (`sent: false`). */
  onEvent?: (event: UpstreamEvent) => void;
  /** Injectable for deterministic jitter in tests. */
  random?: () => number;
  /** Wall clock for the daily budget and the circuit breaker (pacing and deadlines use a monotonic clock). */
  now?: () => number;
}

/** Units of an allowance are taken per attempt and given back when the attempt is not sent. */
export interface AttemptAllowance {
  take(provider: ProviderName): Promise<boolean>;
  giveBack(provider: ProviderName): void;
  /** Why `take` refused, for the error: e.g. "the watch runs' share of the daily budget is spent". */
  readonly refusal: string;
}

export interface UpstreamEvent {
  provider: ProviderName;
  endpoint: string;
  /** Of this attempt. */
  outcome: 'ok' | UpstreamErrorCode;
  attempt: number;
  willRetry: boolean;
  durationMs: number;
  httpStatus?: number;
  /** False when the attempt was refused locally (circuit open, budget spent, no rate slot, aborted). */
  sent: boolean;
}
