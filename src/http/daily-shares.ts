import { LRUCache } from 'lru-cache';
import { chinaDayNumber } from './daily-budget.js';

/**
 * Where each client's spending of one provider's daily budget is counted. This one is in memory
 * (one replica); a shared store (Redis, the replicas issue) implements the same two calls with
 * the China-time day in its key.
 */
export interface ShareCounter {
  /** Adds one to `client`'s count for `day` unless it has reached `limit`; says whether it did. */
  tryTake(client: string, day: number, limit: number): boolean;
  /** Gives back one taken for `day` (the call was not made after all). */
  giveBack(client: string, day: number): void;
}

export class MemoryShareCounter implements ShareCounter {
  /** Bounded like the anonymous clients themselves, so a flood of addresses cannot grow memory. */
  readonly #counts = new LRUCache<string, number>({ max: 100_000 });

  tryTake(client: string, day: number, limit: number): boolean {
    const key = `${day}:${client}`;
    const used = this.#counts.get(key) ?? 0;
    if (used >= limit) return false;
    this.#counts.set(key, used + 1);
    return true;
  }

  giveBack(client: string, day: number): void {
    const key = `${day}:${client}`;
    const used = this.#counts.get(key) ?? 0;
    if (used > 0) this.#counts.set(key, used - 1);
  }
}

/**
 * One client may spend at most `fraction` of a provider's daily budget (at least one call), so
 * a single key looping at full speed always leaves the rest to the others.
 */
export class DailyShares {
  readonly perClient: number;

  constructor(
    readonly fraction: number,
    dailyBudget: number,
    private readonly counter: ShareCounter = new MemoryShareCounter(),
  ) {
    if (!(fraction > 0 && fraction <= 1)) throw new RangeError('daily share must be in (0, 1]');
    this.perClient = Math.max(1, Math.floor(dailyBudget * fraction));
  }

  tryTake(client: string, nowMs: number): boolean {
    return this.counter.tryTake(client, chinaDayNumber(nowMs), this.perClient);
  }

  giveBack(client: string, nowMs: number): void {
    this.counter.giveBack(client, chinaDayNumber(nowMs));
  }
}
