import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BEIKE_PATHS } from '../../src/sandbox/index.js';
import {
  ListingDetailDocument,
  NodeByIdDocument,
  SearchFullDocument,
  SearchStubsDocument,
} from '../generated/graphql.js';
import { dataOf, startGateway, type TestGateway } from '../support/gateway.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startGateway({ CACHE_DETAIL_TTL_SECONDS: '600' });
});
afterAll(() => gw.close());
beforeEach(() => {
  gw.app.store.clear();
  gw.app.sandbox!.faults.clear();
  gw.app.sandbox!.calls.reset();
});

describe('when a provider fails', () => {
  it("a search returns the other provider's listings with an error naming the failed one", async () => {
    gw.app.sandbox!.faults.add({ provider: 'fang', fault: { kind: 'status', status: 503 } });
    const response = await gw.query(SearchStubsDocument, { filter: { cityId: '110000' }, first: 10 });
    expect(response.data?.search.edges).toHaveLength(10);
    expect(response.data?.search.edges.every((e) => e.node.provider === 'BEIKE')).toBe(true);
    expect(response.errors).toHaveLength(1);
    expect(response.errors?.[0]).toMatchObject({
      path: ['search'],
      extensions: { code: 'UPSTREAM_UNAVAILABLE', provider: 'FANG', retryable: true },
    });
    expect(response.data?.search.providers).toContainEqual(
      expect.objectContaining({
        provider: 'FANG',
        state: 'FAILED',
        error: { code: 'UPSTREAM_UNAVAILABLE', retryable: true },
      }),
    );
    // Three attempts: the transport retried a retryable failure.
    expect(gw.app.sandbox!.calls.count({ provider: 'fang' })).toBe(3);
  });

  it('an auth failure is not retried and is not retryable', async () => {
    gw.app.sandbox!.faults.add({ provider: 'beike', fault: { kind: 'businessCode', code: 100 } });
    const response = await gw.query(SearchStubsDocument, {
      filter: { cityId: '110000', providers: ['BEIKE'] },
      first: 5,
    });
    expect(response.data ?? null).toBeNull();
    expect(response.errors?.[0]?.extensions).toMatchObject({
      code: 'UPSTREAM_AUTH_FAILED',
      provider: 'BEIKE',
      retryable: false,
    });
    expect(gw.app.sandbox!.calls.count({ provider: 'beike' })).toBe(1);
  });

  it('a detail that fails leaves the stub fields and reports the listing', async () => {
    gw.app.sandbox!.faults.add({
      provider: 'beike',
      path: BEIKE_PATHS.detail,
      fault: { kind: 'malformedJson' },
    });
    const response = await gw.query(SearchFullDocument, {
      filter: { cityId: '110000', providers: ['BEIKE'] },
      first: 3,
    });
    expect(response.data?.search.edges).toHaveLength(3);
    for (const { node } of response.data?.search.edges ?? []) {
      expect(node.title.length).toBeGreaterThan(0);
      expect(node.agent).toBeNull();
    }
    expect(response.errors).toHaveLength(3);
    expect(response.errors?.every((e) => e.extensions?.code === 'UPSTREAM_BAD_RESPONSE')).toBe(true);
  });

  it('serves an expired detail when the provider fails, and says so', async () => {
    const stale = await startGateway({ CACHE_DETAIL_TTL_SECONDS: '0', CACHE_STALE_IF_ERROR_SECONDS: '600' });
    try {
      const variables = { provider: 'BEIKE' as const, sourceId: '101127449675', cityId: '110000' };
      dataOf(await stale.query(ListingDetailDocument, variables));
      stale.app.sandbox!.faults.add({ provider: 'beike', fault: { kind: 'status', status: 500 } });
      const response = await stale.query(ListingDetailDocument, variables);
      expect(response.data?.listing?.totalPrice).toBe(2_350_000);
      expect(response.extensions?.warnings).toEqual([
        expect.objectContaining({ code: 'STALE_DATA', provider: 'BEIKE' }),
      ]);
    } finally {
      await stale.close();
    }
  });
});

describe('listings that do not exist, and ids', () => {
  it('a missing listing is null, not an error', async () => {
    const beike = await gw.query(ListingDetailDocument, {
      provider: 'BEIKE',
      sourceId: '109999999999',
      cityId: '110000',
    });
    expect(beike.errors).toBeUndefined();
    expect(beike.data?.listing).toBeNull();
    const fang = await gw.query(ListingDetailDocument, { provider: 'FANG', sourceId: 'esf_9_99999999' });
    expect(fang.errors).toBeUndefined();
    expect(fang.data?.listing).toBeNull();
  });

  it('BEIKE needs a city', async () => {
    const response = await gw.query(ListingDetailDocument, { provider: 'BEIKE', sourceId: '101127449675' });
    expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'cityId' });
    expect(gw.app.sandbox!.calls.count()).toBe(0);
  });

  it('a listing id round-trips through node(id:)', async () => {
    const { listing } = dataOf(
      await gw.query(ListingDetailDocument, {
        provider: 'BEIKE',
        sourceId: '101127449675',
        cityId: '110000',
      }),
    );
    const { node } = dataOf(await gw.query(NodeByIdDocument, { id: listing!.id }));
    expect(node).toMatchObject({ __typename: 'Listing', sourceId: '101127449675', totalPrice: 2_350_000 });
    const agent = dataOf(await gw.query(NodeByIdDocument, { id: listing!.agent!.id }));
    expect(agent.node).toMatchObject({ __typename: 'Agent', name: '张忠良' });
  });

  it.each(['garbage', 'TGlzdGluZzpub3BlOjE', Buffer.from('Listing:BEIKE:x:1').toString('base64url'), ''])(
    'a malformed id (%s) is BAD_USER_INPUT without an upstream call',
    async (id) => {
      const response = await gw.query(NodeByIdDocument, { id });
      expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(gw.app.sandbox!.calls.count()).toBe(0);
    },
  );
});
