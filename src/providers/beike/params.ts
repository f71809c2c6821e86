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

/**
 * GB/T 2260 district code → Beike's own district id, sent as `d<id>` in `condition` (providers.md,
 * Evidence 2026-12: the app API takes the region as `d<districtId>b<bizcircleId>`; Beike's ids are
 * its own). Beijing's ids come from public code listing Lianjia/Beike district ids for city 110000
 * (e.g. 23008618 海淀, 23008614 东城, 23008626 西城, 23008613 朝阳, the first four also seen in
 * public crawler URLs as `d<id>`). Shanghai's are GB/T-like codes seen in a commented-out copy of
 * the same list (崇明 under its old county code 310230): less sure, so assumed. For the other
 * cities no public evidence was found: their ids are assumed to follow Shanghai's pattern (the
 * GB/T code itself). Also assumed: sending `d<id>` alone, without the `b<bizcircleId>` part.
 * A district missing here cannot be filtered upstream (the search says so, never ignores it).
 */
const DISTRICT_ROWS: readonly (readonly [string, Token])[] = [
  ['110101', confirmed('23008614')],
  ['110102', confirmed('23008626')],
  ['110105', confirmed('23008613')],
  ['110106', confirmed('23008617')],
  ['110107', confirmed('23008623')],
  ['110108', confirmed('23008618')],
  ['110109', confirmed('23008620')],
  ['110111', confirmed('23008616')],
  ['110112', confirmed('23008625')],
  ['110113', confirmed('23008624')],
  ['110114', confirmed('23008611')],
  ['110115', confirmed('23008615')],
  ['110116', confirmed('23008619')],
  ['110117', confirmed('23008622')],
  ['110118', confirmed('23008621')],
  ['110119', confirmed('23008628')],
  ...['310101', '310104', '310105', '310106', '310107', '310109', '310110', '310112', '310113']
    .concat(['310114', '310115', '310116', '310117', '310118', '310120'])
    .map((code) => [code, assumed(code)] as const),
  ['310151', assumed('310230')],
  // No evidence: assumed to be the GB/T code, as in Shanghai.
  ...['440103', '440104', '440105', '440106', '440111', '440112', '440113', '440114', '440115']
    .concat(['440117', '440118', '440303', '440304', '440305', '440306', '440307', '440308'])
    .concat(['440309', '440310', '440311', '330102', '330105', '330106', '330108', '330109'])
    .concat(['330110', '330111', '330112', '330113', '330114', '330122', '330127', '330182'])
    .concat(['510104', '510105', '510106', '510107', '510108', '510112', '510113', '510114'])
    .concat(['510115', '510116', '510117', '510118', '510121', '510129', '510131', '510181'])
    .concat(['510182', '510183', '510184', '510185'])
    .map((code) => [code, assumed(code)] as const),
];
export const DISTRICT_TOKEN: ReadonlyMap<string, Token> = new Map(DISTRICT_ROWS);

/** Beike's district id → GB/T code, to read `district_id` back (community lists). */
export const GBT_OF_BEIKE_DISTRICT: ReadonlyMap<string, string> = new Map(
  DISTRICT_ROWS.map(([code, token]) => [token.token, code]),
);

/**
 * The `d<id>` token of a search, when Beike can apply its districts upstream: one district with a
 * known id (the evidence shows one region per `condition`). undefined when it cannot.
 */
export function districtToken(districtIds: readonly string[]): string | null | undefined {
  if (districtIds.length === 0) return null;
  if (districtIds.length > 1) return undefined;
  const id = DISTRICT_TOKEN.get(districtIds[0] ?? '');
  return id ? `d${id.token}` : undefined;
}

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
  // Region first, as the app's URLs write it; a search Beike cannot narrow this way is not sent.
  const district = districtToken(query.districtIds);
  if (district) tokens.push(district);
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
  const served =
    BEIKE_LISTING_TYPES.includes(query.listingType) && !!findCity(query.cityId)?.providers.includes('BEIKE');
  // Several districts (or one missing from the table) cannot go upstream: the gateway filters.
  const districts = districtToken(query.districtIds) !== undefined;
  const ignoredFilters: string[] = districts ? [] : ['districtIds'];
  // Only the metro has a token: a school or hospital wish is not honoured.
  if (query.amenities.some((a) => !AMENITY_TOKEN[a])) ignoredFilters.push('amenities');
  return { serves: served, ignoredFilters };
}
