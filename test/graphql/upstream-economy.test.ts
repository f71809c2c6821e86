import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BEIKE_PATHS } from '../../src/sandbox/index.js';
import { SearchFullDocument, SearchStubsDocument } from '../generated/graphql.js';
import { dataOf, GATEWAY_FANG_PATHS, startGateway, type TestGateway } from '../support/gateway.js';

const BEIKE_DETAIL = BEIKE_PATHS.detail;
const FANG_DETAIL = GATEWAY_FANG_PATHS.item;

let gw: TestGateway;
beforeAll(async () => {
  gw = await startGateway();
});
afterAll(() => gw.close());
beforeEach(() => {
  gw.app.store.clear();
  gw.app.sandbox!.calls.reset();
});

const calls = (filter: { provider?: 'beike' | 'fang'; path?: string; id?: string } = {}) =>
  gw.app.sandbox!.calls.count(filter);

describe('upstream economy, counted at the sandbox', () => {
  it('a query selecting only stub fields makes no detail call', async () => {
    const { search } = dataOf(
      await gw.query(SearchStubsDocument, { filter: { cityId: '310000' }, first: 20 }),
    );
    expect(search.edges).toHaveLength(20);
    expect(calls({ path: BEIKE_DETAIL }) + calls({ path: FANG_DETAIL })).toBe(0);
    expect(calls()).toBe(2);
  });

  it('reads each listing detail once per request, and nothing twice across requests', async () => {
    const variables = { filter: { cityId: '440100' }, first: 20 };
    const { search } = dataOf(await gw.query(SearchFullDocument, variables));
    expect(search.edges).toHaveLength(20);
    const details = calls({ path: BEIKE_DETAIL }) + calls({ path: FANG_DETAIL });
    expect(details).toBe(20);
    for (const { node } of search.edges) {
      const path = node.provider === 'BEIKE' ? BEIKE_DETAIL : FANG_DETAIL;
      expect(calls({ path, id: node.sourceId })).toBe(1);
    }
    // Agent and photos come from the detail: a stub has neither.
    expect(search.edges.every((e) => e.node.agent !== null && e.node.photos.length > 0)).toBe(true);

    const before = calls();
    dataOf(await gw.query(SearchFullDocument, variables));
    expect(calls()).toBe(before);
  });

  it('shares in-flight reads across concurrent identical requests', async () => {
    gw.app.sandbox!.setLatency(50);
    try {
      const variables = { filter: { cityId: '440300' }, first: 20 };
      const results = await Promise.all(
        Array.from({ length: 25 }, () => gw.query(SearchFullDocument, variables)),
      );
      for (const r of results) expect(dataOf(r).search.edges).toHaveLength(20);
      // One search per provider, one detail per listing and one community-list search per
      // community (its merged average), however many clients asked.
      expect(calls({ path: BEIKE_DETAIL }) + calls({ path: FANG_DETAIL })).toBe(20);
      const communities = new Set(
        dataOf(results[0]!).search.edges.map(
          (e) => `${e.node.community?.name}|${e.node.community?.district?.id}`,
        ),
      );
      expect(calls({ path: BEIKE_PATHS.communities })).toBe(communities.size);
      expect(calls()).toBe(22 + communities.size);
    } finally {
      gw.app.sandbox!.setLatency(0);
    }
  });

  it.each([
    ['unknown city', { filter: { cityId: '999999' } }, 'filter.cityId'],
    ['first over 50', { filter: { cityId: '110000' }, first: 51 }, 'first'],
    ['first of 0', { filter: { cityId: '110000' }, first: 0 }, 'first'],
    [
      'price range upside down',
      { filter: { cityId: '110000', priceMin: 5e6, priceMax: 1e6 } },
      'filter.priceMin',
    ],
    ['negative area', { filter: { cityId: '110000', areaMin: -1 } }, 'filter.areaMin'],
    ['malformed cursor', { filter: { cityId: '110000' }, after: 'not-a-cursor' }, 'after'],
  ])(
    'invalid input (%s) is BAD_USER_INPUT naming the argument, and calls nothing',
    async (_name, variables, argument) => {
      const response = await gw.query(SearchStubsDocument, variables as never);
      expect(response.data ?? null).toBeNull();
      expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument });
      expect(response.errors?.[0]?.message).toContain(argument);
      expect(calls()).toBe(0);
    },
  );

  it('a cursor from another search is refused', async () => {
    const first = dataOf(await gw.query(SearchStubsDocument, { filter: { cityId: '110000' }, first: 5 }));
    gw.app.sandbox!.calls.reset();
    const response = await gw.query(SearchStubsDocument, {
      filter: { cityId: '310000' },
      first: 5,
      after: first.search.pageInfo.endCursor,
    });
    expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'after' });
    expect(calls()).toBe(0);
  });
});
