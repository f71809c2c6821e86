import { setTimeout as sleep } from 'node:timers/promises';
import { type CacheEntry, isFresh, type SharedCache } from './cache.js';
import type { WorkLock } from './work-lock.js';

export type FetchSource = 'hit' | 'miss' | 'shared' | 'stale';

export interface Fetched<V> {
  value: V;
  /** hit: fresh from a cache; miss: fetched here; shared: another caller's fetch; stale: expired, served because the fetch failed. */
  source: FetchSource;
  storedAt: number;
}

export interface SharedFetcherOptions {
  /** How long to wait for another caller's result before calling ourselves. */
  waitMs: number;
  /** How often a waiting caller looks for the result. */
  pollMs: number;
  now?: () => number;
}

/**
 * One call per key at a time, across this process (a promise map) and across replicas (a
 * self-expiring lock; the others poll the cache for its result until `waitMs`, then call
 * themselves). The cache and the lock are in memory or on Redis; this code never knows which.
 */
export class SharedFetcher<V extends {}> {
  readonly #cache: SharedCache<V>;
  readonly #lock: WorkLock;
  readonly #options: SharedFetcherOptions;
  readonly #now: () => number;
  readonly #inflight = new Map<string, Promise<Fetched<V>>>();

  constructor(cache: SharedCache<V>, lock: WorkLock, options: SharedFetcherOptions) {
    this.#cache = cache;
    this.#lock = lock;
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** A fresh value this process holds, now; undefined: ask `get`. */
  peekFresh(key: string): V | undefined {
    const cached = this.#cache.peek(key);
    return cached && isFresh(cached, this.#cache.ttlMs, this.#now()) ? cached.value : undefined;
  }

  async get(key: string, fetch: () => Promise<V>): Promise<Fetched<V>> {
    const cached = await this.#cache.get(key);
    if (cached && isFresh(cached, this.#cache.ttlMs, this.#now())) return { ...cached, source: 'hit' };
    const running = this.#inflight.get(key);
    if (running) return { ...(await running), source: 'shared' };
    const started = this.#resolve(key, fetch, cached);
    this.#inflight.set(key, started);
    try {
      return await started;
    } finally {
      this.#inflight.delete(key);
    }
  }

  async #resolve(
    key: string,
    fetch: () => Promise<V>,
    cached: CacheEntry<V> | undefined,
  ): Promise<Fetched<V>> {
    const deadline = this.#now() + this.#options.waitMs;
    for (;;) {
      const lock = await this.#lock.tryAcquire(key);
      if (lock) {
        try {
          // The holder before us may have just stored it.
          const latest = await this.#cache.get(key);
          if (latest && isFresh(latest, this.#cache.ttlMs, this.#now()))
            return { ...latest, source: 'shared' };
          return await this.#fetch(key, fetch, latest ?? cached);
        } finally {
          await lock.release();
        }
      }
      if (this.#now() >= deadline) return this.#fetch(key, fetch, cached);
      await sleep(this.#options.pollMs);
      const latest = await this.#cache.get(key);
      if (latest && isFresh(latest, this.#cache.ttlMs, this.#now())) return { ...latest, source: 'shared' };
    }
  }

  async #fetch(key: string, fetch: () => Promise<V>, stale: CacheEntry<V> | undefined): Promise<Fetched<V>> {
    let value: V;
    try {
      value = await fetch();
    } catch (error) {
      if (stale) return { ...stale, source: 'stale' };
      throw error;
    }
    const storedAt = this.#now();
    await this.#cache.set(key, value, storedAt);
    return { value, storedAt, source: 'miss' };
  }
}
