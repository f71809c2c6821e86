import { LRUCache } from 'lru-cache';
import type { CacheEntry, SharedCache, SharedCacheOptions } from './cache.js';
import { MemoryCache } from './memory-cache.js';

/** How a cache's values become bytes and back. `decode(encode(v))` must equal `v`. */
export interface Codec<V> {
  encode(value: V): Buffer;
  decode(bytes: Buffer): V;
}

export interface Packing<V> {
  codec: Codec<V>;
  /** Entries also kept decoded, the most recently used: the warm path reads them without decoding. */
  decodedEntries: number;
}

/**
 * One process's LRU for many large values (README, Performance: memory). A decoded value on V8's
 * heap costs several times its bytes (objects, hidden classes, strings) and keeps the garbage
 * collector walking it; packed, it is one buffer outside the heap, in a MemoryCache that keeps
 * the TTL, stale window and bound. The most recently used entries are kept decoded as well, so
 * that repeated reads return the same object without decoding; each is tied to the packed entry
 * it was decoded from, so one that left the packed cache (size, TTL, clear, a newer value) is
 * never answered from the decoded tier.
 */
export class PackedMemoryCache<V extends {}> implements SharedCache<V> {
  readonly ttlMs: number;
  readonly shared = false;
  readonly #packed: MemoryCache<Buffer>;
  readonly #decoded: LRUCache<string, { packed: CacheEntry<Buffer>; entry: CacheEntry<V> }>;
  readonly #codec: Codec<V>;

  constructor({ packing, ...options }: SharedCacheOptions<V> & { packing: Packing<V> }) {
    this.ttlMs = options.ttlMs;
    this.#codec = packing.codec;
    this.#packed = new MemoryCache(options);
    this.#decoded = new LRUCache({
      max: Math.max(1, Math.min(packing.decodedEntries, options.maxEntries)),
    });
  }

  get size(): number {
    return this.#packed.size;
  }

  clear(): void {
    this.#packed.clear();
    this.#decoded.clear();
  }

  async get(key: string): Promise<CacheEntry<V> | undefined> {
    return this.peek(key);
  }

  peek(key: string): CacheEntry<V> | undefined {
    const packed = this.#packed.peek(key);
    if (packed === undefined) return undefined;
    const decoded = this.#decoded.get(key);
    if (decoded?.packed === packed) return decoded.entry;
    const entry = { value: this.#codec.decode(packed.value), storedAt: packed.storedAt };
    this.#decoded.set(key, { packed, entry });
    return entry;
  }

  async set(key: string, value: V, storedAt?: number): Promise<void> {
    const packed = this.#packed.store(key, this.#codec.encode(value), storedAt);
    if (packed) this.#decoded.set(key, { packed, entry: { value, storedAt: packed.storedAt } });
  }
}
