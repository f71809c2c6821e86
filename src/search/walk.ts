import type { Listing, ProviderName, SearchQuery } from '../domain/listing.js';
import { candidatePairs, gives, listingKey, type MatchResult, matchPair } from '../matching/index.js';
import { PROVIDER_RULES, stubCarries } from '../providers/rules.js';
import { type CheckableFilter, fieldOf, satisfies } from './filters.js';
import type { MergedItem } from './merge.js';

/**
 * The walk of one page along the merged order: the gateway's own filters, and the collapse of
 * cross-provider duplicates.
 *
 * THE collapse rule: a listing is left out when a listing of another provider that is the same
 * home came before it in the merged order of this search (on this page or an earlier one) and is
 * in the result set (it passes every filter). It depends only on the order and on the pairs, so
 * every page of a paging decides the same way: the first of a home in sort order is shown, once;
 * a listing whose twin comes later is shown, and the twin is left out when the walk reaches it,
 * whichever upstream page it is on. "Before it" is known because the walk sees what each provider
 * gave before the cursor (`before`, re-read through the search-page cache): the cursor itself
 * carries only each provider's offset.
 *
 * Reads: a filter a provider's stub cannot answer, and a pair the stubs cannot settle (matching
 * says POSSIBLE: Beike stubs lack the district, Fang stubs the floor), need details. A page spends
 * at most `budget` of them and ends early (shorter, `hasNextPage` true) where the next listing
 * would overspend: the next page decides it, the same way, with a fresh budget.
 */

/** Other-provider listings, best first on stubs, that a listing's twin check reads details for. */
export const MAX_TWIN_CANDIDATES = 2;

/** Detail reads one page may spend on filters and pairs. */
export function gatewayReadBudget(first: number): number {
  return Math.max(2, first);
}

export interface WalkInput {
  /** The merged order of what was fetched, from the cursor on. */
  order: readonly MergedItem[];
  query: SearchQuery;
  first: number;
  /** Per provider, the filters the gateway applies because the provider cannot. */
  postFilters: ReadonlyMap<ProviderName, readonly CheckableFilter[]>;
  collapse: boolean;
  /** Per provider, its listings before the cursor, in its order (only read when collapsing). */
  before: ReadonlyMap<ProviderName, readonly Listing[]>;
  /** A listing's detail, through the request's DataLoader and the shared detail cache. */
  readDetail: (listing: Listing) => Promise<Listing | null>;
  budget: number;
}

/** A listing left out as a duplicate of one the order gave before it. */
export interface CollapsedDuplicate {
  listing: Listing;
  sameAs: Listing;
  /** The matcher's reasons, for debugging. */
  reasons: string[];
  score: number;
}

export interface WalkResult {
  kept: MergedItem[];
  /** The last item of the order the walk decided (kept or left out); null when none. */
  last: MergedItem | null;
  /** true when items of the order were left undecided (the page is full or the budget spent). */
  stoppedEarly: boolean;
  collapsed: CollapsedDuplicate[];
  /** Details read for the walk (each listing once). */
  reads: number;
  /** Listings left out because a detail needed for a filter could not be read. */
  unread: number;
}

interface Seen {
  listing: Listing;
  /** Whether it passes the gateway's filters; null while not yet known (listings before the cursor). */
  passes: boolean | null;
}

export async function walkPage(input: WalkInput): Promise<WalkResult> {
  const { order, query, first, postFilters, collapse, budget } = input;
  const details = new Map<string, Promise<Listing | null>>();
  const read = (listing: Listing) => {
    const key = listingKey(listing);
    let detail = details.get(key);
    if (!detail) {
      detail = listing.isDetail ? Promise.resolve(listing) : input.readDetail(listing).catch(() => null);
      details.set(key, detail);
    }
    return detail;
  };
  const isRead = (listing: Listing) => listing.isDetail || details.has(listingKey(listing));
  const viewOf = async (listing: Listing) => (isRead(listing) ? ((await read(listing)) ?? listing) : listing);

  const seen = new Map<ProviderName, Seen[]>();
  if (collapse) {
    for (const [provider, listings] of input.before) {
      const filtered = (postFilters.get(provider) ?? []).length > 0;
      seen.set(
        provider,
        listings.map((listing) => ({ listing, passes: filtered ? null : true })),
      );
    }
  }

  const filtersOf = (listing: Listing) => postFilters.get(listing.provider) ?? [];
  const needsDetailToFilter = (listing: Listing) =>
    !listing.isDetail &&
    filtersOf(listing).some((f) => !stubCarries(PROVIDER_RULES[listing.provider], fieldOf(f, query)));
  const passes = async (listing: Listing): Promise<boolean | null> => {
    const filters = filtersOf(listing);
    if (filters.length === 0) return true;
    const view = needsDetailToFilter(listing) ? await read(listing) : listing;
    if (view === null) return null;
    return filters.every((f) => satisfies(view, f, query));
  };

  const kept: MergedItem[] = [];
  const collapsed: CollapsedDuplicate[] = [];
  let last: MergedItem | null = null;
  let reads = 0;
  let unread = 0;
  let decided = 0;

  for (const item of order) {
    if (kept.length >= first) break;
    const listing = item.listing;
    const candidates = collapse ? candidatesOf(listing, seen) : [];

    // What this listing's decision will read, before reading any: a page never overspends.
    const toRead = new Set<Listing>();
    if (needsDetailToFilter(listing) && !isRead(listing)) toRead.add(listing);
    for (const { other, result } of candidates) {
      if (other.passes === null && needsDetailToFilter(other.listing) && !isRead(other.listing))
        toRead.add(other.listing);
      if (result.verdict === 'POSSIBLE') {
        for (const side of [listing, other.listing])
          if (!isRead(side) && result.unknown.some((field) => !gives(side, field))) toRead.add(side);
      }
    }
    if (decided > 0 && reads + toRead.size > budget) break;
    reads += toRead.size;
    await Promise.all([...toRead].map(read));

    decided++;
    last = item;
    const own = await passes(listing);
    if (own !== true) {
      if (own === null) unread++;
      continue;
    }
    const mine = seen.get(listing.provider) ?? [];
    mine.push({ listing, passes: true });
    seen.set(listing.provider, mine);

    const twin = await settledTwin(await viewOf(listing), candidates, passes, viewOf);
    if (twin) {
      collapsed.push({
        listing,
        sameAs: twin.other.listing,
        reasons: twin.result.reasons,
        score: twin.result.score,
      });
      continue;
    }
    kept.push(item);
  }
  return { kept, last, stoppedEarly: decided < order.length, collapsed, reads, unread };
}

interface Candidate {
  other: Seen;
  result: MatchResult;
}

/**
 * Listings of other providers before this one that may be the same home, best first. Judged on
 * the stubs as the order gave them, whatever details this walk happened to read: a listing's
 * candidates are then the same on whichever page it is decided.
 */
function candidatesOf(listing: Listing, seen: ReadonlyMap<ProviderName, Seen[]>): Candidate[] {
  const found: Candidate[] = [];
  for (const [provider, entries] of seen) {
    if (provider === listing.provider) continue;
    const usable = entries.filter((e) => e.passes !== false);
    const byListing = new Map(usable.map((e) => [e.listing, e]));
    for (const [, other] of candidatePairs([listing], [...byListing.keys()])) {
      const result = matchPair(listing, other);
      if (result.verdict !== 'DIFFERENT') found.push({ other: byListing.get(other) as Seen, result });
    }
  }
  return found
    .sort(
      (x, y) =>
        y.result.score - x.result.score ||
        listingKey(x.other.listing).localeCompare(listingKey(y.other.listing)),
    )
    .slice(0, MAX_TWIN_CANDIDATES);
}

/** The first candidate that is, on details, the same home and in the result set. */
async function settledTwin(
  view: Listing,
  candidates: readonly Candidate[],
  passes: (l: Listing) => Promise<boolean | null>,
  viewOf: (l: Listing) => Promise<Listing>,
): Promise<Candidate | null> {
  for (const candidate of candidates) {
    const result = matchPair(view, await viewOf(candidate.other.listing));
    if (!result.same) continue;
    if (candidate.other.passes === null)
      candidate.other.passes = (await passes(candidate.other.listing)) === true;
    if (candidate.other.passes) return { other: candidate.other, result };
  }
  return null;
}
