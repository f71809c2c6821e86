/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
/** Something near the home. */
export type Amenity =
  /** Near a hospital (近医院). */
  | 'HOSPITAL'
  /** Near a metro station (地铁房). */
  | 'METRO'
  /** In a school catchment (学区房). */
  | 'SCHOOL';

/** State of the interior. */
export type Decoration =
  /** Fully decorated (精装). */
  | 'FULL'
  /** Bare shell (毛坯). */
  | 'ROUGH'
  /** Simply decorated (简装). */
  | 'SIMPLE';

/** What is offered. */
export type ListingType =
  /** Commercial property (商业地产). */
  | 'COMMERCIAL'
  /** A new home from a developer (新房). */
  | 'NEW_HOME'
  /** A home to rent (租房); priced per month. */
  | 'RENTAL'
  /** A second-hand home for sale (二手房). */
  | 'RESALE';

/** Where a listing comes from. */
export type Provider =
  /** Beike (贝壳 / Lianjia), through Just One API. */
  | 'BEIKE'
  /** Fang.com (房天下). */
  | 'FANG';

/** How one provider took part in a search. */
export type ProviderSearchState =
  /** Was asked and failed; see `error` and the response `errors`. */
  | 'FAILED'
  /** Answered. */
  | 'OK'
  /** Not asked: it cannot serve this search, see `reason`. */
  | 'SKIPPED';

/** What to look for. Money in yuan, areas in m². */
export type SearchFilter = {
  /** All of these nearby. */
  amenities?: Array<Amenity> | null | undefined;
  /** Largest floor area, m². */
  areaMax?: number | null | undefined;
  /** Smallest floor area, m². */
  areaMin?: number | null | undefined;
  /** Any of these bedroom counts; 5 means five or more. */
  bedrooms?: Array<number> | null | undefined;
  /** GB/T 2260 city code, e.g. "110000" (see `cities`). */
  cityId: string;
  /** Interior. */
  decoration?: Decoration | null | undefined;
  /** In any of these districts: GB/T 2260 codes of the city (see `City.districts`), e.g. ["110105"]. Each provider gets its own form (Beike its own district ids, Fang `region`); where a provider cannot narrow to them upstream (more than one district) the gateway filters its listings (`providers[].postFiltered`). */
  districtIds?: Array<string> | null | undefined;
  /** Words to match in titles, communities and districts. Blank (empty or only spaces) means no keyword, as a search box sends it. */
  keyword?: string | null | undefined;
  /** What is offered. */
  listingType?: ListingType | null | undefined;
  /** Highest total price, yuan (monthly rent for RENTAL). */
  priceMax?: number | null | undefined;
  /** Lowest total price, yuan (monthly rent for RENTAL). */
  priceMin?: number | null | undefined;
  /** Ask only these providers. Default: every configured provider that can serve the filter. */
  providers?: Array<Provider> | null | undefined;
};

/** Order of search results. Listings whose sort value is unknown come last. */
export type SearchSort =
  /** Floor area, smallest first. */
  | 'AREA_ASC'
  /** Floor area, largest first. */
  | 'AREA_DESC'
  /** Most recently listed first. */
  | 'NEWEST'
  /** Total price (monthly rent for rentals), lowest first. */
  | 'PRICE_ASC'
  /** Total price (monthly rent for rentals), highest first. */
  | 'PRICE_DESC'
  /** Each provider's own order, interleaved fairly. */
  | 'RELEVANCE'
  /** Price per m², lowest first. */
  | 'UNIT_PRICE_ASC'
  /** Price per m², highest first. */
  | 'UNIT_PRICE_DESC';

export type ComparePricesQueryVariables = Exact<{
  first: string | number;
  second: string | number;
}>;


export type ComparePricesQuery = { first:
    | { __typename: 'Agent' }
    | { __typename: 'Community' }
    | { __typename: 'Listing', id: string, provider: Provider, title: string, totalPrice: number | null, unitPrice: number | null, area: number | null, downPayment: number | null, monthlyPayment: number | null, community: { name: string, averageUnitPrice: number | null } | null, alsoListedAs: Array<{ id: string, provider: Provider, totalPrice: number | null }> }
    | { __typename: 'Watch' }
    | { __typename: 'WatchEvent' }
   | null, second:
    | { __typename: 'Agent' }
    | { __typename: 'Community' }
    | { __typename: 'Listing', id: string, provider: Provider, title: string, totalPrice: number | null, unitPrice: number | null, area: number | null, downPayment: number | null, monthlyPayment: number | null, community: { name: string, averageUnitPrice: number | null } | null, alsoListedAs: Array<{ id: string, provider: Provider, totalPrice: number | null }> }
    | { __typename: 'Watch' }
    | { __typename: 'WatchEvent' }
   | null };

export type PriceComparisonFragment = { id: string, provider: Provider, title: string, totalPrice: number | null, unitPrice: number | null, area: number | null, downPayment: number | null, monthlyPayment: number | null, community: { name: string, averageUnitPrice: number | null } | null, alsoListedAs: Array<{ id: string, provider: Provider, totalPrice: number | null }> };

export type ListingWithAgentQueryVariables = Exact<{
  provider: Provider;
  sourceId: string;
  cityId?: string | null | undefined;
}>;


export type ListingWithAgentQuery = { listing: { id: string, provider: Provider, title: string, totalPrice: number | null, unitPrice: number | null, area: number | null, listedAt: string | null, url: string | null, agent: { name: string, title: string | null, phone: string | null, company: string | null, credentials: Array<{ name: string, number: string | null }> } | null } | null };

export type SearchListingsQueryVariables = Exact<{
  filter: SearchFilter;
  first?: number | null | undefined;
  after?: string | null | undefined;
  sort?: SearchSort | null | undefined;
}>;


export type SearchListingsQuery = { search: { totalCount: number | null, providers: Array<{ provider: Provider, state: ProviderSearchState, ignoredFilters: Array<string>, postFiltered: Array<string> }>, edges: Array<{ cursor: string, node: { id: string, provider: Provider, sourceId: string, cityId: string | null, title: string, totalPrice: number | null, unitPrice: number | null, area: number | null, layout: { text: string | null, bedrooms: number | null } | null, community: { name: string, district: { id: string, name: string } | null } | null } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const PriceComparisonFragmentDoc = new TypedDocumentString(`
    fragment PriceComparison on Listing {
  id
  provider
  title
  totalPrice
  unitPrice
  area
  downPayment
  monthlyPayment
  community {
    name
    averageUnitPrice
  }
  alsoListedAs {
    id
    provider
    totalPrice
  }
}
    `, {"fragmentName":"PriceComparison"}) as unknown as TypedDocumentString<PriceComparisonFragment, unknown>;
export const ComparePricesDocument = new TypedDocumentString(`
    query ComparePrices($first: ID!, $second: ID!) {
  first: node(id: $first) {
    __typename
    ...PriceComparison
  }
  second: node(id: $second) {
    __typename
    ...PriceComparison
  }
}
    fragment PriceComparison on Listing {
  id
  provider
  title
  totalPrice
  unitPrice
  area
  downPayment
  monthlyPayment
  community {
    name
    averageUnitPrice
  }
  alsoListedAs {
    id
    provider
    totalPrice
  }
}`) as unknown as TypedDocumentString<ComparePricesQuery, ComparePricesQueryVariables>;
export const ListingWithAgentDocument = new TypedDocumentString(`
    query ListingWithAgent($provider: Provider!, $sourceId: String!, $cityId: String) {
  listing(provider: $provider, sourceId: $sourceId, cityId: $cityId) {
    id
    provider
    title
    totalPrice
    unitPrice
    area
    listedAt
    url
    agent {
      name
      title
      phone
      company
      credentials {
        name
        number
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ListingWithAgentQuery, ListingWithAgentQueryVariables>;
export const SearchListingsDocument = new TypedDocumentString(`
    query SearchListings($filter: SearchFilter!, $first: Int = 10, $after: String, $sort: SearchSort = PRICE_ASC) {
  search(filter: $filter, first: $first, after: $after, sort: $sort) {
    totalCount
    providers {
      provider
      state
      ignoredFilters
      postFiltered
    }
    edges {
      cursor
      node {
        id
        provider
        sourceId
        cityId
        title
        totalPrice
        unitPrice
        area
        layout {
          text
          bedrooms
        }
        community {
          name
          district {
            id
            name
          }
        }
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    `) as unknown as TypedDocumentString<SearchListingsQuery, SearchListingsQueryVariables>;