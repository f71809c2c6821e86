import type { Listing } from '../domain/listing.js';
import { priceOf, type WatchEventKind } from './model.js';

/** What a watch compares a run with: the price it last saw of each match. */
export interface SeenListing {
  price: number | null;
}

export interface Change {
  kind: WatchEventKind;
  key: string;
  listing: Listing;
  previousPrice: number | null;
  price: number | null;
}

export interface DetectRules {
  priceBelow: number | null;
  priceDropPercent: number | null;
  newListings: boolean;
  /** The first run records what matches: no NEW_LISTING for each of them, PRICE_BELOW still. */
  baseline: boolean;
}

export function seenKey(listing: Pick<Listing, 'provider' | 'sourceId'>): string {
  return `${listing.provider}|${listing.sourceId}`;
}

/**
 * The events one run's matches make against what the watch last saw. PRICE_BELOW fires when a
 * price crosses the threshold (first seen at or below it, or seen above it before), so a listing
 * that stays below alerts once; PRICE_DROP compares with the last price seen.
 */
export function detectChanges(
  seen: ReadonlyMap<string, SeenListing>,
  matches: readonly Listing[],
  rules: DetectRules,
): Change[] {
  const changes: Change[] = [];
  for (const listing of matches) {
    const key = seenKey(listing);
    const before = seen.get(key);
    const price = priceOf(listing);
    const previousPrice = before?.price ?? null;
    const change = (kind: WatchEventKind) => changes.push({ kind, key, listing, previousPrice, price });
    if (!before && rules.newListings && !rules.baseline) change('NEW_LISTING');
    if (price === null) continue;
    if (
      before &&
      rules.priceDropPercent !== null &&
      previousPrice !== null &&
      previousPrice > 0 &&
      price < previousPrice &&
      ((previousPrice - price) / previousPrice) * 100 >= rules.priceDropPercent - 1e-9
    ) {
      change('PRICE_DROP');
    }
    if (
      rules.priceBelow !== null &&
      price <= rules.priceBelow &&
      (!before || previousPrice === null || previousPrice > rules.priceBelow)
    ) {
      change('PRICE_BELOW');
    }
  }
  return changes;
}
