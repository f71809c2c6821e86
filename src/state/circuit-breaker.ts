export type CircuitStatus = 'closed' | 'open' | 'half_open';

/** What a caller holds while its call is out: a probe's outcome decides the state, others count. */
export type CircuitPermit = 'normal' | 'probe';

export interface CircuitOptions {
  failureThreshold: number;
  openMs: number;
}

/**
 * Counts consecutive "upstream unavailable" outcomes; at the threshold it opens and rejects calls
 * for `openMs`, then lets exactly one probe through. Answers from calls that started before the
 * circuit opened are ignored while it is open, so a late straggler cannot close it.
 */
export class CircuitBreaker {
  readonly #options: CircuitOptions;
  #state: CircuitStatus = 'closed';
  #failures = 0;
  #openedAtMs = 0;

  constructor(options: CircuitOptions) {
    if (!(options.failureThreshold >= 1)) throw new RangeError('circuit.failureThreshold must be >= 1');
    if (!(options.openMs >= 0)) throw new RangeError('circuit.openMs must be >= 0');
    this.#options = options;
  }

  /** 'open' lasts until a probe is actually let through, even once `openMs` has passed. */
  get state(): CircuitStatus {
    return this.#state;
  }

  /** Would a call be rejected now? (No state change; for failing fast before waiting on anything.) */
  rejects(nowMs: number): boolean {
    if (this.#state === 'closed') return false;
    if (this.#state === 'half_open') return true;
    return nowMs - this.#openedAtMs < this.#options.openMs;
  }

  /** Milliseconds until a probe may go out (0 when one may go now or the circuit is closed). */
  retryAfterMs(nowMs: number): number {
    if (this.#state === 'closed') return 0;
    // While a probe is out, the earliest next chance is after it fails and a full open period passes.
    if (this.#state === 'half_open') return this.#options.openMs;
    return Math.max(0, this.#openedAtMs + this.#options.openMs - nowMs);
  }

  tryAcquire(nowMs: number): CircuitPermit | null {
    if (this.#state === 'closed') return 'normal';
    if (this.rejects(nowMs)) return null;
    this.#state = 'half_open';
    return 'probe';
  }

  /** The upstream answered (anything but "unavailable"): it is reachable again. */
  recordSuccess(permit: CircuitPermit): void {
    if (permit === 'probe' || this.#state === 'closed') {
      this.#state = 'closed';
      this.#failures = 0;
    }
  }

  recordFailure(permit: CircuitPermit, nowMs: number): void {
    if (permit === 'probe') {
      this.#open(nowMs);
      return;
    }
    if (this.#state !== 'closed') return;
    this.#failures += 1;
    if (this.#failures >= this.#options.failureThreshold) this.#open(nowMs);
  }

  /** The call was given up without an outcome (caller aborted, no budget): let the next one probe. */
  release(permit: CircuitPermit): void {
    if (permit === 'probe' && this.#state === 'half_open') this.#state = 'open';
  }

  #open(nowMs: number): void {
    this.#state = 'open';
    this.#openedAtMs = nowMs;
    this.#failures = 0;
  }
}
