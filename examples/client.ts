/**
 * A typed client for partner services, in plain fetch: the operations live in
 * examples/operations/*.graphql and `npm run codegen` turns them into typed documents
 * (examples/generated/). Run against a server:
 *
 *   npx tsx examples/client.ts http://localhost:4000/graphql
 *
 * It searches two pages of 2–3 bedroom homes in Beijing, reads the cheapest Beike listing with its
 * agent, and compares the prices of the two cheapest listings.
 */
import { pathToFileURL } from 'node:url';
import {
  ComparePricesDocument,
  ListingWithAgentDocument,
  SearchListingsDocument,
  type SearchListingsQuery,
  type SearchListingsQueryVariables,
  type TypedDocumentString,
} from './generated/graphql.js';

export interface GraphQLErrorBody {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; provider?: string; retryable?: boolean };
}

export class GraphQLRequestError extends Error {
  override readonly name = 'GraphQLRequestError';
  constructor(
    readonly status: number,
    readonly errors: GraphQLErrorBody[],
  ) {
    super(`${status}: ${errors.map((e) => `${e.extensions?.code ?? 'ERROR'} ${e.message}`).join('; ')}`);
  }
}

export interface Result<TData> {
  data: TData;
  /** Errors that came with data: e.g. one provider of a search failed, the other answered. */
  partialErrors: GraphQLErrorBody[];
  /** "SANDBOX" when the server runs on simulated data. */
  mode: string | undefined;
}

/** Sends one typed operation; throws GraphQLRequestError when no data came back. */
export async function execute<TData, TVariables>(
  url: string,
  document: TypedDocumentString<TData, TVariables>,
  variables: TVariables,
  headers: Record<string, string> = {},
): Promise<Result<TData>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json',
      ...headers,
    },
    body: JSON.stringify({ query: document.toString(), variables }),
  });
  const body = (await response.json()) as {
    data?: TData | null;
    errors?: GraphQLErrorBody[];
    extensions?: { mode?: string };
  };
  if (body.data == null) throw new GraphQLRequestError(response.status, body.errors ?? []);
  return { data: body.data, partialErrors: body.errors ?? [], mode: body.extensions?.mode };
}

type Edge = SearchListingsQuery['search']['edges'][number];

/** Follows `endCursor` for up to `pages` pages of the same search. */
export async function searchPages(
  url: string,
  variables: SearchListingsQueryVariables,
  pages: number,
): Promise<Edge[]> {
  const edges: Edge[] = [];
  let after: string | null = null;
  for (let page = 0; page < pages; page++) {
    const { data }: Result<SearchListingsQuery> = await execute(url, SearchListingsDocument, {
      ...variables,
      after,
    });
    edges.push(...data.search.edges);
    if (!data.search.pageInfo.hasNextPage) break;
    after = data.search.pageInfo.endCursor ?? null;
  }
  return edges;
}

export interface ExampleRun {
  mode: string | undefined;
  listings: Edge[];
  withAgent: Awaited<ReturnType<typeof listingWithAgent>>;
  comparison: Awaited<ReturnType<typeof comparePrices>>;
}

export async function listingWithAgent(
  url: string,
  provider: 'BEIKE' | 'FANG',
  sourceId: string,
  cityId: string,
) {
  const { data } = await execute(url, ListingWithAgentDocument, { provider, sourceId, cityId });
  return data.listing;
}

export async function comparePrices(url: string, firstId: string, secondId: string) {
  const { data } = await execute(url, ComparePricesDocument, { first: firstId, second: secondId });
  const side = (node: typeof data.first) => (node?.__typename === 'Listing' ? node : null);
  return { first: side(data.first), second: side(data.second) };
}

/** The three example operations in a row, as a partner service would chain them. */
export async function runExamples(url: string): Promise<ExampleRun> {
  const { mode } = await execute(url, SearchListingsDocument, { filter: { cityId: '110000' }, first: 1 });
  const listings = await searchPages(
    url,
    { filter: { cityId: '110000', bedrooms: [2, 3], priceMax: 8_000_000 }, first: 5, sort: 'PRICE_ASC' },
    2,
  );
  const beike = listings.find((e) => e.node.provider === 'BEIKE')?.node;
  if (!beike) throw new Error('the search found no Beike listing');
  const withAgent = await listingWithAgent(url, 'BEIKE', beike.sourceId, beike.cityId ?? '110000');
  const [a, b] = listings;
  if (!a || !b) throw new Error('the search found fewer than two listings');
  const comparison = await comparePrices(url, a.node.id, b.node.id);
  return { mode, listings, withAgent, comparison };
}

function yuan(value: number | null | undefined): string {
  return value == null ? '—' : `¥${Math.round(value).toLocaleString('en-US')}`;
}

async function main(url: string): Promise<void> {
  const run = await runExamples(url);
  if (run.mode === 'SANDBOX') console.log('(the server runs on SANDBOX data: simulated listings)');
  console.log(`search: ${run.listings.length} listings over 2 pages, cheapest first`);
  for (const { node } of run.listings) {
    const district = node.community?.district?.name ?? '—';
    console.log(
      `  ${node.provider.padEnd(5)} ${yuan(node.totalPrice).padStart(12)}  ${district}  ${node.title}`,
    );
  }
  const agent = run.withAgent?.agent;
  console.log(
    `listing with agent: ${run.withAgent?.title ?? 'not found'} — agent ${agent?.name ?? 'none'}` +
      `${agent?.phone ? ` (${agent.phone})` : ''}`,
  );
  const { first, second } = run.comparison;
  if (first && second) {
    const difference = (second.totalPrice ?? 0) - (first.totalPrice ?? 0);
    console.log(
      `compare: ${first.title} ${yuan(first.totalPrice)} vs ${second.title} ${yuan(second.totalPrice)}` +
        ` (difference ${yuan(difference)}; ${yuan(first.unitPrice)}/m² vs ${yuan(second.unitPrice)}/m²)`,
    );
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv[2] ?? 'http://localhost:4000/graphql').catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
