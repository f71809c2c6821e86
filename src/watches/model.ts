import type { Listing, ListingType } from '../domain/listing.js';

/** The watch's filter as the client gave it (SearchFilter), echoed back as given. */
export interface WatchFilter {
  cityId: string;
  keyword?: string | null;
  listingType?: ListingType | null;
  providers?: string[] | null;
  bedrooms?: number[] | null;
  priceMin?: number | null;
  priceMax?: number | null;
  areaMin?: number | null;
  areaMax?: number | null;
  decoration?: string | null;
  amenities?: string[] | null;
}

/** WatchInput, defaults filled in. */
export interface WatchSpec {
  name: string | null;
  filter: WatchFilter;
  priceBelow: number | null;
  priceDropPercent: number | null;
  newListings: boolean;
  delistings: boolean;
  intervalMinutes: number;
  webhookUrl: string | null;
}

export interface Watch extends WatchSpec {
  id: string;
  owner: string;
  createdAt: Date;
  lastRunAt: Date | null;
  nextRunAt: Date;
  lastError: string | null;
  /** False once the receiver answered 410 Gone (until the URL is set again). */
  webhookEnabled: boolean;
  runCount: number;
}

export type WatchEventKind = 'NEW_LISTING' | 'PRICE_DROP' | 'PRICE_BELOW' | 'DELISTED';

/** JSON-safe: it travels through Redis pub/sub as it is. */
export interface WatchEvent {
  id: string;
  watchId: string;
  kind: WatchEventKind;
  /** ISO-8601. */
  at: string;
  listing: Listing;
  previousPrice: number | null;
  price: number | null;
}

export interface WebhookDelivery {
  eventId: string;
  attempt: number;
  at: Date;
  status: number | null;
  durationMs: number;
  error: string | null;
}

export class WatchInputError extends Error {
  override readonly name = 'WatchInputError';
  constructor(
    readonly argument: string,
    message: string,
  ) {
    super(message);
  }
}

export class WatchLimitError extends Error {
  override readonly name = 'WatchLimitError';
  constructor(readonly limit: number) {
    super(`at most ${limit} watches per client (WATCHES_PER_CLIENT); delete one first`);
  }
}

/** The price a watch compares: the monthly rent for rentals, the total price otherwise. */
export function priceOf(listing: Pick<Listing, 'listingType' | 'totalPrice' | 'monthlyRent'>): number | null {
  return (listing.listingType === 'RENTAL' ? listing.monthlyRent : listing.totalPrice) ?? null;
}
