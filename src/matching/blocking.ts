import type { Listing } from '../domain/listing.js';
import { AREA_TOLERANCE_M2, AREA_TOLERANCE_SHARE, PRICE_BAND } from './rules.js';

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

/** Where a listing's twin on another provider can lie: the search that finds every candidate. */
export interface TwinBounds {
  bedrooms: number[];
  areaMin: number | null;
  areaMax: number | null;
  priceMin: number | null;
  priceMax: number | null;
}

/**
 * The widest bounds within which matchListings can call a listing the same home as this one (a
 * hair wider, for the providers' rounding): any twin passes a search with these filters. A figure
 * the listing does not give leaves its bound open.
 */
export function twinBounds(listing: Listing): TwinBounds {
  const area =
    listing.area !== null && Number.isFinite(listing.area) && listing.area > 0 ? listing.area : null;
  const price = listing.listingType === 'RENTAL' ? listing.monthlyRent : listing.totalPrice;
  const p = price !== null && Number.isFinite(price) && price > 0 ? price : null;
  const bedrooms = listing.layout?.bedrooms;
  const slack = 1.001;
  return {
    bedrooms: bedrooms != null && bedrooms >= 1 ? [Math.min(bedrooms, 5)] : [],
    // |a - b| <= max(M2, SHARE * max(a, b)), solved for b on either side.
    areaMin:
      area === null ? null : Math.min(area - AREA_TOLERANCE_M2, area * (1 - AREA_TOLERANCE_SHARE)) / slack,
    areaMax:
      area === null ? null : Math.max(area + AREA_TOLERANCE_M2, area / (1 - AREA_TOLERANCE_SHARE)) * slack,
    priceMin: p === null ? null : p / (1 + PRICE_BAND) / slack,
    priceMax: p === null ? null : p * (1 + PRICE_BAND) * slack,
  };
}
