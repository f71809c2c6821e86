import type { ColumnType, Generated } from 'kysely';

/** The tables of the listing history, as Kysely sees them. Times are timestamptz, read as Date. */

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface ListingCurrentTable {
  provider: string;
  source_id: string;
  city_id: string | null;
  district: string | null;
  community_id: string | null;
  community_name: string | null;
  listing_type: string;
  total_price: number | null;
  unit_price: number | null;
  monthly_rent: number | null;
  area: number | null;
  bedrooms: number | null;
  living_rooms: number | null;
  floor_level: string | null;
  floor_total: number | null;
  active: boolean;
  first_seen_at: Timestamp;
  last_seen_at: Timestamp;
  /** Set when a provider answered that the listing is gone or withdrawn; cleared if it returns. */
  delisted_at: Timestamp | null;
}

export type ChangeKind = 'FIRST' | 'PRICE' | 'STATUS';

export interface ListingChangeTable {
  id: Generated<string>;
  provider: string;
  source_id: string;
  at: Timestamp;
  kind: ChangeKind;
  total_price: number | null;
  unit_price: number | null;
  monthly_rent: number | null;
  active: boolean;
}

export interface HistoryDatabase {
  listing_current: ListingCurrentTable;
  listing_change: ListingChangeTable;
}
