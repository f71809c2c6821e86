import { LRUCache } from 'lru-cache';

export type CacheSource = 'hit' | 'miss' | 'shared' | 'stale';

export interface Cached<V> {
  value: V;
  /** hit: fresh from cache; miss: fetched now; shared: joined a fetch already under way; stale: an expired value served because the fetch failed. */
  source: CacheSource;
  /** Epoch ms at which the value was fetched. */
  storedAt: number;
}

export interface CachedFetcherOptions {
  /** A bounded label for metrics and logs: "detail", "search"… */
  name: string;
  maxEntries: number;
  ttlMs: number;
  /** How long past its TTL a value may still be served when the provider fails. */
  staleIfErrorMs: number;
  now?: () => number;
  onResult?: (name: string, source: CacheSource) => void;
}

interface Entry<V> {
  value: V;
  storedAt: number;
}

/**
 * A shared LRU with TTL, stale-if-error, and one fetch per key at a time across all concurrent
 * GraphQL requests, so a thundering herd costs the provider one call.
 */
export class CachedFetcher<V extends {}> {
  private readonly lru: LRUCache<string, Entry<V>>;
  private readonly inflight = new Map<string, Promise<Entry<V>>>();
  private readonly now: () => number;

  constructor(private readonly options: CachedFetcherOptions) {
    this.now = options.now ?? Date.now;
    this.lru = new LRUCache<string, Entry<V>>({
      max: options.maxEntries,
      // The LRU keeps an entry through its stale window; freshness is judged here against ttlMs.
      ttl: Math.max(1, options.ttlMs + options.staleIfErrorMs),
      ttlAutopurge: false,
      perf: { now: () => this.now() },
    });
  }

  get size(): number {
    return this.lru.size;
  }

  async get(key: string, fetch: () => Promise<V>): Promise<Cached<V>> {
    const cached = this.lru.get(key);
    if (cached && this.now() - cached.storedAt < this.options.ttlMs) {
      return this.report({ ...cached, source: 'hit' });
    }
    const running = this.inflight.get(key);
    if (running) return this.report({ ...(await running), source: 'shared' });

    const started = this.start(key, fetch);
    try {
      return this.report({ ...(await started), source: 'miss' });
    } catch (error) {
      if (cached) return this.report({ ...cached, source: 'stale' });
      throw error;
    }
  }

  /** A value already in hand (a detail learnt elsewhere) saves the next fetch. */
  set(key: string, value: V, storedAt = this.now()): void {
    if (this.options.ttlMs + this.options.staleIfErrorMs > 0) this.lru.set(key, { value, storedAt });
  }

  peek(key: string): V | undefined {
    const cached = this.lru.get(key);
    return cached && this.now() - cached.storedAt < this.options.ttlMs ? cached.value : undefined;
  }

  clear(): void {
    this.lru.clear();
  }

  private start(key: string, fetch: () => Promise<V>): Promise<Entry<V>> {
    const promise = fetch()
      .then((value) => {
        const entry = { value, storedAt: this.now() };
        this.set(key, value, entry.storedAt);
        return entry;
      })
      .finally(() => this.inflight.delete(key));
    this.inflight.set(key, promise);
    return promise;
  }

  private report(result: Cached<V>): Cached<V> {
    this.options.onResult?.(this.options.name, result.source);
    return result;
  }
}
