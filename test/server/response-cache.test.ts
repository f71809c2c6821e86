import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSchema, createYoga } from 'graphql-yoga';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BEIKE_PATHS } from '../../src/sandbox/index.js';
import { CachedAnswers } from '../../src/server/cached-answers.js';
import { CorsPolicy } from '../../src/server/cors.js';
import { useResponseCache } from '../../src/server/plugins/response-cache.js';
import { ResponseCache } from '../../src/server/response-cache.js';
import { ListingDetailDocument, SearchFullDocument, SearchStubsDocument } from '../generated/graphql.js';
import { dataOf, GATEWAY_FANG_PATHS, startGateway, type TestGateway } from '../support/gateway.js';

const BEIKE_DETAIL = BEIKE_PATHS.detail;
const FANG_DETAIL = GATEWAY_FANG_PATHS.item;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('response cache, through the whole gateway', () => {
  let gw: TestGateway;
  const calls = (filter: { provider?: 'beike' | 'fang'; path?: string; id?: string } = {}) =>
    gw.app.sandbox!.calls.count(filter);

  beforeAll(async () => {
    gw = await startGateway();
  });
  afterAll(() => gw.close());
  beforeEach(() => {
    gw.app.store.clear();
    gw.app.sandbox!.faults.clear();
    gw.app.sandbox!.calls.reset();
  });

  it('answers a repeated query with the same bytes and no upstream call', async () => {
    const body = JSON.stringify({
      query: (await import('graphql')).print(SearchFullDocument),
      variables: { filter: { cityId: '440100' }, first: 20 },
    });
    const post = () =>
      fetch(gw.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
        body,
      });
    const first = await post();
    const firstText = await first.text();
    // Two searches and twenty details (and a community-list search per community, for its merged
    // average): the first answer was really read upstream.
    const upstream = calls();
    expect(upstream - calls({ path: BEIKE_PATHS.communities })).toBe(22);
    const second = await post();
    expect(second.status).toBe(200);
    expect(second.headers.get('content-type')).toBe(first.headers.get('content-type'));
    expect(await second.text()).toBe(firstText);
    expect(calls()).toBe(upstream);
    expect(JSON.parse(firstText).data.search.edges).toHaveLength(20);
  });

  it('keeps one entry per set of variables', async () => {
    const [a, b] = gw.app.sandbox!.data.beike.listings.slice(0, 2);
    const ask = (listing: { houseCode: string; cityId: string }) =>
      gw.query(ListingDetailDocument, {
        provider: 'BEIKE',
        sourceId: listing.houseCode,
        cityId: listing.cityId,
      });
    const firstA = dataOf(await ask(a!)).listing;
    const firstB = dataOf(await ask(b!)).listing;
    expect(firstA?.sourceId).toBe(a!.houseCode);
    expect(firstB?.sourceId).toBe(b!.houseCode);
    expect(calls({ path: BEIKE_DETAIL })).toBe(2);

    expect(dataOf(await ask(b!)).listing).toEqual(firstB);
    expect(dataOf(await ask(a!)).listing).toEqual(firstA);
    expect(calls({ path: BEIKE_DETAIL })).toBe(2);
  });

  it('does not keep an answer that carries a partial error', async () => {
    const variables = { filter: { cityId: '310000' }, first: 10 };
    const stubs = dataOf(await gw.query(SearchStubsDocument, variables)).search.edges;
    const broken = stubs.find((e) => e.node.provider === 'BEIKE')!.node.sourceId;
    gw.app.sandbox!.faults.add({
      provider: 'beike',
      path: BEIKE_DETAIL,
      id: broken,
      fault: { kind: 'malformedJson' },
    });
    const failed = await gw.query(SearchFullDocument, variables);
    expect(failed.data?.search.edges).toHaveLength(10);
    expect(failed.errors?.length).toBe(1);
    const attempts = calls({ path: BEIKE_DETAIL, id: broken });
    expect(attempts).toBeGreaterThan(0);

    gw.app.sandbox!.faults.clear();
    const healed = await gw.query(SearchFullDocument, variables);
    expect(healed.errors).toBeUndefined();
    expect(calls({ path: BEIKE_DETAIL, id: broken })).toBe(attempts + 1);
    // The healed answer is kept: asking again costs nothing.
    const total = calls();
    expect(await gw.query(SearchFullDocument, variables)).toEqual(healed);
    expect(calls()).toBe(total);
  });

  it('clears with the store', async () => {
    const variables = { filter: { cityId: '110000' }, first: 5 };
    dataOf(await gw.query(SearchStubsDocument, variables));
    const before = calls();
    gw.app.store.clear();
    dataOf(await gw.query(SearchStubsDocument, variables));
    expect(calls()).toBe(before * 2);
  });
});

describe('response cache freshness follows what the answer was read from', () => {
  it('an answer built from details expires with the details (CACHE_DETAIL_TTL_SECONDS)', async () => {
    const gw = await startGateway({ CACHE_DETAIL_TTL_SECONDS: '1', RESPONSE_CACHE_TTL_SECONDS: '600' });
    try {
      const variables = { provider: 'FANG' as const, sourceId: gw.app.sandbox!.data.fang.houses[3]!.houseId };
      const first = dataOf(await gw.query(ListingDetailDocument, variables));
      expect(first.listing?.sourceId).toBe(variables.sourceId);
      dataOf(await gw.query(ListingDetailDocument, variables));
      expect(gw.app.sandbox!.calls.count({ path: FANG_DETAIL })).toBe(1);
      await sleep(1_100);
      const again = dataOf(await gw.query(ListingDetailDocument, variables));
      expect(gw.app.sandbox!.calls.count({ path: FANG_DETAIL })).toBe(2);
      expect(again.listing?.title).toBe(first.listing?.title);
    } finally {
      await gw.close();
    }
  });

  it('an answer built from search pages expires with them (CACHE_LIST_TTL_SECONDS)', async () => {
    const gw = await startGateway({ CACHE_LIST_TTL_SECONDS: '1', RESPONSE_CACHE_TTL_SECONDS: '600' });
    try {
      const variables = { filter: { cityId: '110000' }, first: 5 };
      dataOf(await gw.query(SearchStubsDocument, variables));
      dataOf(await gw.query(SearchStubsDocument, variables));
      expect(gw.app.sandbox!.calls.count()).toBe(2);
      await sleep(1_100);
      dataOf(await gw.query(SearchStubsDocument, variables));
      expect(gw.app.sandbox!.calls.count()).toBe(4);
    } finally {
      await gw.close();
    }
  });

  it('RESPONSE_CACHE_TTL_SECONDS=0 turns it off', async () => {
    const gw = await startGateway({ RESPONSE_CACHE_TTL_SECONDS: '0', CACHE_LIST_TTL_SECONDS: '0' });
    try {
      const variables = { filter: { cityId: '110000' }, first: 5 };
      dataOf(await gw.query(SearchStubsDocument, variables));
      dataOf(await gw.query(SearchStubsDocument, variables));
      expect(gw.app.sandbox!.calls.count()).toBe(4);
    } finally {
      await gw.close();
    }
  });
});

describe('response cache keeps only queries', () => {
  // A schema with a mutation (the product's has none) shows what is and is not kept.
  let url: string;
  let close: () => Promise<void>;
  const runs = { query: 0, mutation: 0, slow: 0, beyondReach: 0, stale: 0 };

  beforeAll(async () => {
    const cache = ResponseCache.create({
      ttlMs: 60_000,
      maxEntries: 10,
      listTtlMs: 0,
      detailTtlMs: 0,
      mode: 'LIVE',
    }) as ResponseCache;
    const yoga = createYoga({
      logging: false,
      schema: createSchema({
        typeDefs:
          'type Query { counter: Int! slow: Int! beyondReach: Int! stale: Int! } type Mutation { bump: Int! }',
        resolvers: {
          Query: {
            counter: () => ++runs.query,
            // The notices the product's search gives: one about the data read, one about a failure.
            beyondReach: (
              _root: unknown,
              _args: unknown,
              ctx: { partialErrors: unknown[]; notices: { code: string }[] },
            ) => {
              ctx.notices.push({ code: 'RESULTS_BEYOND_REACH' });
              return ++runs.beyondReach;
            },
            stale: (
              _root: unknown,
              _args: unknown,
              ctx: { partialErrors: unknown[]; notices: { code: string }[] },
            ) => {
              ctx.notices.push({ code: 'STALE_DATA' });
              return ++runs.stale;
            },
            slow: () => new Promise((resolve) => setTimeout(() => resolve(++runs.slow), 50)),
          },
          Mutation: { bump: () => ++runs.mutation },
        },
      }),
      context: (): { partialErrors: unknown[]; notices: { code: string }[] } => ({
        partialErrors: [],
        notices: [],
      }),
      plugins: [useResponseCache(cache)],
    });
    // As the gateway's listener serves it: hits answered before Yoga, misses kept by the plugin.
    const answers = new CachedAnswers(cache, new CorsPolicy([]), 1 << 20);
    const server = createServer((req, res) => answers.serve(req, res, yoga));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
    close = () => new Promise((resolve) => server.close(() => resolve()));
  });
  afterAll(() => close());

  const post = async (query: string) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query }),
    });
    return (await response.json()) as { data?: Record<string, number>; errors?: unknown[] };
  };

  it('keeps an answer whose warning describes the data, not one whose warning is a failure', async () => {
    // A search beyond Beike's paging reach says so every time: it must not cost a run per request.
    expect((await post('{ beyondReach }')).data).toEqual({ beyondReach: 1 });
    expect((await post('{ beyondReach }')).data).toEqual({ beyondReach: 1 });
    expect((await post('{ stale }')).data).toEqual({ stale: 1 });
    expect((await post('{ stale }')).data).toEqual({ stale: 2 });
  });

  it('runs every mutation, and a query once', async () => {
    expect((await post('mutation { bump }')).data).toEqual({ bump: 1 });
    expect((await post('mutation { bump }')).data).toEqual({ bump: 2 });
    expect((await post('{ counter }')).data).toEqual({ counter: 1 });
    expect((await post('{ counter }')).data).toEqual({ counter: 1 });
    expect(runs).toMatchObject({ query: 1, mutation: 2 });
  });

  it('runs identical concurrent queries once: the others wait for its answer', async () => {
    const answers = await Promise.all(Array.from({ length: 10 }, () => post('{ slow }')));
    expect(answers.map((a) => a.data)).toEqual(Array.from({ length: 10 }, () => ({ slow: 1 })));
    expect(runs.slow).toBe(1);
  });

  it('does not keep introspection', async () => {
    const first = await post('{ __schema { queryType { name } } counter }');
    const second = await post('{ __schema { queryType { name } } counter }');
    expect(first.data?.counter).toBe(second.data!.counter! - 1);
  });
});
