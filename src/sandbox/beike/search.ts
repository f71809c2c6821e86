import type { BeikeListingRecord } from '../data/records.js';
import type { BeikeListSpelling } from '../types.js';
import { DECORATION_TEXT, layoutText, wanText } from '../wording.js';
import { type BeikeCondition, type BeikeSort, beikeDistrictId } from './condition.js';
import { coverPic } from './detail.js';

export const BEIKE_PAGE_SIZE = 20;

type Compare = (a: BeikeListingRecord, b: BeikeListingRecord) => number;

const byCode: Compare = (a, b) => (a.houseCode < b.houseCode ? -1 : a.houseCode > b.houseCode ? 1 : 0);
const asc =
  (key: (l: BeikeListingRecord) => number | string): Compare =>
  (a, b) => {
    const x = key(a);
    const y = key(b);
    return x < y ? -1 : x > y ? 1 : byCode(a, b);
  };
const desc =
  (key: (l: BeikeListingRecord) => number | string): Compare =>
  (a, b) => {
    const x = key(a);
    const y = key(b);
    return x > y ? -1 : x < y ? 1 : byCode(a, b);
  };

/** Every order is total (houseCode breaks ties) so that pages never overlap or skip. */
const ORDERS: Record<BeikeSort | 'relevance', Compare> = {
  relevance: asc((l) => l.relevance),
  co32: desc((l) => l.listedAt),
  co21: asc((l) => l.price),
  co22: desc((l) => l.price),
  co41: asc((l) => l.unitPrice),
  co42: desc((l) => l.unitPrice),
  co11: asc((l) => l.area),
  co12: desc((l) => l.area),
};

export function matches(listing: BeikeListingRecord, condition: BeikeCondition): boolean {
  const { bedrooms, priceWan, area, keyword } = condition;
  if (
    bedrooms.length > 0 &&
    !bedrooms.some((n) => (n === 6 ? listing.bedrooms >= 5 : listing.bedrooms === n))
  ) {
    return false;
  }
  if (priceWan && (listing.price < priceWan[0] * 10_000 || listing.price > priceWan[1] * 10_000))
    return false;
  if (area && (listing.area < area[0] || listing.area > area[1])) return false;
  if (condition.overFiveYears && !listing.tags.includes('满五年')) return false;
  if (condition.decorations.length > 0 && !condition.decorations.includes(listing.decoration)) return false;
  if (condition.nearMetro && !listing.amenities.includes('METRO')) return false;
  if (condition.elevator !== null && listing.hasElevator !== condition.elevator) return false;
  if (condition.district && beikeDistrictId(listing.cityId, listing.districtFull) !== condition.district)
    return false;
  if (keyword) {
    const k = keyword.toLowerCase();
    const haystacks = [listing.title, listing.communityName, listing.districtFull, listing.subdistrict];
    if (!haystacks.some((h) => h.toLowerCase().includes(k))) return false;
  }
  return true;
}

export function searchListings(
  listings: readonly BeikeListingRecord[],
  condition: BeikeCondition,
): BeikeListingRecord[] {
  return listings.filter((l) => matches(l, condition)).sort(ORDERS[condition.sort ?? 'relevance']);
}

/**
 * One item of the app's list, as JSON text, in either spelling. About one item in ten carries its
 * numbers as strings, as the real app answer sometimes does; in v4 those items also leave out the
 * yuan `price`, so that the total comes only from `price_str` + `price_unit`.
 */
export function listItemJson(listing: BeikeListingRecord, spelling: BeikeListSpelling = 'camel'): string {
  return spelling === 'v4' ? v4ItemJson(listing) : camelItemJson(listing);
}

/** App v4: snake_case, the price split into "680" + "万", the unit price with a thousands comma. */
function v4ItemJson(listing: BeikeListingRecord): string {
  const n = (value: number): number | string => (listing.wire.numbersAsStrings ? String(value) : value);
  const layout = layoutText(listing.bedrooms, listing.halls);
  const unitPriceStr = `${listing.unitPrice.toLocaleString('en-US')}元/平`;
  return JSON.stringify({
    house_code: listing.houseCode,
    title: listing.title,
    desc: `${layout}/${listing.area}㎡/${listing.orientation}/${listing.communityName}`,
    price_str: wanText(listing.price),
    price_unit: '万',
    unit_price_str: unitPriceStr,
    ...(listing.wire.numbersAsStrings ? {} : { price: listing.price }),
    unit_price: n(listing.unitPrice),
    area: n(listing.area),
    blueprint_bedroom_num: n(listing.bedrooms),
    blueprint_hall_num: n(listing.halls),
    community_id: listing.communityId,
    community_name: listing.communityName,
    cover_pic: coverPic(listing),
    color_tags: listing.tags.map((desc) => ({ desc, color: '849AAE' })),
    basic_list: basicList(listing, `${wanText(listing.price)}万`, layout),
    info_list: infoList(listing, '单价：', unitPriceStr),
  });
}

function camelItemJson(listing: BeikeListingRecord): string {
  const n = (value: number): number | string => (listing.wire.numbersAsStrings ? String(value) : value);
  const layout = layoutText(listing.bedrooms, listing.halls);
  const priceStr = `${wanText(listing.price)}万`;
  const unitPriceStr = `${listing.unitPrice}元/平`;
  return JSON.stringify({
    houseCode: listing.houseCode,
    title: listing.title,
    desc: `${layout}/${listing.area}㎡/${listing.orientation}/${listing.communityName}`,
    priceStr,
    unitPriceStr,
    price: n(listing.price),
    unitPrice: n(listing.unitPrice),
    area: n(listing.area),
    blueprintBedroomNum: n(listing.bedrooms),
    blueprintHallNum: n(listing.halls),
    communityId: listing.communityId,
    communityName: listing.communityName,
    coverPic: coverPic(listing),
    colorTags: listing.tags.map((desc) => ({ desc, color: '849AAE', boldFont: 0 })),
    basicList: basicList(listing, priceStr, layout),
    infoList: infoList(listing, '单价', unitPriceStr),
  });
}

/** The card's label/value lists, alike in both spellings. */
function basicList(listing: BeikeListingRecord, priceStr: string, layout: string) {
  return [
    { name: '售价', value: priceStr },
    { name: '房型', value: layout },
    { name: '建筑面积', value: `${listing.area}㎡` },
  ];
}

/** v4 labels the unit price with a full-width colon, v5 without one. */
function infoList(listing: BeikeListingRecord, unitLabel: string, unitPriceStr: string) {
  return [
    { name: unitLabel, value: unitPriceStr },
    { name: '楼层', value: `${listing.floorLevel}(共${listing.floorTotal}层)` },
    { name: '装修', value: DECORATION_TEXT[listing.decoration] },
    { name: '挂牌', value: listing.listedAt.replaceAll('-', '.') },
  ];
}
