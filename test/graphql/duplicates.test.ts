import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crossListingTruth } from '../../src/sandbox/index.js';
import {
  ListingTwinsDocument,
  SearchCollapsedDocument,
  type SearchCollapsedQuery,
  type SearchSort,
  SearchStubsDocument,
  type SearchStubsQuery,
} from '../generated/graphql.js';
import { dataOf, startGateway, type TestGateway } from '../support/gateway.js';

/**
 * Issue 11's done-when for duplicates, against the sandbox's ground truth (which the gateway never
 * sees): a collapsed search shows each cross-listed home once across every page, at every sort and
 * page size tried, loses no other listing, and `alsoListedAs` links both sides of a pair.
 */

let gw: TestGateway;
beforeAll(async () => {
  gw = await startGateway();
});
afterAll(() => gw.close());

const BEIJING = '110000';
// Two-bedroom flats: small enough a set to page through often, with cross-listed homes in it.
const FILTER = { cityId: BEIJING, bedrooms: [2] };

type Page = SearchCollapsedQuery['search'];

async function pageThrough(sort: SearchSort, sizes: number[]): Promise<{ ids: string[]; pages: Page[] }> {
  const ids: string[] = [];
  const pages: Page[] = [];
  let after: string | null = null;
  for (let i = 0; i < 200; i++) {
    const first = sizes[i % sizes.length] as number;
    const { search }: SearchCollapsedQuery = dataOf(
      await gw.query(SearchCollapsedDocument, { filter: FILTER, first, after, sort }),
    );
    pages.push(search);
    expect(search.edges.length).toBeLessThanOrEqual(first);
    ids.push(...search.edges.map((e) => `${e.node.provider}:${e.node.sourceId}`));
    if (!search.pageInfo.hasNextPage) return { ids, pages };
    after = search.pageInfo.endCursor ?? null;
    expect(after).not.toBeNull();
  }
  throw new Error('paging did not end');
}

/** Every listing of the filter on both providers, without collapsing: what collapsing starts from. */
async function everything(): Promise<string[]> {
  const ids: string[] = [];
  let after: string | null = null;
  for (;;) {
    const { search }: SearchStubsQuery = dataOf(
      await gw.query(SearchStubsDocument, { filter: FILTER, first: 50, after }),
    );
    ids.push(...search.edges.map((e) => `${e.node.provider}:${e.node.sourceId}`));
    if (!search.pageInfo.hasNextPage) return ids;
    after = search.pageInfo.endCursor ?? null;
  }
}

function truthPairs(all: ReadonlySet<string>): [string, string][] {
  return crossListingTruth(gw.app.sandbox!.data)
    .pairs.map((p): [string, string] => [`BEIKE:${p.beikeHouseCode}`, `FANG:${p.fangHouseId}`])
    .filter(([b, f]) => all.has(b) && all.has(f));
}

describe('collapsing cross-provider duplicates', () => {
  it('shows each cross-listed home once across every page, at every sort and page size, losing nothing else', async () => {
    const all = new Set(await everything());
    const truth = truthPairs(all);
    expect(truth.length).toBeGreaterThan(5);
    // The pairs the matcher recognises (alsoListedAs links them): a missed pair is the matcher's
    // recall (`npm run match:report`), not the paging's; collapsing must hold for every recognised one.
    const pairs: [string, string][] = [];
    for (const [b, f] of truth) {
      const sourceId = b.slice('BEIKE:'.length);
      const { listing } = dataOf(
        await gw.query(ListingTwinsDocument, { provider: 'BEIKE', sourceId, cityId: BEIJING }),
      );
      if (listing?.alsoListedAs.some((t) => `${t.provider}:${t.sourceId}` === f)) pairs.push([b, f]);
    }
    expect(pairs.length).toBeGreaterThanOrEqual(truth.length * 0.8);

    for (const [sort, sizes] of [
      ['PRICE_ASC', [7, 20]],
      ['NEWEST', [13]],
      ['RELEVANCE', [20, 3]],
      ['AREA_DESC', [50]],
    ] as [SearchSort, number[]][]) {
      const { ids, pages } = await pageThrough(sort, sizes);
      const shown = new Set(ids);
      expect(shown.size, `${sort}: a listing repeated`).toBe(ids.length);
      // Each cross-listed home once: never both sides of a true pair.
      const both = pairs.filter(([b, f]) => shown.has(b) && shown.has(f));
      expect(both, `${sort}: both sides shown`).toEqual([]);
      // Nothing lost: every listing is shown or was stepped over as the duplicate of one shown earlier.
      const collapsed = pages.flatMap((p) => p.collapsed);
      for (const c of collapsed) {
        const [left, same] = [
          `${c.listing.provider}:${c.listing.sourceId}`,
          `${c.sameAs.provider}:${c.sameAs.sourceId}`,
        ];
        expect(ids.indexOf(left), `${sort}: ${left} collapsed yet shown`).toBe(-1);
        expect(c.reasons.length).toBeGreaterThan(0);
        expect(
          ids.includes(same) || collapsed.some((d) => `${d.listing.provider}:${d.listing.sourceId}` === same),
        ).toBe(true);
      }
      const accounted = new Set([
        ...ids,
        ...collapsed.map((c) => `${c.listing.provider}:${c.listing.sourceId}`),
      ]);
      expect([...accounted].sort(), `${sort}: a listing lost`).toEqual([...all].sort());
      // Each recognised home shown once: exactly one side of its pair.
      expect(pairs.filter(([b, f]) => shown.has(b) !== shown.has(f))).toEqual(pairs);
      // The count cannot be exact once duplicates are left out.
      expect(pages[0]?.totalCount).toBeNull();
    }
  });

  it('links both sides of a pair through alsoListedAs, and finds nothing for a decoy', async () => {
    const truth = crossListingTruth(gw.app.sandbox!.data);
    for (const pair of truth.pairs.slice(0, 4)) {
      const beike = gw.app.sandbox!.data.beike.listings.find((l) => l.houseCode === pair.beikeHouseCode)!;
      const fromBeike = dataOf(
        await gw.query(ListingTwinsDocument, {
          provider: 'BEIKE',
          sourceId: pair.beikeHouseCode,
          cityId: beike.cityId,
        }),
      ).listing!;
      expect(fromBeike.alsoListedAs.map((t) => `${t.provider}:${t.sourceId}`)).toEqual([
        `FANG:${pair.fangHouseId}`,
      ]);
      expect(fromBeike.alsoListedAs[0]?.alsoListedAs).toEqual([
        { provider: 'BEIKE', sourceId: pair.beikeHouseCode },
      ]);
      const fromFang = dataOf(
        await gw.query(ListingTwinsDocument, { provider: 'FANG', sourceId: pair.fangHouseId }),
      ).listing!;
      expect(fromFang.alsoListedAs.map((t) => t.sourceId)).toEqual([pair.beikeHouseCode]);
    }
    const decoy = truth.decoys[0]!;
    const fang = dataOf(
      await gw.query(ListingTwinsDocument, { provider: 'FANG', sourceId: decoy.fangHouseId }),
    ).listing!;
    expect(fang.alsoListedAs.map((t) => t.sourceId)).not.toContain(decoy.beikeHouseCode);
  });
});
