/**
 * The one place upstream HTTP calls are made. Provider adapters hand in a request and a Judge that
 * classifies the answer; everything else that the paid, rate-limited, slow and flaky providers
 * need is absorbed here: admission (pacing, daily budget and shares, circuit breaker), timeouts,
 * bounded bodies, retries with backoff, and keeping credentials out of errors and logs.
 */
import { Pool } from 'undici';
import type { CircuitStatus } from '../state/index.js';
import { Admission, type Pass } from './admission.js';
import { retryDelayMs } from './backoff.js';
import type { UpstreamError } from './errors.js';
import { TransportFailures } from './failures.js';
import { BodyTooLargeError, readBodyLimited } from './read-body.js';
import { redact } from './redact.js';
import { sleep } from './sleep.js';
import type {
  AttemptAllowance,
  Judge,
  TransportOptions,
  UpstreamRequest,
  UpstreamResponse,
  Verdict,
} from './types.js';

export type { CircuitStatus } from '../state/index.js';
export type {
  AttemptAllowance,
  Judge,
  TransportOptions,
  UpstreamEvent,
  UpstreamRequest,
  UpstreamResponse,
  Verdict,
} from './types.js';

type AttemptResult<T> =
  | { ok: true; value: T; sent: true; httpStatus: number }
  | {
      ok: false;
      error: UpstreamError;
      sent: boolean;
      httpStatus?: number;
      /** Why the transport itself failed (undici error code), for the debug log only. */
      failureCode?: string;
    };

export class UpstreamTransport {
  readonly #options: TransportOptions;
  readonly #pool: Pool;
  readonly #pathPrefix: string;
  readonly #admission: Admission;
  readonly #failures: TransportFailures;
  readonly #random: () => number;
  #closed = false;

  constructor(options: TransportOptions) {
    for (const key of ['timeoutMs', 'deadlineMs', 'maxBodyBytes', 'connections'] as const) {
      if (!(options[key] > 0)) throw new RangeError(`${key} must be > 0`);
    }
    if (!(options.retry.maxAttempts >= 1)) throw new RangeError('retry.maxAttempts must be >= 1');
    this.#options = options;
    const now = options.now ?? Date.now;
    this.#random = options.random ?? Math.random;
    this.#failures = new TransportFailures(options.provider, now);
    this.#admission = new Admission(options, this.#failures, now);
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
  }

  get circuitState(): CircuitStatus {
    return this.#admission.circuitState;
  }

  get budgetRemaining(): number | null {
    return this.#admission.budgetRemaining;
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
    const allowance = this.#options.allowance?.() ?? null;
    let sentCount = 0;
    for (let attempt = 1; ; attempt++) {
      const startedAt = performance.now();
      const result = await this.#attempt({ ...req, path }, judge, deadlineAt, signal, payer, allowance);
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
        const wait = retryDelayMs(attempt, retry, this.#random(), error.retryAfterSeconds);
        if (performance.now() + wait < deadlineAt) delayMs = wait;
      }
      this.#report(req, attempt, durationMs, result, delayMs !== undefined);
      if (delayMs === undefined) throw error;
      if (!(await sleep(delayMs, signal))) {
        const aborted = this.#failures.aborted(req.endpoint);
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
      const error = this.#failures.unbuildable(req.endpoint);
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
    allowance: AttemptAllowance | null,
  ): Promise<AttemptResult<T>> {
    const admitted = await this.#admission.admit(
      req.endpoint,
      deadlineAt,
      signal,
      payer,
      () => this.#closed,
      allowance,
    );
    if (!admitted.ok) return { ok: false, error: admitted.error, sent: false };
    return this.#send(req, judge, admitted.pass, admitted.timeoutMs, signal);
  }

  async #send<T>(
    req: UpstreamRequest,
    judge: Judge<T>,
    pass: Pass,
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
        await this.#admission.reached(pass);
        return {
          ok: false,
          sent: true,
          httpStatus: answer.statusCode,
          error: this.#failures.tooLarge(req.endpoint, this.#options.maxBodyBytes, answer.statusCode),
        };
      }
    } catch (error) {
      if (abortedBy === 'caller') {
        await this.#admission.release(pass);
        return { ok: false, sent: true, error: this.#failures.aborted(req.endpoint) };
      }
      await this.#admission.failed(pass);
      const failureCode = errorCode(error);
      const timedOut = abortedBy === 'timeout' || (failureCode?.includes('TIMEOUT') ?? false);
      return {
        ok: false,
        sent: true,
        error: timedOut
          ? this.#failures.timedOut(req.endpoint, timeoutMs)
          : this.#failures.connectionFailed(req.endpoint, failureCode),
        ...(failureCode ? { failureCode } : {}),
      };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onCallerAbort);
    }

    const verdict = this.#judge(judge, response, req);
    if (verdict.ok) {
      await this.#admission.reached(pass);
      return { ok: true, value: verdict.value, sent: true, httpStatus: response.status };
    }
    if (verdict.error.code === 'UPSTREAM_UNAVAILABLE') await this.#admission.failed(pass);
    else await this.#admission.reached(pass);
    return { ok: false, sent: true, httpStatus: response.status, error: verdict.error };
  }

  #judge<T>(judge: Judge<T>, response: UpstreamResponse, req: UpstreamRequest): Verdict<T> {
    let verdict: Verdict<T>;
    try {
      verdict = judge(response);
    } catch {
      // A throwing judge is a bug in an adapter; its error text may quote the body, so it is dropped.
      return { ok: false, error: this.#failures.unjudgeable(req.endpoint, response.status) };
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
