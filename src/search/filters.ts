import type { Listing, ListingField, SearchQuery } from '../domain/listing.js';

/**
 * THE rule of what a SearchFilter field means for one listing, for the filters the gateway checks
 * itself (a provider that cannot apply one upstream says so in `ignoredFilters`). Pure.
 *
 * Only the filters a listing can be checked against are here: the keyword is the provider's own
 * relevance matching (every provider applies it), the city and listing type pick the search.
 */
export const CHECKABLE_FILTERS = [
  'bedrooms',
  'priceMin',
  'priceMax',
  'areaMin',
  'areaMax',
  'decoration',
  'amenities',
] as const;
export type CheckableFilter = (typeof CHECKABLE_FILTERS)[number];

/** The listing field each filter reads: what a stub must carry, or a detail give. */
export const FILTER_FIELD: Readonly<Record<CheckableFilter, ListingField>> = {
  bedrooms: 'layout',
  priceMin: 'totalPrice',
  priceMax: 'totalPrice',
  areaMin: 'area',
  areaMax: 'area',
  decoration: 'decoration',
  amenities: 'amenities',
};

/** The field a filter reads for this query: prices of rentals are monthly rents. */
export function fieldOf(filter: CheckableFilter, query: SearchQuery): ListingField {
  const field = FILTER_FIELD[filter];
  return field === 'totalPrice' && query.listingType === 'RENTAL' ? 'monthlyRent' : field;
}

/** The filters the query sets, of those a listing can be checked against. */
export function filtersSet(query: SearchQuery): CheckableFilter[] {
  return CHECKABLE_FILTERS.filter((filter) => {
    const value = query[filter];
    return Array.isArray(value) ? value.length > 0 : value !== null;
  });
}

/**
 * Whether the listing satisfies the filter. A listing that does not say (no layout, no price) does
 * not: the result set promises the filter, and an unknown value cannot keep that promise.
 */
export function satisfies(listing: Listing, filter: CheckableFilter, query: SearchQuery): boolean {
  const price = query.listingType === 'RENTAL' ? listing.monthlyRent : listing.totalPrice;
  switch (filter) {
    case 'bedrooms': {
      const n = listing.layout?.bedrooms;
      // 5 means five or more.
      return n != null && query.bedrooms.some((wanted) => (wanted >= 5 ? n >= 5 : n === wanted));
    }
    case 'priceMin':
      return price !== null && query.priceMin !== null && price >= query.priceMin;
    case 'priceMax':
      return price !== null && query.priceMax !== null && price <= query.priceMax;
    case 'areaMin':
      return listing.area !== null && query.areaMin !== null && listing.area >= query.areaMin;
    case 'areaMax':
      return listing.area !== null && query.areaMax !== null && listing.area <= query.areaMax;
    case 'decoration':
      return listing.decoration === query.decoration;
    case 'amenities':
      return query.amenities.every((a) => listing.amenities.includes(a));
  }
}

/** The filters of `filters` the listing breaks. */
export function brokenFilters(
  listing: Listing,
  filters: readonly CheckableFilter[],
  query: SearchQuery,
): CheckableFilter[] {
  return filters.filter((filter) => !satisfies(listing, filter, query));
}
