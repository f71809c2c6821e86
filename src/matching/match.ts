import type { Listing } from '../domain/listing.js';
import { type CommunityName, compareNames, readCommunityName } from './names.js';
import { type Agreement, compareDistricts, compareFloorLevels } from './places.js';
import { AREA_TOLERANCE_M2, AREA_TOLERANCE_SHARE, MIN_NAME_SCORE, PRICE_BAND, WEIGHTS } from './rules.js';

/**
 * Whether two listings are the same home. Pure: it reads only what the listings carry.
 *
 * Every field both sides give must agree (a single conflict makes them different homes), and a
 * SAME verdict needs all the deciding fields on both sides. When only a field one side lacks
 * stands between two listings and a match (a search stub without its floor, say), the verdict is
 * POSSIBLE and `unknown` names what a detail read would settle.
 */

export type Verdict = 'SAME' | 'POSSIBLE' | 'DIFFERENT';
export type MatchField = 'name' | 'district' | 'layout' | 'area' | 'price' | 'floor';

export interface MatchResult {
  verdict: Verdict;
  /** verdict === 'SAME'. */
  same: boolean;
  /** 0 to 1: the weighted share of the deciding fields that agree, closer agreement scoring more. */
  score: number;
  /** One line per field compared, and the first conflict; for debugging. */
  reasons: string[];
  /** Deciding fields that one side (or both) did not give. */
  unknown: MatchField[];
}

const names = new WeakMap<Listing, CommunityName | null>();

function nameOf(listing: Listing): CommunityName | null {
  let name = names.get(listing);
  if (name === undefined) {
    const text = listing.community?.name;
    name = text ? readCommunityName(text) : null;
    names.set(listing, name);
  }
  return name;
}

/** A figure that can be compared: NaN, infinities, zero and negatives are read as not given. */
function measure(n: number | null): number | null {
  return n !== null && Number.isFinite(n) && n > 0 ? n : null;
}

function priceOf(listing: Listing): number | null {
  return measure(listing.listingType === 'RENTAL' ? listing.monthlyRent : listing.totalPrice);
}

/** Whether a listing gives a deciding field: what a caller reads a detail for, after POSSIBLE. */
export function gives(listing: Listing, field: MatchField): boolean {
  switch (field) {
    case 'name':
      return Boolean(listing.community?.name);
    case 'district':
      return Boolean(listing.community?.district?.trim());
    case 'layout':
      return listing.layout?.bedrooms != null;
    case 'area':
      return measure(listing.area) !== null;
    case 'price':
      return priceOf(listing) !== null;
    case 'floor':
      return listing.floor?.level != null;
  }
}

const fmt = (n: number) => String(Math.round(n * 100) / 100);
const pct = (share: number) => `${(share * 100).toFixed(1)}%`;

export function matchListings(a: Listing, b: Listing): MatchResult {
  const reasons: string[] = [];
  const unknown: MatchField[] = [];
  let score = 0;
  const different = (reason: string): MatchResult => ({
    verdict: 'DIFFERENT',
    same: false,
    score: 0,
    reasons: [...reasons, reason],
    unknown,
  });
  /** Adds a field that agrees; notes one that cannot tell; false on a conflict, which ends the match. */
  const settle = (field: 'layout' | 'floor', c: { agreement: string; reason: string }): boolean => {
    if (c.agreement === 'CONFLICT') return false;
    if (c.agreement === 'UNKNOWN') unknown.push(field);
    else {
      score += WEIGHTS[field];
      reasons.push(c.reason);
    }
    return true;
  };

  if (a.listingType !== b.listingType) return different(`type: ${a.listingType} vs ${b.listingType}`);
  if (a.cityId === null || a.cityId !== b.cityId) return different(`city: ${a.cityId} vs ${b.cityId}`);
  const cityId = a.cityId;
  // The cheap figures first: most pairs of a city fail on them before any name is compared.
  const layout = compareLayouts(a, b);
  if (!settle('layout', layout)) return different(layout.reason);

  const areaA = measure(a.area);
  const areaB = measure(b.area);
  if (areaA === null || areaB === null) unknown.push('area');
  else {
    const delta = Math.abs(areaA - areaB);
    const tolerance = Math.max(AREA_TOLERANCE_M2, AREA_TOLERANCE_SHARE * Math.max(areaA, areaB));
    const text = `area: ${fmt(areaA)} vs ${fmt(areaB)} m² (Δ${fmt(delta)}, tolerance ${fmt(tolerance)})`;
    if (delta > tolerance) return different(`${text} too far apart`);
    score += WEIGHTS.area * (1 - delta / tolerance / 2);
    reasons.push(text);
  }

  const priceA = priceOf(a);
  const priceB = priceOf(b);
  if (priceA === null || priceB === null) unknown.push('price');
  else {
    const gap = Math.max(priceA, priceB) / Math.min(priceA, priceB) - 1;
    const text = `price: ${priceA} vs ${priceB} (${pct(gap)} apart, band ${pct(PRICE_BAND)})`;
    if (gap > PRICE_BAND) return different(`${text} too far apart`);
    score += WEIGHTS.price * (1 - gap / PRICE_BAND / 2);
    reasons.push(text);
  }

  const district = compareDistricts(cityId, a.community?.district ?? null, b.community?.district ?? null);
  const districtText = `${a.community?.district ?? '?'} vs ${b.community?.district ?? '?'}`;
  if (district === 'CONFLICT') return different(`district differs: ${districtText}`);
  if (district === 'UNKNOWN') unknown.push('district');
  else {
    score += WEIGHTS.district;
    reasons.push(`district: ${districtText}`);
  }

  const nameA = nameOf(a);
  const nameB = nameOf(b);
  if (nameA === null || nameB === null) unknown.push('name');
  else {
    const names = compareNames(nameA, nameB);
    const text = `${a.community?.name} vs ${b.community?.name}`;
    if (names.score < MIN_NAME_SCORE) return different(`name ${names.agreement}: ${text}`);
    score += WEIGHTS.name * names.score;
    reasons.push(`name ${names.agreement}: ${text}`);
  }

  const floor = compareFloors(a, b);
  if (!settle('floor', floor)) return different(floor.reason);

  const verdict = unknown.length === 0 ? 'SAME' : 'POSSIBLE';
  if (unknown.length > 0) reasons.push(`unknown: ${unknown.join(', ')}`);
  return { verdict, same: verdict === 'SAME', score: Math.round(score * 1000) / 1000, reasons, unknown };
}

interface FieldComparison {
  agreement: Agreement;
  reason: string;
}

/** Bedrooms decide; halls must agree too when both say. */
function compareLayouts(a: Listing, b: Listing): FieldComparison {
  const la = a.layout;
  const lb = b.layout;
  const text = `layout: ${la?.text ?? '?'} vs ${lb?.text ?? '?'}`;
  if (la?.bedrooms == null || lb?.bedrooms == null) return { agreement: 'UNKNOWN', reason: text };
  if (la.bedrooms !== lb.bedrooms) return { agreement: 'CONFLICT', reason: `${text}: bedrooms differ` };
  if (la.livingRooms !== null && lb.livingRooms !== null && la.livingRooms !== lb.livingRooms) {
    return { agreement: 'CONFLICT', reason: `${text}: halls differ` };
  }
  return { agreement: 'AGREE', reason: text };
}

/** The level decides; total floors must agree too when both say. */
function compareFloors(a: Listing, b: Listing): FieldComparison {
  const fa = a.floor;
  const fb = b.floor;
  const text = `floor: ${fa?.text ?? '?'} vs ${fb?.text ?? '?'}`;
  if (fa?.total != null && fb?.total != null && fa.total !== fb.total) {
    return { agreement: 'CONFLICT', reason: `${text}: total floors differ` };
  }
  const level = compareFloorLevels(fa?.level ?? null, fb?.level ?? null);
  return { agreement: level, reason: level === 'CONFLICT' ? `${text}: levels differ` : text };
}

/** matchListings in one direction for every pair (by provider), so a pair is judged alike from either side. */
export function matchPair(a: Listing, b: Listing): MatchResult {
  return a.provider <= b.provider ? matchListings(a, b) : matchListings(b, a);
}
