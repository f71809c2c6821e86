import { findCity } from '../../domain/cities.js';
import type { ListingType, SearchQuery, SearchSort } from '../../domain/listing.js';
import type { SearchSupport } from '../provider.js';
import { yuanToWan } from '../wording.js';

/**
 * Beike's `condition` grammar, all of it in one place because most of it is assumed from the
 * Beike app's URL filters rather than confirmed by the vendor: tokens are concatenated without
 * separators and the keyword token comes last, since it swallows the rest of the string.
 */

/** get-ershoufang-list and community/list both move by a fixed 20. */
export const BEIKE_PAGE_SIZE = 20;

export const BEIKE_LISTING_TYPES: readonly ListingType[] = ['RESALE'];

/** THE sort mapping: `co<tab><direction>`; null = no token, the provider's own relevance order. */
const SORT_TOKEN: Record<SearchSort, string | null> = {
  RELEVANCE: null,
  NEWEST: 'co32',
  PRICE_ASC: 'co21',
  PRICE_DESC: 'co22',
  UNIT_PRICE_ASC: 'co41',
  UNIT_PRICE_DESC: 'co42',
  AREA_ASC: 'co11',
  AREA_DESC: 'co12',
};

/** `l1`..`l5`; `l5` is five bedrooms or more. Several tokens mean any of them. */
const MAX_BEDROOM_TOKEN = 5;
const FULLY_DECORATED = 'de1';
const KEYWORD_PREFIX = 'rs';

/**
 * A range token: `bp<min>ep<max>` (price, 万) or `ba<min>ea<max>` (area, m²), bounds inclusive.
 * An open lower side is sent as 0 (`bp0ep350`); an open upper side leaves its number out
 * (`bp300ep`, "300万 or more"), since any number would be a real bound. Bounds are sent exactly,
 * as decimals where needed (235.5万), rather than rounded to whole numbers that would change the
 * filter; if Beike turns out to take whole numbers only, round here (min down, max up).
 */
function rangeToken(from: string, to: string, min: number | null, max: number | null): string | null {
  if (min === null && max === null) return null;
  const low = min === null ? '0' : decimal(Math.max(0, min));
  const high = max === null ? '' : decimal(max);
  return `${from}${low}${to}${high}`;
}

/** Plain decimal text without float noise or exponent (235.5, not 235.50000000000003). */
function decimal(n: number): string {
  return String(Number(n.toFixed(4)));
}

/** The `condition` of get-ershoufang-list for a RESALE search. */
export function resaleCondition(query: SearchQuery): string {
  const tokens: string[] = [];
  const sort = SORT_TOKEN[query.sort];
  if (sort) tokens.push(sort);

  const bedrooms = [
    ...new Set(query.bedrooms.filter((n) => n >= 1).map((n) => Math.min(Math.floor(n), MAX_BEDROOM_TOKEN))),
  ];
  for (const n of bedrooms.sort((a, b) => a - b)) tokens.push(`l${n}`);

  const wan = (yuan: number | null) => (yuan === null ? null : yuanToWan(yuan));
  const price = rangeToken('bp', 'ep', wan(query.priceMin), wan(query.priceMax));
  if (price) tokens.push(price);
  const area = rangeToken('ba', 'ea', query.areaMin, query.areaMax);
  if (area) tokens.push(area);

  if (query.decoration === 'FULL') tokens.push(FULLY_DECORATED);

  const keyword = keywordToken(query.keyword);
  if (keyword) tokens.push(keyword);
  return tokens.join('');
}

/** The `condition` of community/list: a keyword or nothing. */
export function communityCondition(keyword: string | null): string {
  return keywordToken(keyword) ?? '';
}

function keywordToken(keyword: string | null): string | null {
  const trimmed = keyword?.trim();
  return trimmed ? `${KEYWORD_PREFIX}${trimmed}` : null;
}

export function beikeSearchSupport(query: SearchQuery): SearchSupport {
  const serves =
    BEIKE_LISTING_TYPES.includes(query.listingType) && !!findCity(query.cityId)?.providers.includes('BEIKE');
  const ignoredFilters: string[] = [];
  // Beike's filter only has "fully decorated"; simple and rough cannot be asked for.
  if (query.decoration !== null && query.decoration !== 'FULL') ignoredFilters.push('decoration');
  if (query.amenities.length > 0) ignoredFilters.push('amenities');
  return { serves, ignoredFilters };
}
