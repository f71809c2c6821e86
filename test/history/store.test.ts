import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logger.js';
import { HistoryStore } from '../../src/store/history/index.js';
import type { Observation, ObservedListing } from '../../src/store/history/observation.js';
import { type EngineSetup, enginesUnderTest, POSTGRES, POSTGRES_AVAILABLE } from '../support/databases.js';

const T0 = Date.UTC(2026, 10, 1);
const HOUR = 3_600_000;

function seen(sourceId: string, hours: number, over: Partial<ObservedListing> = {}): Observation {
  return {
    provider: 'BEIKE',
    sourceId,
    seenAt: T0 + hours * HOUR,
    listing: {
      cityId: '110000',
      district: '朝阳区',
      communityId: 'c1',
      communityName: '双裕花园',
      listingType: 'RESALE',
      totalPrice: 2_000_000,
      unitPrice: 40_000,
      monthlyRent: null,
      area: 50,
      bedrooms: 2,
      livingRooms: 1,
      floorLevel: 'MIDDLE',
      floorTotal: 6,
      active: true,
      ...over,
    },
  };
}

const goneAt = (sourceId: string, hours: number): Observation => ({
  provider: 'BEIKE',
  sourceId,
  seenAt: T0 + hours * HOUR,
  listing: null,
});

const open = (setup: EngineSetup) =>
  HistoryStore.open({
    ...setup.store,
    retentionDays: 730,
    logger: silentLogger,
    queue: { intervalMs: 10, batchSize: 1_000 },
  });

// Opening an engine costs seconds (PGlite initialises a whole PostgreSQL): one store per engine,
// and each test works on listings of its own.
describe.each(enginesUnderTest())('history store on $name', { timeout: 180_000 }, (engine) => {
  let setup: EngineSetup;
  let store: HistoryStore;
  beforeAll(async () => {
    setup = await engine.setup();
    store = await open(setup);
  }, 180_000);
  afterAll(async () => {
    await store?.close();
    await setup?.cleanup();
  });
  const kindsOf = async (sourceId: string) =>
    (
      await store.db
        .selectFrom('listing_change')
        .select('kind')
        .where('source_id', '=', sourceId)
        .orderBy('id')
        .execute()
    ).map((r) => r.kind);

  it('keeps one row per change, not per sighting, and dates each change at the sighting that showed it', async () => {
    store.offer([seen('a', 0), seen('a', 1), seen('a', 2, { totalPrice: 1_900_000, unitPrice: 38_000 })]);
    store.offer([
      seen('a', 3, { totalPrice: 1_900_000 }),
      seen('a', 4, { totalPrice: 1_950_000, unitPrice: 39_000 }),
    ]);
    await store.flush();
    const history = (await store.histories([{ provider: 'BEIKE', sourceId: 'a' }])).get('BEIKE|a');
    expect(history?.priceHistory.map((p) => [p.at.getTime() - T0, p.totalPrice, p.unitPrice])).toEqual([
      [0, 2_000_000, 40_000],
      [2 * HOUR, 1_900_000, 38_000],
      [4 * HOUR, 1_950_000, 39_000],
    ]);
    expect(history?.firstSeenAt?.getTime()).toBe(T0);
    expect(history?.lastPriceChange).toEqual({
      at: new Date(T0 + 4 * HOUR),
      from: 1_900_000,
      to: 1_950_000,
      percent: 2.63,
    });
    expect(history?.delistedAt).toBeNull();
    expect(await kindsOf('a')).toEqual(['FIRST', 'PRICE', 'PRICE']);
  });

  it('marks a listing delisted when its provider says it is gone, clears it when it returns, and ignores gone answers for listings never seen', async () => {
    store.offer([seen('b', 0), goneAt('b', 5), goneAt('never', 5)]);
    await store.flush();
    let history = (await store.histories([{ provider: 'BEIKE', sourceId: 'b' }])).get('BEIKE|b');
    expect(history?.delistedAt?.getTime()).toBe(T0 + 5 * HOUR);
    expect(await store.recorded({ provider: 'BEIKE', sourceId: 'never' })).toBeNull();
    store.offer([goneAt('b', 6)]);
    await store.flush();
    history = (await store.histories([{ provider: 'BEIKE', sourceId: 'b' }])).get('BEIKE|b');
    expect(history?.delistedAt?.getTime()).toBe(T0 + 5 * HOUR);
    store.offer([seen('b', 9)]);
    await store.flush();
    history = (await store.histories([{ provider: 'BEIKE', sourceId: 'b' }])).get('BEIKE|b');
    expect(history?.delistedAt).toBeNull();
    expect(await kindsOf('b')).toEqual(['FIRST', 'STATUS', 'STATUS']);
  });

  it('lets a stub without a field keep what a detail said, and ignores sightings older than the last', async () => {
    store.offer([seen('c', 0), seen('c', 2, { bedrooms: null, communityName: null, totalPrice: null })]);
    await store.flush();
    store.offer([seen('c', 1, { totalPrice: 1 })]);
    await store.flush();
    const row = await store.recorded({ provider: 'BEIKE', sourceId: 'c' });
    expect(row).toMatchObject({ bedrooms: 2, communityName: '双裕花园', totalPrice: 2_000_000 });
    const history = (await store.histories([{ provider: 'BEIKE', sourceId: 'c' }])).get('BEIKE|c');
    expect(history?.priceHistory).toHaveLength(1);
  });

  it('writes large batches: 1 000 listings, then 1 000 sightings with 100 price changes', async () => {
    const many = (hours: number, cut: boolean) =>
      Array.from({ length: 1_000 }, (_, i) =>
        seen(`m${i}`, hours, { totalPrice: cut && i % 10 === 0 ? 1_800_000 : 2_000_000 }),
      );
    store.offer(many(0, false));
    await store.flush();
    store.offer(many(1, true));
    await store.flush();
    const changes = await store.db
      .selectFrom('listing_change')
      .select(['kind', (eb) => eb.fn.countAll().as('n')])
      .where('source_id', 'like', 'm%')
      .groupBy('kind')
      .orderBy('kind')
      .execute();
    expect(changes.map((c) => [c.kind, Number(c.n)])).toEqual([
      ['FIRST', 1_000],
      ['PRICE', 100],
    ]);
  });

  it('prunes change rows past the retention period but keeps the price each listing had at the cut-off', async () => {
    const day = 24;
    const pruning = store;
    pruning.offer([
      seen('d', 0),
      seen('d', 5 * day, { totalPrice: 1_800_000 }),
      seen('d', 20 * day, { totalPrice: 1_700_000 }),
      seen('d', 35 * day, { totalPrice: 1_600_000 }),
    ]);
    await pruning.flush();
    // HISTORY_RETENTION_DAYS is 730 here: 760 days on, the cut-off falls at day 30.
    expect(await pruning.prune(T0 + 760 * day * HOUR)).toBeGreaterThanOrEqual(2);
    expect(await kindsOf('d')).toEqual(['PRICE', 'PRICE']);
    const history = (await pruning.histories([{ provider: 'BEIKE', sourceId: 'd' }])).get('BEIKE|d');
    expect(history?.priceHistory.map((p) => p.totalPrice)).toEqual([1_700_000, 1_600_000]);
    expect(history?.firstSeenAt?.getTime()).toBe(T0);
  });
});

describe.runIf(POSTGRES_AVAILABLE)('two replicas on one PostgreSQL', { timeout: 120_000 }, () => {
  it('migrate once when they start together, and lose and duplicate nothing when they write the same listings at once', async () => {
    const setup = await POSTGRES.setup();
    try {
      const [a, b] = await Promise.all([open(setup), open(setup)]);
      try {
        // Both see the same 300 listings three times: first at 2 000 000, then cut, then raised.
        const prices = [2_000_000, 1_900_000, 1_950_000];
        const sightings = prices.flatMap((price, round) =>
          Array.from({ length: 300 }, (_, i) => seen(`r${i}`, round, { totalPrice: price })),
        );
        for (const round of [0, 1, 2]) {
          const batch = sightings.slice(round * 300, round * 300 + 300);
          a.offer(batch);
          b.offer([...batch].reverse());
          await Promise.all([a.flush(), b.flush()]);
        }
        const current = await a.db
          .selectFrom('listing_current')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirst();
        expect(Number(current?.n)).toBe(300);
        const changes = await a.db
          .selectFrom('listing_change')
          .select(['kind', (eb) => eb.fn.countAll().as('n')])
          .groupBy('kind')
          .orderBy('kind')
          .execute();
        expect(changes.map((c) => [c.kind, Number(c.n)])).toEqual([
          ['FIRST', 300],
          ['PRICE', 600],
        ]);
        expect(a.counts.dropped).toEqual({ full: 0, error: 0, closed: 0 });
        expect(b.counts.dropped).toEqual({ full: 0, error: 0, closed: 0 });
        const migrations = await a.db
          .selectFrom('kysely_migration' as never)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirst();
        // Each migration once (0001, 0002, 0003 the watches, 0004 their homes), not once per replica.
        expect(Number((migrations as { n: unknown }).n)).toBe(4);
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    } finally {
      await setup.cleanup();
    }
  });

  it('write a batch again when it loses a deadlock, once, as if nothing had happened', async () => {
    const setup = await POSTGRES.setup();
    const store = await open(setup);
    // Another replica's transaction, driven statement by statement.
    const other = new pg.Client({ connectionString: setup.store.databaseUrl });
    await other.connect();
    try {
      store.offer([seen('dl-a', 0), seen('dl-b', 0)]);
      await store.flush();
      /** The last column of a one-row query by the other session, as a number. */
      const figure = async (query: string) =>
        Number(Object.values((await other.query(query)).rows[0]).at(-1));
      const deadlocks = () =>
        figure(
          'select pg_stat_clear_snapshot(), deadlocks from pg_stat_database where datname = current_database()',
        );
      const waitingForLocks = () =>
        figure(
          "select count(*) from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'",
        );
      const before = await deadlocks();

      // The other transaction holds dl-b; the store's batch locks dl-a, then waits for dl-b.
      await other.query('begin');
      await other.query("select 1 from listing_current where source_id = 'dl-b' for update");
      store.offer([seen('dl-a', 1, { totalPrice: 1_900_000 }), seen('dl-b', 1, { totalPrice: 1_800_000 })]);
      const written = store.flush();
      await expect.poll(waitingForLocks, { timeout: 30_000, interval: 20 }).toBe(1);
      // Now the other one waits for dl-a: a cycle. The store's side, waiting longest, is the one
      // PostgreSQL rolls back; only then can the other one lock dl-a while still holding dl-b.
      await other.query("select 1 from listing_current where source_id = 'dl-a' for update");
      await other.query('rollback');
      await written;

      expect(store.counts.dropped).toEqual({ full: 0, error: 0, closed: 0 });
      const rows = await store.db
        .selectFrom('listing_current')
        .select(['source_id', 'total_price'])
        .where('source_id', 'in', ['dl-a', 'dl-b'])
        .orderBy('source_id')
        .execute();
      expect(rows.map((r) => [r.source_id, Number(r.total_price)])).toEqual([
        ['dl-a', 1_900_000],
        ['dl-b', 1_800_000],
      ]);
      const kinds = await store.db
        .selectFrom('listing_change')
        .select(['source_id', 'kind'])
        .where('source_id', 'in', ['dl-a', 'dl-b'])
        .orderBy('source_id')
        .orderBy('id')
        .execute();
      // One price change each: the lost attempt left nothing behind.
      expect(kinds.map((k) => `${k.source_id} ${k.kind}`)).toEqual([
        'dl-a FIRST',
        'dl-a PRICE',
        'dl-b FIRST',
        'dl-b PRICE',
      ]);
      // PostgreSQL counts the deadlock once its backend reports its statistics (within seconds).
      await expect.poll(deadlocks, { timeout: 20_000, interval: 200 }).toBe(before + 1);
    } finally {
      await other.end();
      await store.close();
      await setup.cleanup();
    }
  });
});
