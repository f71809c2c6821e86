import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SearchSort, SearchStubsDocument, type SearchStubsQuery } from '../generated/graphql.js';
import { dataOf, type GraphQLResponse, startGateway, type TestGateway } from '../support/gateway.js';

type Node = SearchStubsQuery['search']['edges'][number]['node'];

let gw: TestGateway;
beforeAll(async () => {
  gw = await startGateway();
});
afterAll(() => gw.close());

const BEIJING = '110000';

/** Every resale listing of Beijing on both sites, computed from the sandbox's own records. */
function expectedIds(): string[] {
  const data = gw.app.sandbox!.data;
  return [
    ...data.beike.listings.filter((l) => l.cityId === BEIJING).map((l) => `BEIKE:${l.houseCode}`),
    ...data.fang.houses
      .filter((h) => h.cityId === BEIJING && h.houseType === 'second')
      .map((h) => `FANG:${h.houseId}`),
  ].sort();
}

async function pageThrough(
  sort: SearchSort,
  pageSizes: number[],
): Promise<{ nodes: Node[]; totalCount: number | null }> {
  const nodes: Node[] = [];
  let after: string | null = null;
  let totalCount: number | null = null;
  for (let i = 0; i < 200; i++) {
    const first = pageSizes[i % pageSizes.length] as number;
    const response: GraphQLResponse<SearchStubsQuery> = await gw.query(SearchStubsDocument, {
      filter: { cityId: BEIJING },
      first,
      after,
      sort,
    });
    const { search }: SearchStubsQuery = dataOf(response);
    totalCount = search.totalCount ?? null;
    nodes.push(...search.edges.map((e) => e.node));
    expect(search.edges.length).toBeLessThanOrEqual(first);
    if (!search.pageInfo.hasNextPage) return { nodes, totalCount };
    expect(search.edges.length).toBe(first);
    after = search.pageInfo.endCursor ?? null;
  }
  throw new Error('paging did not end');
}

function isOrdered<T>(values: T[], before: (a: T, b: T) => boolean): boolean {
  return values.every((v, i) => i === 0 || !before(v, values[i - 1] as T));
}

describe('paging through a merged search', () => {
  it('visits every listing of both providers exactly once, in price order', async () => {
    const { nodes, totalCount } = await pageThrough('PRICE_ASC', [50, 17, 33]);
    const ids = nodes.map((n) => `${n.provider}:${n.sourceId}`);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(expectedIds());
    expect(ids.length).toBeGreaterThan(300);
    expect(totalCount).toBe(ids.length);
    expect(new Set(nodes.map((n) => n.provider))).toEqual(new Set(['BEIKE', 'FANG']));
    const prices = nodes.map((n) => n.totalPrice as number);
    expect(prices.every((p) => typeof p === 'number')).toBe(true);
    expect(isOrdered(prices, (a, b) => a < b)).toBe(true);
  });

  it('visits every listing exactly once, newest first', async () => {
    const { nodes } = await pageThrough('NEWEST', [50, 20]);
    const ids = nodes.map((n) => `${n.provider}:${n.sourceId}`);
    expect([...ids].sort()).toEqual(expectedIds());
    const dates = nodes.map((n) => n.listedAt as string);
    expect(dates.every((d) => /^\d{4}-\d{2}-\d{2}$/.test(d))).toBe(true);
    expect(isOrdered(dates, (a, b) => a > b)).toBe(true);
  });

  it('interleaves the providers fairly for RELEVANCE', async () => {
    const { search } = dataOf(
      await gw.query(SearchStubsDocument, { filter: { cityId: BEIJING }, first: 10 }),
    );
    expect(search.edges.map((e) => e.node.provider)).toEqual([
      'BEIKE',
      'FANG',
      'BEIKE',
      'FANG',
      'BEIKE',
      'FANG',
      'BEIKE',
      'FANG',
      'BEIKE',
      'FANG',
    ]);
  });

  it('honours filters on both providers, in yuan and m²', async () => {
    const filter = {
      cityId: BEIJING,
      priceMin: 3_000_000,
      priceMax: 6_000_000,
      areaMin: 60,
      bedrooms: [2, 3],
    };
    const { search } = dataOf(await gw.query(SearchStubsDocument, { filter, first: 50, sort: 'PRICE_ASC' }));
    expect(search.edges.length).toBeGreaterThan(0);
    for (const { node } of search.edges) {
      expect(node.totalPrice).toBeGreaterThanOrEqual(3_000_000);
      expect(node.totalPrice).toBeLessThanOrEqual(6_000_000);
      expect(node.area).toBeGreaterThanOrEqual(60);
    }
    const data = gw.app.sandbox!.data;
    const beike = data.beike.listings.filter(
      (l) =>
        l.cityId === BEIJING &&
        l.price >= 3e6 &&
        l.price <= 6e6 &&
        l.area >= 60 &&
        [2, 3].includes(l.bedrooms),
    ).length;
    const fang = data.fang.houses.filter(
      (h) =>
        h.cityId === BEIJING &&
        h.houseType === 'second' &&
        (h.price ?? 0) >= 3e6 &&
        (h.price ?? 0) <= 6e6 &&
        h.area >= 60 &&
        [2, 3].includes(h.bedrooms),
    ).length;
    expect(search.totalCount).toBe(beike + fang);
  });

  it('serves rentals from Fang alone, priced per month, and says Beike was skipped', async () => {
    const { search } = dataOf(
      await gw.query(SearchStubsDocument, { filter: { cityId: BEIJING, listingType: 'RENTAL' }, first: 5 }),
    );
    expect(search.edges.length).toBe(5);
    for (const { node } of search.edges) {
      expect(node.provider).toBe('FANG');
      expect(node.totalPrice).toBeNull();
      expect(node.monthlyRent).toBeGreaterThan(500);
    }
    expect(search.providers).toContainEqual(expect.objectContaining({ provider: 'BEIKE', state: 'SKIPPED' }));
  });

  it('says which filters a provider could not honour', async () => {
    const { search } = dataOf(
      await gw.query(SearchStubsDocument, { filter: { cityId: BEIJING, amenities: ['SCHOOL'] }, first: 5 }),
    );
    const beike = search.providers.find((p) => p.provider === 'BEIKE');
    expect(beike?.ignoredFilters).toContain('amenities');
    expect(search.providers.find((p) => p.provider === 'FANG')?.ignoredFilters).toEqual([]);
  });
});
