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

/** A watch: its settings as given (JSON), its webhook secret (never shown again) and its schedule. */
export interface WatchTable {
  id: string;
  seq: Generated<string>;
  owner: string;
  settings: ColumnType<unknown, string, string>;
  webhook_secret: string | null;
  webhook_enabled: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: Timestamp;
  /** Set by the first run, which records what matches without alerting on each as new. */
  baseline_at: Timestamp | null;
  last_run_at: Timestamp | null;
  next_run_at: Timestamp;
  last_error: string | null;
  run_count: ColumnType<number, number | undefined, number>;
}

/** What a watch last saw of one match: the price it compares the next run with. */
export interface WatchSeenTable {
  watch_id: string;
  provider: string;
  source_id: string;
  price: number | null;
  listing: ColumnType<unknown, string, string>;
  /** The seen key naming the listing's home (migration 0004); null in rows from before it. */
  home: string | null;
  /** The listing's detail where a run read one to settle a pair; reused by later runs. */
  detail: ColumnType<unknown, string | null | undefined, string | null>;
}

export type WatchEventKind = 'NEW_LISTING' | 'PRICE_DROP' | 'PRICE_BELOW' | 'DELISTED';
/** NONE: no webhook; PENDING: to be sent (again); DELIVERED; FAILED: given up (or the webhook is gone). */
export type DeliveryState = 'NONE' | 'PENDING' | 'DELIVERED' | 'FAILED';

export interface WatchEventTable {
  seq: Generated<string>;
  id: string;
  watch_id: string;
  kind: WatchEventKind;
  at: Timestamp;
  listing: ColumnType<unknown, string, string>;
  previous_price: number | null;
  price: number | null;
  delivery: DeliveryState;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: Timestamp | null;
  /** The sweep holding the event for a webhook attempt (migration 0004); null when none. */
  claim: string | null;
}

export interface WatchDeliveryTable {
  seq: Generated<string>;
  watch_id: string;
  event_id: string;
  attempt: number;
  at: Timestamp;
  status: number | null;
  duration_ms: number;
  error: string | null;
}

export interface HistoryDatabase {
  listing_current: ListingCurrentTable;
  listing_change: ListingChangeTable;
  watch: WatchTable;
  watch_seen: WatchSeenTable;
  watch_event: WatchEventTable;
  watch_delivery: WatchDeliveryTable;
}
