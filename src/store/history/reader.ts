import type { Kysely } from 'kysely';
import { keysIn } from './keys.js';
import { type ListingFacts, listingKey } from './observation.js';
import type { HistoryDatabase } from './schema.js';

export interface PricePoint {
  at: Date;
  totalPrice: number | null;
  unitPrice: number | null;
  monthlyRent: number | null;
}

export interface PriceChange {
  at: Date;
  from: number;
  to: number;
  /** (to - from) / from × 100, two decimals; negative for a cut. */
  percent: number;
}

export interface ListingHistory {
  firstSeenAt: Date | null;
  delistedAt: Date | null;
  /** Oldest first: the first sighting, then each price change. */
  priceHistory: PricePoint[];
  lastPriceChange: PriceChange | null;
}

export interface HistoryKey {
  provider: string;
  sourceId: string;
}

export const NO_HISTORY: ListingHistory = {
  firstSeenAt: null,
  delistedAt: null,
  priceHistory: [],
  lastPriceChange: null,
};

/** The history of many listings in two queries: one for their current rows, one for their changes. */
export async function readHistories(
  db: Kysely<HistoryDatabase>,
  keys: readonly HistoryKey[],
): Promise<Map<string, ListingHistory>> {
  const result = new Map<string, ListingHistory>();
  if (keys.length === 0) return result;
  const ids = keys.map((k) => ({ provider: k.provider, id: k.sourceId }));
  const [current, changes] = await Promise.all([
    db
      .selectFrom('listing_current')
      .select(['provider', 'source_id', 'first_seen_at', 'delisted_at'])
      .where((eb) => keysIn(eb, 'source_id', ids))
      .execute(),
    db
      .selectFrom('listing_change')
      .select(['provider', 'source_id', 'at', 'total_price', 'unit_price', 'monthly_rent'])
      .where((eb) => keysIn(eb, 'source_id', ids))
      .where('kind', 'in', ['FIRST', 'PRICE'])
      .orderBy('at')
      .orderBy('id')
      .execute(),
  ]);
  for (const row of current) {
    result.set(listingKey({ provider: row.provider, sourceId: row.source_id }), {
      firstSeenAt: row.first_seen_at,
      delistedAt: row.delisted_at,
      priceHistory: [],
      lastPriceChange: null,
    });
  }
  for (const row of changes) {
    const history = result.get(listingKey({ provider: row.provider, sourceId: row.source_id }));
    history?.priceHistory.push({
      at: row.at,
      totalPrice: row.total_price,
      unitPrice: row.unit_price,
      monthlyRent: row.monthly_rent,
    });
  }
  for (const history of result.values()) history.lastPriceChange = lastChange(history.priceHistory);
  return result;
}

export function lastChange(points: readonly PricePoint[]): PriceChange | null {
  for (let i = points.length - 1; i > 0; i--) {
    const before = price(points[i - 1] as PricePoint);
    const after = price(points[i] as PricePoint);
    if (before !== null && after !== null && before !== after && before !== 0) {
      return {
        at: (points[i] as PricePoint).at,
        from: before,
        to: after,
        percent: Math.round(((after - before) / before) * 10_000) / 100,
      };
    }
  }
  return null;
}

/** The price that moves: the total for a sale, the rent for a rental. */
function price(point: PricePoint): number | null {
  return point.totalPrice ?? point.monthlyRent;
}

/** What the store last knew of a listing, in the model's terms; null when it was never seen. */
export async function readRecorded(
  db: Kysely<HistoryDatabase>,
  key: HistoryKey,
): Promise<RecordedListing | null> {
  const row = await db
    .selectFrom('listing_current')
    .selectAll()
    .where('provider', '=', key.provider)
    .where('source_id', '=', key.sourceId)
    .executeTakeFirst();
  return row
    ? {
        cityId: row.city_id,
        district: row.district,
        communityId: row.community_id,
        communityName: row.community_name,
        listingType: row.listing_type,
        totalPrice: row.total_price,
        unitPrice: row.unit_price,
        monthlyRent: row.monthly_rent,
        area: row.area,
        bedrooms: row.bedrooms,
        livingRooms: row.living_rooms,
        floorLevel: row.floor_level,
        floorTotal: row.floor_total,
        lastSeenAt: row.last_seen_at,
      }
    : null;
}

export interface RecordedListing extends ListingFacts {
  lastSeenAt: Date;
}
