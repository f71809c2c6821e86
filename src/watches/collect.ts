import type { Listing, ProviderName, SearchSort } from '../domain/listing.js';
import type { UpstreamError } from '../http/errors.js';
import { PROVIDER_RULES } from '../providers/rules.js';
import { decodeCursor, type SearchCursor } from '../search/cursor.js';
import { MAX_FIRST } from '../search/paging.js';
import { planSearch, type SearchRequest, searchQueryOf } from '../search/plan.js';
import { runSearch } from '../search/search-service.js';
import type { ListingStore } from '../store/listing-store.js';
import type { WatchFilter } from './model.js';

export interface Collected {
  listings: Listing[];
  /** Providers whose every matching listing was read this run: only their absentees may be gone. */
  complete: Set<ProviderName>;
  failures: UpstreamError[];
}

/** A runaway guard: the upstream cap (WATCH_MAX_CALLS_PER_RUN) ends a run long before this. */
const MAX_PAGES = 200;
const SORT: SearchSort = 'RELEVANCE';

/**
 * A run's search: the merged search with the watch's filter, paged to its end or until the run's
 * upstream allowance refuses. Deliberately uncollapsed: each listing's price is tracked, and the
 * run groups listings into homes afterwards (detect.ts), since in a collapsed search a Fang twin
 * surfaces as new when its Beike twin is withdrawn.
 */
export async function collectMatches(store: ListingStore, filter: WatchFilter): Promise<Collected> {
  const query = searchQueryOf(filter as SearchRequest, SORT);
  const plan = planSearch(store, query, (filter.providers as ProviderName[] | null | undefined) ?? null);
  const listings = new Map<string, Listing>();
  const failures: UpstreamError[] = [];
  const failed = new Set<ProviderName>();
  let after: SearchCursor | null = null;
  let ended = false;
  for (let page = 0; page < MAX_PAGES; page++) {
    const result = await runSearch(store, plan, MAX_FIRST, after);
    for (const edge of result.edges) listings.set(`${edge.node.provider}|${edge.node.sourceId}`, edge.node);
    for (const status of result.providers) {
      const reach = PROVIDER_RULES[status.provider].reachableResults;
      const beyondReach = reach !== null && (status.totalCount ?? 0) > reach;
      if (status.error || status.stale || beyondReach) failed.add(status.provider);
      if (status.error) failures.push(status.error);
    }
    // A failure stops the paging: what follows it would be read with a hole in it.
    if (failures.length > 0 || !result.hasNextPage || !result.endCursor) {
      ended = failures.length === 0;
      break;
    }
    after = decodeCursor(result.endCursor, plan.fingerprint);
  }
  const complete = new Set(ended ? plan.providers.filter((p) => !failed.has(p)) : []);
  return { listings: [...listings.values()], complete, failures };
}
