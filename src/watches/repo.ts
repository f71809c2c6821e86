import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import type { Listing } from '../domain/listing.js';
import type { DeliveryState, HistoryDatabase, WatchEventTable, WatchTable } from '../store/history/schema.js';
import type { SeenListing } from './detect.js';
import type { Watch, WatchEvent, WatchSpec, WebhookDelivery } from './model.js';

/** The watch tables (migrations 0003 and 0004), read and written here only. */

type Db = Kysely<HistoryDatabase> | Transaction<HistoryDatabase>;

const toDate = (value: Date | string | null): Date | null => (value === null ? null : new Date(value));
const parse = <T>(value: unknown): T => (typeof value === 'string' ? JSON.parse(value) : value) as T;

export function watchOf(row: Selectable<WatchTable>): Watch {
  const spec = parse<WatchSpec>(row.settings);
  return {
    ...spec,
    id: row.id,
    owner: row.owner,
    createdAt: toDate(row.created_at) as Date,
    lastRunAt: toDate(row.last_run_at),
    nextRunAt: toDate(row.next_run_at) as Date,
    lastError: row.last_error,
    webhookEnabled: row.webhook_enabled,
    runCount: row.run_count,
  };
}

export function eventOf(row: Selectable<WatchEventTable>): WatchEvent {
  return {
    id: row.id,
    watchId: row.watch_id,
    kind: row.kind,
    at: (toDate(row.at) as Date).toISOString(),
    listing: parse<Listing>(row.listing),
    previousPrice: row.previous_price,
    price: row.price,
  };
}

export async function findWatch(db: Db, id: string, owner?: string) {
  let q = db.selectFrom('watch').selectAll().where('id', '=', id);
  if (owner !== undefined) q = q.where('owner', '=', owner);
  return (await q.executeTakeFirst()) ?? null;
}

export async function listWatches(db: Db, owner: string, first: number, afterSeq: string | null) {
  let q = db.selectFrom('watch').selectAll().where('owner', '=', owner);
  if (afterSeq !== null) q = q.where('seq', '>', afterSeq);
  return q
    .orderBy('seq')
    .limit(first + 1)
    .execute();
}

export async function countWatches(db: Db, owner: string): Promise<number> {
  const row = await db
    .selectFrom('watch')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('owner', '=', owner)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Serialises the creations of one owner, so that two at once cannot pass WATCHES_PER_CLIENT. */
export async function lockOwner(db: Transaction<HistoryDatabase>, owner: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${`watch-owner:${owner}`}))`.execute(db);
}

export async function lockWatch(db: Transaction<HistoryDatabase>, id: string) {
  return (
    (await db.selectFrom('watch').selectAll().where('id', '=', id).forUpdate().executeTakeFirst()) ?? null
  );
}

export async function readSeen(db: Db, watchId: string): Promise<Map<string, StoredSeen>> {
  const rows = await db
    .selectFrom('watch_seen')
    .select(['provider', 'source_id', 'price', 'listing', 'home', 'detail'])
    .where('watch_id', '=', watchId)
    .execute();
  return new Map(
    rows.map((r) => [
      `${r.provider}|${r.source_id}`,
      {
        price: r.price,
        listing: parse<Listing>(r.listing),
        home: r.home,
        detail: r.detail === null ? null : parse<Listing>(r.detail),
      },
    ]),
  );
}

export interface StoredSeen extends SeenListing {
  listing: Listing;
  home: string | null;
  detail: Listing | null;
}

export async function saveSeen(
  db: Db,
  watchId: string,
  listings: readonly { listing: Listing; price: number | null; home: string; detail: Listing | null }[],
) {
  for (let i = 0; i < listings.length; i += 500) {
    const batch = listings.slice(i, i + 500);
    await db
      .insertInto('watch_seen')
      .values(
        batch.map(({ listing, price, home, detail }) => ({
          watch_id: watchId,
          provider: listing.provider,
          source_id: listing.sourceId,
          price,
          listing: JSON.stringify(listing),
          home,
          detail: detail === null ? null : JSON.stringify(detail),
        })),
      )
      .onConflict((oc) =>
        oc.columns(['watch_id', 'provider', 'source_id']).doUpdateSet((eb) => ({
          price: eb.ref('excluded.price'),
          listing: eb.ref('excluded.listing'),
          home: eb.ref('excluded.home'),
          // A detail read once is kept (collect.ts says why).
          detail: eb.fn.coalesce('excluded.detail', 'watch_seen.detail'),
        })),
      )
      .execute();
  }
}

export async function forgetSeen(
  db: Db,
  watchId: string,
  keys: readonly { provider: string; sourceId: string }[],
) {
  for (const key of keys) {
    await db
      .deleteFrom('watch_seen')
      .where('watch_id', '=', watchId)
      .where('provider', '=', key.provider)
      .where('source_id', '=', key.sourceId)
      .execute();
  }
}

export async function insertEvents(db: Db, events: readonly WatchEvent[], delivery: DeliveryState, at: Date) {
  if (events.length === 0) return;
  await db
    .insertInto('watch_event')
    .values(
      events.map((e) => ({
        id: e.id,
        watch_id: e.watchId,
        kind: e.kind,
        at: e.at,
        listing: JSON.stringify(e.listing),
        previous_price: e.previousPrice,
        price: e.price,
        delivery,
        next_attempt_at: delivery === 'PENDING' ? at : null,
      })),
    )
    .execute();
}

export async function listEvents(db: Db, watchId: string, first: number, afterSeq: string | null) {
  let q = db.selectFrom('watch_event').selectAll().where('watch_id', '=', watchId);
  if (afterSeq !== null) q = q.where('seq', '>', afterSeq);
  return q
    .orderBy('seq')
    .limit(first + 1)
    .execute();
}

export async function findEvent(db: Db, id: string, owner: string) {
  return (
    (await db
      .selectFrom('watch_event')
      .innerJoin('watch', 'watch.id', 'watch_event.watch_id')
      .selectAll('watch_event')
      .where('watch_event.id', '=', id)
      .where('watch.owner', '=', owner)
      .executeTakeFirst()) ?? null
  );
}

export async function listDeliveries(db: Db, watchId: string, first: number): Promise<WebhookDelivery[]> {
  const rows = await db
    .selectFrom('watch_delivery')
    .selectAll()
    .where('watch_id', '=', watchId)
    .orderBy('seq', 'desc')
    .limit(first)
    .execute();
  return rows.map((r) => ({
    eventId: r.event_id,
    attempt: r.attempt,
    at: toDate(r.at) as Date,
    status: r.status,
    durationMs: r.duration_ms,
    error: r.error,
  }));
}

/**
 * Claims up to `limit` events due for a webhook attempt under `claim`: their next attempt is
 * pushed past `leaseUntil` in the same statement, so another replica's sweep skips them meanwhile.
 * The holder extends the lease while it waits on the receiver (`renewClaims`); a replica that dies
 * mid-attempt stops extending it, and the event is tried again once the lease ends.
 */
export async function claimDue(
  db: Kysely<HistoryDatabase>,
  claim: string,
  now: Date,
  leaseUntil: Date,
  limit: number,
) {
  const result = await sql<{ id: string }>`
    update watch_event set next_attempt_at = ${leaseUntil}, claim = ${claim}
    where seq in (
      select seq from watch_event
      where delivery = 'PENDING' and next_attempt_at <= ${now}
      order by next_attempt_at, seq
      limit ${limit}
      for update skip locked
    )
    returning id`.execute(db);
  if (result.rows.length === 0) return [];
  return db
    .selectFrom('watch_event')
    .innerJoin('watch', 'watch.id', 'watch_event.watch_id')
    .selectAll('watch_event')
    .select(['watch.settings', 'watch.webhook_secret', 'watch.webhook_enabled'])
    .where(
      'watch_event.id',
      'in',
      result.rows.map((r) => r.id),
    )
    .orderBy('watch_event.seq')
    .execute();
}

/** The heartbeat of a sweep: its claims still in flight hold until `leaseUntil`. */
export async function renewClaims(db: Db, claim: string, ids: readonly string[], leaseUntil: Date) {
  if (ids.length === 0) return;
  await db
    .updateTable('watch_event')
    .set({ next_attempt_at: leaseUntil })
    .where('claim', '=', claim)
    .where('delivery', '=', 'PENDING')
    .where('id', 'in', ids)
    .execute();
}

/**
 * Deletes the events made before `before` that no webhook attempt awaits (delivered, failed, or
 * never sent: a subscriber had them live, a client paging `events` had them for the retention
 * period), with their delivery log. A PENDING event stays whatever its age: it is not lost.
 */
export async function pruneEvents(db: Kysely<HistoryDatabase>, before: Date): Promise<number> {
  return db.transaction().execute(async (tx) => {
    const gone = await tx
      .deleteFrom('watch_event')
      .where('at', '<', before)
      .where('delivery', '<>', 'PENDING')
      .returning('id')
      .execute();
    const ids = gone.map((r) => r.id);
    for (let i = 0; i < ids.length; i += 500) {
      await tx
        .deleteFrom('watch_delivery')
        .where('event_id', 'in', ids.slice(i, i + 500))
        .execute();
    }
    return ids.length;
  });
}
