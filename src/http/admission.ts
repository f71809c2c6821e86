import { CircuitBreaker, type CircuitPermit, type CircuitState } from './circuit-breaker.js';
import { DailyBudget } from './daily-budget.js';
import { DailyShares } from './daily-shares.js';
import type { UpstreamError } from './errors.js';
import type { TransportFailures } from './failures.js';
import { sleep } from './sleep.js';
import { TokenBucket } from './token-bucket.js';
import type { AttemptAllowance, TransportOptions } from './types.js';

export type Admitted =
  | { ok: true; permit: CircuitPermit; timeoutMs: number }
  | { ok: false; error: UpstreamError };

/**
 * Whether an attempt may be sent now: the circuit, the daily budget and each client's share of
 * it, and pacing. What an attempt took and did not use (a rate slot, a client's unit, a circuit
 * probe) is given back when it is refused further on: only calls made are counted.
 */
export class Admission {
  readonly #bucket: TokenBucket;
  readonly #budget: DailyBudget | null;
  readonly #shares: DailyShares | null;
  readonly #circuit: CircuitBreaker;

  constructor(
    private readonly options: Pick<
      TransportOptions,
      'rate' | 'dailyBudget' | 'dailyShare' | 'circuit' | 'timeoutMs'
    >,
    private readonly failures: TransportFailures,
    private readonly now: () => number,
  ) {
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
    return this.#budget?.remaining(this.now()) ?? null;
  }

  /** Waits for a rate slot when one comes before the deadline; `closed` is asked again after the wait. */
  async admit(
    endpoint: string,
    deadlineAt: number,
    signal: AbortSignal | undefined,
    payer: string | null,
    closed: () => boolean,
    allowance: AttemptAllowance | null = null,
  ): Promise<Admitted> {
    const refused = (error: UpstreamError): Admitted => ({ ok: false, error });
    const { failures } = this;
    if (closed()) return refused(failures.closed(endpoint));
    if (signal?.aborted) return refused(failures.aborted(endpoint));

    // Fail fast before queueing for a rate slot that would be wasted anyway.
    if (this.#circuit.rejects(this.now())) return refused(this.#circuitOpen(endpoint));
    if (this.#budget && this.#budget.remaining(this.now()) <= 0) return refused(this.#budgetSpent());
    if (payer !== null && this.#shares && !this.#shares.tryTake(payer, this.now())) {
      return refused(failures.shareSpent(this.#shares.perClient, this.#shares.fraction));
    }
    if (allowance && !(await allowance.take(this.failures.provider))) {
      if (payer !== null) this.#shares?.giveBack(payer, this.now());
      return refused(failures.allowanceSpent(allowance.refusal));
    }
    const undo = (error: UpstreamError): Admitted => {
      if (payer !== null) this.#shares?.giveBack(payer, this.now());
      allowance?.giveBack(this.failures.provider);
      return refused(error);
    };

    const reservation = this.#bucket.reserve(performance.now(), deadlineAt - performance.now());
    if (!reservation.granted) return undo(failures.noRateSlot(endpoint, reservation.waitMs));
    if (reservation.waitMs > 0 && !(await sleep(reservation.waitMs, signal))) {
      this.#bucket.refund(performance.now());
      return undo(failures.aborted(endpoint));
    }

    const timeoutMs = Math.min(this.options.timeoutMs, deadlineAt - performance.now());
    if (closed() || timeoutMs <= 0) {
      this.#bucket.refund(performance.now());
      return undo(closed() ? failures.closed(endpoint) : failures.outOfTime(endpoint));
    }
    // Re-checked after the wait: another caller's probe or last budget unit may have gone meanwhile.
    const permit = this.#circuit.tryAcquire(this.now());
    if (permit === null) {
      this.#bucket.refund(performance.now());
      return undo(this.#circuitOpen(endpoint));
    }
    if (this.#budget && !this.#budget.tryConsume(this.now())) {
      this.#bucket.refund(performance.now());
      this.#circuit.release(permit);
      return undo(this.#budgetSpent());
    }
    return { ok: true, permit, timeoutMs };
  }

  /** The provider answered (whatever it said): the circuit counts it as reachable. */
  reached(permit: CircuitPermit): void {
    this.#circuit.recordSuccess(permit);
  }

  /** The provider could not be reached, or said it is unavailable. */
  failed(permit: CircuitPermit): void {
    this.#circuit.recordFailure(permit, this.now());
  }

  /** The caller gave up: the attempt says nothing about the provider. */
  release(permit: CircuitPermit): void {
    this.#circuit.release(permit);
  }

  #circuitOpen(endpoint: string): UpstreamError {
    return this.failures.circuitOpen(endpoint, this.#circuit.retryAfterMs(this.now()));
  }

  #budgetSpent(): UpstreamError {
    return this.failures.budgetSpent(this.#budget?.limit ?? 0);
  }
}
