import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderName } from '../../src/domain/listing.js';
import { crossListingTruth, DEFAULT_SEED, generateData } from '../../src/sandbox/data/generate.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { memoryLogger } from '../support/logs.js';
import {
  ALICE_KEY,
  BOB_KEY,
  dataOf,
  gql,
  type Reply,
  subscribe,
  until,
  WATCH_FIELDS,
  webhookReceiver,
} from './support.js';

/**
 * Watches against the sandbox's moving world: each expected event is worked out from what the
 * gateway's own search returns before and after the world moves, never copied.
 */

const NARROW = { cityId: '110000', bedrooms: [3], priceMin: 3_000_000, priceMax: 6_000_000 };
const WIDER = { cityId: '110000', bedrooms: [3] };

let gw: TestGateway;
const logs = memoryLogger();
const replies: Reply[] = [];
const receiver = await webhookReceiver((n) => (n <= 2 ? 503 : 200));

async function ask(key: string | null, query: string, variables: Record<string, unknown> = {}) {
  const reply = await gql(gw.url, key, query, variables);
  replies.push(reply);
  return reply;
}

/** Every match of a filter now, key → price, through the gateway's own search (cache off). */
async function matches(filter: object): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  let after: string | null = null;
  for (let page = 0; page < 20; page++) {
    const data = dataOf(
      await ask(
        ALICE_KEY,
        `query($f: SearchFilter!, $after: String) { search(filter: $f, first: 50, after: $after, collapseDuplicates: false) {
          edges { node { provider sourceId totalPrice } } pageInfo { hasNextPage endCursor } } }`,
        { f: filter, after },
      ),
    );
    for (const edge of data.search.edges)
      found.set(`${edge.node.provider}|${edge.node.sourceId}`, edge.node.totalPrice);
    if (!data.search.pageInfo.hasNextPage) break;
    after = data.search.pageInfo.endCursor;
  }
  return found;
}

async function watch(id: string, key = ALICE_KEY) {
  return dataOf(
    await ask(key, `query($id: ID!) { node(id: $id) { ... on Watch { ${WATCH_FIELDS} } } }`, { id }),
  ).node;
}

async function createWatch(input: object, key = ALICE_KEY) {
  return ask(
    key,
    'mutation($i: WatchInput!) { createWatch(input: $i) { watch { id runCount } webhookSecret } }',
    {
      i: input,
    },
  );
}

const waitForFirstRun = (id: string) => until(async () => (await watch(id))?.runCount >= 1 || null, 30_000);

beforeAll(async () => {
  gw = await startGateway(
    {
      HISTORY_ENABLED: '1',
      SANDBOX_COLLECT_CALLS: '0',
      CACHE_LIST_TTL_SECONDS: '0',
      CACHE_DETAIL_TTL_SECONDS: '0',
      RESPONSE_CACHE_TTL_SECONDS: '0',
      API_KEYS: `alice:${ALICE_KEY},bob:${BOB_KEY}`,
      WATCHES_PER_CLIENT: '3',
      WEBHOOK_SWEEP_MS: '50',
      WEBHOOK_RETRY_DELAYS_MS: '100,200,300',
      LOG_LEVEL: 'trace',
    },
    { logger: logs.logger },
  );
}, 60_000);

afterAll(async () => {
  await gw?.close();
  await receiver.close();
});

describe('watches on the sandbox', () => {
  let priceWatch = '';
  let secret = '';

  // The sandbox's ground truth says which Beike and Fang listings are one home (the gateway never
  // sees it). With every match at or below priceBelow, the first run alerts each home once (first in this file: the world has not moved, so the ground truth is
  // whole; its new listings copy old ones' facts and pair like twins): a pair
  // the search's collapse joins gives ONE PRICE_BELOW (listing by listing it gave two), a look-alike
  // (not the same home) one per side. The run's collapse is the search's: a pair
  // `search(collapseDuplicates: true)` shows once is one home for the watch too.
  it('alerts once per home: a home listed on both providers gets one PRICE_BELOW, a look-alike its own', async () => {
    const truth = crossListingTruth(generateData(DEFAULT_SEED));
    const filter = { cityId: '110000', bedrooms: [3] };
    const id = dataOf(await createWatch({ filter, newListings: false, priceBelow: 1e12 })).createWatch.watch
      .id;
    await waitForFirstRun(id);
    const first = await watch(id);
    // The whole search was compared: WATCH_MAX_CALLS_PER_RUN's default reaches every twin.
    expect(first.lastError).toBeNull();
    const now = await matches(filter);
    const shown = await collapsedKeys(filter);
    const events = first.events.edges.map((e: any) => e.node);
    const below = new Map<string, number>();
    for (const e of events.filter((e: any) => e.kind === 'PRICE_BELOW')) {
      const key = `${e.listing.provider}|${e.listing.sourceId}`;
      below.set(key, (below.get(key) ?? 0) + 1);
    }
    const perPair = (beike: string, fang: string) =>
      (below.get(`BEIKE|${beike}`) ?? 0) + (below.get(`FANG|${fang}`) ?? 0);
    const both = (beike: string, fang: string) => now.has(`BEIKE|${beike}`) && now.has(`FANG|${fang}`);
    const homes = truth.pairs.filter((p) => both(p.beikeHouseCode, p.fangHouseId));
    expect(homes.length).toBeGreaterThan(5);
    // The pairs the search collapses (one side shown): most of the truth, as in the duplicates test.
    const collapsed = homes.filter(
      (p) => shown.has(`BEIKE|${p.beikeHouseCode}`) !== shown.has(`FANG|${p.fangHouseId}`),
    );
    expect(collapsed.length).toBeGreaterThanOrEqual(homes.length * 0.8);
    // Each of them alerts exactly once; every other home alerts once or, where the matcher is
    // unsure and keeps two homes (precision first), twice.
    expect(collapsed.map((p) => perPair(p.beikeHouseCode, p.fangHouseId))).toEqual(collapsed.map(() => 1));
    expect(homes.filter((p) => ![1, 2].includes(perPair(p.beikeHouseCode, p.fangHouseId)))).toEqual([]);
    pairFigures = {
      pairs: homes.length,
      once: homes.filter((p) => perPair(p.beikeHouseCode, p.fangHouseId) === 1).length,
    };
    // Look-alikes by floor or area stay two homes (a price decoy can drift into the matcher's
    // price band as the world reprices both sides).
    const decoys = truth.decoys.filter((d) => d.kind !== 'price' && both(d.beikeHouseCode, d.fangHouseId));
    expect(decoys.length).toBeGreaterThan(0);
    for (const d of decoys) expect(perPair(d.beikeHouseCode, d.fangHouseId)).toBe(2);
    // No listing alerts twice in one run.
    expect([...below.values()].every((n) => n === 1)).toBe(true);

    // A second run reuses the details that settled the pairs: it buys fewer upstream calls, and,
    // nothing having moved, alerts nothing.
    dataOf(await ask(ALICE_KEY, 'mutation($id: ID!) { runWatch(id: $id) { id } }', { id }));
    const second = await watch(id);
    expect(second.events.edges.length).toBe(events.length);
    expect(second.lastError).toBeNull();
    const calls = runCalls(id);
    expect(calls).toHaveLength(2);
    expect(calls[1]).toBeLessThan(calls[0] as number);
    pairFigures = { ...pairFigures, calls };
  }, 120_000);

  it('a priceBelow watch gets exactly one PRICE_BELOW when a matching price is cut below it, by subscription and by signed webhook', async () => {
    const created = dataOf(
      await createWatch({ name: 'cut', filter: NARROW, newListings: false, webhookUrl: receiver.url }),
    ).createWatch;
    priceWatch = created.watch.id;
    secret = created.webhookSecret;
    expect(secret).toMatch(/^whsec_/);
    receiver.setSecret(secret);
    await waitForFirstRun(priceWatch);
    const before = await matches(NARROW);
    expect(before.size).toBeGreaterThan(10);

    // Move the world until one match's price is cut to a level no other match crosses.
    const world = gw.app.sandbox?.world;
    if (!world) throw new Error('sandbox world expected');
    let chosen: { key: string; threshold: number } | null = null;
    for (let day = 0; day < 30 && !chosen; day++) {
      world.advance(1);
      const now = await matches(NARROW);
      for (const [key, price] of now) {
        const was = before.get(key);
        if (was === undefined || price >= was) continue;
        const crossing = [...now].filter(
          ([k, p]) => p <= price && (before.get(k) ?? Number.POSITIVE_INFINITY) > price,
        );
        if (crossing.length === 1) {
          chosen = { key, threshold: price };
          break;
        }
      }
    }
    if (!chosen) throw new Error('the sandbox cut no matching price in 30 days');

    dataOf(
      await ask(ALICE_KEY, 'mutation($id: ID!, $i: WatchInput!) { updateWatch(id: $id, input: $i) { id } }', {
        id: priceWatch,
        i: {
          name: 'cut',
          filter: NARROW,
          newListings: false,
          webhookUrl: receiver.url,
          priceBelow: chosen.threshold,
        },
      }),
    );
    const stream = subscribe(
      gw.url,
      ALICE_KEY,
      'subscription($id: ID!) { watchEvents(watchId: $id) { id kind price listing { provider sourceId } } }',
      {
        id: priceWatch,
      },
    );
    await stream.ready;
    expect(stream.status).toBe(200);
    // A moment for the subscription to be registered before the run publishes.
    await new Promise((r) => setTimeout(r, 300));

    dataOf(await ask(ALICE_KEY, 'mutation($id: ID!) { runWatch(id: $id) { id } }', { id: priceWatch }));
    dataOf(await ask(ALICE_KEY, 'mutation($id: ID!) { runWatch(id: $id) { id } }', { id: priceWatch }));
    const after = await watch(priceWatch);
    const events = after.events.edges.map((e: any) => e.node);
    expect(events.map((e: any) => e.kind)).toEqual(['PRICE_BELOW']);
    const [event] = events;
    expect(`${event.listing.provider}|${event.listing.sourceId}`).toBe(chosen.key);
    expect(event.price).toBe(chosen.threshold);
    expect(event.previousPrice).toBe(before.get(chosen.key));
    expect(after.lastError).toBeNull();

    await until(() => stream.events.length >= 1);
    expect(stream.events[0]?.data?.watchEvents).toMatchObject({ id: event.id, kind: 'PRICE_BELOW' });
    await stream.close();

    // The receiver fails twice, then takes it: one webhook-id, three signed attempts, three logged.
    await until(() => receiver.received.length >= 3);
    await new Promise((r) => setTimeout(r, 400));
    expect(receiver.received.length).toBe(3);
    expect(new Set(receiver.received.map((r) => r.id))).toEqual(new Set([event.webhookId]));
    expect(receiver.received.every((r) => r.verified)).toBe(true);
    expect(JSON.parse(receiver.received[0]?.body ?? '{}')).toMatchObject({
      data: { id: event.webhookId, kind: 'PRICE_BELOW' },
    });
    const logged = await until(async () => {
      const w = await watch(priceWatch);
      return w.deliveries.length >= 3 ? w.deliveries : null;
    });
    expect(logged.map((d: any) => [d.webhookId, d.attempt, d.status])).toEqual([
      [event.webhookId, 3, 200],
      [event.webhookId, 2, 503],
      [event.webhookId, 1, 503],
    ]);
  }, 120_000);

  // Compared with the uncollapsed search, by home. A new listing whose twin the watch saw is no
  // NEW_LISTING: which listing is whose twin is the gateway's own word (`alsoListedAs`), since the
  // moving world's new listings copy an existing one's facts and so pair like twins. A withdrawn
  // listing whose twin (the sandbox's ground truth, as the collapsed search paired it before the
  // move) is still listed is no DELISTED.
  it('gets NEW_LISTING for new matches and DELISTED for withdrawn ones, once per home', async () => {
    const id = dataOf(await createWatch({ filter: WIDER, delistings: true })).createWatch.watch.id;
    await waitForFirstRun(id);
    const seen = await matches(WIDER);
    const shownBefore = await collapsedKeys(WIDER);
    const world = gw.app.sandbox?.world;
    if (!world) throw new Error('sandbox world expected');
    // The gateway's word on a listing's twins on the other provider (`alsoListedAs`).
    const twinsOfListing = async (key: string): Promise<string[]> => {
      const [provider, sourceId] = key.split('|') as [ProviderName, string];
      const data = dataOf(
        await ask(
          ALICE_KEY,
          'query($p: Provider!, $s: String!) { listing(provider: $p, sourceId: $s, cityId: "110000") { alsoListedAs { provider sourceId } } }',
          { p: provider, s: sourceId },
        ),
      );
      return (data.listing?.alsoListedAs ?? []).map((t: any) => `${t.provider}|${t.sourceId}`);
    };
    // Days pass until both sides are exercised: a listing of a home the watch never saw, and a
    // withdrawn one (a new listing that copies a cross-listed one pairs with a seen twin instead).
    let now = seen;
    let added: string[] = [];
    let withdrawn: string[] = [];
    const firstTwins = new Map<string, string[]>();
    for (let day = 0; day < 60; day++) {
      world.advance(1);
      now = await matches(WIDER);
      added = [...now.keys()].filter((k) => !seen.has(k));
      withdrawn = [...seen.keys()].filter((k) => !now.has(k));
      for (const key of added) if (!firstTwins.has(key)) firstTwins.set(key, await twinsOfListing(key));
      const newHome = added.some((k) => !(firstTwins.get(k) ?? []).some((t) => seen.has(t)));
      if (newHome && withdrawn.length > 0) break;
    }
    expect(added.length).toBeGreaterThan(0);
    expect(withdrawn.length).toBeGreaterThan(0);
    // Missing from the search is not enough: only the withdrawn (the world's truth) are DELISTED.
    withdrawn = withdrawn.filter((key) => {
      const [provider, sourceId] = key.split('|') as [ProviderName, string];
      return world.truth(provider, sourceId)?.withdrawnAt != null;
    });
    // Asked again once the days have passed: a twin may have appeared after the listing.
    const twinsNow = new Map<string, string[]>();
    for (const key of added) twinsNow.set(key, await twinsOfListing(key));
    // A home of two new listings alerts once: named by its smaller key here.
    const homeNow = (key: string) => [key, ...(twinsNow.get(key) ?? [])].filter((k) => now.has(k)).sort()[0];
    const newHomes = new Set(
      added.filter((k) => !(twinsNow.get(k) ?? []).some((t) => seen.has(t))).map(homeNow),
    );
    const twin = twinsOf(crossListingTruth(generateData(DEFAULT_SEED)));
    const pairedBefore = (key: string) => {
      const other = twin.get(key);
      return other !== undefined && seen.has(other) && shownBefore.has(key) !== shownBefore.has(other)
        ? other
        : null;
    };
    const homeBefore = (key: string) => [key, pairedBefore(key) ?? key].sort()[0];
    const goneHomes = new Set(withdrawn.filter((k) => !now.has(pairedBefore(k) ?? '')).map(homeBefore));

    dataOf(await ask(ALICE_KEY, 'mutation($id: ID!) { runWatch(id: $id) { id } }', { id }));
    const events = (await watch(id)).events.edges.map((e: any) => e.node);
    const homesOf = (kind: string, home: (key: string) => string | undefined) => {
      const homes = events
        .filter((e: any) => e.kind === kind)
        .map((e: any) => home(`${e.listing.provider}|${e.listing.sourceId}`));
      // One event per home.
      expect(new Set(homes).size).toBe(homes.length);
      return new Set(homes);
    };
    expect(newHomes.size).toBeGreaterThan(0);
    expect(homesOf('NEW_LISTING', homeNow)).toEqual(newHomes);
    expect(homesOf('DELISTED', homeBefore)).toEqual(goneHomes);
    homeFigures = {
      added: added.length,
      newHomes: newHomes.size,
      withdrawn: withdrawn.length,
      goneHomes: goneHomes.size,
    };
  }, 120_000);

  it('another API key can neither see, change, run nor subscribe to a watch, exactly as for a missing id', async () => {
    const missing = Buffer.from('Watch:00000000-0000-0000-0000-000000000000').toString('base64url');
    expect(await watch(priceWatch, BOB_KEY)).toBeNull();
    expect(dataOf(await ask(BOB_KEY, '{ watches { edges { node { id } } } }')).watches.edges).toEqual([]);
    const attempts = [
      ['mutation($id: ID!) { runWatch(id: $id) { id } }', {}],
      ['mutation($id: ID!) { deleteWatch(id: $id) }', {}],
      ['mutation($id: ID!) { rotateWebhookSecret(id: $id) { webhookSecret } }', {}],
      [
        'mutation($id: ID!, $i: WatchInput!) { updateWatch(id: $id, input: $i) { id } }',
        { i: { filter: NARROW } },
      ],
    ] as const;
    for (const [query, extra] of attempts) {
      const foreign = await ask(BOB_KEY, query, { id: priceWatch, ...extra });
      const absent = await ask(BOB_KEY, query, { id: missing, ...extra });
      expect(foreign.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      expect(foreign.errors).toEqual(absent.errors);
      expect(foreign.data).toEqual(absent.data);
    }
    const stream = subscribe(gw.url, BOB_KEY, 'subscription($id: ID!) { watchEvents(watchId: $id) { id } }', {
      id: priceWatch,
    });
    await stream.ready;
    await until(() => stream.events.length >= 1);
    await stream.close();
    expect(JSON.stringify(stream.events[0])).toContain('NOT_FOUND');
    // Still Alice's, untouched.
    expect((await watch(priceWatch)).name).toBe('cut');
  }, 60_000);

  it('limits the watches per client and refuses intervals under the minimum', async () => {
    for (let i = 0; i < 3; i++) dataOf(await createWatch({ filter: NARROW }, BOB_KEY));
    const over = await createWatch({ filter: NARROW }, BOB_KEY);
    expect(over.errors?.[0]?.extensions).toMatchObject({ code: 'WATCH_LIMIT_REACHED', limit: 3 });
    const short = await createWatch({ filter: NARROW, intervalMinutes: 0 });
    expect(short.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      argument: 'input.intervalMinutes',
    });
  });

  it('never shows the webhook secret after creation, in any response or log line', () => {
    expect(secret).not.toBe('');
    const bare = secret.replace(/^whsec_/, '');
    const creation = replies.findIndex((r) => r.text.includes(secret));
    expect(creation).toBeGreaterThanOrEqual(0);
    const later = replies.slice(creation + 1).filter((r) => r.text.includes(bare));
    expect(later).toEqual([]);
    expect(logs.text()).not.toContain(bare);
  });
});

let pairFigures: Record<string, unknown> = {};
let homeFigures: Record<string, unknown> = {};

/** Each listing's twin in the ground truth, both ways. */
function twinsOf(truth: ReturnType<typeof crossListingTruth>): Map<string, string> {
  const twin = new Map<string, string>();
  for (const p of truth.pairs) {
    twin.set(`BEIKE|${p.beikeHouseCode}`, `FANG|${p.fangHouseId}`);
    twin.set(`FANG|${p.fangHouseId}`, `BEIKE|${p.beikeHouseCode}`);
  }
  return twin;
}
afterAll(() => {
  // The figures the README quotes (events per cross-listed pair, upstream calls per run).
  if (Object.keys(pairFigures).length > 0)
    console.info('watch per-home figures', JSON.stringify({ ...pairFigures, ...homeFigures }));
});

/** The upstream calls of each run of a watch, from its debug log line. */
function runCalls(id: string): number[] {
  return logs.lines
    .map((line) => JSON.parse(line))
    .filter((l) => l.msg === 'watch run' && `Watch:${l.watch}` === Buffer.from(id, 'base64url').toString())
    .map((l) => l.calls as number);
}

/** The keys a collapsed search shows, every page. */
async function collapsedKeys(filter: object): Promise<Set<string>> {
  const shown = new Set<string>();
  let after: string | null = null;
  for (let page = 0; page < 40; page++) {
    const data = dataOf(
      await ask(
        ALICE_KEY,
        `query($f: SearchFilter!, $after: String) { search(filter: $f, first: 50, after: $after, collapseDuplicates: true) {
          edges { node { provider sourceId } } pageInfo { hasNextPage endCursor } } }`,
        { f: filter, after },
      ),
    );
    for (const edge of data.search.edges) shown.add(`${edge.node.provider}|${edge.node.sourceId}`);
    if (!data.search.pageInfo.hasNextPage) break;
    after = data.search.pageInfo.endCursor;
  }
  return shown;
}
