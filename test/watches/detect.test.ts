import { describe, expect, it } from 'vitest';
import type { Listing } from '../../src/domain/listing.js';
import {
  delistedHomes,
  detectChanges,
  homesOf,
  type SeenListing,
  seenKey,
} from '../../src/watches/detect.js';
import { fangSide, listing } from '../matching/listing.js';

/** One home on both providers, and an unrelated home: keyed by home, a watch alerts once per home. */
const beike = listing();
const fang = fangSide();
const other = listing({ sourceId: '101100000002', area: 140, totalPrice: 9_000_000, layout: null });
const rules = { priceBelow: 4_000_000, priceDropPercent: 5, newListings: true, baseline: false };
const priced = (l: Listing, totalPrice: number) => ({ ...l, totalPrice });
const seenOf = (...ls: Listing[]) =>
  new Map<string, SeenListing>(ls.map((l) => [seenKey(l), { price: l.totalPrice }]));
const kinds = (changes: { kind: string; key: string }[]) => changes.map((c) => `${c.kind} ${c.key}`);

describe('a watch run, keyed by home', () => {
  // The pair the search's collapse found this run (it left the Fang side out as the Beike one's twin).
  const homeOf = homesOf([[seenKey(fang), seenKey(beike)]], new Map());

  it('groups the twins into one home and leaves the other alone', () => {
    expect(homeOf(seenKey(beike))).toBe(homeOf(seenKey(fang)));
    expect(homeOf(seenKey(other))).not.toBe(homeOf(seenKey(beike)));
  });

  it('keeps a stored home: a twin the run no longer pairs stays in it, and the home keeps its name', () => {
    const stored = new Map([
      [seenKey(beike), 'H1'],
      [seenKey(fang), 'H1'],
    ]);
    const later = homesOf([], stored);
    expect(later(seenKey(beike))).toBe('H1');
    expect(later(seenKey(fang))).toBe('H1');
    expect(later(seenKey(other))).toBe(seenKey(other));
    // A new twin of a stored home joins it under the stored name.
    const joined = homesOf([[seenKey(other), seenKey(fang)]], new Map([[seenKey(fang), 'H1']]));
    expect(joined(seenKey(other))).toBe('H1');
    // Nothing stored, nothing paired: each listing is its own home.
    expect(homesOf([], new Map())(seenKey(beike))).toBe(seenKey(beike));
  });

  it('gives one PRICE_BELOW and one PRICE_DROP for a home both twins cut, naming the first in run order', () => {
    const run = [priced(fang, 3_800_000), priced(beike, 3_850_000), other];
    const changes = detectChanges(seenOf(beike, fang, other), run, rules, homeOf);
    expect(kinds(changes)).toEqual([`PRICE_DROP ${seenKey(fang)}`, `PRICE_BELOW ${seenKey(fang)}`]);
    // Listing by listing (no homes), the same run alerts twice of each.
    expect(detectChanges(seenOf(beike, fang, other), run, rules)).toHaveLength(4);
  });

  it('gives no NEW_LISTING for a twin of a home the watch saw, and one for a new home on two providers', () => {
    expect(detectChanges(seenOf(beike, other), [beike, fang, other], rules, homeOf)).toEqual([]);
    expect(kinds(detectChanges(seenOf(other), [beike, fang, other], rules, homeOf))).toEqual([
      `NEW_LISTING ${seenKey(beike)}`,
    ]);
  });

  it('gives DELISTED only when every member the watch knows of is withdrawn, once per home', () => {
    const known = [beike, fang, other].map(seenKey);
    expect(delistedHomes([beike], known, homeOf)).toEqual([]);
    expect(delistedHomes([beike, fang], known, homeOf)).toEqual([beike]);
    expect(delistedHomes([other], known, homeOf)).toEqual([other]);
  });
});
