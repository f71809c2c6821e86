import { chinaDayNumber, DailyBudget } from './china-day.js';
import type { RedisConnection } from './redis-connection.js';

/** Proof of one spent call: a refund goes back to the day and the place it was taken from. */
export interface BudgetTicket {
  readonly day: number;
}

/**
 * Provider calls allowed per China calendar day (UTC+8), never more, whatever the concurrency.
 * A call proven not to have gone out (refused before sending, aborted before the request was
 * written) is refunded with its ticket.
 */
export interface SharedDailyBudget {
  readonly limit: number;
  /** Calls left today as this process last saw them (for /ready and metrics; costs no call). */
  remaining(): number;
  tryConsume(): Promise<BudgetTicket | null>;
  refund(ticket: BudgetTicket): Promise<void>;
}

export interface DailyBudgetOptions {
  /** A bounded name: the provider. */
  name: string;
  limit: number;
  now?: () => number;
}

/** One process: a counter per China day. */
export class MemoryDailyBudget implements SharedDailyBudget {
  readonly limit: number;
  readonly #budget: DailyBudget;
  readonly #now: () => number;
  #refunds = { day: Number.NaN, count: 0 };

  constructor(options: DailyBudgetOptions) {
    this.limit = options.limit;
    this.#budget = new DailyBudget(options.limit);
    this.#now = options.now ?? Date.now;
  }

  remaining(): number {
    const now = this.#now();
    const refunded = this.#refunds.day === chinaDayNumber(now) ? this.#refunds.count : 0;
    return this.#budget.remaining(now) + refunded;
  }

  async tryConsume(): Promise<BudgetTicket | null> {
    const now = this.#now();
    const day = chinaDayNumber(now);
    if (this.#refunds.day === day && this.#refunds.count > 0) {
      this.#refunds.count -= 1;
      return { day };
    }
    return this.#budget.tryConsume(now) ? { day } : null;
  }

  async refund(ticket: BudgetTicket): Promise<void> {
    const day = chinaDayNumber(this.#now());
    if (ticket.day !== day) return;
    if (this.#refunds.day !== day) this.#refunds = { day, count: 0 };
    this.#refunds.count += 1;
  }
}

// Check and count in one step: a refused call takes nothing. ARGV: limit, amount (+1 or -1), ttl ms.
export const DAY_COUNT = `
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
if ARGV[2] == '-1' then
  if used > 0 then return {1, redis.call('DECR', KEYS[1])} end
  return {1, 0}
end
if used + 1 > tonumber(ARGV[1]) then return {0, used} end
used = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return {1, used}
`;

/** A day's counter outlives the day by one: a late refund still finds it. */
export const DAY_COUNT_TTL_MS = 2 * 24 * 60 * 60 * 1000;

/**
 * Several replicas: one counter per provider and China date in Redis, checked and incremented
 * atomically. When Redis cannot answer, a local day budget of `fallbackShare x limit` takes over
 * for this replica, so a day spends at most limit + N x share x limit (N replicas).
 */
export class RedisDailyBudget implements SharedDailyBudget {
  readonly limit: number;
  readonly #redis: RedisConnection;
  readonly #name: string;
  readonly #now: () => number;
  readonly #local: MemoryDailyBudget;
  readonly #localTickets = new WeakSet<BudgetTicket>();
  #seen = { day: Number.NaN, used: 0 };

  constructor(redis: RedisConnection, options: DailyBudgetOptions) {
    this.limit = options.limit;
    this.#redis = redis;
    this.#name = options.name;
    this.#now = options.now ?? Date.now;
    this.#local = new MemoryDailyBudget({
      ...options,
      limit: Math.floor(options.limit * redis.fallbackShare),
    });
  }

  async tryConsume(): Promise<BudgetTicket | null> {
    const day = chinaDayNumber(this.#now());
    const result = await this.#run(day, 1);
    if (!result.ok) {
      const ticket = await this.#local.tryConsume();
      if (ticket) this.#localTickets.add(ticket);
      return ticket;
    }
    this.#seen = { day, used: result.value[1] };
    return result.value[0] === 1 ? { day } : null;
  }

  remaining(): number {
    const day = chinaDayNumber(this.#now());
    return this.#seen.day === day ? Math.max(0, this.limit - this.#seen.used) : this.limit;
  }

  async refund(ticket: BudgetTicket): Promise<void> {
    if (this.#localTickets.has(ticket)) return this.#local.refund(ticket);
    // A refund lost to a Redis failure leaves the count higher: stricter, never looser.
    const result = await this.#run(ticket.day, -1);
    if (result.ok && this.#seen.day === ticket.day) this.#seen = { day: ticket.day, used: result.value[1] };
  }

  #run(day: number, amount: 1 | -1) {
    const key = this.#redis.key('budget', this.#name, chinaDate(day));
    return this.#redis.attempt(
      'budget',
      (client) =>
        client.eval(DAY_COUNT, 1, key, this.limit, amount, DAY_COUNT_TTL_MS) as Promise<[number, number]>,
    );
  }
}

/** The China calendar date of a day number, e.g. 2026-12-01: readable keys for operators. */
export function chinaDate(day: number): string {
  return new Date(day * 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
}
