import { findCity } from '../../domain/cities.js';
import type { Amenity, Decoration, ListingType, SearchQuery, SearchSort } from '../../domain/listing.js';
import type { SearchSupport } from '../provider.js';
import { yuanToWan } from '../wording.js';

/**
 * Beike's `condition` grammar, all of it in one place because most of it is assumed from the
 * Beike app's URL filters rather than confirmed by the vendor: tokens are concatenated without
 * separators and the keyword token comes last, since it swallows the rest of the string.
 */

/** get-ershoufang-list and community/list both move by a fixed 20. */
export const BEIKE_PAGE_SIZE = 20;

/**
 * Only about this many results of one query are reachable by paging (crawlers split a query by
 * price band past it). Reading chosen: state the limit (totalCount's description, a notice) and
 * stop paging there, rather than split queries by price band.
 */
export const BEIKE_REACHABLE_RESULTS = 2_000;

export const BEIKE_LISTING_TYPES: readonly ListingType[] = ['RESALE'];

/**
 * A token and whether public evidence confirms it (providers.md, "Evidence (2026-12)": an old app
 * client's comments, crawler code, Beike's pages). Unconfirmed ones are this project's assumptions:
 * correct them here.
 */
interface Token {
  token: string;
  confirmed: boolean;
}
const confirmed = (token: string): Token => ({ token, confirmed: true });
const assumed = (token: string): Token => ({ token, confirmed: false });

/**
 * THE sort mapping: `co<tab><direction>`; null = no token, the provider's own relevance order.
 * Unconfirmed too: sending the sort inside `condition` (that app client sent `&order=co32`).
 */
export const SORT_TOKEN: Record<SearchSort, Token | null> = {
  RELEVANCE: null,
  NEWEST: confirmed('co32'),
  PRICE_ASC: confirmed('co21'),
  PRICE_DESC: confirmed('co22'),
  UNIT_PRICE_ASC: confirmed('co41'),
  UNIT_PRICE_DESC: assumed('co42'),
  AREA_ASC: assumed('co11'),
  AREA_DESC: confirmed('co12'),
};

/** Bedrooms: `l1`..`l4` exactly; `l6` is five rooms or more (so the model's 5, "five or more"). */
export const BEDROOM_TOKEN: Record<1 | 2 | 3 | 4 | 5, Token> = {
  1: confirmed('l1'),
  2: confirmed('l2'),
  3: confirmed('l3'),
  4: confirmed('l4'),
  5: confirmed('l6'),
};

/** `de1` fine, `de2` ordinary, `de3` bare decoration. */
export const DECORATION_TOKEN: Record<Decoration, Token> = {
  FULL: confirmed('de1'),
  SIMPLE: confirmed('de2'),
  ROUGH: confirmed('de3'),
};

/** Near a metro. Schools and hospitals have no token Beike is known to take. */
export const AMENITY_TOKEN: Partial<Record<Amenity, Token>> = { METRO: confirmed('su1') };

/** `ie2` has a lift, `ie1` none. No SearchFilter field asks for it yet. */
export const ELEVATOR_TOKEN: Record<'yes' | 'no', Token> = { yes: confirmed('ie2'), no: confirmed('ie1') };

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
  if (sort) tokens.push(sort.token);

  const bedrooms = [
    ...new Set(
      query.bedrooms.filter((n) => n >= 1).map((n) => Math.min(Math.floor(n), 5) as 1 | 2 | 3 | 4 | 5),
    ),
  ];
  for (const n of bedrooms.sort((a, b) => a - b)) tokens.push(BEDROOM_TOKEN[n].token);

  const wan = (yuan: number | null) => (yuan === null ? null : yuanToWan(yuan));
  const price = rangeToken('bp', 'ep', wan(query.priceMin), wan(query.priceMax));
  if (price) tokens.push(price);
  const area = rangeToken('ba', 'ea', query.areaMin, query.areaMax);
  if (area) tokens.push(area);

  if (query.decoration) tokens.push(DECORATION_TOKEN[query.decoration].token);
  for (const amenity of [...new Set(query.amenities)].sort()) {
    const token = AMENITY_TOKEN[amenity];
    if (token) tokens.push(token.token);
  }

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
  // Only the metro has a token: a school or hospital wish is not honoured.
  if (query.amenities.some((a) => !AMENITY_TOKEN[a])) ignoredFilters.push('amenities');
  return { serves, ignoredFilters };
}
