import type { SearchQuery } from '../../src/domain/listing.js';

/** A Beijing resale search with no filters, in the model's units; override what a test varies. */
export function searchQuery(over: Partial<SearchQuery> = {}): SearchQuery {
  return {
    cityId: '110000',
    keyword: null,
    listingType: 'RESALE',
    bedrooms: [],
    priceMin: null,
    priceMax: null,
    areaMin: null,
    areaMax: null,
    decoration: null,
    amenities: [],
    sort: 'RELEVANCE',
    ...over,
  };
}
