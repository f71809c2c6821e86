import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../src/store/history/database.js';
import { type EngineSetup, enginesUnderTest } from '../support/databases.js';

/**
 * A statement that fails inside a transaction (here a unique violation) must reject that
 * transaction, roll it back, and leave nothing unhandled behind: an unhandled rejection would
 * take the whole gateway down (Node exits on one by default).
 */
describe.each(enginesUnderTest())(
  'a failed statement in a transaction on $name',
  { timeout: 120_000 },
  (engine) => {
    let setup: EngineSetup;
    let database: Database;
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    beforeAll(async () => {
      process.on('unhandledRejection', onUnhandled);
      setup = await engine.setup();
      database = await openDatabase({ url: setup.store.databaseUrl, dataDir: setup.store.dataDir });
    }, 120_000);
    afterAll(async () => {
      process.off('unhandledRejection', onUnhandled);
      await database?.close();
      await setup?.cleanup();
    });

    const row = (sourceId: string) => ({
      provider: 'BEIKE',
      source_id: sourceId,
      city_id: '110000',
      district: null,
      community_id: null,
      community_name: null,
      listing_type: 'RESALE',
      total_price: 1,
      unit_price: null,
      monthly_rent: null,
      area: null,
      bedrooms: null,
      active: true,
      first_seen_at: new Date(0),
      last_seen_at: new Date(0),
      delisted_at: null,
    });
    const count = async (sourceId: string) =>
      Number(
        (
          await database.db
            .selectFrom('listing_current')
            .select(sql<number>`count(*)`.as('n'))
            .where('source_id', '=', sourceId)
            .executeTakeFirstOrThrow()
        ).n,
      );
    // Long enough for a stray rejection to be reported (Node reports them after the microtask queue drains).
    const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

    it('rejects with the violation, rolls back, and the database keeps working', async () => {
      const attempt = database.db.transaction().execute(async (trx) => {
        await trx.insertInto('listing_current').values(row('tx-a')).execute();
        await trx.insertInto('listing_current').values(row('tx-a')).execute();
      });
      await expect(attempt).rejects.toMatchObject({ code: '23505' });
      await settle();
      expect(unhandled).toEqual([]);
      expect(await count('tx-a')).toBe(0);
      await database.db.insertInto('listing_current').values(row('tx-b')).execute();
      expect(await count('tx-b')).toBe(1);
    });

    it('a failure caught inside the transaction still cannot commit, and nothing is left unhandled', async () => {
      const attempt = database.db.transaction().execute(async (trx) => {
        await trx.insertInto('listing_current').values(row('tx-c')).execute();
        await trx
          .insertInto('listing_current')
          .values(row('tx-c'))
          .execute()
          .catch(() => {});
        await trx.insertInto('listing_current').values(row('tx-d')).execute();
      });
      await expect(attempt).rejects.toBeDefined();
      await settle();
      expect(unhandled).toEqual([]);
      expect(await count('tx-c')).toBe(0);
      expect(await count('tx-d')).toBe(0);
    });

    it('transactions that fail while others run leave the others whole', async () => {
      const results = await Promise.allSettled(
        Array.from({ length: 6 }, (_, i) =>
          database.db.transaction().execute(async (trx) => {
            await trx
              .insertInto('listing_current')
              .values(row(`tx-e${i}`))
              .execute();
            if (i % 2 === 0)
              await trx
                .insertInto('listing_current')
                .values(row(`tx-e${i}`))
                .execute();
          }),
        ),
      );
      await settle();
      expect(results.map((r) => r.status)).toEqual([
        'rejected',
        'fulfilled',
        'rejected',
        'fulfilled',
        'rejected',
        'fulfilled',
      ]);
      expect(unhandled).toEqual([]);
      for (let i = 0; i < 6; i++) expect(await count(`tx-e${i}`)).toBe(i % 2 === 0 ? 0 : 1);
    });
  },
);
