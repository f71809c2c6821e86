import { CITIES } from '../../domain/cities.js';
import type {
  Agent,
  Amenity,
  CommunityRef,
  Floor,
  GeoPoint,
  Layout,
  Listing,
  ListingType,
  Photo,
} from '../../domain/listing.js';
import { type DecodeReport, looseString, stringList } from '../decode.js';
import {
  districtIdOf,
  parseDecoration,
  parseFloor,
  parseLayout,
  parseOrientations,
  wanToYuan,
} from '../wording.js';
import {
  amount,
  area,
  dateText,
  elevatorText,
  houseId,
  httpUrl,
  image,
  latitude,
  longitude,
  type RawHouse,
  rawAgent,
  yearText,
} from './decoder.js';

/** Fang house (item_search entry or item_get house) → domain Listing, in yuan, m² and ISO dates. */

export interface NormaliseContext {
  report: DecodeReport;
  isDetail: boolean;
  now: Date;
  /** The search's city, or the caller's ref: used when `region` names no known city. */
  fallbackCityId: string | null;
  /** The search's listing type: used when `house_type` is missing or unknown. */
  fallbackListingType: ListingType | null;
}

const HOUSE_TYPES: [RegExp, ListingType][] = [
  [/^(second|esf)$|二手/i, 'RESALE'],
  [/^(new|xf|newhouse)$|新房|新盘/i, 'NEW_HOME'],
  [/^(rent|zf)$|租/i, 'RENTAL'],
  [/^(commercial|sp|xzl|shop|office)$|商铺|写字楼|商业/i, 'COMMERCIAL'],
];

const AMENITY_WORDS: [RegExp, Amenity][] = [
  [/地铁|metro|subway/i, 'METRO'],
  [/学区|school/i, 'SCHOOL'],
  [/医院|hospital/i, 'HOSPITAL'],
];

// Status words that end a listing come first: "已出租" must not read as "出租中".
const INACTIVE_STATUS = /已售|已租|已出租|已成交|下架|停售|失效/;
const ACTIVE_STATUS = /在售|出租中|在租|招租|待售|待租|热销|可售/;

export function normaliseHouse(raw: RawHouse, ctx: NormaliseContext): Listing | null {
  const { report } = ctx;
  const sourceId = houseId(raw);
  if (sourceId === null) {
    report.record('house_id', 'missing');
    return null;
  }
  const text = (field: string) => report.field(field, looseString, raw[field])?.trim() || null;

  const listingType = readListingType(raw, ctx);
  const isRental = listingType === 'RENTAL';
  const price = report.field('price', amount, raw.price);
  const priceYuan =
    price && (price.unit === 'wan' || (price.unit === null && !isRental))
      ? wanToYuan(price.value)
      : (price?.value ?? null);
  const unitPrice = report.field('unit_price', amount, raw.unit_price);

  const region = report.field('region', stringList, raw.region) ?? [];
  const place = readPlace(region);
  const buildingName = text('building_name');
  const support = report.field('support', stringList, raw.support) ?? [];

  const title = text('house_name') ?? text('title');
  if (title === null) report.record('house_name', 'missing');

  return {
    provider: 'FANG',
    sourceId,
    isDetail: ctx.isDetail,
    fetchedAt: ctx.now.toISOString(),
    cityId: place.cityId ?? ctx.fallbackCityId,
    listingType,
    title: title ?? buildingName ?? sourceId,
    url: report.field('url', httpUrl, raw.url ?? raw.detail_url),
    totalPrice: isRental ? null : priceYuan,
    unitPrice: unitPrice && (unitPrice.unit === 'wan' ? wanToYuan(unitPrice.value) : unitPrice.value),
    monthlyRent: isRental ? priceYuan : null,
    area: report.field('area', area, raw.area),
    layout: readLayout(text('house_style')),
    floor: readFloor(text('floor')),
    orientations: parseOrientations(
      (report.field('orientation', stringList, raw.orientation) ?? []).join(' '),
    ),
    decoration: readDecoration(text('decoration'), report),
    hasElevator: report.field('elevator', elevatorText, raw.elevator),
    builtYear: report.field('build_year', yearText, raw.build_year),
    listedAt: report.field('publish_time', dateText, raw.publish_time),
    tags: support,
    amenities: readAmenities(support),
    photos: readPhotos(raw.images, report),
    community: readCommunity(buildingName, place, place.cityId ?? ctx.fallbackCityId, report),
    agent: readAgent(raw.agent, report),
    downPayment: null,
    monthlyPayment: null,
    address: text('address'),
    location: readLocation(raw, report),
    description: text('description'),
    isActive: readStatus(text('transaction_status'), report),
  };
}

function readListingType(raw: RawHouse, ctx: NormaliseContext): ListingType {
  const value = ctx.report.field('house_type', looseString, raw.house_type)?.trim();
  const known = value ? HOUSE_TYPES.find(([pattern]) => pattern.test(value))?.[1] : undefined;
  if (known) return known;
  if (value) ctx.report.record('house_type', 'unknown house type');
  // Without a type a price cannot be read (万 total or yuan per month): resale is Fang's bulk.
  return ctx.fallbackListingType ?? 'RESALE';
}

interface Place {
  cityId: string | null;
  district: string | null;
  subdistrict: string | null;
}

/** "北京,朝阳,望京" (or with a province first, or GB codes) → the city and the two parts after it. */
function readPlace(parts: string[]): Place {
  const index = parts.findIndex((part) => cityIdOf(part) !== null);
  const cityIndex = Math.max(index, 0);
  return {
    cityId: index >= 0 ? cityIdOf(parts[index] ?? '') : null,
    district: parts[cityIndex + 1] || null,
    subdistrict: parts[cityIndex + 2] || null,
  };
}

function cityIdOf(part: string): string | null {
  const name = part.trim().replace(/市$/, '');
  return CITIES.find((c) => c.name === name || c.id === name)?.id ?? null;
}

/** "3室2厅" as the shared parser reads it; Fang's own query codes ("3room") are accepted too. */
function readLayout(style: string | null): Layout | null {
  if (!style) return null;
  const code = style.match(/^(\d+)\s*room$/i);
  if (code) return { bedrooms: Number(code[1]), livingRooms: null, bathrooms: null, text: style };
  return parseLayout(style);
}

function readFloor(text: string | null): Floor | null {
  return text ? { text, ...parseFloor(text) } : null;
}

function readDecoration(text: string | null, report: DecodeReport) {
  const decoration = parseDecoration(text);
  if (text && !decoration && !/其他|不限/.test(text)) report.record('decoration', 'unknown decoration');
  return decoration;
}

function readAmenities(support: string[]): Amenity[] {
  return AMENITY_WORDS.filter(([pattern]) => support.some((word) => pattern.test(word))).map(([, a]) => a);
}

function readStatus(status: string | null, report: DecodeReport): boolean | null {
  if (!status) return null;
  if (INACTIVE_STATUS.test(status)) return false;
  if (ACTIVE_STATUS.test(status)) return true;
  report.record('transaction_status', 'unknown status');
  return null;
}

function readCommunity(
  name: string | null,
  place: Place,
  cityId: string | null,
  report: DecodeReport,
): CommunityRef | null {
  if (!name) return null;
  return {
    sourceId: null,
    name,
    district: place.district,
    districtId: districtIdOf(cityId, place.district, report, 'region'),
    subdistrict: place.subdistrict,
    averageUnitPrice: null,
  };
}

/** Photos one by one: a broken entry is dropped and reported, the others still come through. */
function readPhotos(raw: unknown, report: DecodeReport): Photo[] {
  if (raw === undefined || raw === null || raw === '') return [];
  const entries = typeof raw === 'string' ? (stringList.safeParse(raw).data ?? []) : raw;
  if (!Array.isArray(entries)) {
    report.record('images', 'not a list');
    return [];
  }
  const photos: Photo[] = [];
  entries.forEach((entry, i) => {
    const photo = report.field(`images[${i}]`, image, entry);
    if (photo)
      photos.push({ url: photo.url, caption: photo.type, isFloorPlan: /户型/.test(photo.type ?? '') });
  });
  return photos;
}

function readAgent(raw: unknown, report: DecodeReport): Agent | null {
  const agent = report.field('agent', rawAgent, raw);
  if (!agent) return null;
  return {
    provider: 'FANG',
    sourceId: agent.agent_id.trim(),
    name: agent.name,
    title: null,
    phone: agent.phone?.trim() || null,
    company: agent.company?.trim() || null,
    credentials: [],
  };
}

function readLocation(raw: RawHouse, report: DecodeReport): GeoPoint | null {
  const lat = report.field('latitude', latitude, raw.latitude);
  const lng = report.field('longitude', longitude, raw.longitude);
  return lat !== null && lng !== null ? { latitude: lat, longitude: lng } : null;
}
