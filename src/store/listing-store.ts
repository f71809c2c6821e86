import { LRUCache } from 'lru-cache';
import type { Agent, Listing, ListingKey, ProviderName, SearchQuery } from '../domain/listing.js';
import type { CommunityPage, CommunityQuery, ListingProvider, SearchPage } from '../providers/provider.js';
import { keyCity } from '../providers/rules.js';
import { type Cached, CachedFetcher, type CacheSource } from './cached-fetcher.js';
import { canonical } from './canonical.js';

export interface CacheSettings {
  listTtlMs: number;
  detailTtlMs: number;
  staleIfErrorMs: number;
  maxEntries: number;
}

interface DetailValue {
  listing: Listing | null;
}

/**
 * Every provider read goes through here: search pages, details and community pages, each behind
 * a shared cache with in-flight sharing. Search stubs never overwrite details.
 */
export class ListingStore {
  private readonly details: CachedFetcher<DetailValue>;
  private readonly searches: CachedFetcher<SearchPage>;
  private readonly communityPages: CachedFetcher<CommunityPage>;
  /** Agents met in details, so that `node(id:)` can find them: no provider looks agents up by id. */
  private readonly agents: LRUCache<string, Agent>;
  private readonly clearListeners: (() => void)[] = [];

  constructor(
    readonly providers: ReadonlyMap<ProviderName, ListingProvider>,
    cache: CacheSettings,
    onResult?: (cache: string, source: CacheSource) => void,
  ) {
    const common = { staleIfErrorMs: cache.staleIfErrorMs, onResult };
    this.details = new CachedFetcher({
      name: 'detail',
      ttlMs: cache.detailTtlMs,
      maxEntries: cache.maxEntries,
      ...common,
    });
    // A search page holds up to 50 stubs: fewer of them fit the same memory.
    const pageEntries = Math.max(1, Math.ceil(cache.maxEntries / 20));
    this.searches = new CachedFetcher({
      name: 'search',
      ttlMs: cache.listTtlMs,
      maxEntries: pageEntries,
      ...common,
    });
    this.agents = new LRUCache({ max: pageEntries, ttl: cache.detailTtlMs || 1 });
    this.communityPages = new CachedFetcher({
      name: 'community',
      ttlMs: cache.listTtlMs,
      maxEntries: pageEntries,
      ...common,
    });
  }

  provider(name: ProviderName): ListingProvider | undefined {
    return this.providers.get(name);
  }

  detailKey(key: ListingKey): string {
    return `${key.provider}|${keyCity(key) ?? ''}|${key.sourceId}`;
  }

  async detail(key: ListingKey): Promise<Cached<Listing | null>> {
    const provider = this.require(key.provider);
    const result = await this.details.get(this.detailKey(key), async () => ({
      listing: await provider.getListing({ sourceId: key.sourceId, cityId: key.cityId }),
    }));
    const agent = result.value.listing?.agent;
    if (agent) this.agents.set(`${agent.provider}:${agent.sourceId}`, agent);
    return { ...result, value: result.value.listing };
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
    return this.communityPages.get(`${name}|${canonical(query)}|${page}`, () => search(query, page));
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
