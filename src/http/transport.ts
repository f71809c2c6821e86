/**
 * The one place upstream HTTP calls are made. Provider adapters hand in a request and a Judge that
 * classifies the answer; everything else that the paid, rate-limited, slow and flaky providers
 * need is absorbed here: pacing, daily budget, circuit breaker, timeouts, bounded bodies, retries
 * with backoff, and keeping credentials out of errors and logs.
 */
import type { Logger } from 'pino';
import { Pool } from 'undici';
import type { ProviderName } from '../domain/listing.js';
import { UpstreamError, type UpstreamErrorCode } from '../providers/errors.js';
import { parseRetryAfterSeconds, retryDelayMs } from './backoff.js';
import { CircuitBreaker, type CircuitPermit, type CircuitState } from './circuit-breaker.js';
import { DailyBudget, msUntilNextChinaMidnight } from './daily-budget.js';
import { DailyShares } from './daily-shares.js';
import { BodyTooLargeError, readBodyLimited } from './read-body.js';
import { redact } from './redact.js';
import { TokenBucket } from './token-bucket.js';

export type { CircuitState } from './circuit-breaker.js';

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
  circuit: { failureThreshold: number; openMs: number };
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

type AttemptResult<T> =
  | { ok: true; value: T; sent: true; httpStatus: number }
  | {
      ok: false;
      error: UpstreamError;
      sent: boolean;
      httpStatus?: number;
      /** From the response's Retry-After header, when the judge did not give its own. */
      headerRetryAfterSeconds?: number;
      /** Why the transport itself failed (undici error code), for the debug log only. */
      failureCode?: string;
    };

const PROVIDER_LABEL: Record<ProviderName, string> = { BEIKE: 'Beike', FANG: 'Fang' };

export class UpstreamTransport {
  readonly #options: TransportOptions;
  readonly #label: string;
  readonly #pool: Pool;
  readonly #pathPrefix: string;
  readonly #bucket: TokenBucket;
  readonly #budget: DailyBudget | null;
  readonly #shares: DailyShares | null;
  readonly #circuit: CircuitBreaker;
  readonly #now: () => number;
  readonly #random: () => number;
  #closed = false;

  constructor(options: TransportOptions) {
    for (const key of ['timeoutMs', 'deadlineMs', 'maxBodyBytes', 'connections'] as const) {
      if (!(options[key] > 0)) throw new RangeError(`${key} must be > 0`);
    }
    if (!(options.retry.maxAttempts >= 1)) throw new RangeError('retry.maxAttempts must be >= 1');
    this.#options = options;
    this.#label = PROVIDER_LABEL[options.provider];
    this.#now = options.now ?? Date.now;
    this.#random = options.random ?? Math.random;
    const base = new URL(options.baseUrl);
    this.#pathPrefix = base.pathname.replace(/\/+$/, '');
    this.#pool = new Pool(base.origin, {
      connections: options.connections,
      // undici's own timers as a second line; the attempt timer below is the one that bounds a
      // trickling body, since bodyTimeout only measures the gap between chunks.
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      connect: { timeout: options.timeoutMs },
    });
    this.#bucket = new TokenBucket(options.rate.perSecond, options.rate.burst, performance.now());
    this.#budget = options.dailyBudget === null ? null : new DailyBudget(options.dailyBudget);
    this.#shares =
      options.dailyBudget === null || !options.dailyShare
        ? null
        : new DailyShares(options.dailyShare.fraction, options.dailyBudget);
    this.#circuit = new CircuitBreaker(options.circuit);
  }

  get circuitState(): CircuitState {
    return this.#circuit.state;
  }

  get budgetRemaining(): number | null {
    return this.#budget?.remaining(this.#now()) ?? null;
  }

  /** Closes the pool once in-flight calls finish; later requests fail without calling. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#pool.close();
  }

  /** Resolves the judge's value, or rejects with an UpstreamError (and nothing else). */
  async request<T>(req: UpstreamRequest, judge: Judge<T>, signal?: AbortSignal): Promise<T> {
    const { retry } = this.#options;
    const deadlineAt = performance.now() + this.#options.deadlineMs;
    const path = this.#build(req);
    const payer = this.#options.dailyShare?.payer() ?? null;
    let sentCount = 0;
    for (let attempt = 1; ; attempt++) {
      const startedAt = performance.now();
      const result = await this.#attempt({ ...req, path }, judge, deadlineAt, signal, payer);
      const durationMs = Math.round(performance.now() - startedAt);
      if (result.sent) sentCount++;

      if (result.ok) {
        this.#report(req, attempt, durationMs, result, false);
        return result.value;
      }

      const { error } = result;
      error.attempts = sentCount;
      let delayMs: number | undefined;
      // Refusals before sending are final: they only recur until the deadline (circuit, budget, pace).
      if (result.sent && error.retryable && attempt < retry.maxAttempts && !signal?.aborted) {
        const retryAfter = error.retryAfterSeconds ?? result.headerRetryAfterSeconds;
        const wait = retryDelayMs(attempt, retry, this.#random(), retryAfter);
        if (performance.now() + wait < deadlineAt) delayMs = wait;
      }
      this.#report(req, attempt, durationMs, result, delayMs !== undefined);
      if (delayMs === undefined) throw error;
      if (!(await sleep(delayMs, signal))) {
        const aborted = this.#abortedError(req);
        aborted.attempts = sentCount;
        throw aborted;
      }
    }
  }

  /**
   * The path and query as sent, built before anything is counted: an error here (a value that
   * cannot be encoded) is a bug on our side, so it is never retried and never reaches the
   * breaker, the budget or the pacing, and is not reported as the provider's failure.
   */
  #build(req: UpstreamRequest): string {
    try {
      return this.#pathPrefix + req.path + encodeQuery(req.query);
    } catch {
      const error = this.#error(
        'UPSTREAM_BAD_REQUEST',
        `${this.#label} request on ${req.endpoint} could not be built; nothing was sent`,
        { retryable: false, attempts: 0 },
      );
      this.#report(req, 1, 0, { ok: false, error, sent: false }, false);
      throw error;
    }
  }

  async #attempt<T>(
    req: UpstreamRequest,
    judge: Judge<T>,
    deadlineAt: number,
    signal: AbortSignal | undefined,
    payer: string | null,
  ): Promise<AttemptResult<T>> {
    const refused = (error: UpstreamError): AttemptResult<T> => ({ ok: false, error, sent: false });
    if (this.#closed) return refused(this.#closedError(req));
    if (signal?.aborted) return refused(this.#abortedError(req));

    // Fail fast before queueing for a rate slot that would be wasted anyway.
    if (this.#circuit.rejects(this.#now())) return refused(this.#circuitOpenError(req));
    if (this.#budget && this.#budget.remaining(this.#now()) <= 0) return refused(this.#quotaError());
    if (payer !== null && this.#shares && !this.#shares.tryTake(payer, this.#now())) {
      return refused(this.#shareError());
    }
    // From here on every refusal gives the client's unit back: only calls made are counted.
    const undo = (error: UpstreamError): AttemptResult<T> => {
      if (payer !== null) this.#shares?.giveBack(payer, this.#now());
      return refused(error);
    };

    const reservation = this.#bucket.reserve(performance.now(), deadlineAt - performance.now());
    if (!reservation.granted) {
      return undo(
        this.#error(
          'UPSTREAM_RATE_LIMITED',
          `${this.#label} call on ${req.endpoint} would wait past its deadline for a rate-limit slot`,
          { retryable: true, retryAfterSeconds: Math.ceil(reservation.waitMs / 1000) },
        ),
      );
    }
    if (reservation.waitMs > 0 && !(await sleep(reservation.waitMs, signal))) {
      this.#bucket.refund(performance.now());
      return undo(this.#abortedError(req));
    }

    const timeoutMs = Math.min(this.#options.timeoutMs, deadlineAt - performance.now());
    if (this.#closed || timeoutMs <= 0) {
      this.#bucket.refund(performance.now());
      return undo(
        this.#closed
          ? this.#closedError(req)
          : this.#error(
              'UPSTREAM_UNAVAILABLE',
              `${this.#label} call on ${req.endpoint} ran out of time before sending`,
              {
                retryable: true,
              },
            ),
      );
    }
    // Re-checked after the wait: another caller's probe or last budget unit may have gone meanwhile.
    const permit = this.#circuit.tryAcquire(this.#now());
    if (permit === null) {
      this.#bucket.refund(performance.now());
      return undo(this.#circuitOpenError(req));
    }
    if (this.#budget && !this.#budget.tryConsume(this.#now())) {
      this.#bucket.refund(performance.now());
      this.#circuit.release(permit);
      return undo(this.#quotaError());
    }
    return this.#send(req, judge, permit, timeoutMs, signal);
  }

  async #send<T>(
    req: UpstreamRequest,
    judge: Judge<T>,
    permit: CircuitPermit,
    timeoutMs: number,
    signal: AbortSignal | undefined,
  ): Promise<AttemptResult<T>> {
    const controller = new AbortController();
    let abortedBy: 'timeout' | 'caller' | undefined;
    const timer = setTimeout(() => {
      abortedBy ??= 'timeout';
      controller.abort();
    }, timeoutMs);
    const onCallerAbort = () => {
      abortedBy ??= 'caller';
      controller.abort();
    };
    signal?.addEventListener('abort', onCallerAbort, { once: true });

    let response: UpstreamResponse;
    try {
      const answer = await this.#pool.request({
        method: 'GET',
        // Built by #build, prefix and query included.
        path: req.path,
        headers: { accept: 'application/json' },
        signal: controller.signal,
      });
      const headers = answer.headers as UpstreamResponse['headers'];
      try {
        const body = await readBodyLimited(
          answer.body,
          this.#options.maxBodyBytes,
          headers['content-length'],
        );
        response = { status: answer.statusCode, headers, body };
      } catch (error) {
        if (!(error instanceof BodyTooLargeError)) throw error;
        // The server answered, so it is reachable: not a circuit failure.
        this.#circuit.recordSuccess(permit);
        return {
          ok: false,
          sent: true,
          httpStatus: answer.statusCode,
          error: this.#error(
            'UPSTREAM_BAD_RESPONSE',
            `${this.#label} answered more than ${this.#options.maxBodyBytes} bytes on ${req.endpoint}`,
            { retryable: false, httpStatus: answer.statusCode },
          ),
        };
      }
    } catch (error) {
      if (abortedBy === 'caller') {
        this.#circuit.release(permit);
        return { ok: false, sent: true, error: this.#abortedError(req) };
      }
      this.#circuit.recordFailure(permit, this.#now());
      const failureCode = errorCode(error);
      const timedOut = abortedBy === 'timeout' || (failureCode?.includes('TIMEOUT') ?? false);
      const message = timedOut
        ? `${this.#label} timed out after ${Math.round(timeoutMs)} ms on ${req.endpoint}`
        : `${this.#label} connection failed on ${req.endpoint}${failureCode ? ` (${failureCode})` : ''}`;
      return {
        ok: false,
        sent: true,
        error: this.#error('UPSTREAM_UNAVAILABLE', message, { retryable: true }),
        ...(failureCode ? { failureCode } : {}),
      };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onCallerAbort);
    }

    const verdict = this.#judge(judge, response, req);
    if (verdict.ok) {
      this.#circuit.recordSuccess(permit);
      return { ok: true, value: verdict.value, sent: true, httpStatus: response.status };
    }
    if (verdict.error.code === 'UPSTREAM_UNAVAILABLE') this.#circuit.recordFailure(permit, this.#now());
    else this.#circuit.recordSuccess(permit);
    const headerRetryAfterSeconds = parseRetryAfterSeconds(response.headers['retry-after'], Date.now());
    return {
      ok: false,
      sent: true,
      httpStatus: response.status,
      error: verdict.error,
      ...(headerRetryAfterSeconds === undefined ? {} : { headerRetryAfterSeconds }),
    };
  }

  #judge<T>(judge: Judge<T>, response: UpstreamResponse, req: UpstreamRequest): Verdict<T> {
    let verdict: Verdict<T>;
    try {
      verdict = judge(response);
    } catch {
      // A throwing judge is a bug in an adapter; its error text may quote the body, so it is dropped.
      return {
        ok: false,
        error: this.#error(
          'UPSTREAM_BAD_RESPONSE',
          `${this.#label} answer on ${req.endpoint} could not be judged`,
          {
            retryable: false,
            httpStatus: response.status,
          },
        ),
      };
    }
    // Defence in depth: adapters write their own messages, but one might quote provider text.
    if (!verdict.ok) {
      const { error } = verdict;
      error.message = redact(error.message, this.#options.secrets);
      if (error.stack) error.stack = redact(error.stack, this.#options.secrets);
    }
    return verdict;
  }

  #report(
    req: UpstreamRequest,
    attempt: number,
    durationMs: number,
    result: AttemptResult<unknown>,
    willRetry: boolean,
  ): void {
    const outcome = result.ok ? 'ok' : result.error.code;
    // Path only: the query string carries the credentials.
    this.#options.logger.debug(
      {
        provider: this.#options.provider,
        endpoint: req.endpoint,
        path: req.path,
        id: req.id,
        status: result.httpStatus,
        durationMs,
        attempt,
        outcome,
        sent: result.sent,
        willRetry,
        ...(!result.ok && result.failureCode ? { failureCode: result.failureCode } : {}),
      },
      'upstream attempt',
    );
    this.#options.onEvent?.({
      provider: this.#options.provider,
      endpoint: req.endpoint,
      outcome,
      attempt,
      willRetry,
      durationMs,
      sent: result.sent,
      ...(result.httpStatus === undefined ? {} : { httpStatus: result.httpStatus }),
    });
  }

  #error(
    code: UpstreamErrorCode,
    message: string,
    details: { retryable: boolean; httpStatus?: number; attempts?: number; retryAfterSeconds?: number },
  ): UpstreamError {
    return new UpstreamError(code, message, { provider: this.#options.provider, ...details });
  }

  #closedError(req: UpstreamRequest): UpstreamError {
    return this.#error(
      'UPSTREAM_UNAVAILABLE',
      `${this.#label} transport is closed; not calling ${req.endpoint}`,
      {
        retryable: false,
      },
    );
  }

  #abortedError(req: UpstreamRequest): UpstreamError {
    return this.#error(
      'UPSTREAM_UNAVAILABLE',
      `${this.#label} call on ${req.endpoint} was aborted by the caller`,
      {
        retryable: true,
      },
    );
  }

  #circuitOpenError(req: UpstreamRequest): UpstreamError {
    const waitMs = this.#circuit.retryAfterMs(this.#now());
    return this.#error(
      'UPSTREAM_UNAVAILABLE',
      `${this.#label} circuit is open after repeated failures; not calling ${req.endpoint}`,
      { retryable: true, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) },
    );
  }

  #shareError(): UpstreamError {
    const shares = this.#shares;
    return this.#error(
      'UPSTREAM_QUOTA_EXHAUSTED',
      `This client's share of ${this.#label}'s daily budget (${shares?.perClient} calls, ${Math.round((shares?.fraction ?? 0) * 100)}%) is spent until midnight China time`,
      { retryable: false, retryAfterSeconds: Math.ceil(msUntilNextChinaMidnight(this.#now()) / 1000) },
    );
  }

  #quotaError(): UpstreamError {
    return this.#error(
      'UPSTREAM_QUOTA_EXHAUSTED',
      `${this.#label} daily budget of ${this.#budget?.limit} calls is spent until midnight China time`,
      { retryable: false, retryAfterSeconds: Math.ceil(msUntilNextChinaMidnight(this.#now()) / 1000) },
    );
  }
}

/** Each raw value encoded exactly once; never logged, since it carries the credentials. */
export function encodeQuery(query: Record<string, string>): string {
  const pairs = Object.entries(query).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
  return pairs.length === 0 ? '' : `?${pairs.join('&')}`;
}

/** Only undici/Node error codes (identifiers like ECONNRESET) are kept; their messages are not. */
function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[A-Z0-9_]{2,40}$/.test(code) ? code : undefined;
}

/** Resolves true after `ms`, or false as soon as `signal` aborts; the timer never outlives it. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
