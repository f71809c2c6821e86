import { LRUCache } from 'lru-cache';
import type { CacheEntry, SharedCache, SharedCacheOptions } from './cache.js';

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

interface Packed {
  bytes: Buffer;
  storedAt: number;
}

/**
 * One process's LRU for many large values (README, Performance: memory). A decoded value on V8's
 * heap costs several times its bytes (objects, hidden classes, strings) and keeps the garbage
 * collector walking it; packed, it is one buffer outside the heap. The most recently used entries
 * are kept decoded as well, so that repeated reads return the same object without decoding; an
 * entry that left the packed LRU (size, TTL, clear) is never answered from the decoded tier.
 */
export class PackedMemoryCache<V extends {}> implements SharedCache<V> {
  readonly ttlMs: number;
  readonly shared = false;
  readonly #packed: LRUCache<string, Packed>;
  readonly #decoded: LRUCache<string, { packed: Packed; entry: CacheEntry<V> }>;
  readonly #codec: Codec<V>;
  readonly #keepMs: number;
  readonly #now: () => number;

  constructor(options: SharedCacheOptions<V> & { packing: Packing<V> }) {
    this.ttlMs = options.ttlMs;
    this.#keepMs = options.ttlMs + options.staleIfErrorMs;
    this.#now = options.now ?? Date.now;
    this.#codec = options.packing.codec;
    this.#packed = new LRUCache({
      max: options.maxEntries,
      ttl: Math.max(1, this.#keepMs),
      perf: { now: this.#now },
    });
    this.#decoded = new LRUCache({
      max: Math.max(1, Math.min(options.packing.decodedEntries, options.maxEntries)),
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
    const packed = this.#packed.get(key);
    if (packed === undefined) return undefined;
    const decoded = this.#decoded.get(key);
    if (decoded?.packed === packed) return decoded.entry;
    const entry = { value: this.#codec.decode(packed.bytes), storedAt: packed.storedAt };
    this.#decoded.set(key, { packed, entry });
    return entry;
  }

  async set(key: string, value: V, storedAt = this.#now()): Promise<void> {
    const left = storedAt + this.#keepMs - this.#now();
    if (left <= 0) return;
    const packed = { bytes: this.#codec.encode(value), storedAt };
    this.#packed.set(key, packed, { ttl: left });
    this.#decoded.set(key, { packed, entry: { value, storedAt } });
  }
}
