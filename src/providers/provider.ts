import type {
  Community,
  Listing,
  ListingField,
  ListingType,
  ProviderName,
  SearchQuery,
  SearchSort,
} from '../domain/listing.js';
import type { CircuitStatus } from '../http/transport.js';

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
  circuit: CircuitStatus;
  /** Calls left today under our own daily budget; null when there is none. */
  budgetRemaining: number | null;
}

export interface ListingRef {
  sourceId: string;
  /** Required by Beike's detail endpoint; ignored by Fang. */
  cityId: string | null;
}

/** What any search result shows as a card: both providers' list entries carry these. */
export const CARD_FIELDS: readonly ListingField[] = [
  'cityId',
  'listingType',
  'title',
  'url',
  'totalPrice',
  'unitPrice',
  'monthlyRent',
  'area',
  'layout',
  'tags',
];

/**
 * What a provider declares about itself, in its own folder (`rules.ts`) beside its client. The
 * schema (listing ids, stub fields), the store (detail keys), the cost model and the search
 * planner read this declaration and nothing else.
 */
export interface ProviderRules {
  readonly name: ProviderName;
  /** Whether a listing's key includes its city: the provider's detail call needs it (Beike). */
  readonly cityScopedKeys: boolean;
  /** The fields a search stub carries reliably; anything else needs `getListing`. */
  readonly stubFields: ReadonlySet<ListingField>;
  /** Listings per search page, the most the provider allows; a deployment may ask for fewer. */
  readonly searchPageSize: number;
  readonly listingTypes: readonly ListingType[];
  /** The orders it can sort by; RELEVANCE is always its own order. */
  readonly sorts: ReadonlySet<SearchSort>;
  /** Its community list, when it has one. */
  readonly communities: { readonly pageSize: number } | null;
  /** How many results of one query paging can reach, when the provider caps it (Beike: about 2,000). */
  readonly reachableResults: number | null;
}

/**
 * What the layers above need of a listing provider. A third provider is one more folder that
 * implements this and declares its rules.
 */
export interface ListingProvider {
  readonly name: ProviderName;
  readonly rules: ProviderRules;
  /** Listings per search page as configured (at most `rules.searchPageSize`); pages are numbered from 0. */
  readonly searchPageSize: number;

  searchSupport(query: SearchQuery): SearchSupport;
  search(query: SearchQuery, page: number): Promise<SearchPage>;
  /** null when the provider says the listing does not exist (not an error). */
  getListing(ref: ListingRef): Promise<Listing | null>;
  /** Present exactly when `rules.communities` is. */
  searchCommunities?(query: CommunityQuery, page: number): Promise<CommunityPage>;
  health(): ProviderHealth;
  close(): Promise<void>;
}
