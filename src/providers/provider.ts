import type {
  Community,
  Listing,
  ListingField,
  ListingType,
  ProviderName,
  SearchQuery,
} from '../domain/listing.js';
import type { CircuitState } from '../http/transport.js';

/** One page of a provider's search, already normalised. */
export interface SearchPage {
  /** Stubs: `isDetail` is false; only the provider's `stubFields` are to be trusted. */
  listings: Listing[];
  /** The provider's count of all matching listings, when it says. */
  total: number | null;
  hasMore: boolean;
}

export interface CommunityPage {
  communities: Community[];
  total: number | null;
  hasMore: boolean;
}

export interface CommunityQuery {
  cityId: string;
  keyword: string | null;
}

/** How well a provider can serve a search, decided without calling it. */
export interface SearchSupport {
  /** false when the provider cannot serve this search at all (e.g. a listing type it does not list). */
  serves: boolean;
  /** Filter names (SearchFilter field names) the provider would ignore. */
  ignoredFilters: string[];
}

/** What operators see of a provider's transport (metrics, readiness); read-only, costs no call. */
export interface ProviderHealth {
  circuit: CircuitState;
  /** Calls left today under our own daily budget; null when there is none. */
  budgetRemaining: number | null;
}

export interface ListingRef {
  sourceId: string;
  /** Required by Beike's detail endpoint; ignored by Fang. */
  cityId: string | null;
}

/**
 * What the GraphQL layer needs of a listing provider. A third provider is one more folder that
 * implements this.
 */
export interface ListingProvider {
  readonly name: ProviderName;
  /** Listings per search page; pages are numbered from 0. */
  readonly searchPageSize: number;
  /** How many results of one query paging can reach, when the provider caps it (Beike: about 2,000). */
  readonly reachableResults?: number;
  /** The fields a search stub carries reliably; anything else needs `getListing`. */
  readonly stubFields: ReadonlySet<ListingField>;
  readonly listingTypes: readonly ListingType[];
  /** Whether `getListing` needs `cityId`. */
  readonly detailNeedsCity: boolean;

  searchSupport(query: SearchQuery): SearchSupport;
  search(query: SearchQuery, page: number, signal?: AbortSignal): Promise<SearchPage>;
  /** null when the provider says the listing does not exist (not an error). */
  getListing(ref: ListingRef, signal?: AbortSignal): Promise<Listing | null>;
  /** Absent when the provider has no community list. */
  searchCommunities?(query: CommunityQuery, page: number, signal?: AbortSignal): Promise<CommunityPage>;
  readonly communityPageSize?: number;
  health(): ProviderHealth;
  close(): Promise<void>;
}
