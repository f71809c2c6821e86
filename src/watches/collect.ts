import type { Listing, ProviderName, SearchSort } from '../domain/listing.js';
import type { UpstreamError } from '../http/errors.js';
import { PROVIDER_RULES } from '../providers/rules.js';
import { decodeCursor, type SearchCursor } from '../search/cursor.js';
import { MAX_FIRST } from '../search/paging.js';
import { planSearch, type SearchRequest, searchQueryOf } from '../search/plan.js';
import { runSearch } from '../search/search-service.js';
import type { ListingStore } from '../store/listing-store.js';
import { seenKey } from './detect.js';
import type { WatchFilter } from './model.js';

export interface Collected {
  /** Every match, twins included: each listing's price is tracked on its own. */
  listings: Listing[];
  /** Pairs (by `seenKey`) the search's collapse found to be one home. */
  twins: [string, string][];
  /** Details read this run (by `seenKey`), kept for the next runs' pair checks. */
  details: Map<string, Listing>;
  /** Providers whose every matching listing was read this run: only their absentees may be gone. */
  complete: Set<ProviderName>;
  failures: UpstreamError[];
}

/** A runaway guard: the upstream cap (WATCH_MAX_CALLS_PER_RUN) ends a run long before this. */
const MAX_PAGES = 200;
const SORT: SearchSort = 'RELEVANCE';

/**
 * A run's search: the merged search with the watch's filter and duplicates collapsed by THE
 * collapse rule (search/walk.ts, as `search(collapseDuplicates: true)`), paged to its end or until
 * the run's upstream allowance refuses. The listings it leaves out as twins are kept too, with
 * their pair: the run tracks every listing's price and groups them into homes itself (detect.ts),
 * so a Fang twin does not surface as new when its Beike twin is withdrawn.
 *
 * A pair the stubs cannot settle needs both details. A detail an earlier run read (`known`) is
 * reused with the fresh stub's prices: what decides a pair besides the price (community, district,
 * layout, area, floor) does not change while a listing is listed, and buying it again every run
 * made a run cost 48 upstream calls instead of 6 on the sandbox.
 */
export async function collectMatches(
  store: ListingStore,
  filter: WatchFilter,
  known: ReadonlyMap<string, Listing> = new Map(),
): Promise<Collected> {
  const query = searchQueryOf(filter as SearchRequest, SORT);
  const plan = planSearch(
    store,
    query,
    (filter.providers as ProviderName[] | null | undefined) ?? null,
    true,
  );
  const details = new Map<string, Listing>();
  const readDetail = async (stub: Listing): Promise<Listing | null> => {
    const key = seenKey(stub);
    const earlier = details.get(key) ?? known.get(key);
    if (earlier) {
      details.set(key, earlier);
      return {
        ...earlier,
        totalPrice: stub.totalPrice,
        unitPrice: stub.unitPrice,
        monthlyRent: stub.monthlyRent,
      };
    }
    const detail = (await store.detail(stub)).value;
    if (detail) details.set(key, detail);
    return detail;
  };
  const listings = new Map<string, Listing>();
  const twins: [string, string][] = [];
  const failures: UpstreamError[] = [];
  const failed = new Set<ProviderName>();
  let after: SearchCursor | null = null;
  let ended = false;
  for (let page = 0; page < MAX_PAGES; page++) {
    const result = await runSearch(store, plan, MAX_FIRST, after, { readDetail });
    for (const edge of result.edges) listings.set(seenKey(edge.node), edge.node);
    for (const duplicate of result.collapsed) {
      listings.set(seenKey(duplicate.listing), duplicate.listing);
      twins.push([seenKey(duplicate.listing), seenKey(duplicate.sameAs)]);
    }
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
  return { listings: [...listings.values()], twins, details, complete, failures };
}
