/** What GraphiQL opens with: a search in 北京 with the fields people look at first. */
export const EXAMPLE_QUERY = `# listing-graph: Beike (贝壳) and Fang.com (房天下) in one graph.
# Money in yuan, areas in m², dates ISO-8601. Press ▶ to run.
query BeijingTwoBedrooms {
  service { mode providers }
  search(
    filter: { cityId: "110000", bedrooms: [2, 3], priceMax: 8000000 }
    sort: PRICE_ASC
    first: 10
  ) {
    totalCount
    providers { provider state totalCount ignoredFilters }
    edges {
      node {
        id
        provider
        title
        totalPrice
        unitPrice
        area
        layout { text }
        community { name district }
        url
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}
`;
