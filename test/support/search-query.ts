import { type SearchQuery, unfilteredSearch } from '../../src/domain/listing.js';

/** A Beijing resale search with no filters; override what a test varies. */
export const searchQuery = (over: Partial<SearchQuery> = {}): SearchQuery => unfilteredSearch('110000', over);
