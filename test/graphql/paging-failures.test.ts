import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MAX_EMPTY_RETRIES } from '../../src/search/search-service.js';
import { type SearchSort, SearchStubsDocument, type SearchStubsQuery } from '../generated/graphql.js';
import { type GraphQLResponse, startGateway, type TestGateway } from '../support/gateway.js';

/**
 * Paging a merged search while Fang fails (the sandbox's fault injection): the paging ends, every
 * page that says more follows gives a cursor to continue from, and no Beike listing is lost or
 * repeated.
 */

let gw: TestGateway;
beforeAll(async () => {
  // Whole pagings back to back: the per-client budget of upstream calls is not what is tested here.
  gw = await startGateway({ CLIENT_COST_PER_MINUTE: '1000000' });
});
afterAll(() => gw.close());
beforeEach(() => {
  gw.app.store.clear();
  gw.app.sandbox!.faults.clear();
  gw.app.sandbox!.calls.reset();
});

const BEIJING = '110000';

const ids = (provider: 'beike' | 'fang') => {
  const data = gw.app.sandbox!.data;
  return provider === 'beike'
    ? data.beike.listings.filter((l) => l.cityId === BEIJING).map((l) => `BEIKE:${l.houseCode}`)
    : data.fang.houses
        .filter((h) => h.cityId === BEIJING && h.houseType === 'second')
        .map((h) => `FANG:${h.houseId}`);
};

interface Paged {
  seen: string[];
  pages: SearchStubsQuery['search'][];
  errorCodes: string[];
}

/** Pages to the end as a Relay client would; `beforePage(i)` may change the faults. */
async function pageToEnd(sort: SearchSort, first: number, beforePage?: (i: number) => void): Promise<Paged> {
  const seen: string[] = [];
  const pages: Paged['pages'] = [];
  const errorCodes: string[] = [];
  let after: string | null = null;
  for (let i = 0; i < 100; i++) {
    beforePage?.(i);
    const response: GraphQLResponse<SearchStubsQuery> = await gw.query(SearchStubsDocument, {
      filter: { cityId: BEIJING },
      first,
      after,
      sort,
    });
    const search: SearchStubsQuery['search'] | undefined = response.data?.search;
    if (!search) throw new Error(`no data: ${JSON.stringify(response.errors)}`);
    pages.push(search);
    errorCodes.push(...(response.errors ?? []).map((e) => String(e.extensions?.code)));
    seen.push(...search.edges.map((e) => `${e.node.provider}:${e.node.sourceId}`));
    // The rule under test: never "more follows" without a cursor to continue from.
    if (search.pageInfo.hasNextPage) expect(search.pageInfo.endCursor).toEqual(expect.any(String));
    if (!search.pageInfo.hasNextPage) return { seen, pages, errorCodes };
    after = search.pageInfo.endCursor ?? null;
  }
  throw new Error('paging did not end');
}

const beikeOf = (seen: string[]) => seen.filter((id) => id.startsWith('BEIKE:'));
const fangOf = (seen: string[]) => seen.filter((id) => id.startsWith('FANG:'));

describe('paging a merged search while Fang fails', () => {
  it.each([
    ['PRICE_ASC', 50],
    ['RELEVANCE', 33],
  ] as const)(
    'non-retryable (%s, first %i): ends, with every Beike listing once and Fang asked once',
    async (sort, first) => {
      gw.app.sandbox!.faults.add({ provider: 'fang', fault: { kind: 'status', status: 400 } });
      const { seen, pages, errorCodes } = await pageToEnd(sort, first);
      expect(beikeOf(seen).length).toBe(new Set(beikeOf(seen)).size);
      expect(beikeOf(seen).sort()).toEqual(ids('beike').sort());
      expect(fangOf(seen)).toEqual([]);
      expect(errorCodes).toEqual(['UPSTREAM_BAD_REQUEST']);
      // Failed for good on the first page: not asked again, and said so.
      expect(gw.app.sandbox!.calls.count({ provider: 'fang' })).toBe(1);
      expect(pages[1]?.providers).toContainEqual(
        expect.objectContaining({
          provider: 'FANG',
          state: 'SKIPPED',
          reason: expect.stringContaining('non-retryable'),
        }),
      );
      // The last page holds the last Beike listings; no trailing empty page that strands the client.
      expect(pages[pages.length - 1]?.edges.length).toBeGreaterThan(0);
    },
  );

  it('retryable, clearing halfway: ends with every listing of both providers exactly once', async () => {
    const { seen, pages, errorCodes } = await pageToEnd('PRICE_ASC', 50, (i) => {
      if (i === 0) gw.app.sandbox!.faults.add({ provider: 'fang', fault: { kind: 'status', status: 503 } });
      if (i === 3) gw.app.sandbox!.faults.clear();
    });
    expect(new Set(seen).size).toBe(seen.length);
    expect(beikeOf(seen).sort()).toEqual(ids('beike').sort());
    expect(fangOf(seen).sort()).toEqual(ids('fang').sort());
    expect(errorCodes).toEqual(['UPSTREAM_UNAVAILABLE', 'UPSTREAM_UNAVAILABLE', 'UPSTREAM_UNAVAILABLE']);
    expect(pages.slice(0, 3).every((p) => p.edges.every((e) => e.node.provider === 'BEIKE'))).toBe(true);
  });

  it('retryable, clearing only after Beike ran out: empty pages keep a cursor, then Fang resumes from its start', async () => {
    const beikeCount = ids('beike').length;
    const first = 50;
    const beikePages = Math.ceil(beikeCount / first);
    gw.app.sandbox!.faults.add({ provider: 'fang', fault: { kind: 'status', status: 503 } });
    const { seen, pages } = await pageToEnd('RELEVANCE', first, (i) => {
      if (i === beikePages + 1) gw.app.sandbox!.faults.clear();
    });
    const empty = pages.filter((p) => p.edges.length === 0);
    expect(empty.length).toBeGreaterThan(0);
    for (const page of empty) {
      expect(page.pageInfo.hasNextPage).toBe(true);
      expect(page.pageInfo.endCursor).toEqual(expect.any(String));
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(beikeOf(seen).sort()).toEqual(ids('beike').sort());
    expect(fangOf(seen).sort()).toEqual(ids('fang').sort());
  });

  it(`retryable and never clearing: the paging still ends, after ${MAX_EMPTY_RETRIES} empty pages`, async () => {
    gw.app.sandbox!.faults.add({ provider: 'fang', fault: { kind: 'status', status: 503 } });
    const { seen, pages } = await pageToEnd('NEWEST', 50);
    expect(beikeOf(seen).sort()).toEqual(ids('beike').sort());
    expect(new Set(seen).size).toBe(seen.length);
    const trailing = pages.slice(-MAX_EMPTY_RETRIES);
    expect(trailing.every((p) => p.edges.length === 0)).toBe(true);
    expect(pages[pages.length - MAX_EMPTY_RETRIES - 1]?.edges.length).toBeGreaterThan(0);
    expect(pages[pages.length - 1]?.pageInfo.hasNextPage).toBe(false);
  });
});
