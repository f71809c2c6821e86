import { createHash } from 'node:crypto';
import { MemoryCache } from './memory-cache.js';
import { PackedMemoryCache, type Packing } from './packed-cache.js';
import type { RedisConnection } from './redis-connection.js';

export interface CacheEntry<V> {
  value: V;
  /** Epoch ms at which the value was fetched: the caller judges fresh or stale from it. */
  storedAt: number;
}

/**
 * Provider data and whole answers, kept for `ttlMs` and then for `staleIfErrorMs` more (served
 * only when a fresh fetch fails). Entries leave by TTL alone: nothing ever lists keys.
 */
export interface SharedCache<V> {
  readonly ttlMs: number;
  /** Entries held in this process (the front tier with Redis), for a gauge. */
  readonly size: number;
  /**
   * Forgets what this process holds. Entries on Redis are left to expire by their TTL: clearing
   * them would mean listing keys, which never happens here.
   */
  clear(): void;
  get(key: string): Promise<CacheEntry<V> | undefined>;
  /**
   * What this process holds for the key, without waiting: the warm path reads through it so that a
   * field answered from memory costs no promise. Never asks Redis (the caller falls back to `get`).
   */
  peek(key: string): CacheEntry<V> | undefined;
  /** True when `get` may find more than `peek` (another tier, shared by replicas). */
  readonly shared: boolean;
  set(key: string, value: V, storedAt?: number): Promise<void>;
}

export interface SharedCacheOptions<V = unknown> {
  /** A bounded name: "detail", "search", "response"... */
  name: string;
  ttlMs: number;
  staleIfErrorMs: number;
  /** Entries kept in this process (the whole cache in memory mode, the front tier with Redis). */
  maxEntries: number;
  /** Held packed into bytes in this process, with the most used decoded (packed-cache.ts). */
  packing?: Packing<V>;
  now?: () => number;
}

export function isFresh(entry: CacheEntry<unknown>, ttlMs: number, now = Date.now()): boolean {
  return now - entry.storedAt < ttlMs;
}

/** What this process holds of a cache: the whole of it alone, its front tier with Redis. */
export function localCache<V extends {}>(options: SharedCacheOptions<V>): SharedCache<V> {
  const { packing } = options;
  return packing ? new PackedMemoryCache({ ...options, packing }) : new MemoryCache<V>(options);
}

/**
 * Several replicas: a small LRU in this process in front of Redis. A fresh front entry answers
 * alone; otherwise Redis is asked for a fresher copy another replica may have stored. Redis keys
 * expire at TTL + stale window (PX). When Redis cannot answer, a get is a miss of that tier and
 * a set stays local: the gateway keeps answering from the provider.
 */
export class RedisCache<V extends {}> implements SharedCache<V> {
  readonly ttlMs: number;
  readonly #redis: RedisConnection;
  readonly #front: SharedCache<V>;
  readonly #keepMs: number;
  readonly #prefix: string;
  readonly #now: () => number;

  constructor(redis: RedisConnection, options: SharedCacheOptions<V>) {
    this.ttlMs = options.ttlMs;
    this.#redis = redis;
    this.#front = localCache(options);
    this.#keepMs = options.ttlMs + options.staleIfErrorMs;
    this.#prefix = redis.key('cache', options.name, '');
    this.#now = options.now ?? Date.now;
  }

  get size(): number {
    return this.#front.size;
  }

  clear(): void {
    this.#front.clear();
  }

  readonly shared = true;

  async get(key: string): Promise<CacheEntry<V> | undefined> {
    const front = this.#front.peek(key);
    if (front && isFresh(front, this.ttlMs, this.#now())) return front;
    const result = await this.#redis.attempt('cache', (client) => client.get(this.#key(key)));
    if (!result.ok || result.value === null) return front;
    const shared = parse<V>(result.value);
    if (!shared || (front && front.storedAt >= shared.storedAt)) return front;
    await this.#front.set(key, shared.value, shared.storedAt);
    return shared;
  }

  peek(key: string): CacheEntry<V> | undefined {
    return this.#front.peek(key);
  }

  async set(key: string, value: V, storedAt = this.#now()): Promise<void> {
    await this.#front.set(key, value, storedAt);
    const left = Math.ceil(storedAt + this.#keepMs - this.#now());
    if (left <= 0) return;
    const text = JSON.stringify({ v: value, t: storedAt });
    await this.#redis.attempt('cache', (client) => client.set(this.#key(key), text, 'PX', left));
  }

  /** Long keys (search plans) are hashed: Redis keys stay short and of bounded size. */
  #key(key: string): string {
    return this.#prefix + (key.length <= 200 ? key : createHash('sha256').update(key).digest('base64url'));
  }
}

function parse<V>(text: string): CacheEntry<V> | undefined {
  try {
    const data = JSON.parse(text) as { v?: V; t?: unknown };
    return data.v !== undefined && typeof data.t === 'number'
      ? { value: data.v, storedAt: data.t }
      : undefined;
  } catch {
    return undefined;
  }
}
