import type { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import { redisClient } from './ioredis.js';

/** What the configuration gives the connection (README, Configuration: REDIS_*). */
export interface RedisSettings {
  /** A secret: it may hold a password. Never log it. */
  url: string;
  keyPrefix: string;
  /** Every Redis call gives up after this long; the caller then uses its local fallback. */
  commandTimeoutMs: number;
  /** While Redis cannot answer, each replica allows itself this fraction of each shared limit. */
  fallbackShare: number;
}

/** The concerns that fall back to a local limiter or a miss; a bounded metric label. */
export type StateConcern = 'pacer' | 'budget' | 'clients' | 'circuit' | 'cache' | 'lock';

export type RedisStatus = { state: 'up' } | { state: 'degraded'; reason: RedisTrouble };

/**
 * Why Redis is not usable, as a fixed phrase. Redis and ioredis error texts can carry the URL,
 * the user name or server details, so none of them is ever passed on: only these.
 */
export type RedisTrouble =
  | 'not connected yet'
  | 'connection refused'
  | 'connection lost'
  | 'authentication failed'
  | 'command timed out'
  | 'redis error';

export type Attempt<T> = { ok: true; value: T } | { ok: false };

/**
 * The one owner of the Redis connection: opened and closed by the composition root, handed to
 * every Redis-backed counter, lock and cache. All their calls go through `attempt`, which bounds
 * each call by `commandTimeoutMs`, never throws, and counts a fallback per concern when Redis
 * cannot answer. ioredis reconnects by itself; with the offline queue off, a call made while it
 * is away fails at once instead of waiting for the reconnection.
 */
export class RedisConnection {
  readonly client: Redis;
  readonly keyPrefix: string;
  readonly fallbackShare: number;
  readonly #fallbacks = new Map<StateConcern, number>();
  readonly #log: Logger;
  #trouble: RedisTrouble | null = 'not connected yet';
  #closed = false;

  constructor(settings: RedisSettings, log: Logger) {
    this.keyPrefix = settings.keyPrefix;
    this.fallbackShare = settings.fallbackShare;
    this.#log = log;
    this.client = redisClient(settings.url, {
      lazyConnect: true,
      commandTimeout: settings.commandTimeoutMs,
      connectTimeout: Math.max(1_000, settings.commandTimeoutMs * 4),
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      // Reconnect for ever, at most every 2 s: a replica must find Redis again without a restart.
      retryStrategy: (times) => Math.min(100 * times, 2_000),
      reconnectOnError: () => false,
    });
    this.client.on('ready', () => this.#mark(null));
    this.client.on('error', (error: unknown) => this.#mark(classify(error)));
    this.client.on('close', () => {
      if (!this.#closed && this.#trouble === null) this.#mark('connection lost');
    });
  }

  /** Starts connecting; resolves once connected or once the first attempt failed (never throws). */
  async open(): Promise<RedisStatus> {
    try {
      await this.client.connect();
    } catch {
      // Reconnection goes on in the background; until then every call falls back.
    }
    return this.status();
  }

  async close(): Promise<void> {
    this.#closed = true;
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }

  /** For /ready: up, or degraded with a fixed reason. */
  status(): RedisStatus {
    if (this.#trouble === null && this.client.status === 'ready') return { state: 'up' };
    return { state: 'degraded', reason: this.#trouble ?? 'connection lost' };
  }

  /** Fallbacks so far per concern, for a counter metric. */
  fallbacks(): Record<StateConcern, number> {
    const counts = { pacer: 0, budget: 0, clients: 0, circuit: 0, cache: 0, lock: 0 };
    for (const [concern, n] of this.#fallbacks) counts[concern] = n;
    return counts;
  }

  key(...parts: string[]): string {
    return this.keyPrefix + parts.join(':');
  }

  /** Runs one Redis operation; on any failure counts a fallback for `concern` and says so. */
  async attempt<T>(concern: StateConcern, operation: (client: Redis) => Promise<T>): Promise<Attempt<T>> {
    if (this.client.status !== 'ready') {
      this.countFallback(concern);
      return { ok: false };
    }
    try {
      const value = await operation(this.client);
      if (this.#trouble === 'command timed out' || this.#trouble === 'redis error') this.#mark(null);
      return { ok: true, value };
    } catch (error) {
      this.#mark(classify(error));
      this.countFallback(concern);
      return { ok: false };
    }
  }

  /** For implementations whose library catches Redis errors itself (the insurance limiter). */
  countFallback(concern: StateConcern): void {
    this.#fallbacks.set(concern, (this.#fallbacks.get(concern) ?? 0) + 1);
  }

  #mark(trouble: RedisTrouble | null): void {
    if (trouble === this.#trouble || this.#closed) return;
    this.#trouble = trouble;
    // One line per change of state, with the fixed reason only.
    if (trouble === null) this.#log.info({ redis: 'up' }, 'redis: shared state available');
    else this.#log.warn({ redis: 'degraded', reason: trouble }, 'redis: falling back to local state');
  }
}

function classify(error: unknown): RedisTrouble {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : '';
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (/timed out/i.test(message) || code === 'ETIMEDOUT') return 'command timed out';
  if (/WRONGPASS|NOAUTH|NOPERM|invalid password/i.test(message)) return 'authentication failed';
  if (code === 'ECONNRESET' || code === 'EPIPE' || /closed|writeable|not connected/i.test(message)) {
    return 'connection lost';
  }
  return 'redis error';
}
