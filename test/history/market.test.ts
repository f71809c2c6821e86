import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateData } from '../../src/sandbox/data/generate.js';
import { crossListingTruth, type ListingTruth } from '../../src/sandbox/index.js';
import { type EngineSetup, enginesUnderTest } from '../support/databases.js';
import { dataOf, startGateway, type TestGateway } from '../support/gateway.js';

/**
 * `market` against figures computed here, independently, from the sandbox world's ground truth
 * over the listings the test swept: the whole of Beijing's resale market, re-swept after each of
 * seven simulated days, with the listings that left the search re-read (so their withdrawal is
 * observed) and every listing's detail read once (Beike's search stubs carry no district).
 */

const DAY = 86_400_000;
const ENV = {
  HISTORY_ENABLED: '1',
  SANDBOX_COLLECT_CALLS: '0',
  // PGlite works on the event loop: on a loaded machine, a write can hold a call past the fast timeouts.
  BEIKE_TIMEOUT_MS: '20000',
  FANG_TIMEOUT_MS: '20000',
  BEIKE_DEADLINE_MS: '60000',
  FANG_DEADLINE_MS: '60000',
  CACHE_LIST_TTL_SECONDS: '0',
  CACHE_DETAIL_TTL_SECONDS: '0',
  RESPONSE_CACHE_TTL_SECONDS: '0',
  CLIENT_REQUESTS_PER_MINUTE: '0',
  CLIENT_COST_PER_MINUTE: '0',
};

// A sweep: every listing of both providers, duplicates included.
const PAGE = `query ($after: String) { search(filter: { cityId: "110000" }, first: 50, after: $after, collapseDuplicates: false) {
  edges { node { id provider sourceId } } pageInfo { hasNextPage endCursor } } }`;
const DETAILS = `query ($ids: [ID!]!) { nodes(ids: $ids) { id } }`;
const FIGURES = `activeListings newListings delistedListings
  unitPrice { count p25 median p75 mean } totalPrice { count p25 median p75 mean }
  priceCuts { listings withCut share medianCutPercent } daysOnOffer { count p25 median p75 mean }`;
const MARKET = `query ($filter: MarketFilter!) { market(filter: $filter) {
  asOf since figures { ${FIGURES} }
  byDistrict { key figures { ${FIGURES} } } byBedrooms { key figures { ${FIGURES} } } byProvider { key figures { ${FIGURES} } }
  weeklyMedianUnitPrice { weekStart count medianUnitPrice } } }`;

// Independent statistics: sorted sample, linear interpolation between ranks, two decimals.
const r2 = (v: number) => Math.round(v * 100) / 100;
function q(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const h = (s.length - 1) * p;
  const lo = s[Math.floor(h)]!;
  const hi = s[Math.ceil(h)]!;
  return r2(lo + (hi - lo) * (h - Math.floor(h)));
}
const dist = (values: number[]) => ({
  count: values.length,
  p25: q(values, 0.25),
  median: q(values, 0.5),
  p75: q(values, 0.75),
  mean: values.length ? r2(values.reduce((a, b) => a + b, 0) / values.length) : null,
});

function cutOf(t: ListingTruth): number | null {
  for (let i = t.points.length - 1; i > 0; i--) {
    const from = t.points[i - 1]!.totalPrice!;
    const to = t.points[i]!.totalPrice!;
    if (to < from) return r2(((to - from) / from) * 100);
  }
  return null;
}

function figuresOf(truths: ListingTruth[], asOf: number, since: number) {
  const active = truths.filter((t) => t.withdrawnAt === null);
  const cuts = active.map(cutOf).filter((c): c is number => c !== null);
  const last = (t: ListingTruth) => t.points[t.points.length - 1]!;
  return {
    activeListings: active.length,
    newListings: truths.filter((t) => t.appearedAt >= since).length,
    delistedListings: truths.filter((t) => t.withdrawnAt !== null && t.withdrawnAt >= since).length,
    unitPrice: dist(active.map((t) => last(t).unitPrice!)),
    totalPrice: dist(active.map((t) => last(t).totalPrice!)),
    priceCuts: {
      listings: active.length,
      withCut: cuts.length,
      share: active.length ? r2(cuts.length / active.length) : null,
      medianCutPercent: q(cuts, 0.5),
    },
    daysOnOffer: dist(active.map((t) => (asOf - t.appearedAt) / DAY)),
  };
}

describe.each(enginesUnderTest())('market statistics on $name', { timeout: 600_000 }, (engine) => {
  let setup: EngineSetup;
  let gateway: TestGateway;
  beforeAll(async () => {
    setup = await engine.setup();
    gateway = await startGateway({ ...setup.env, ...ENV });
  }, 300_000);
  afterAll(async () => {
    await gateway?.close();
    await setup?.cleanup();
  });

  async function sweep(): Promise<Map<string, string>> {
    const seen = new Map<string, string>();
    let after: string | null = null;
    for (let page = 0; page < 40; page++) {
      const data = dataOf((await gateway.raw({ query: PAGE, variables: { after } })) as never) as {
        search: {
          edges: { node: { id: string; provider: string; sourceId: string } }[];
          pageInfo: { hasNextPage: boolean; endCursor: string };
        };
      };
      for (const { node } of data.search.edges) seen.set(`${node.provider}|${node.sourceId}`, node.id);
      if (!data.search.pageInfo.hasNextPage) break;
      after = data.search.pageInfo.endCursor;
    }
    return seen;
  }
  async function details(ids: string[]) {
    for (let i = 0; i < ids.length; i += 50) {
      dataOf((await gateway.raw({ query: DETAILS, variables: { ids: ids.slice(i, i + 50) } })) as never);
    }
  }

  it('equals the figures computed from the ground truth, with zero upstream calls', async () => {
    const sandbox = gateway.app.sandbox!;
    const known = new Map<string, string>();
    for (let day = 0; day <= 7; day++) {
      if (day > 0) sandbox.world.advance(1);
      const seen = await sweep();
      const fresh = [...seen].filter(([key]) => !known.has(key)).map(([, id]) => id);
      const missing = [...known].filter(([key]) => !seen.has(key)).map(([, id]) => id);
      await details([...fresh, ...missing]);
      for (const [key, id] of seen) known.set(key, id);
      for (const key of [...known.keys()]) if (!seen.has(key)) known.delete(key);
      await gateway.app.history!.flush();
    }

    const asOf = sandbox.world.now();
    const since = asOf - 3 * DAY;
    const truths = sandbox.world.truths().filter((t) => t.cityId === '110000' && t.listingType === 'RESALE');
    expect(truths.filter((t) => t.withdrawnAt !== null).length).toBeGreaterThan(5);
    expect(truths.filter((t) => t.appearedAt > truths[0]!.appearedAt).length).toBeGreaterThan(5);
    expect(truths.filter((t) => cutOf(t) !== null).length).toBeGreaterThan(10);

    sandbox.calls.reset();
    const response = await gateway.raw({
      query: MARKET,
      variables: { filter: { cityId: '110000', since: new Date(since).toISOString() } },
    });
    const market = (dataOf(response as never) as { market: Record<string, unknown> }).market as {
      asOf: string;
      figures: unknown;
      byDistrict: { key: string; figures: unknown }[];
      byBedrooms: { key: string; figures: unknown }[];
      byProvider: { key: string; figures: unknown }[];
      weeklyMedianUnitPrice: { weekStart: string; count: number; medianUnitPrice: number | null }[];
    };
    expect(sandbox.calls.count()).toBe(0);
    expect(market.asOf).toBe(new Date(asOf).toISOString());
    // Each home once: a home listed on both providers (the sandbox's ground truth, which the
    // gateway never sees; the world serves the data of its seed) counts once, within the matcher's measured precision and recall.
    const activeKeys = new Set(
      truths.filter((t) => t.withdrawnAt === null).map((t) => `${t.provider}:${t.sourceId}`),
    );
    const activeTwins = crossListingTruth(generateData(sandbox.data.seed)).pairs.filter(
      (p) => activeKeys.has(`BEIKE:${p.beikeHouseCode}`) && activeKeys.has(`FANG:${p.fangHouseId}`),
    ).length;
    expect(activeTwins).toBeGreaterThan(10);
    const homes = activeKeys.size - activeTwins;
    const figures = market.figures as { activeListings: number };
    expect(figures.activeListings).toBeGreaterThanOrEqual(homes - Math.ceil(activeTwins * 0.02));
    expect(figures.activeListings).toBeLessThanOrEqual(homes + Math.floor(activeTwins * 0.1));
    const active = (buckets: { figures: unknown }[]) =>
      buckets.reduce((n, b) => n + (b.figures as { activeListings: number }).activeListings, 0);
    expect(active(market.byBedrooms)).toBe(figures.activeListings);
    expect(active(market.byDistrict)).toBeLessThanOrEqual(figures.activeListings);

    const group = (keyOf: (t: ListingTruth) => string) => {
      const groups = new Map<string, ListingTruth[]>();
      for (const t of truths) groups.set(keyOf(t), [...(groups.get(keyOf(t)) ?? []), t]);
      return Object.fromEntries([...groups].map(([k, ts]) => [k, figuresOf(ts, asOf, since)]));
    };
    const asObject = (buckets: { key: string; figures: unknown }[]) =>
      Object.fromEntries(buckets.map((b) => [b.key, b.figures]));
    // Per provider, each provider's own listings: exact.
    expect(asObject(market.byProvider)).toEqual(group((t) => t.provider));

    // The week that holds asOf: what is on offer now, homes counted once.
    const current = market.weeklyMedianUnitPrice[market.weeklyMedianUnitPrice.length - 1]!;
    expect(current.count).toBe(figures.activeListings);
  });

  it('names the offending argument and makes no call for bad filters', async () => {
    const sandbox = gateway.app.sandbox!;
    sandbox.calls.reset();
    for (const [filter, argument] of [
      [{ cityId: '999999' }, 'filter.cityId'],
      [{ cityId: '110000', bedrooms: [-1] }, 'filter.bedrooms'],
      [{ cityId: '110000', communityIds: ['not-an-id'] }, 'filter.communityIds'],
      [{ cityId: '110000', districtIds: [''] }, 'filter.districtIds'],
    ] as const) {
      const response = await gateway.raw({ query: MARKET, variables: { filter } });
      expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument });
    }
    expect(sandbox.calls.count()).toBe(0);
  });
});
