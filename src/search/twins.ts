import { type Listing, type ProviderName, unfilteredSearch } from '../domain/listing.js';
import { gives, listingKey, type MatchResult, matchPair, twinBounds } from '../matching/index.js';
import type { ListingStore } from '../store/listing-store.js';
import { MAX_TWIN_CANDIDATES } from './walk.js';

/**
 * The same home on the other providers (`Listing.alsoListedAs`). For each other configured provider
 * that lists this type in this city: one search page narrowed to where a twin can lie (bedrooms,
 * area and price within the matcher's tolerances, `twinBounds`), through the shared search-page
 * cache; its stubs matched against the listing; where the stubs cannot settle a pair, both details
 * read (at most MAX_TWIN_CANDIDATES candidates, best first). At most one twin per provider: a site
 * lists a home once, so the best-scoring SAME pair wins.
 *
 * Cost: per other provider, 1 search page and up to MAX_TWIN_CANDIDATES details, plus this
 * listing's own detail; the cost model counts exactly that (TWIN_LOOKUP_CALLS).
 */
export function twinLookupCalls(otherProviders: number): number {
  return otherProviders * (1 + MAX_TWIN_CANDIDATES) + 1;
}

export interface TwinMatch {
  listing: Listing;
  result: MatchResult;
}

export async function findTwins(
  store: ListingStore,
  listing: Listing,
  readDetail: (listing: Listing) => Promise<Listing | null>,
): Promise<TwinMatch[]> {
  const cityId = listing.cityId;
  if (cityId === null) return [];
  const bounds = twinBounds(listing);
  const query = unfilteredSearch(cityId, { listingType: listing.listingType, ...bounds });
  const others = [...store.providers.values()].filter(
    (p) => p.name !== listing.provider && p.searchSupport(query).serves,
  );
  const found = await Promise.all(
    others.map((provider) => twinOn(store, provider.name, listing, query, readDetail)),
  );
  return found.flatMap((twin) => (twin ? [twin] : []));
}

async function twinOn(
  store: ListingStore,
  provider: ProviderName,
  listing: Listing,
  query: ReturnType<typeof unfilteredSearch>,
  readDetail: (listing: Listing) => Promise<Listing | null>,
): Promise<TwinMatch | null> {
  const page = await store.searchPage(provider, query, 0);
  const candidates = page.value.listings
    .map((other) => ({ other, result: matchPair(listing, other) }))
    .filter((c) => c.result.verdict !== 'DIFFERENT')
    .sort((x, y) => y.result.score - x.result.score || listingKey(x.other).localeCompare(listingKey(y.other)))
    .slice(0, MAX_TWIN_CANDIDATES);
  if (candidates.length === 0) return null;

  const needsOwn = candidates.some(
    (c) => c.result.verdict === 'POSSIBLE' && c.result.unknown.some((field) => !gives(listing, field)),
  );
  const own = needsOwn && !listing.isDetail ? ((await readDetail(listing)) ?? listing) : listing;
  const settled = await Promise.all(
    candidates.map(async ({ other, result }) => {
      if (result.same) return { listing: other, result };
      const lacks = result.unknown.some((field) => !gives(other, field));
      const view = lacks && !other.isDetail ? ((await readDetail(other)) ?? other) : other;
      return { listing: view, result: matchPair(own, view) };
    }),
  );
  const same = settled.filter((s) => s.result.same);
  same.sort(
    (x, y) => y.result.score - x.result.score || listingKey(x.listing).localeCompare(listingKey(y.listing)),
  );
  return same[0] ?? null;
}
