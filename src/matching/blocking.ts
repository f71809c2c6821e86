import type { Listing } from '../domain/listing.js';
import { AREA_TOLERANCE_M2, AREA_TOLERANCE_SHARE } from './rules.js';

/**
 * Blocking, as record-linkage systems do it: only pairs that could match are compared. Same city
 * and listing type, the same bedroom count (or one side does not say), areas within the widest
 * tolerance (or one side does not say). Every pair it leaves out, matchListings would call DIFFERENT.
 */
export function candidatePairs(left: readonly Listing[], right: readonly Listing[]): [Listing, Listing][] {
  const blocks = new Map<string, Listing[]>();
  const blockOf = (l: Listing, bedrooms: number | null) => `${l.cityId}|${l.listingType}|${bedrooms ?? '?'}`;
  for (const r of right) {
    const key = blockOf(r, r.layout?.bedrooms ?? null);
    const block = blocks.get(key) ?? [];
    block.push(r);
    blocks.set(key, block);
  }
  const pairs: [Listing, Listing][] = [];
  for (const l of left) {
    if (l.cityId === null) continue;
    const bedrooms = l.layout?.bedrooms ?? null;
    const keys =
      bedrooms === null
        ? [...blocks.keys()].filter((k) => k.startsWith(`${l.cityId}|${l.listingType}|`))
        : [blockOf(l, bedrooms), blockOf(l, null)];
    for (const key of keys) {
      for (const r of blocks.get(key) ?? []) if (areasMayAgree(l.area, r.area)) pairs.push([l, r]);
    }
  }
  return pairs;
}

function areasMayAgree(a: number | null, b: number | null): boolean {
  if (a === null || b === null || !Number.isFinite(a) || !Number.isFinite(b)) return true;
  return Math.abs(a - b) <= Math.max(AREA_TOLERANCE_M2, AREA_TOLERANCE_SHARE * Math.max(a, b));
}
