import { Mutex } from 'redis-semaphore';
import type { RedisConnection } from './redis-connection.js';

export interface LockHandle {
  release(): Promise<void>;
}

/**
 * "I am making this call": held by one caller at a time per key, and expiring by itself after
 * `ttlMs` so that a holder that died blocks nobody for longer than that.
 */
export interface WorkLock {
  tryAcquire(key: string): Promise<LockHandle | null>;
}

export interface WorkLockOptions {
  /** A bounded name: what the work is ("detail", "search"...). */
  name: string;
  ttlMs: number;
}

/** One process: a set of held keys (expiry matters only across processes). */
export class MemoryWorkLock implements WorkLock {
  readonly #held = new Set<string>();

  async tryAcquire(key: string): Promise<LockHandle | null> {
    if (this.#held.has(key)) return null;
    this.#held.add(key);
    let released = false;
    return {
      release: async () => {
        if (!released) this.#held.delete(key);
        released = true;
      },
    };
  }
}

/**
 * Several replicas: redis-semaphore's mutex (SET NX PX, released only by its holder). No refresh:
 * a call that outlives `ttlMs` lets one more replica make it, which costs a call but never
 * blocks. When Redis cannot answer, the caller gets a local lock and makes the call itself.
 */
export class RedisWorkLock implements WorkLock {
  readonly #redis: RedisConnection;
  readonly #options: WorkLockOptions;
  readonly #local = new MemoryWorkLock();

  constructor(redis: RedisConnection, options: WorkLockOptions) {
    this.#redis = redis;
    this.#options = options;
  }

  async tryAcquire(key: string): Promise<LockHandle | null> {
    const mutex = new Mutex(this.#redis.client, this.#redis.key('lock', this.#options.name, key), {
      lockTimeout: this.#options.ttlMs,
      acquireAttemptsLimit: 1,
      refreshInterval: 0,
      onLockLost: () => undefined,
    });
    const result = await this.#redis.attempt('lock', () => mutex.tryAcquire());
    if (!result.ok) return this.#local.tryAcquire(key);
    if (!result.value) return null;
    return {
      // A failed release is harmless: the lock expires by itself.
      release: async () => void (await this.#redis.attempt('lock', () => mutex.release())),
    };
  }
}
