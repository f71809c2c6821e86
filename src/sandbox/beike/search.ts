import type { BeikeListingRecord } from '../data/records.js';
import { DECORATION_TEXT, layoutText, wanText } from '../wording.js';
import type { BeikeCondition, BeikeSort } from './condition.js';
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
    !bedrooms.some((n) => (n >= 5 ? listing.bedrooms >= n : listing.bedrooms === n))
  ) {
    return false;
  }
  if (priceWan && (listing.price < priceWan[0] * 10_000 || listing.price > priceWan[1] * 10_000))
    return false;
  if (area && (listing.area < area[0] || listing.area > area[1])) return false;
  if (condition.overFiveYears && !listing.tags.includes('满五年')) return false;
  if (condition.fullyDecorated && listing.decoration !== 'FULL') return false;
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
 * One item of the app's list, as JSON text. About one item in ten carries its numbers as
 * strings, as the real app answer sometimes does.
 */
export function listItemJson(listing: BeikeListingRecord): string {
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
    basicList: [
      { name: '售价', value: priceStr },
      { name: '房型', value: layout },
      { name: '建筑面积', value: `${listing.area}㎡` },
    ],
    infoList: [
      { name: '单价', value: unitPriceStr },
      { name: '楼层', value: `${listing.floorLevel}(共${listing.floorTotal}层)` },
      { name: '装修', value: DECORATION_TEXT[listing.decoration] },
      { name: '挂牌', value: listing.listedAt.replaceAll('-', '.') },
    ],
  });
}
