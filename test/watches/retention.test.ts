import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../src/store/history/database.js';
import { createWatchEventBus } from '../../src/watches/bus.js';
import { TimerScheduler } from '../../src/watches/scheduler.js';
import { WatchService } from '../../src/watches/service.js';
import { type EngineSetup, enginesUnderTest } from '../support/databases.js';
import { memoryLogger } from '../support/logs.js';
import { until } from './support.js';

/**
 * WATCH_EVENT_RETENTION_DAYS: events older than it that no webhook attempt awaits are deleted in
 * the background, with their delivery log; a pending one is kept whatever its age, and so is
 * every younger one. On both engines.
 */

const DAY = 86_400_000;
const RETENTION_DAYS = 90;

describe.each(enginesUnderTest())('watch event retention on $name', { timeout: 180_000 }, (engine) => {
  let setup: EngineSetup;
  let database: Database;
  let service: WatchService | null = null;
  const logs = memoryLogger();

  beforeAll(async () => {
    setup = await engine.setup();
    database = await openDatabase(setup.store);
  }, 180_000);
  afterAll(async () => {
    await service?.close();
    await database?.close();
    await setup?.cleanup();
  });

  it('prunes old delivered, failed and unsent events and their attempts in the background, keeps pending and young ones', async () => {
    const { db } = database;
    const now = Date.now();
    await db
      .insertInto('watch')
      .values({
        id: 'w1',
        owner: 'anonymous',
        settings: JSON.stringify({ filter: { cityId: '110000' }, intervalMinutes: 60 }),
        created_at: new Date(now - 200 * DAY),
        next_run_at: new Date(now + DAY),
      })
      .execute();
    const event = (id: string, ageDays: number, delivery: 'NONE' | 'PENDING' | 'DELIVERED' | 'FAILED') => ({
      id,
      watch_id: 'w1',
      kind: 'NEW_LISTING' as const,
      at: new Date(now - ageDays * DAY),
      listing: JSON.stringify({ provider: 'BEIKE', sourceId: id }),
      previous_price: null,
      price: 1,
      delivery,
      // A pending one is not due during the test: no sweep would try it anyway.
      next_attempt_at: delivery === 'PENDING' ? new Date(now + DAY) : null,
    });
    await db
      .insertInto('watch_event')
      .values([
        event('old-delivered', RETENTION_DAYS + 1, 'DELIVERED'),
        event('old-failed', RETENTION_DAYS + 30, 'FAILED'),
        event('old-unsent', RETENTION_DAYS + 5, 'NONE'),
        event('old-pending', RETENTION_DAYS + 2, 'PENDING'),
        event('young-delivered', RETENTION_DAYS - 1, 'DELIVERED'),
        event('young-unsent', 1, 'NONE'),
      ])
      .execute();
    const attempt = (eventId: string) => ({
      watch_id: 'w1',
      event_id: eventId,
      attempt: 1,
      at: new Date(now),
      status: 200,
      duration_ms: 5,
      error: null,
    });
    await db
      .insertInto('watch_delivery')
      .values([attempt('old-delivered'), attempt('old-failed'), attempt('young-delivered')])
      .execute();

    service = new WatchService({
      db,
      providers: new Map(),
      cache: { listTtlMs: 0, detailTtlMs: 0, staleIfErrorMs: 0, maxEntries: 10 },
      settings: {
        perClient: 50,
        maxCallsPerRun: 60,
        minIntervalMinutes: 1,
        minuteMs: 60_000,
        eventRetentionDays: RETENTION_DAYS,
        pruneEveryMs: 100,
        webhook: { allowPrivate: true, timeoutMs: 1_000, retryDelaysMs: [], sweepMs: 3_600_000 },
      },
      share: { limits: new Map(), fraction: 0.5, budget: () => undefined },
      bus: createWatchEventBus(null),
      scheduler: new TimerScheduler(),
      logger: logs.logger,
    });

    const events = async () =>
      (await db.selectFrom('watch_event').select('id').orderBy('id').execute()).map((r) => r.id);
    // Nothing asked it: the service's own timer prunes.
    await until(async () => (await events()).length === 3 || null, 60_000);
    expect(await events()).toEqual(['old-pending', 'young-delivered', 'young-unsent']);
    const attempts = await db.selectFrom('watch_delivery').select('event_id').execute();
    expect(attempts.map((r) => r.event_id)).toEqual(['young-delivered']);
    expect(logs.text()).toContain('watch event retention pruned events');
    // Again: nothing more to delete.
    expect(await service.pruneEvents()).toBe(0);
  });
});
