import {
  type Insertable,
  type Kysely,
  type RawBuilder,
  type Selectable,
  sql,
  type Transaction,
} from 'kysely';
import { keysIn } from './keys.js';
import { listingKey, type Observation } from './observation.js';
import type { HistoryDatabase, ListingChangeTable, ListingCurrentTable } from './schema.js';

type Current = Selectable<ListingCurrentTable>;
type Change = Insertable<ListingChangeTable>;

/**
 * Applies a batch of observations: one current row per listing, one change row per first
 * sighting, price change or status change. Safe against other replicas writing the same listings
 * at once: new rows are inserted with ON CONFLICT DO NOTHING, and existing ones are locked in key
 * order before they are compared; the one deadlock left possible is written again (below).
 */
export async function writeObservations(db: Kysely<HistoryDatabase>, batch: Observation[]): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await db.transaction().execute((trx) => applyBatch(trx, batch));
      return;
    } catch (error) {
      if (attempt >= DEADLOCK_ATTEMPTS || (error as { code?: unknown }).code !== DEADLOCK_DETECTED)
        throw error;
    }
  }
}

/**
 * PostgreSQL's deadlock_detected. One transaction holds all rounds of a batch (each begin and
 * commit is two more round trips to PGlite's thread). A later round's listings were all in the
 * first round, so their rows are locked by then; only one the database did not have (a gone
 * answer, then a sighting) takes a lock later, where another replica's batch can deadlock with it.
 * The loser's transaction is rolled back whole, so its batch is simply written again.
 */
const DEADLOCK_DETECTED = '40P01';
const DEADLOCK_ATTEMPTS = 3;

async function applyBatch(trx: Transaction<HistoryDatabase>, batch: Observation[]): Promise<void> {
  const held = new Map<string, Current>();
  const writes: Writes = { changes: [], updated: new Set() };
  for (const round of rounds(batch)) await applyRound(trx, round, held, writes);
  if (writes.changes.length > 0) {
    await trx
      .insertInto('listing_change')
      .columns(CHANGE_COLUMNS)
      .expression(jsonRows('listing_change', CHANGE_COLUMNS, writes.changes))
      .execute();
  }
  if (writes.updated.size > 0)
    await upsert(
      trx,
      [...writes.updated].map((key) => held.get(key)!),
    );
}

/** What a batch's rounds leave to write at its end: change rows in order, rows to update by key. */
interface Writes {
  changes: Change[];
  updated: Set<string>;
}

/** A listing seen twice in one batch is applied in two rounds, in order, so no change is lost. */
function rounds(batch: Observation[]): Observation[][] {
  const result: Map<string, Observation>[] = [];
  for (const observation of [...batch].sort((a, b) => a.seenAt - b.seenAt)) {
    const key = listingKey(observation);
    let round = result.find((r) => !r.has(key));
    if (!round) {
      round = new Map();
      result.push(round);
    }
    round.set(key, observation);
  }
  return result.map((r) => [...r.values()].sort(byKey));
}

function byKey(a: Observation, b: Observation): number {
  return a.provider !== b.provider ? (a.provider < b.provider ? -1 : 1) : a.sourceId < b.sourceId ? -1 : 1;
}

/**
 * One round. `held` is each row this transaction has inserted or locked, as the rounds before left
 * it: a later round reads it there instead of from the database (the lock keeps it ours), so a
 * stub and the detail of one listing in one batch cost the statements of one round, not two.
 */
async function applyRound(
  trx: Transaction<HistoryDatabase>,
  round: Observation[],
  held: Map<string, Current>,
  writes: Writes,
): Promise<void> {
  const unheld = round.filter((o) => !held.has(listingKey(o)));
  const seen = new Map(unheld.filter((o) => o.listing !== null).map((o) => [listingKey(o), newRow(o)]));
  const created = new Set<string>();
  if (seen.size > 0) {
    const inserted = await trx
      .insertInto('listing_current')
      .columns(CURRENT_COLUMNS)
      .expression(jsonRows('listing_current', CURRENT_COLUMNS, [...seen.values()]))
      .onConflict((oc) => oc.columns(['provider', 'source_id']).doNothing())
      .returning(['provider', 'source_id'])
      .execute();
    for (const row of inserted) created.add(listingKey({ provider: row.provider, sourceId: row.source_id }));
  }
  for (const o of unheld) {
    const key = listingKey(o);
    const row = seen.get(key);
    if (!row || !created.has(key)) continue;
    held.set(key, row);
    writes.changes.push(change(o, 'FIRST', row));
  }

  const toLock = unheld.filter((o) => !created.has(listingKey(o)));
  if (toLock.length > 0) {
    const rows = await trx
      .selectFrom('listing_current')
      .selectAll()
      .where((eb) =>
        keysIn(
          eb,
          'source_id',
          toLock.map((o) => ({ provider: o.provider, id: o.sourceId })),
        ),
      )
      .orderBy('provider')
      .orderBy('source_id')
      .forUpdate()
      .execute();
    for (const r of rows) held.set(listingKey({ provider: r.provider, sourceId: r.source_id }), r);
  }

  for (const o of round) {
    const key = listingKey(o);
    if (created.has(key)) continue;
    const row = held.get(key);
    // Never seen (a gone answer for a listing we never had), or older than what we hold.
    if (!row || o.seenAt < row.last_seen_at.getTime()) continue;
    const next = merge(row, o);
    if (priceChanged(row, next)) writes.changes.push(change(o, 'PRICE', next));
    if (row.active !== next.active) writes.changes.push(change(o, 'STATUS', next));
    held.set(key, next);
    writes.updated.add(key);
  }
}

async function upsert(trx: Transaction<HistoryDatabase>, rows: Current[]): Promise<void> {
  await trx
    .insertInto('listing_current')
    .columns(CURRENT_COLUMNS)
    .expression(jsonRows('listing_current', CURRENT_COLUMNS, rows))
    .onConflict((oc) =>
      oc
        .columns(['provider', 'source_id'])
        .doUpdateSet(Object.fromEntries(UPDATED_COLUMNS.map((c) => [c, sql.ref(`excluded.${c}`)]))),
    )
    .execute();
}

const CURRENT_COLUMNS = [
  'provider',
  'source_id',
  'city_id',
  'district',
  'community_id',
  'community_name',
  'listing_type',
  'total_price',
  'unit_price',
  'monthly_rent',
  'area',
  'bedrooms',
  'living_rooms',
  'floor_level',
  'floor_total',
  'active',
  'first_seen_at',
  'last_seen_at',
  'delisted_at',
] as const satisfies readonly (keyof ListingCurrentTable)[];

/** What a later sighting rewrites: everything but the listing's identity and its first sighting. */
const UPDATED_COLUMNS = CURRENT_COLUMNS.filter(
  (c) => c !== 'provider' && c !== 'source_id' && c !== 'first_seen_at',
);

const CHANGE_COLUMNS = [
  'provider',
  'source_id',
  'at',
  'kind',
  'total_price',
  'unit_price',
  'monthly_rent',
  'active',
] as const satisfies readonly (keyof ListingChangeTable)[];

/**
 * `SELECT columns FROM` the rows sent as one JSON parameter, read as the table's row type. A
 * batch as `VALUES` lists was ≈ 1,700 parameters per statement: each one built by Kysely and
 * copied to PGlite's thread on the gateway's thread, then encoded, parsed and planned there, which
 * cost more CPU than the writes themselves (README, Performance: issue 15, cold row).
 */
function jsonRows(
  table: 'listing_current' | 'listing_change',
  columns: readonly string[],
  rows: readonly object[],
): RawBuilder<unknown> {
  return sql`select ${sql.join(columns.map((c) => sql.ref(c)))} from json_populate_recordset(null::${sql.table(table)}, ${JSON.stringify(rows)})`;
}

function newRow(o: Observation): Current {
  const l = o.listing!;
  const at = new Date(o.seenAt);
  return {
    provider: o.provider,
    source_id: o.sourceId,
    city_id: l.cityId,
    district: l.district,
    community_id: l.communityId,
    community_name: l.communityName,
    listing_type: l.listingType,
    total_price: l.totalPrice,
    unit_price: l.unitPrice,
    monthly_rent: l.monthlyRent,
    area: l.area,
    bedrooms: l.bedrooms,
    living_rooms: l.livingRooms,
    floor_level: l.floorLevel,
    floor_total: l.floorTotal,
    active: l.active,
    first_seen_at: at,
    last_seen_at: at,
    delisted_at: l.active ? null : at,
  };
}

/** What the row becomes: a field a sighting does not carry keeps its earlier value. */
function merge(row: Current, o: Observation): Current {
  const at = new Date(o.seenAt);
  const l = o.listing;
  const active = l ? l.active : false;
  return {
    provider: row.provider,
    source_id: row.source_id,
    city_id: l?.cityId ?? row.city_id,
    district: l?.district ?? row.district,
    community_id: l?.communityId ?? row.community_id,
    community_name: l?.communityName ?? row.community_name,
    listing_type: l?.listingType ?? row.listing_type,
    total_price: l?.totalPrice ?? row.total_price,
    unit_price: l?.unitPrice ?? row.unit_price,
    monthly_rent: l?.monthlyRent ?? row.monthly_rent,
    area: l?.area ?? row.area,
    bedrooms: l?.bedrooms ?? row.bedrooms,
    living_rooms: l?.livingRooms ?? row.living_rooms,
    floor_level: l?.floorLevel ?? row.floor_level,
    floor_total: l?.floorTotal ?? row.floor_total,
    active,
    first_seen_at: row.first_seen_at,
    last_seen_at: at,
    delisted_at: active ? null : (row.delisted_at ?? at),
  };
}

function priceChanged(row: Current, next: Insertable<ListingCurrentTable>): boolean {
  return row.total_price !== next.total_price || row.monthly_rent !== next.monthly_rent;
}

function change(
  o: Observation,
  kind: Change['kind'],
  state: Pick<Insertable<ListingCurrentTable>, 'total_price' | 'unit_price' | 'monthly_rent' | 'active'>,
): Change {
  return {
    provider: o.provider,
    source_id: o.sourceId,
    at: new Date(o.seenAt),
    kind,
    total_price: state.total_price ?? null,
    unit_price: state.unit_price ?? null,
    monthly_rent: state.monthly_rent ?? null,
    active: state.active,
  };
}

/**
 * Retention: change rows older than the cut-off go, except each listing's latest one before it,
 * which still says what the price was from then on.
 */
export async function pruneChanges(db: Kysely<HistoryDatabase>, before: Date): Promise<number> {
  const result = await db
    .deleteFrom('listing_change as c')
    .where('c.at', '<', before)
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('listing_change as n')
          .select(sql`1`.as('one'))
          .whereRef('n.provider', '=', 'c.provider')
          .whereRef('n.source_id', '=', 'c.source_id')
          .whereRef('n.at', '>', 'c.at')
          .where('n.at', '<', before),
      ),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
