import { LRUCache } from 'lru-cache';
import type { CacheEntry, SharedCache, SharedCacheOptions } from './cache.js';

/** One process: an LRU that keeps each entry through its stale window. */
export class MemoryCache<V extends {}> implements SharedCache<V> {
  readonly ttlMs: number;
  readonly #lru: LRUCache<string, CacheEntry<V>>;
  readonly #keepMs: number;
  readonly #now: () => number;

  constructor(options: SharedCacheOptions<V>) {
    this.ttlMs = options.ttlMs;
    this.#keepMs = options.ttlMs + options.staleIfErrorMs;
    this.#now = options.now ?? Date.now;
    this.#lru = new LRUCache({
      max: options.maxEntries,
      ttl: Math.max(1, this.#keepMs),
      perf: { now: this.#now },
    });
  }

  get size(): number {
    return this.#lru.size;
  }

  clear(): void {
    this.#lru.clear();
  }

  readonly shared = false;

  async get(key: string): Promise<CacheEntry<V> | undefined> {
    return this.#lru.get(key);
  }

  peek(key: string): CacheEntry<V> | undefined {
    return this.#lru.get(key);
  }

  async set(key: string, value: V, storedAt?: number): Promise<void> {
    this.store(key, value, storedAt);
  }

  /** `set`, at once, saying what it stored: nothing when the value is already past its stale window. */
  store(key: string, value: V, storedAt = this.#now()): CacheEntry<V> | undefined {
    const left = storedAt + this.#keepMs - this.#now();
    if (left <= 0) return undefined;
    // A key built by concatenation is a tree of pieces in V8, often holding a slice that keeps a
    // whole request string alive (a global id, a body). Reading a character makes V8 copy it into
    // one flat string, the only one the entry then keeps: ≈ 50 bytes less per cached detail.
    key.charCodeAt(0);
    const entry = { value, storedAt };
    this.#lru.set(key, entry, { ttl: left });
    return entry;
  }
}
