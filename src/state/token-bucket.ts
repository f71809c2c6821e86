export type Reservation = { granted: true; waitMs: number } | { granted: false; waitMs: number };

/**
 * A token bucket that hands out future tokens: the balance may go negative, and each reservation
 * waits until its own token has been refilled. Reservations are thus served in the order they
 * were made (FIFO) and the long-run rate never exceeds `perSecond`, whatever the concurrency.
 * Time is passed in (monotonic milliseconds) so the arithmetic is testable without timers.
 */
export class TokenBucket {
  readonly perSecond: number;
  readonly burst: number;
  #tokens: number;
  #lastMs: number;

  constructor(perSecond: number, burst: number, nowMs: number) {
    if (!(perSecond > 0)) throw new RangeError('rate.perSecond must be > 0');
    if (!(burst >= 1)) throw new RangeError('rate.burst must be >= 1');
    this.perSecond = perSecond;
    this.burst = burst;
    this.#tokens = burst;
    this.#lastMs = nowMs;
  }

  /** Takes the next token unless waiting for it would exceed `maxWaitMs` (then nothing is taken). */
  reserve(nowMs: number, maxWaitMs = Number.POSITIVE_INFINITY): Reservation {
    this.#refill(nowMs);
    const waitMs = this.#tokens >= 1 ? 0 : ((1 - this.#tokens) / this.perSecond) * 1000;
    if (waitMs > maxWaitMs) return { granted: false, waitMs };
    this.#tokens -= 1;
    return { granted: true, waitMs };
  }

  /** Gives back a reserved token that was not used for a call (the caller gave up waiting). */
  refund(nowMs: number): void {
    this.#refill(nowMs);
    this.#tokens = Math.min(this.burst, this.#tokens + 1);
  }

  #refill(nowMs: number): void {
    const elapsed = Math.max(0, nowMs - this.#lastMs);
    this.#tokens = Math.min(this.burst, this.#tokens + (elapsed / 1000) * this.perSecond);
    this.#lastMs = Math.max(this.#lastMs, nowMs);
  }
}
