import type { Listing } from '../domain/listing.js';
import { groupMatches } from '../matching/index.js';
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

/** Which home a listing (by `seenKey`) belongs to; a listing that is no other's twin is its own. */
export type HomeOf = (key: string) => string;

/**
 * The homes of a run: the pairs the search's collapse found this run, joined with the homes the
 * watch stored for what it saw (`stored`: seen key → home), so a twin the run no longer finds
 * (withdrawn, out of the filter) stays in its home. A home keeps the name it was stored under
 * (the smallest, if two stored homes meet); a new one is named by its smallest member.
 */
export function homesOf(twins: readonly [string, string][], stored: ReadonlyMap<string, string>): HomeOf {
  const pairs = [
    ...twins.map(([a, b]) => ({ a, b })),
    ...[...stored].map(([key, home]) => ({ a: key, b: `${STORED}${home}` })),
  ];
  const homes = new Map<string, string>();
  for (const group of groupMatches(pairs)) {
    const storedNames = group.filter((k) => k.startsWith(STORED)).map((k) => k.slice(STORED.length));
    const name = storedNames.sort()[0] ?? (group[0] as string);
    for (const key of group) homes.set(key, name);
  }
  return (key) => homes.get(key) ?? key;
}

/** Marks a stored home's name among the seen keys it joins (a seen key never starts so). */
const STORED = 'home:';

/**
 * The events one run's matches make against what the watch last saw, one per home and kind:
 * a home listed on two providers alerts once, naming the member that triggered it first in the
 * run's order. NEW_LISTING only for a home none of whose members the watch saw. PRICE_BELOW fires
 * when a member's price crosses the threshold (first seen at or below it, or seen above it before),
 * so a listing that stays below alerts once; PRICE_DROP compares with the member's last price.
 */
export function detectChanges(
  seen: ReadonlyMap<string, SeenListing>,
  matches: readonly Listing[],
  rules: DetectRules,
  homeOf: HomeOf = (key) => key,
): Change[] {
  const seenHomes = new Set([...seen.keys()].map(homeOf));
  const made = new Set<string>();
  const changes: Change[] = [];
  for (const listing of matches) {
    const key = seenKey(listing);
    const home = homeOf(key);
    const before = seen.get(key);
    const price = priceOf(listing);
    const previousPrice = before?.price ?? null;
    const change = (kind: WatchEventKind) => {
      if (made.has(`${kind} ${home}`)) return;
      made.add(`${kind} ${home}`);
      changes.push({ kind, key, listing, previousPrice, price });
    };
    if (!before && !seenHomes.has(home) && rules.newListings && !rules.baseline) change('NEW_LISTING');
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

/**
 * The withdrawn listings that make a DELISTED: one per home, and only when every member the run
 * knows of (found now, or seen before and not confirmed gone) is withdrawn. A twin still listed,
 * no longer matching, or not confirmed either way keeps the home alive.
 */
export function delistedHomes(gone: readonly Listing[], known: Iterable<string>, homeOf: HomeOf): Listing[] {
  const goneKeys = new Set(gone.map(seenKey));
  const alive = new Set<string>();
  for (const key of known) if (!goneKeys.has(key)) alive.add(homeOf(key));
  const made = new Set<string>();
  return gone.filter((listing) => {
    const home = homeOf(seenKey(listing));
    if (alive.has(home) || made.has(home)) return false;
    made.add(home);
    return true;
  });
}
