import { findCity } from '../../domain/cities.js';
import {
  type Amenity,
  type Decoration,
  type ListingType,
  SEARCH_SORTS,
  type SearchQuery,
  type SearchSort,
} from '../../domain/listing.js';
import type { SearchSupport } from '../provider.js';
import { yuanToWan } from '../wording.js';
import type { FangFlavour } from './flavours.js';

/** item_search answers at most this many houses per page. */
export const FANG_MAX_PAGE_SIZE = 50;

export const FANG_LISTING_TYPES: readonly ListingType[] = ['RESALE', 'NEW_HOME', 'RENTAL', 'COMMERCIAL'];

export const HOUSE_TYPE_PARAM: Record<ListingType, string> = {
  RESALE: 'second',
  NEW_HOME: 'new',
  RENTAL: 'rent',
  COMMERCIAL: 'commercial',
};

/**
 * THE sort mapping. `null` = leave sort_type out (Fang's own default order); `undefined` = Fang
 * cannot sort this way, so the search says it ignores the sort. The seed names publish_time_desc,
 * price_asc, area_desc and hot_desc; the opposite directions are assumed.
 */
const SORT_PARAM: Record<SearchSort, string | null | undefined> = {
  RELEVANCE: null,
  NEWEST: 'publish_time_desc',
  PRICE_ASC: 'price_asc',
  PRICE_DESC: 'price_desc',
  AREA_ASC: 'area_asc',
  AREA_DESC: 'area_desc',
  UNIT_PRICE_ASC: undefined,
  UNIT_PRICE_DESC: undefined,
};

/** The sorts item_search can honour. */
export const FANG_SORTS: ReadonlySet<SearchSort> = new Set(
  SEARCH_SORTS.filter((sort) => SORT_PARAM[sort] !== undefined),
);

const DECORATION_PARAM: Record<Decoration, string> = { FULL: 'full', SIMPLE: 'half', ROUGH: 'none' };
const AMENITY_PARAM: Record<Amenity, string> = { METRO: 'metro', SCHOOL: 'school', HOSPITAL: 'hospital' };

/** Fang's house_style codes stop at 5room, which means five bedrooms or more. */
const MAX_STYLE_ROOMS = 5;

/**
 * THE district rule. `region` takes GB/T codes, one level after another separated by commas (seed
 * 004: "110000,110105" = 北京-朝阳), so one district narrows upstream; several cannot be sent.
 */
export function fangRegion(query: SearchQuery): string | undefined {
  if (query.districtIds.length > 1) return undefined;
  return [query.cityId, ...query.districtIds].join(',');
}

export function fangSearchSupport(query: SearchQuery): SearchSupport {
  const city = findCity(query.cityId);
  const served = FANG_LISTING_TYPES.includes(query.listingType) && !!city?.providers.includes('FANG');
  const districts = fangRegion(query) !== undefined;
  const ignoredFilters: string[] = [];
  if (query.bedrooms.some((n) => n < 1)) ignoredFilters.push('bedrooms');
  if (!FANG_SORTS.has(query.sort)) ignoredFilters.push('sort');
  // Several districts cannot go upstream: the gateway filters them from the stubs' communities.
  if (!districts) ignoredFilters.push('districtIds');
  return { serves: served, ignoredFilters };
}

/**
 * THE keyword rule. Fang requires a non-empty `q` (seed 004's client refuses an empty keyword, and
 * an empty one is a 400 参数错误). Without a keyword (a blank one counts as none) the search sends
 * the name of the city already sent as `region`: every house's region text ("北京,朝阳,望京")
 * starts with it, so it narrows nothing that `region` does not already narrow.
 */
export function fangKeyword(query: SearchQuery): string {
  return query.keyword?.trim() || (findCity(query.cityId)?.name ?? query.cityId);
}

/** The business params of item_search (public params and sign are added by the client). */
export function searchParams(
  query: SearchQuery,
  pageNum: number,
  pageSize: number,
  pageParam: FangFlavour['pageParam'] = 'page_num',
): Record<string, string> {
  const params: Record<string, string> = {
    region: fangRegion(query) ?? query.cityId,
    house_type: HOUSE_TYPE_PARAM[query.listingType],
    [pageParam]: String(pageNum),
    page_size: String(pageSize),
  };
  params.q = fangKeyword(query);

  const styles = [...new Set(query.bedrooms.filter((n) => n >= 1).map((n) => Math.min(n, MAX_STYLE_ROOMS)))];
  if (styles.length > 0)
    params.house_style = styles
      .sort((a, b) => a - b)
      .map((n) => `${n}room`)
      .join(',');

  // Sales are priced in 万 totals, rentals in yuan per month.
  const price = (yuan: number) => formatNumber(query.listingType === 'RENTAL' ? yuan : yuanToWan(yuan));
  if (query.priceMin !== null) params.price_min = price(query.priceMin);
  if (query.priceMax !== null) params.price_max = price(query.priceMax);
  if (query.areaMin !== null) params.area_min = formatNumber(query.areaMin);
  if (query.areaMax !== null) params.area_max = formatNumber(query.areaMax);

  if (query.decoration) params.decoration = DECORATION_PARAM[query.decoration];
  const support = [...new Set(query.amenities)].map((a) => AMENITY_PARAM[a]);
  if (support.length > 0) params.support = support.join(',');

  const sort = SORT_PARAM[query.sort];
  if (sort) params.sort_type = sort;
  return params;
}

/** Plain decimal text without float noise (123.4567, not 123.45670000000001). */
function formatNumber(n: number): string {
  return String(Number(n.toFixed(6)));
}
