/** The operations the benchmark sends: every Listing field, as a listing page or comparison tool would. */

/** As Node's fetch and browsers send: the gateway answers brotli. */
export const ACCEPT_ENCODING = 'gzip, deflate, br';
export const REQUEST_HEADERS = {
  'content-type': 'application/json',
  accept: 'application/graphql-response+json',
  'accept-encoding': ACCEPT_ENCODING,
};

const EVERY_LISTING_FIELD = `
fragment EveryListingField on Listing {
  id provider sourceId cityId listingType title url
  totalPrice unitPrice monthlyRent area
  layout { bedrooms livingRooms bathrooms text }
  floor { text level total }
  orientations decoration hasElevator builtYear listedAt tags amenities
  photos { url caption isFloorPlan }
  community {
    id provider sourceId cityId name district { id name } subdistrict averageUnitPrice resaleAverageUnitPrice
    resaleListingCount builtYear buildingType coverUrl location { latitude longitude }
  }
  agent {
    id provider sourceId name title phone company
    credentials { name number imageUrl }
  }
  downPayment monthlyPayment address location { latitude longitude } description isActive fetchedAt
}`;

export const SEARCH_EVERY_FIELD = `query BenchSearch($filter: SearchFilter!, $first: Int) {
  search(filter: $filter, first: $first) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { ...EveryListingField } }
  }
}
${EVERY_LISTING_FIELD}`;

export const LISTING_EVERY_FIELD = `query BenchListing($provider: Provider!, $sourceId: String!, $cityId: String) {
  listing(provider: $provider, sourceId: $sourceId, cityId: $cityId) { ...EveryListingField }
}
${EVERY_LISTING_FIELD}`;

export interface ListingRef {
  provider: 'BEIKE' | 'FANG';
  sourceId: string;
  cityId: string;
}

export const searchBody = (cityId: string, first = 20): string =>
  JSON.stringify({ query: SEARCH_EVERY_FIELD, variables: { filter: { cityId }, first } });

export const listingBody = (ref: ListingRef): string =>
  JSON.stringify({ query: LISTING_EVERY_FIELD, variables: ref });

/** Listings by global id, a page at a time: one request pushes many details through the caches. */
export const NODES_BODY_QUERY = `query BenchNodes($ids: [ID!]!) {
  nodes(ids: $ids) { id ... on Listing { title totalPrice area fetchedAt } }
}`;

export const nodesBody = (ids: string[]): string =>
  JSON.stringify({ query: NODES_BODY_QUERY, variables: { ids } });
