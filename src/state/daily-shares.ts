import { growingLru } from '../domain/growing-lru.js';
import { chinaDayNumber } from './china-day.js';
import { chinaDate, DAY_COUNT, DAY_COUNT_TTL_MS } from './daily-budget.js';
import type { RedisConnection } from './redis-connection.js';

/** One unit of a client's share, taken: a give-back returns it to the day and the place it came from. */
export interface ShareTicket {
  readonly client: string;
  readonly day: number;
}

/**
 * One client may spend at most `fraction` of a provider's daily budget (at least one call) per
 * China day, so a single key looping at full speed always leaves the rest to the others.
 */
export interface SharedDailyShares {
  readonly fraction: number;
  readonly perClient: number;
  tryTake(client: string): Promise<ShareTicket | null>;
  giveBack(ticket: ShareTicket): Promise<void>;
}

export interface DailySharesOptions {
  /** A bounded name: the provider. */
  name: string;
  fraction: number;
  dailyBudget: number;
  now?: () => number;
}

export function sharePerClient(fraction: number, dailyBudget: number): number {
  if (!(fraction > 0 && fraction <= 1)) throw new RangeError('daily share must be in (0, 1]');
  return Math.max(1, Math.floor(dailyBudget * fraction));
}

/** One process: a count per client and China day. */
export class MemoryDailyShares implements SharedDailyShares {
  readonly fraction: number;
  readonly perClient: number;
  readonly #now: () => number;
  /** Bounded like the anonymous clients themselves, so a flood of addresses cannot grow memory. */
  readonly #counts = growingLru<string, number>(100_000);

  constructor(
    options: DailySharesOptions,
    perClient = sharePerClient(options.fraction, options.dailyBudget),
  ) {
    this.fraction = options.fraction;
    this.perClient = perClient;
    this.#now = options.now ?? Date.now;
  }

  async tryTake(client: string): Promise<ShareTicket | null> {
    const day = chinaDayNumber(this.#now());
    const key = `${day}:${client}`;
    const used = this.#counts.get(key) ?? 0;
    if (used >= this.perClient) return null;
    this.#counts.set(key, used + 1);
    return { client, day };
  }

  async giveBack(ticket: ShareTicket): Promise<void> {
    const key = `${ticket.day}:${ticket.client}`;
    const used = this.#counts.get(key) ?? 0;
    if (used > 0) this.#counts.set(key, used - 1);
  }
}

/**
 * Several replicas: one atomic counter per provider, China date and client. While Redis cannot
 * answer, each replica allows a client `fallbackShare` of its share (at least one call) locally.
 */
export class RedisDailyShares implements SharedDailyShares {
  readonly fraction: number;
  readonly perClient: number;
  readonly #redis: RedisConnection;
  readonly #name: string;
  readonly #now: () => number;
  readonly #local: MemoryDailyShares;
  readonly #localTickets = new WeakSet<ShareTicket>();

  constructor(redis: RedisConnection, options: DailySharesOptions) {
    this.fraction = options.fraction;
    this.perClient = sharePerClient(options.fraction, options.dailyBudget);
    this.#redis = redis;
    this.#name = options.name;
    this.#now = options.now ?? Date.now;
    this.#local = new MemoryDailyShares(
      options,
      Math.max(1, Math.floor(this.perClient * redis.fallbackShare)),
    );
  }

  async tryTake(client: string): Promise<ShareTicket | null> {
    const day = chinaDayNumber(this.#now());
    const result = await this.#run(client, day, 1);
    if (!result.ok) {
      const ticket = await this.#local.tryTake(client);
      if (ticket) this.#localTickets.add(ticket);
      return ticket;
    }
    return result.value[0] === 1 ? { client, day } : null;
  }

  async giveBack(ticket: ShareTicket): Promise<void> {
    if (this.#localTickets.has(ticket)) return this.#local.giveBack(ticket);
    await this.#run(ticket.client, ticket.day, -1);
  }

  #run(client: string, day: number, amount: 1 | -1) {
    const key = this.#redis.key('share', this.#name, chinaDate(day), client);
    return this.#redis.attempt(
      'budget',
      (c) => c.eval(DAY_COUNT, 1, key, this.perClient, amount, DAY_COUNT_TTL_MS) as Promise<[number, number]>,
    );
  }
}
