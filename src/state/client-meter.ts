import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { RedisConnection } from './redis-connection.js';

export type MeterResult = { ok: true } | { ok: false; retryAfterSeconds: number };

/**
 * A per-client allowance per minute (requests, or cost in upstream calls). A refused take takes
 * nothing, so a client asking for more than it has left can still spend what it has.
 */
export interface ClientMeter {
  readonly perMinute: number;
  take(client: string, amount: number): Promise<MeterResult>;
  /**
   * Adds `amount` to what the client spent this minute (negative: gives it back), never refused:
   * what a request really cost, known once it ran. It may overdraw the minute.
   */
  adjust(client: string, amount: number): Promise<void>;
}

export interface ClientMeterOptions {
  /** A bounded name: what is counted ("requests", "cost"). */
  name: string;
  perMinute: number;
}

type Limiter = RateLimiterMemory | RateLimiterRedis;

async function takeFrom(limiter: Limiter, client: string, amount: number): Promise<MeterResult> {
  if (amount <= 0) return { ok: true };
  try {
    await limiter.consume(client, amount);
    return { ok: true };
  } catch (rejection) {
    if (!(rejection instanceof RateLimiterRes)) return { ok: true };
    // The library counts a refused consume too; give it back so a refusal costs nothing.
    await limiter.reward(client, amount).catch(() => undefined);
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) };
  }
}

async function adjustOn(limiter: Limiter, client: string, amount: number): Promise<void> {
  if (amount > 0) await limiter.penalty(client, amount).catch(() => undefined);
  else if (amount < 0) await limiter.reward(client, -amount).catch(() => undefined);
}

/** One process: the same fixed one-minute windows as the Redis meter, kept in memory. */
export class MemoryClientMeter implements ClientMeter {
  readonly perMinute: number;
  readonly #limiter: RateLimiterMemory;

  constructor(options: ClientMeterOptions) {
    this.perMinute = options.perMinute;
    this.#limiter = new RateLimiterMemory({ points: options.perMinute, duration: 60 });
  }

  take(client: string, amount: number): Promise<MeterResult> {
    return takeFrom(this.#limiter, client, amount);
  }

  adjust(client: string, amount: number): Promise<void> {
    return adjustOn(this.#limiter, client, amount);
  }
}

/** The library's insurance limiter, counted, so that metrics show how often it stood in. */
class CountedInsurance extends RateLimiterMemory {
  constructor(points: number, onUse: () => void) {
    super({ points, duration: 60 });
    const consume = this.consume.bind(this);
    this.consume = (key, points, options) => {
      onUse();
      return consume(key, points, options);
    };
  }
}

/**
 * Several replicas: rate-limiter-flexible's atomic Redis counter per client and minute. While
 * Redis cannot answer, its insurance limiter grants each replica `fallbackShare` of the
 * allowance, so a client gets at most perMinute + N x share x perMinute across N replicas.
 */
export class RedisClientMeter implements ClientMeter {
  readonly perMinute: number;
  readonly #limiter: RateLimiterRedis;

  constructor(redis: RedisConnection, options: ClientMeterOptions) {
    this.perMinute = options.perMinute;
    this.#limiter = new RateLimiterRedis({
      storeClient: redis.client,
      keyPrefix: redis.key('clients', options.name, String(options.perMinute)),
      points: options.perMinute,
      duration: 60,
      // Fail over at once while disconnected rather than queueing behind a reconnection.
      rejectIfRedisNotReady: true,
      insuranceLimiter: new CountedInsurance(
        Math.max(1, Math.floor(options.perMinute * redis.fallbackShare)),
        () => redis.countFallback('clients'),
      ),
    });
  }

  take(client: string, amount: number): Promise<MeterResult> {
    return takeFrom(this.#limiter, client, amount);
  }

  adjust(client: string, amount: number): Promise<void> {
    return adjustOn(this.#limiter, client, amount);
  }
}
