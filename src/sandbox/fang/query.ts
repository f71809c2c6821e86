import { CITIES } from '../../domain/cities.js';
import type { Amenity, Decoration } from '../../domain/listing.js';
import type { FangHouseRecord, FangHouseType } from '../data/records.js';
import { FANG_SUPPORT_TEXT } from '../wording.js';

/** item_search's business parameters, validated, and the search over the generated houses. */

export const FANG_MAX_PAGE_SIZE = 50;
const DEFAULT_PAGE_SIZE = 20;

const HOUSE_TYPES: readonly string[] = ['new', 'second', 'rent', 'commercial'];
const DECORATIONS: Record<string, Decoration> = { full: 'FULL', half: 'SIMPLE', none: 'ROUGH' };
const SUPPORTS: Record<string, Amenity> = { metro: 'METRO', school: 'SCHOOL', hospital: 'HOSPITAL' };
const STYLE = /^([1-5])room$/;

export interface FangSearch {
  cityId: string;
  districtCode: string | null;
  houseType: FangHouseType;
  /** Bedroom counts (5 = five or more) and/or villas. */
  styles: { rooms: number[]; villa: boolean } | null;
  price: [number, number];
  area: [number, number];
  decoration: Decoration | null;
  supports: Amenity[];
  terms: string[];
  sort: FangSort;
  pageNum: number;
  pageSize: number;
}

type Compare = (a: FangHouseRecord, b: FangHouseRecord) => number;
const byId: Compare = (a, b) => (a.houseId < b.houseId ? -1 : a.houseId > b.houseId ? 1 : 0);
const price = (h: FangHouseRecord) => h.priceWan ?? h.monthlyRent ?? 0;
const order =
  (key: (h: FangHouseRecord) => number | string, direction: 1 | -1): Compare =>
  (a, b) => {
    const x = key(a);
    const y = key(b);
    return x < y ? -direction : x > y ? direction : byId(a, b);
  };

/** Every order is total (house_id breaks ties) so that pages never overlap or skip. */
const SORTS = {
  publish_time_desc: order((h) => h.publishTime, -1),
  publish_time_asc: order((h) => h.publishTime, 1),
  price_asc: order(price, 1),
  price_desc: order(price, -1),
  area_asc: order((h) => h.area, 1),
  area_desc: order((h) => h.area, -1),
  hot_desc: order((h) => h.hot, -1),
} satisfies Record<string, Compare>;
export type FangSort = keyof typeof SORTS;

export type ParsedSearch = { ok: true; search: FangSearch } | { ok: false; param: string; reason: string };

/** `pageParam`: the open platform's `page_num`, or onebound's `page`. */
export function parseSearch(
  query: URLSearchParams,
  pageParam: 'page_num' | 'page' = 'page_num',
): ParsedSearch {
  const bad = (param: string, reason: string): ParsedSearch => ({ ok: false, param, reason });
  const region = query.get('region') ?? '';
  const regionMatch = /^(\d{6})(?:,(\d{6}))?$/.exec(region);
  if (!regionMatch) return bad('region', 'is required: a city code, optionally ",<district code>"');
  // Fang's own rule (seed 004): no keyword, no search.
  const terms = (query.get('q') ?? '').split(/\s+/).filter((t) => t !== '');
  if (terms.length === 0) return bad('q', 'is required (关键词不能为空)');
  const houseType = query.get('house_type') || 'second';
  if (!HOUSE_TYPES.includes(houseType)) return bad('house_type', 'must be new, second, rent or commercial');

  let styles: FangSearch['styles'] = null;
  const styleText = query.get('house_style');
  if (styleText) {
    styles = { rooms: [], villa: false };
    for (const token of styleText.split(',')) {
      const rooms = STYLE.exec(token.trim());
      if (rooms) styles.rooms.push(Number(rooms[1]));
      else if (token.trim() === 'villa') styles.villa = true;
      else return bad('house_style', 'must be 1room..5room or villa, comma separated');
    }
  }

  const bounds: Record<string, number> = {};
  for (const name of ['price_min', 'price_max', 'area_min', 'area_max']) {
    const text = query.get(name);
    if (text === null || text === '') continue;
    if (!/^\d+(\.\d+)?$/.test(text.trim())) return bad(name, 'must be a non-negative number');
    bounds[name] = Number(text);
  }

  const decorationText = query.get('decoration');
  const decoration = decorationText ? DECORATIONS[decorationText] : null;
  if (decoration === undefined) return bad('decoration', 'must be full, half or none');

  const supports: Amenity[] = [];
  for (const token of (query.get('support') ?? '').split(',').filter((t) => t.trim() !== '')) {
    const amenity = SUPPORTS[token.trim()];
    if (!amenity) return bad('support', 'must be metro, school or hospital, comma separated');
    supports.push(amenity);
  }

  const sort = query.get('sort_type') || 'publish_time_desc';
  if (!(sort in SORTS)) return bad('sort_type', `unknown sort ${JSON.stringify(sort)}`);

  const pageNumText = query.get(pageParam) || '1';
  if (!/^\d+$/.test(pageNumText) || Number(pageNumText) < 1)
    return bad(pageParam, 'must be a whole number >= 1');
  const pageSizeText = query.get('page_size') || String(DEFAULT_PAGE_SIZE);
  const pageSize = Number(pageSizeText);
  if (!/^\d+$/.test(pageSizeText) || pageSize < 1 || pageSize > FANG_MAX_PAGE_SIZE) {
    return bad('page_size', `must be a whole number from 1 to ${FANG_MAX_PAGE_SIZE}`);
  }

  return {
    ok: true,
    search: {
      cityId: regionMatch[1]!,
      districtCode: regionMatch[2] ?? null,
      houseType: houseType as FangHouseType,
      styles,
      price: [bounds.price_min ?? 0, bounds.price_max ?? Number.POSITIVE_INFINITY],
      area: [bounds.area_min ?? 0, bounds.area_max ?? Number.POSITIVE_INFINITY],
      decoration,
      supports,
      terms,
      sort: sort as FangSort,
      pageNum: Number(pageNumText),
      pageSize,
    },
  };
}

/** The words a keyword can match: "北京朝阳望京", the building, the layout, the supports. */
export function haystack(house: FangHouseRecord): string {
  const city = CITIES.find((c) => c.id === house.cityId)?.name ?? '';
  return [
    `${city}${house.district}${house.subdistrict}`,
    house.districtFull,
    house.buildingName,
    `${house.bedrooms}室${house.halls}厅`,
    ...house.amenities.map((a) => FANG_SUPPORT_TEXT[a]),
  ]
    .join(' ')
    .toLowerCase();
}

export function matches(house: FangHouseRecord, s: FangSearch): boolean {
  if (house.cityId !== s.cityId || house.houseType !== s.houseType) return false;
  if (s.districtCode && house.districtCode !== s.districtCode) return false;
  if (s.styles) {
    const room = s.styles.rooms.some((n) => (n === 5 ? house.bedrooms >= 5 : house.bedrooms === n));
    if (!room && !(s.styles.villa && house.villa)) return false;
  }
  const p = price(house);
  if (p < s.price[0] || p > s.price[1]) return false;
  if (house.area < s.area[0] || house.area > s.area[1]) return false;
  if (s.decoration && house.decoration !== s.decoration) return false;
  if (!s.supports.every((a) => house.amenities.includes(a))) return false;
  if (s.terms.length > 0) {
    const text = haystack(house);
    if (!s.terms.every((t) => text.includes(t.toLowerCase()))) return false;
  }
  return true;
}

export function searchHouses(houses: readonly FangHouseRecord[], s: FangSearch): FangHouseRecord[] {
  return houses.filter((h) => matches(h, s)).sort(SORTS[s.sort]);
}

/** The key of a search's full result (paging aside). */
export function resultKey(s: FangSearch): string {
  return JSON.stringify([
    s.cityId,
    s.districtCode,
    s.houseType,
    s.styles,
    s.price,
    s.area,
    s.decoration,
    s.supports,
    s.terms,
    s.sort,
  ]);
}
