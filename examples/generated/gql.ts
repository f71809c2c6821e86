/* eslint-disable */
import * as types from './graphql.js';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "query ComparePrices($first: ID!, $second: ID!) {\n  first: node(id: $first) {\n    __typename\n    ...PriceComparison\n  }\n  second: node(id: $second) {\n    __typename\n    ...PriceComparison\n  }\n}\n\nfragment PriceComparison on Listing {\n  id\n  provider\n  title\n  totalPrice\n  unitPrice\n  area\n  downPayment\n  monthlyPayment\n  community {\n    name\n    averageUnitPrice\n  }\n  alsoListedAs {\n    id\n    provider\n    totalPrice\n  }\n}": typeof types.ComparePricesDocument,
    "query ListingWithAgent($provider: Provider!, $sourceId: String!, $cityId: String) {\n  listing(provider: $provider, sourceId: $sourceId, cityId: $cityId) {\n    id\n    provider\n    title\n    totalPrice\n    unitPrice\n    area\n    listedAt\n    url\n    agent {\n      name\n      title\n      phone\n      company\n      credentials {\n        name\n        number\n      }\n    }\n  }\n}": typeof types.ListingWithAgentDocument,
    "query SearchListings($filter: SearchFilter!, $first: Int = 10, $after: String, $sort: SearchSort = PRICE_ASC) {\n  search(filter: $filter, first: $first, after: $after, sort: $sort) {\n    totalCount\n    providers {\n      provider\n      state\n      ignoredFilters\n      postFiltered\n    }\n    edges {\n      cursor\n      node {\n        id\n        provider\n        sourceId\n        cityId\n        title\n        totalPrice\n        unitPrice\n        area\n        layout {\n          text\n          bedrooms\n        }\n        community {\n          name\n          district\n        }\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": typeof types.SearchListingsDocument,
};
const documents: Documents = {
    "query ComparePrices($first: ID!, $second: ID!) {\n  first: node(id: $first) {\n    __typename\n    ...PriceComparison\n  }\n  second: node(id: $second) {\n    __typename\n    ...PriceComparison\n  }\n}\n\nfragment PriceComparison on Listing {\n  id\n  provider\n  title\n  totalPrice\n  unitPrice\n  area\n  downPayment\n  monthlyPayment\n  community {\n    name\n    averageUnitPrice\n  }\n  alsoListedAs {\n    id\n    provider\n    totalPrice\n  }\n}": types.ComparePricesDocument,
    "query ListingWithAgent($provider: Provider!, $sourceId: String!, $cityId: String) {\n  listing(provider: $provider, sourceId: $sourceId, cityId: $cityId) {\n    id\n    provider\n    title\n    totalPrice\n    unitPrice\n    area\n    listedAt\n    url\n    agent {\n      name\n      title\n      phone\n      company\n      credentials {\n        name\n        number\n      }\n    }\n  }\n}": types.ListingWithAgentDocument,
    "query SearchListings($filter: SearchFilter!, $first: Int = 10, $after: String, $sort: SearchSort = PRICE_ASC) {\n  search(filter: $filter, first: $first, after: $after, sort: $sort) {\n    totalCount\n    providers {\n      provider\n      state\n      ignoredFilters\n      postFiltered\n    }\n    edges {\n      cursor\n      node {\n        id\n        provider\n        sourceId\n        cityId\n        title\n        totalPrice\n        unitPrice\n        area\n        layout {\n          text\n          bedrooms\n        }\n        community {\n          name\n          district\n        }\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": types.SearchListingsDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ComparePrices($first: ID!, $second: ID!) {\n  first: node(id: $first) {\n    __typename\n    ...PriceComparison\n  }\n  second: node(id: $second) {\n    __typename\n    ...PriceComparison\n  }\n}\n\nfragment PriceComparison on Listing {\n  id\n  provider\n  title\n  totalPrice\n  unitPrice\n  area\n  downPayment\n  monthlyPayment\n  community {\n    name\n    averageUnitPrice\n  }\n  alsoListedAs {\n    id\n    provider\n    totalPrice\n  }\n}"): typeof import('./graphql.js').ComparePricesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ListingWithAgent($provider: Provider!, $sourceId: String!, $cityId: String) {\n  listing(provider: $provider, sourceId: $sourceId, cityId: $cityId) {\n    id\n    provider\n    title\n    totalPrice\n    unitPrice\n    area\n    listedAt\n    url\n    agent {\n      name\n      title\n      phone\n      company\n      credentials {\n        name\n        number\n      }\n    }\n  }\n}"): typeof import('./graphql.js').ListingWithAgentDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query SearchListings($filter: SearchFilter!, $first: Int = 10, $after: String, $sort: SearchSort = PRICE_ASC) {\n  search(filter: $filter, first: $first, after: $after, sort: $sort) {\n    totalCount\n    providers {\n      provider\n      state\n      ignoredFilters\n      postFiltered\n    }\n    edges {\n      cursor\n      node {\n        id\n        provider\n        sourceId\n        cityId\n        title\n        totalPrice\n        unitPrice\n        area\n        layout {\n          text\n          bedrooms\n        }\n        community {\n          name\n          district\n        }\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}"): typeof import('./graphql.js').SearchListingsDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
