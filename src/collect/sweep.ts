import { type ListingType, type ProviderName, unfilteredSearch } from '../domain/listing.js';
import type { HistoryStore } from '../store/history/index.js';
import type { ListingStore } from '../store/listing-store.js';

export interface SweepOptions {
  cityId: string;
  /** Swept as keyword searches, one after the other; absent: the whole city. */
  districts?: string[];
  listingType?: ListingType;
  /** Upstream calls at most (cache hits cost none). */
  maxCalls: number;
  onProgress?: (progress: SweepProgress) => void;
}

export interface SweepProgress {
  calls: number;
  maxCalls: number;
  listings: number;
  /** Listings re-read because they left the search, and found gone. */
  delisted: number;
  provider: ProviderName | null;
}

/**
 * Reads search pages into the history store within an upstream budget, provider by provider.
 * After a whole-city sweep, listings the store holds as on offer that the sweep no longer met are
 * re-read one by one (budget permitting), so that their withdrawal is observed.
 */
export async function sweep(
  store: ListingStore,
  history: HistoryStore,
  options: SweepOptions,
): Promise<SweepProgress> {
  const startedAt = history.now();
  const progress: SweepProgress = {
    calls: 0,
    maxCalls: options.maxCalls,
    listings: 0,
    delisted: 0,
    provider: null,
  };
  const report = () => options.onProgress?.({ ...progress });
  const keywords = options.districts?.length ? options.districts : [null];
  for (const [name, provider] of store.providers) {
    for (const keyword of keywords) {
      const query = unfilteredSearch(options.cityId, {
        keyword,
        listingType: options.listingType ?? 'RESALE',
      });
      if (!provider.searchSupport(query).serves) continue;
      progress.provider = name;
      for (let page = 0; progress.calls < options.maxCalls; page++) {
        const result = await store.searchPage(name, query, page);
        if (result.source !== 'hit') progress.calls++;
        progress.listings += result.value.listings.length;
        report();
        if (!result.value.hasMore) break;
      }
    }
  }
  await history.flush();
  if (!options.districts?.length) {
    const left = await history.db
      .selectFrom('listing_current')
      .select(['provider', 'source_id', 'city_id'])
      .where('city_id', '=', options.cityId)
      .where('listing_type', '=', options.listingType ?? 'RESALE')
      .where('active', '=', true)
      .where('last_seen_at', '<', new Date(startedAt))
      .orderBy('last_seen_at')
      .limit(Math.max(0, options.maxCalls - progress.calls))
      .execute();
    for (const row of left) {
      if (progress.calls >= options.maxCalls || !store.provider(row.provider as ProviderName)) break;
      const result = await store
        .detail({ provider: row.provider as ProviderName, sourceId: row.source_id, cityId: row.city_id })
        .catch(() => null);
      if (result?.source !== 'hit') progress.calls++;
      if (result && result.value === null) progress.delisted++;
      report();
    }
    await history.flush();
  }
  progress.provider = null;
  return progress;
}
