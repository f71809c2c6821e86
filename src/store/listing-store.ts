import { LRUCache } from 'lru-cache';
import type { Agent, Listing, ListingKey, ProviderName, SearchQuery } from '../domain/listing.js';
import type { CommunityPage, CommunityQuery, ListingProvider, SearchPage } from '../providers/provider.js';
import { keyCity } from '../providers/rules.js';
import {
  type Fetched,
  type FetchSource,
  type SharedCache,
  type SharedCacheOptions,
  SharedFetcher,
  type SharedState,
  sharedState,
} from '../state/index.js';
import { canonical } from './canonical.js';
import { type DetailValue, detailCodec } from './detail-codec.js';

/** hit: fresh from a cache; miss: fetched here; shared: another caller's fetch (this replica or another); stale: served because the fetch failed. */
export type CacheSource = FetchSource;
export type Cached<V> = Fetched<V>;

export interface CacheSettings {
  listTtlMs: number;
  detailTtlMs: number;
  staleIfErrorMs: number;
  maxEntries: number;
}

/** Where the caches live and how long a replica waits for another's fetch (README, Running several replicas). */
export interface StoreSharing {
  state: SharedState;
  /** A fetch's lock expires by itself after this long; others wait for its result until then. */
  fetchWaitMs: number;
  /** How often a waiting replica looks for the result. */
  pollMs: number;
}

/** One cache with its in-flight sharing, reporting each result's source. */
class CachedStore<V extends {}> {
  readonly #cache: SharedCache<V>;
  readonly #fetcher: SharedFetcher<V>;

  constructor(
    readonly name: string,
    sharing: StoreSharing,
    options: Omit<SharedCacheOptions<V>, 'name'>,
    private readonly onResult?: (cache: string, source: CacheSource) => void,
  ) {
    this.#cache = sharing.state.cache<V>({ name, ...options });
    this.#fetcher = new SharedFetcher(
      this.#cache,
      sharing.state.workLock({ name, ttlMs: sharing.fetchWaitMs }),
      {
        waitMs: sharing.fetchWaitMs,
        pollMs: sharing.pollMs,
      },
    );
  }

  get size(): number {
    return this.#cache.size;
  }

  clear(): void {
    this.#cache.clear();
  }

  /** A fresh value held in this process, counted as a hit; undefined when `get` must be asked. */
  peek(key: string): V | undefined {
    const value = this.#fetcher.peekFresh(key);
    if (value !== undefined) this.onResult?.(this.name, 'hit');
    return value;
  }

  async get(key: string, fetch: () => Promise<V>): Promise<Cached<V>> {
    const result = await this.#fetcher.get(key, fetch);
    this.onResult?.(this.name, result.source);
    return result;
  }
}

/**
 * Every provider read goes through here: search pages, details and community pages, each behind
 * a shared cache with in-flight sharing. Search stubs never overwrite details.
 */
export class ListingStore {
  private readonly details: CachedStore<DetailValue>;
  private readonly searches: CachedStore<SearchPage>;
  private readonly communityPages: CachedStore<CommunityPage>;
  /** Agents met in details, so that `node(id:)` can find them: no provider looks agents up by id. */
  private readonly agents: LRUCache<string, Agent>;
  private readonly clearListeners: (() => void)[] = [];

  constructor(
    readonly providers: ReadonlyMap<ProviderName, ListingProvider>,
    cache: CacheSettings,
    onResult?: (cache: string, source: CacheSource) => void,
    sharing: StoreSharing = { state: sharedState(null), fetchWaitMs: 10_000, pollMs: 25 },
  ) {
    const { staleIfErrorMs } = cache;
    this.details = new CachedStore(
      'detail',
      sharing,
      {
        ttlMs: cache.detailTtlMs,
        staleIfErrorMs,
        maxEntries: cache.maxEntries,
        packing: { codec: detailCodec, decodedEntries: DECODED_DETAILS },
      },
      onResult,
    );
    // A search page holds up to 50 stubs: fewer of them fit the same memory.
    const pageEntries = Math.max(1, Math.ceil(cache.maxEntries / 20));
    const pages = { ttlMs: cache.listTtlMs, staleIfErrorMs, maxEntries: pageEntries };
    this.searches = new CachedStore('search', sharing, pages, onResult);
    this.agents = new LRUCache({ max: pageEntries, ttl: cache.detailTtlMs || 1 });
    this.communityPages = new CachedStore('community', sharing, pages, onResult);
  }

  provider(name: ProviderName): ListingProvider | undefined {
    return this.providers.get(name);
  }

  detailKey(key: ListingKey): string {
    return `${key.provider}|${keyCity(key) ?? ''}|${key.sourceId}`;
  }

  async detail(key: ListingKey): Promise<Cached<Listing | null>> {
    const provider = this.require(key.provider);
    const result = await this.details.get(this.detailKey(key), async () => {
      const listing = await provider.getListing({ sourceId: key.sourceId, cityId: key.cityId });
      return { listing };
    });
    this.rememberAgent(result.value.listing);
    return { ...result, value: result.value.listing };
  }

  /**
   * The listing's detail when a fresh one is in this process's cache, without waiting (the warm
   * path of the listing fields); undefined when `detail` must be asked, null when the provider
   * said it has no such listing.
   */
  peekDetail(key: ListingKey): Listing | null | undefined {
    if (!this.providers.has(key.provider)) return undefined;
    const value = this.details.peek(this.detailKey(key));
    if (value === undefined) return undefined;
    // `detail` remembered its agent when it cached it, for as long as the detail stays fresh; on
    // this path (every warm field) only an agent the bound has dropped since is set again.
    const agent = value.listing?.agent;
    if (agent && !this.agents.has(agentId(agent))) this.rememberAgent(value.listing);
    return value.listing;
  }

  private rememberAgent(listing: Listing | null): void {
    const agent = listing?.agent;
    if (agent) this.agents.set(agentId(agent), agent);
  }

  /** By `PROVIDER:sourceId`. */
  agent(id: string): Agent | undefined {
    return this.agents.get(id);
  }

  async searchPage(name: ProviderName, query: SearchQuery, page: number): Promise<Cached<SearchPage>> {
    const provider = this.require(name);
    return this.searches.get(`${name}|${canonical(query)}|${page}`, () => provider.search(query, page));
  }

  async communityPage(
    name: ProviderName,
    query: CommunityQuery,
    page: number,
  ): Promise<Cached<CommunityPage>> {
    const provider = this.require(name);
    if (!provider.searchCommunities) throw new Error(`${name} has no community list`);
    const search = provider.searchCommunities.bind(provider);
    return this.communityPages.get(this.communityPageKey(name, query, page), () => search(query, page));
  }

  /** The cache key of a community page: a caller that reads one page often keeps it (peekCommunityPageAt). */
  communityPageKey(name: ProviderName, query: CommunityQuery, page: number): string {
    return `${name}|${canonical(query)}|${page}`;
  }

  /** A fresh community page in this process's cache, without waiting; undefined: ask `communityPage`. */
  peekCommunityPageAt(key: string): CommunityPage | undefined {
    return this.communityPages.peek(key);
  }

  get sizes(): { detail: number; search: number; community: number } {
    return { detail: this.details.size, search: this.searches.size, community: this.communityPages.size };
  }

  clear(): void {
    this.details.clear();
    this.searches.clear();
    this.communityPages.clear();
    for (const listener of this.clearListeners) listener();
  }

  /** For caches built from this one's data (whole answers): cleared with it. */
  onClear(listener: () => void): void {
    this.clearListeners.push(listener);
  }

  private require(name: ProviderName): ListingProvider {
    const provider = this.providers.get(name);
    if (!provider) throw new Error(`provider ${name} is not configured`);
    return provider;
  }
}

/**
 * Details kept decoded besides packed: a few pages' worth for every reader at once. Reading one
 * that is only packed costs ≈ 12 µs (README, Performance: memory).
 */
const DECODED_DETAILS = 256;

function agentId(agent: Agent): string {
  return `${agent.provider}:${agent.sourceId}`;
}
