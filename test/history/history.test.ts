import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ListingTruth } from '../../src/sandbox/index.js';
import { type EngineSetup, enginesUnderTest } from '../support/databases.js';
import { dataOf, startGateway, type TestGateway } from '../support/gateway.js';

/**
 * The gateway's record of listings against the sandbox world's ground truth: the world moves a
 * day at a time, the gateway re-reads the same listings after each day, and what it recorded must
 * be exactly what happened, before and after a restart.
 */

const HISTORY_ENV = {
  HISTORY_ENABLED: '1',
  SANDBOX_COLLECT_CALLS: '0',
  // PGlite works on the event loop: on a loaded machine, a write can hold a call past the fast timeouts.
  BEIKE_TIMEOUT_MS: '20000',
  FANG_TIMEOUT_MS: '20000',
  BEIKE_DEADLINE_MS: '60000',
  FANG_DEADLINE_MS: '60000',
  // Every read goes to the provider, so every day's state is observed.
  CACHE_LIST_TTL_SECONDS: '0',
  CACHE_DETAIL_TTL_SECONDS: '0',
  RESPONSE_CACHE_TTL_SECONDS: '0',
};

const SEARCH = `query { search(filter: { cityId: "110000" }, first: 50) { edges { node { id } } } }`;
const HISTORY = `query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Listing {
  provider sourceId isActive firstSeenAt delistedAt
  priceHistory { at totalPrice unitPrice monthlyRent }
  lastPriceChange { at from to percent }
} } }`;

interface Recorded {
  provider: 'BEIKE' | 'FANG';
  sourceId: string;
  isActive: boolean | null;
  firstSeenAt: string | null;
  delistedAt: string | null;
  priceHistory: {
    at: string;
    totalPrice: number | null;
    unitPrice: number | null;
    monthlyRent: number | null;
  }[];
  lastPriceChange: { at: string; from: number; to: number; percent: number } | null;
}

/** What the gateway should say of a listing it re-read after every simulated day. */
function expected(truth: ListingTruth) {
  const iso = (ms: number) => new Date(ms).toISOString();
  const price = (p: ListingTruth['points'][number]) => p.totalPrice ?? p.monthlyRent;
  let lastPriceChange: Recorded['lastPriceChange'] = null;
  for (let i = truth.points.length - 1; i > 0 && !lastPriceChange; i--) {
    const from = price(truth.points[i - 1]!);
    const to = price(truth.points[i]!);
    if (from !== null && to !== null && from !== to) {
      lastPriceChange = {
        at: iso(truth.points[i]!.at),
        from,
        to,
        percent: Math.round(((to - from) / from) * 10_000) / 100,
      };
    }
  }
  return {
    provider: truth.provider,
    sourceId: truth.sourceId,
    firstSeenAt: iso(truth.appearedAt),
    delistedAt: truth.withdrawnAt === null ? null : iso(truth.withdrawnAt),
    priceHistory: truth.points.map((p) => ({
      at: iso(p.at),
      totalPrice: p.totalPrice,
      unitPrice: p.unitPrice,
      monthlyRent: p.monthlyRent,
    })),
    lastPriceChange,
  };
}

describe.each(enginesUnderTest())(
  'listing history against the sandbox world, on $name',
  { timeout: 300_000 },
  (engine) => {
    let setup: EngineSetup;
    let gateway: TestGateway;
    let ids: string[] = [];
    let truths: ListingTruth[] = [];

    const read = async (g: TestGateway) => {
      const response = await g.raw({ query: HISTORY, variables: { ids } });
      return (dataOf(response as never) as { nodes: (Recorded | null)[] }).nodes;
    };

    beforeAll(async () => {
      setup = await engine.setup();
      gateway = await startGateway({ ...setup.env, ...HISTORY_ENV });
    }, 300_000);
    afterAll(async () => {
      await gateway?.close();
      await setup?.cleanup();
    });

    it('records price cuts, raises and withdrawals exactly as they happened', async () => {
      const search = dataOf((await gateway.raw({ query: SEARCH })) as never) as {
        search: { edges: { node: { id: string } }[] };
      };
      ids = search.search.edges.map((e) => e.node.id);
      expect(ids.length).toBe(50);
      const world = gateway.app.sandbox!.world;
      for (let day = 1; day <= 10; day++) {
        world.advance(1);
        await read(gateway);
        await gateway.app.history!.flush();
      }
      const recorded = await read(gateway);
      truths = recorded.map((r) => world.truth(r!.provider, r!.sourceId)!);
      // The world did move for these listings: the comparison below is not trivially true.
      expect(truths.filter((t) => t.points.length > 1).length).toBeGreaterThanOrEqual(3);
      expect(truths.filter((t) => t.withdrawnAt !== null).length).toBeGreaterThanOrEqual(1);

      expect(recorded.map((r) => ({ ...r, isActive: undefined }))).toEqual(
        truths.map((t) => ({ ...expected(t), isActive: undefined })),
      );
      // A withdrawn listing stays readable, inactive; the others are on offer.
      expect(recorded.map((r) => r!.isActive)).toEqual(truths.map((t) => t.withdrawnAt === null));
      expect(gateway.app.history!.counts.dropped).toEqual({ full: 0, error: 0, closed: 0 });
    });

    it('keeps the history across a restart', async () => {
      expect(truths.length).toBe(50);
      await gateway.close();
      gateway = await startGateway({ ...setup.env, ...HISTORY_ENV });
      const recorded = await read(gateway);
      expect(
        recorded.map((r) => ({
          provider: r!.provider,
          sourceId: r!.sourceId,
          firstSeenAt: r!.firstSeenAt,
          delistedAt: r!.delistedAt,
          priceHistory: r!.priceHistory,
          lastPriceChange: r!.lastPriceChange,
        })),
      ).toEqual(truths.map(expected));
    });
  },
);
