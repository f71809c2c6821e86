import type {
  Amenity,
  Decoration,
  ListingType,
  ProviderName,
  SearchQuery,
  SearchSort,
} from '../domain/listing.js';
import type { ListingStore } from '../store/listing-store.js';
import { fingerprintOf } from './cursor.js';
import { ProviderNotConfiguredError, SearchInputError } from './errors.js';

export interface SearchPlan {
  query: SearchQuery;
  /** Providers to ask, in tie-break order. */
  providers: ProviderName[];
  /** Providers that were considered and left out, with the reason. */
  skipped: { provider: ProviderName; reason: string }[];
  /** Whether cross-provider duplicates are left out (only when more than one provider is asked). */
  collapse: boolean;
  fingerprint: string;
}

/** A search as a client states it: absent filters are null or missing. */
export interface SearchRequest {
  cityId: string;
  keyword?: string | null;
  listingType?: ListingType | null;
  bedrooms?: readonly number[] | null;
  priceMin?: number | null;
  priceMax?: number | null;
  areaMin?: number | null;
  areaMax?: number | null;
  decoration?: Decoration | null;
  amenities?: readonly Amenity[] | null;
}

/** The one query a request means: defaults filled in, sets deduplicated and ordered. */
export function searchQueryOf(request: SearchRequest, sort: SearchSort | null | undefined): SearchQuery {
  return {
    cityId: request.cityId,
    // A blank keyword is no keyword: search boxes send "".
    keyword: request.keyword?.trim() || null,
    listingType: request.listingType ?? 'RESALE',
    bedrooms: [...new Set(request.bedrooms ?? [])].sort(),
    priceMin: request.priceMin ?? null,
    priceMax: request.priceMax ?? null,
    areaMin: request.areaMin ?? null,
    areaMax: request.areaMax ?? null,
    decoration: request.decoration ?? null,
    amenities: [...new Set(request.amenities ?? [])].sort(),
    sort: sort ?? 'RELEVANCE',
  };
}

/**
 * Which providers to ask. An explicitly named provider that is not configured, or cannot serve the
 * search, is the client's error; by default such providers are skipped and said so.
 */
export function planSearch(
  store: ListingStore,
  query: SearchQuery,
  requested: readonly ProviderName[] | null,
  collapseDuplicates = false,
): SearchPlan {
  const candidates = requested ? [...new Set(requested)] : [...store.providers.keys()];
  const providers: ProviderName[] = [];
  const skipped: SearchPlan['skipped'] = [];
  for (const name of candidates) {
    const provider = store.provider(name);
    if (!provider) {
      if (requested) throw new ProviderNotConfiguredError(name);
      continue;
    }
    const reason = !provider.searchSupport(query).serves
      ? `${name} does not list ${query.listingType} in this city`
      : !provider.rules.sorts.has(query.sort)
        ? `${name} cannot sort by ${query.sort}`
        : null;
    if (reason === null) providers.push(name);
    else if (requested) throw new SearchInputError('filter.providers', reason);
    else skipped.push({ provider: name, reason });
  }
  if (providers.length === 0 && skipped.length === 0) {
    throw new SearchInputError('filter.providers', 'no configured provider can serve this search');
  }
  // Never an empty page for a search nobody can run: say what to change, and why.
  if (providers.length === 0) {
    throw new SearchInputError(
      argumentToChange(store, query, skipped),
      `no provider can serve this search: ${skipped.map((s) => s.reason).join('; ')}`,
    );
  }
  const collapse = collapseDuplicates && providers.length > 1;
  // A collapsed paging and a full one are different orders: their cursors do not mix.
  const fingerprint = fingerprintOf(collapse ? { query, providers, collapse } : { query, providers });
  return { query, providers, skipped, collapse, fingerprint };
}

/**
 * The one argument whose change lets some skipped provider serve: the sort when a provider lists
 * this type here but cannot sort so, else the listing type (no provider lists it in this city).
 */
function argumentToChange(store: ListingStore, query: SearchQuery, skipped: SearchPlan['skipped']): string {
  const sortOnly = skipped.some(({ provider }) => store.provider(provider)?.searchSupport(query).serves);
  return sortOnly ? 'sort' : 'filter.listingType';
}
