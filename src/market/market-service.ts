import type { Kysely } from 'kysely';
import { keysIn } from '../store/history/keys.js';
import { bareDistrict } from '../store/history/observation.js';
import type { HistoryDatabase } from '../store/history/schema.js';
import { type StoredFacts, sameHomeGroups } from './homes.js';
import { type Distribution, distribution, median, round } from './statistics.js';

/**
 * Market figures over the listings the gateway has observed, read from the history store alone:
 * asking prices, not transactions. Each home counts once: the same home listed on both providers
 * (src/market/homes.ts) is one home in every figure but `byProvider`, where each provider's own
 * listings count.
 */

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
/** The weekly series covers at most this many weeks back from asOf. */
const MAX_WEEKS = 26;

export interface MarketQuery {
  cityId: string;
  /** District names; "朝阳" and "朝阳区" are the same district (stored without the suffix). */
  districts: string[] | null;
  /** Provider community ids. */
  communities: { provider: string; sourceId: string }[] | null;
  listingType: string;
  bedrooms: number[] | null;
  /** Epoch ms; new and delisted counts are since then. */
  since: number;
  asOf: number;
}

export interface MarketFigures {
  /** Listings on offer at asOf. */
  activeListings: number;
  newListings: number;
  delistedListings: number;
  unitPrice: Distribution;
  totalPrice: Distribution;
  monthlyRent: Distribution;
  /** Among listings on offer: how many had their asking price cut at least once while observed. */
  priceCut: { listings: number; withCut: number; share: number | null; medianCutPercent: number | null };
  daysOnOffer: Distribution;
}

export interface MarketBucket {
  key: string;
  figures: MarketFigures;
}

export interface WeeklyMedian {
  /** Epoch ms of the week's start (Monday 00:00 UTC). */
  weekStart: number;
  /** Listings on offer at the week's end (or at asOf for the current week). */
  count: number;
  medianUnitPrice: number | null;
}

export interface MarketStats {
  asOf: number;
  since: number;
  figures: MarketFigures;
  byDistrict: MarketBucket[];
  byBedrooms: MarketBucket[];
  byProvider: MarketBucket[];
  weekly: WeeklyMedian[];
}

interface Row extends StoredFacts {
  active: boolean;
  firstSeenAt: number;
  delistedAt: number | null;
  /** FIRST and PRICE points, oldest first. */
  points: { at: number; price: number | null; unitPrice: number | null }[];
}

export async function marketStats(db: Kysely<HistoryDatabase>, query: MarketQuery): Promise<MarketStats> {
  const rows = await readRows(db, query);
  const homes = onePerHome(rows);
  const bucket = (keyOf: (r: Row) => string | null, over: readonly Row[] = homes) => {
    const groups = new Map<string, Row[]>();
    for (const row of over) {
      const key = keyOf(row);
      if (key === null) continue;
      const members = groups.get(key);
      if (members) members.push(row);
      else groups.set(key, [row]);
    }
    return [...groups]
      .map(([key, members]) => ({ key, figures: figures(members, query) }))
      .sort((a, b) => b.figures.activeListings - a.figures.activeListings || (a.key < b.key ? -1 : 1));
  };
  return {
    asOf: query.asOf,
    since: query.since,
    figures: figures(homes, query),
    byDistrict: bucket((r) => r.district),
    byBedrooms: bucket((r) => (r.bedrooms === null ? null : String(r.bedrooms))),
    byProvider: bucket((r) => r.provider, rows),
    weekly: weekly(homes, query.asOf),
  };
}

/** Only the columns the figures and the matcher read: every row crosses from the PGlite thread. */
const COLUMNS = [
  'provider',
  'source_id',
  'city_id',
  'listing_type',
  'district',
  'community_name',
  'area',
  'bedrooms',
  'living_rooms',
  'floor_level',
  'floor_total',
  'total_price',
  'unit_price',
  'monthly_rent',
  'active',
  'first_seen_at',
  'delisted_at',
] as const;

async function readRows(db: Kysely<HistoryDatabase>, query: MarketQuery): Promise<Row[]> {
  let select = db
    .selectFrom('listing_current')
    .select(COLUMNS)
    .where('city_id', '=', query.cityId)
    .where('listing_type', '=', query.listingType)
    .where('first_seen_at', '<=', new Date(query.asOf));
  if (query.districts)
    select = select.where(
      'district',
      'in',
      query.districts.map((d) => bareDistrict(d) ?? d),
    );
  if (query.bedrooms) select = select.where('bedrooms', 'in', query.bedrooms);
  const communities = query.communities;
  if (communities) {
    select = select.where((eb) =>
      keysIn(
        eb,
        'community_id',
        communities.map((c) => ({ provider: c.provider, id: c.sourceId })),
      ),
    );
  }
  const current = await select.execute();
  const changes = await db
    .selectFrom('listing_change as c')
    .innerJoin('listing_current as l', (join) =>
      join.onRef('l.provider', '=', 'c.provider').onRef('l.source_id', '=', 'c.source_id'),
    )
    .select(['c.provider', 'c.source_id', 'c.at', 'c.total_price', 'c.unit_price', 'c.monthly_rent'])
    .where('l.city_id', '=', query.cityId)
    .where('l.listing_type', '=', query.listingType)
    .where('c.kind', 'in', ['FIRST', 'PRICE'])
    .where('c.at', '<=', new Date(query.asOf))
    .orderBy('c.at')
    .orderBy('c.id')
    .execute();
  const byKey = new Map<string, Row>();
  const rows = current.map((r) => {
    const row: Row = {
      provider: r.provider,
      sourceId: r.source_id,
      cityId: r.city_id,
      listingType: r.listing_type,
      district: r.district,
      communityName: r.community_name,
      area: r.area,
      bedrooms: r.bedrooms,
      livingRooms: r.living_rooms,
      floorLevel: r.floor_level,
      floorTotal: r.floor_total,
      totalPrice: r.total_price,
      unitPrice: r.unit_price,
      monthlyRent: r.monthly_rent,
      active: r.active,
      firstSeenAt: r.first_seen_at.getTime(),
      delistedAt: r.delisted_at?.getTime() ?? null,
      points: [],
    };
    byKey.set(`${r.provider}|${r.source_id}`, row);
    return row;
  });
  for (const c of changes) {
    byKey.get(`${c.provider}|${c.source_id}`)?.points.push({
      at: c.at.getTime(),
      price: c.total_price ?? c.monthly_rent,
      unitPrice: c.unit_price,
    });
  }
  return rows;
}

/**
 * One row per home. A home's row is that of its listing on offer first seen (ties by key), with
 * the home's own span: first seen when any of its listings was, delisted only when all are.
 */
function onePerHome(rows: readonly Row[]): Row[] {
  const groups = sameHomeGroups(rows);
  if (groups.length === 0) return [...rows];
  const byKey = new Map(rows.map((r) => [`${r.provider}:${r.sourceId}`, r]));
  const grouped = new Set(groups.flat());
  const homes = rows.filter((r) => !grouped.has(`${r.provider}:${r.sourceId}`));
  for (const keys of groups) {
    const members = keys.flatMap((k) => byKey.get(k) ?? []);
    const [chosen] = [...members].sort(
      (a, b) =>
        Number(b.delistedAt === null) - Number(a.delistedAt === null) || a.firstSeenAt - b.firstSeenAt,
    );
    if (!chosen) continue;
    const delisted = members.every((m) => m.delistedAt !== null)
      ? Math.max(...members.map((m) => m.delistedAt ?? 0))
      : null;
    homes.push({
      ...chosen,
      firstSeenAt: Math.min(...members.map((m) => m.firstSeenAt)),
      delistedAt: delisted,
    });
  }
  return homes;
}

function onOffer(row: Row, at: number): boolean {
  return row.firstSeenAt <= at && (row.delistedAt === null || row.delistedAt > at);
}

function figures(rows: readonly Row[], query: MarketQuery): MarketFigures {
  const active = rows.filter((r) => onOffer(r, query.asOf));
  const cuts: number[] = [];
  for (const row of active) {
    const cut = lastCut(row);
    if (cut !== null) cuts.push(cut);
  }
  return {
    activeListings: active.length,
    newListings: rows.filter((r) => r.firstSeenAt >= query.since).length,
    delistedListings: rows.filter((r) => r.delistedAt !== null && r.delistedAt >= query.since).length,
    unitPrice: distribution(active.map((r) => r.unitPrice)),
    totalPrice: distribution(active.map((r) => r.totalPrice)),
    monthlyRent: distribution(active.map((r) => r.monthlyRent)),
    priceCut: {
      listings: active.length,
      withCut: cuts.length,
      share: active.length > 0 ? round(cuts.length / active.length) : null,
      medianCutPercent: median(cuts),
    },
    daysOnOffer: distribution(active.map((r) => (query.asOf - r.firstSeenAt) / DAY_MS)),
  };
}

/** The latest observed cut, in percent (negative); null when the price was never cut. */
function lastCut(row: Row): number | null {
  for (let i = row.points.length - 1; i > 0; i--) {
    const before = row.points[i - 1]?.price ?? null;
    const after = row.points[i]?.price ?? null;
    if (before !== null && after !== null && after < before && before > 0) {
      return round(((after - before) / before) * 100);
    }
  }
  return null;
}

function weekStart(ms: number): number {
  const day = new Date(ms).getUTCDay();
  const midnight = Math.floor(ms / DAY_MS) * DAY_MS;
  return midnight - ((day + 6) % 7) * DAY_MS;
}

function weekly(rows: readonly Row[], asOf: number): WeeklyMedian[] {
  if (rows.length === 0) return [];
  const earliest = Math.min(...rows.map((r) => r.firstSeenAt));
  const first = Math.max(weekStart(earliest), weekStart(asOf) - (MAX_WEEKS - 1) * WEEK_MS);
  const series: WeeklyMedian[] = [];
  for (let start = first; start <= asOf; start += WEEK_MS) {
    const end = Math.min(start + WEEK_MS - 1, asOf);
    const prices: number[] = [];
    for (const row of rows) {
      if (!onOffer(row, end)) continue;
      let price: number | null = null;
      for (const point of row.points) if (point.at <= end) price = point.unitPrice;
      if (price !== null) prices.push(price);
    }
    series.push({ weekStart: start, count: prices.length, medianUnitPrice: median(prices) });
  }
  return series;
}
