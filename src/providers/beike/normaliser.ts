import { findCity } from '../../domain/cities.js';
import type {
  Agent,
  Amenity,
  Community,
  CommunityRef,
  GeoPoint,
  Layout,
  Listing,
  Photo,
} from '../../domain/listing.js';
import type { DecodeReport } from '../decode.js';
import {
  districtIdOf,
  parseCommunityText,
  parseDate,
  parseDecoration,
  parseElevator,
  parseFloor,
  parseLayout,
  parseOrientations,
  parseYear,
  wanToYuan,
} from '../wording.js';
import type { RawAgent, RawCommunity, RawHouse } from './decoder.js';
import { GBT_OF_BEIKE_DISTRICT } from './params.js';

/** Beike's wording → the domain model (yuan, yuan/m², m², ISO dates). */

export interface NormaliseContext {
  report: DecodeReport;
  isDetail: boolean;
  now: Date;
  /** The city asked for, when Beike's record does not say. */
  fallbackCityId: string | null;
}

/** Beike has no amenity field; its tags are the only hint (近地铁, 学区房, …). */
const AMENITY_TAGS: [RegExp, Amenity][] = [
  [/地铁/, 'METRO'],
  [/学区|近学校/, 'SCHOOL'],
  [/医院/, 'HOSPITAL'],
];

function amenitiesOf(tags: string[]): Amenity[] {
  return AMENITY_TAGS.filter(([pattern]) => tags.some((tag) => pattern.test(tag))).map(([, a]) => a);
}

/** Beike groups its photos; this group is the floor plan. */
const FLOOR_PLAN_GROUP = /户型/;

export function beikeListingUrl(cityId: string | null, houseCode: string): string | null {
  const abbr = cityId ? findCity(cityId)?.beikeAbbr : undefined;
  return abbr ? `https://m.ke.com/${abbr}/ershoufang/${encodeURIComponent(houseCode)}.html` : null;
}

export function normaliseHouse(raw: RawHouse, context: NormaliseContext): Listing {
  const { report } = context;
  const label = (name: string) => raw.labels.get(name) ?? null;
  const cityId = raw.cityId ?? context.fallbackCityId;

  // A zero or negative figure is as garbled as a missing one: Beike's own text is the fallback.
  const totalPrice = positive(raw.price) ?? moneyFromText(raw.priceText ?? label('售价'), report, 'priceStr');
  const unitPrice =
    positive(raw.unitPrice) ?? moneyFromText(raw.unitPriceText ?? label('单价'), report, 'unitPriceStr');
  const area = positive(raw.area) ?? numberFromText(label('建筑面积') ?? label('面积'));
  const layout = layoutOf(raw.bedrooms, raw.halls, label('房型') ?? label('户型'));
  const floorText = label('楼层') ?? raw.floorState;
  const floor = floorText ? { text: floorText, ...parseFloor(floorText) } : null;

  return {
    provider: 'BEIKE',
    sourceId: raw.houseCode,
    isDetail: context.isDetail,
    fetchedAt: context.now.toISOString(),
    cityId,
    listingType: 'RESALE',
    title: raw.title ?? fallbackTitle(raw, layout, area),
    url: raw.mUrl ?? beikeListingUrl(cityId, raw.houseCode),
    totalPrice,
    unitPrice,
    monthlyRent: null,
    area,
    layout,
    floor,
    orientations: parseOrientations(raw.orientation ?? label('朝向')),
    decoration: parseDecoration(label('装修')),
    hasElevator: parseElevator(label('电梯')),
    builtYear: parseYear(label('年代') ?? label('建成年代')),
    listedAt: parseDate(label('挂牌') ?? label('挂牌时间')),
    tags: raw.tags,
    amenities: amenitiesOf(raw.tags),
    photos: raw.photos.map(
      (p): Photo => ({
        url: p.url,
        caption: p.group,
        isFloorPlan: p.group !== null && FLOOR_PLAN_GROUP.test(p.group),
      }),
    ),
    community: communityOf(raw, cityId, report),
    agent: raw.agent ? agentOf(raw.agent) : null,
    downPayment: raw.downPaymentWan === null ? null : wanToYuan(raw.downPaymentWan),
    monthlyPayment: raw.monthlyPayment,
    address: null,
    location: null,
    description: raw.description,
    isActive: raw.isOffSale === null ? null : !raw.isOffSale,
  };
}

/**
 * "235万" → 2350000, "37067元/平" → 37067, "1.2亿" → 120000000. A text that is there but holds no
 * amount is drift worth counting.
 */
function moneyFromText(text: string | null, report: DecodeReport, field: string): number | null {
  if (!text) return null;
  const m = text.replace(/,/g, '').match(/(\d+(?:\.\d+)?)\s*(亿|万)?/);
  if (!m) {
    report.record(field, 'no amount');
    return null;
  }
  const amount = Number(m[1]);
  if (m[2] === '亿') return wanToYuan(amount * 10_000);
  return m[2] === '万' ? wanToYuan(amount) : amount;
}

/** "63.4㎡", "63.4平米" → 63.4 */
function numberFromText(text: string | null): number | null {
  const m = text?.match(/(\d+(?:\.\d+)?)/);
  return m ? Number(m[1]) : null;
}

/** The structured counts win; Beike's own wording is kept, or written as Beike would. */
function layoutOf(bedrooms: number | null, halls: number | null, text: string | null): Layout | null {
  const parsed = parseLayout(text);
  if (bedrooms === null && halls === null) return parsed;
  return {
    bedrooms: bedrooms ?? parsed?.bedrooms ?? null,
    livingRooms: halls ?? parsed?.livingRooms ?? null,
    bathrooms: parsed?.bathrooms ?? null,
    text: parsed?.text ?? `${bedrooms !== null ? `${bedrooms}室` : ''}${halls !== null ? `${halls}厅` : ''}`,
  };
}

function fallbackTitle(raw: RawHouse, layout: Layout | null, area: number | null): string {
  const parts = [raw.communityName, layout?.text, area !== null ? `${area}平米` : null].filter(Boolean);
  return parts.length > 0 ? parts.join(' ') : raw.houseCode;
}

function communityOf(raw: RawHouse, cityId: string | null, report: DecodeReport): CommunityRef | null {
  const fromText = raw.communityText ? parseCommunityText(raw.communityText) : null;
  const name = raw.communityName ?? fromText?.name ?? null;
  if (!name) return null;
  return {
    sourceId: raw.communityId,
    name,
    district: fromText?.district ?? null,
    districtId: districtIdOf(cityId, fromText?.district ?? null, report),
    subdistrict: fromText?.subdistrict ?? null,
    averageUnitPrice: null,
  };
}

function agentOf(raw: RawAgent): Agent {
  return {
    provider: 'BEIKE',
    sourceId: raw.ucid,
    name: raw.name,
    title: raw.title,
    phone: null,
    company: null,
    credentials: raw.credentials,
  };
}

export function normaliseCommunity(
  raw: RawCommunity,
  fallbackCityId: string,
  now: Date,
  report?: DecodeReport,
): Community {
  const cityId = raw.cityId ?? fallbackCityId;
  const districtId = districtIdOf(cityId, raw.district, report, 'district_name');
  // Beike's own id for the district it names: one our table maps elsewhere is a wrong (assumed)
  // id in DISTRICT_TOKEN, which the first live day should show.
  const mapped = raw.districtId ? GBT_OF_BEIKE_DISTRICT.get(raw.districtId) : undefined;
  if (districtId && raw.districtId && mapped !== districtId)
    report?.record('district_id', 'disagrees with the district table');
  return {
    provider: 'BEIKE',
    sourceId: raw.communityId,
    cityId,
    name: raw.name,
    district: raw.district,
    districtId,
    subdistrict: raw.subdistrict,
    // Beike writes 0 for "no price known".
    averageUnitPrice: positive(raw.avgUnitPrice),
    resaleAverageUnitPrice: positive(raw.resaleAvgUnitPrice),
    resaleListingCount: raw.resaleCount,
    buildingType: raw.buildingType,
    builtYear: parseYear(raw.finishYear),
    location: pointOf(raw.lat, raw.lng),
    coverUrl: raw.coverPic,
    fetchedAt: now.toISOString(),
  };
}

function positive(n: number | null): number | null {
  return n !== null && n > 0 ? n : null;
}

/** 0,0 is Beike's "no position"; out-of-range values are swapped-up fields, not a place. */
function pointOf(lat: number | null, lng: number | null): GeoPoint | null {
  if (lat === null || lng === null || (lat === 0 && lng === 0)) return null;
  if (Math.abs(lat) > 90 || Math.abs(lng) > 180) return null;
  return { latitude: lat, longitude: lng };
}
