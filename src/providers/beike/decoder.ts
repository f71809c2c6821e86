import { z } from 'zod';
import {
  type DecodeReport,
  jsonRecord,
  looseBoolean,
  looseInt,
  looseNumber,
  looseString,
} from '../decode.js';
import { cleanLabel } from '../wording.js';

/**
 * Tolerant schemas of Beike's bodies (through Just One API). The envelope and the ids are
 * checked strictly; every other field goes through a DecodeReport, so a field that drifted
 * becomes null and is counted instead of losing the listing.
 */

/** `{ code, data, message, recordTime, requestId? }`; code seen both as 0 and "0". */
export const envelopeSchema = z.looseObject({ code: looseInt, data: z.unknown().optional() });
export type Envelope = z.infer<typeof envelopeSchema>;

const record = jsonRecord;
const text = looseString.transform((s) => s.trim()).pipe(z.string().min(1));
/** GB/T 2260: six digits, sent as a string in the detail and as a number in the community list. */
const cityCode = text.pipe(z.string().regex(/^\d{6}$/, 'not a city code'));

/** What a detail `data` cannot do without. */
export const detailIdSchema = z.looseObject({ basicInfo: z.looseObject({ houseCode: text }) });
const list = z
  .array(z.unknown())
  .nullish()
  .transform((items) => items ?? []);

/**
 * The resale list's `data`: Beike's own app answer, errno 0 on success. Two spellings are known:
 * app v4, snake_case (`{ errno, data: { total_count, has_more_data: 0|1, list } }`), and the
 * camelCase one (`hasMoreData`, `totalCount`, `returnCount`). Every wrapper field is optional:
 * a missing errno is success, and paging falls back on the page's length.
 */
export const appAnswerSchema = z
  .looseObject({
    errno: looseInt.optional(),
    data: z
      .looseObject({
        hasMoreData: z.unknown().optional(),
        has_more_data: z.unknown().optional(),
        totalCount: z.unknown().optional(),
        total_count: z.unknown().optional(),
        list,
      })
      .optional(),
  })
  .transform(({ errno, data }) => ({
    errno: errno ?? 0,
    hasMore: data?.has_more_data ?? data?.hasMoreData,
    total: data?.total_count ?? data?.totalCount,
    list: data?.list ?? [],
  }));

/** The community list's `data`, snake_case. */
export const communityPageSchema = z.looseObject({
  has_more_data: z.unknown().optional(),
  total_count: z.unknown().optional(),
  list,
});

/** A raw page before its items are decoded: items are decoded one by one so one bad item costs one item. */
export interface RawPage {
  items: unknown[];
  hasMore: unknown;
  total: unknown;
}

/** A listing as Beike describes it, from either the detail or a list item, fields still in Beike's units. */
export interface RawHouse {
  houseCode: string;
  cityId: string | null;
  title: string | null;
  mUrl: string | null;
  isOffSale: boolean | null;
  /** yuan */
  price: number | null;
  /** "235万" */
  priceText: string | null;
  /** yuan/m² */
  unitPrice: number | null;
  /** "37067元/平" */
  unitPriceText: string | null;
  area: number | null;
  bedrooms: number | null;
  halls: number | null;
  /** "顶层/4层" */
  floorState: string | null;
  orientation: string | null;
  communityId: string | null;
  communityName: string | null;
  /** basicList + infoList values by label without its colon: 挂牌, 楼层, 装修, 房型, 建筑面积, … */
  labels: Map<string, string>;
  tags: string[];
  photos: RawPhoto[];
  /** "双裕花园西区 (顺义区-后沙峪)" */
  communityText: string | null;
  /** 万 */
  downPaymentWan: number | null;
  /** yuan per month */
  monthlyPayment: number | null;
  agent: RawAgent | null;
  description: string | null;
}

export interface RawPhoto {
  url: string;
  group: string | null;
}

export interface RawAgent {
  ucid: string;
  name: string;
  title: string | null;
  credentials: { name: string; number: string | null; imageUrl: string | null }[];
}

export interface RawCommunity {
  communityId: string;
  name: string;
  cityId: string | null;
  district: string | null;
  /** Beike's own district id (not a GB/T code). */
  districtId: string | null;
  subdistrict: string | null;
  bizcircleId: string | null;
  avgUnitPrice: number | null;
  resaleAvgUnitPrice: number | null;
  resaleCount: number | null;
  buildingType: string | null;
  finishYear: string | null;
  lat: number | null;
  lng: number | null;
  coverPic: string | null;
}

/** The detail's `data`; null when it has no `basicInfo.houseCode`, the one thing it cannot do without. */
export function decodeDetail(data: unknown, report: DecodeReport): RawHouse | null {
  const root = record.safeParse(data);
  if (!root.success) return null;
  const basic = record.safeParse(root.data.basicInfo);
  if (!basic.success) return null;
  const house = decodeHouseFields(basic.data, report, 'basicInfo.');
  if (!house) return null;

  const jumps = objects(root.data.infoJumpList, report, 'infoJumpList');
  const communityJump = jumps.find((j) => j.id === 'xiaoqurukou' || labelOf(j.name) === '小区');
  const paymentJump = jumps.find((j) => j.id === 'goufangyusuan' || j.sfTotal !== undefined);
  const labels = new Map([
    ...labelValues(root.data.basicList, report, 'basicList'),
    ...labelValues(root.data.infoList, report, 'infoList'),
  ]);
  return {
    ...house,
    labels,
    tags: tags(root.data.colorTags, report),
    photos: photos(root.data.headPictures, report),
    communityText: communityJump ? report.field('infoJumpList.小区', text, communityJump.value) : null,
    downPaymentWan: paymentJump
      ? report.field('infoJumpList.sfTotal', looseNumber, paymentJump.sfTotal)
      : null,
    monthlyPayment: paymentJump
      ? report.field('infoJumpList.monthlySupply', looseNumber, paymentJump.monthlySupply)
      : null,
    agent: agent(root.data.verificationInfo, report),
  };
}

/** One item of get-ershoufang-list; null without a houseCode. */
export function decodeListItem(item: unknown, report: DecodeReport): RawHouse | null {
  const root = record.safeParse(item);
  if (!root.success) {
    report.record('list[]', 'expected an object');
    return null;
  }
  const raw = camelised(root.data);
  const house = decodeHouseFields(raw, report, '');
  if (!house) return null;
  // Every list item has a title: its absence is drift worth counting, not a missing option.
  if (house.title === null) report.record('title', 'missing');
  const cover = report.field('coverPic', text, raw.coverPic);
  return {
    ...house,
    // v4 splits the price: price_str "680" + price_unit "万".
    priceText: house.priceText !== null ? withUnit(house.priceText, raw.priceUnit, report) : null,
    labels: new Map([
      ...labelValues(raw.basicList, report, 'basicList'),
      ...labelValues(raw.infoList, report, 'infoList'),
    ]),
    tags: tags(raw.colorTags, report),
    photos: cover ? [{ url: cover, group: null }] : [],
    communityText: null,
    downPaymentWan: null,
    monthlyPayment: null,
    agent: null,
  };
}

/**
 * A list item with its snake_case names (app v4: house_code, price_str, basic_list…) read as the
 * camelCase ones (v5); where an item carries both, the camelCase one wins.
 */
function camelised(raw: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(raw)) {
    const camel = name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    if (camel === name || !(camel in raw)) result[camel] = value;
  }
  return result;
}

/** "680" + "万" → "680万"; a price text that already has its unit is left alone. */
function withUnit(priceText: string, unit: unknown, report: DecodeReport): string {
  if (!/^[\d.,]+$/.test(priceText)) return priceText;
  const parsed = report.field('priceUnit', text, unit);
  return parsed === null ? priceText : `${priceText}${parsed}`;
}

type HouseFields = Omit<
  RawHouse,
  'labels' | 'tags' | 'photos' | 'communityText' | 'downPaymentWan' | 'monthlyPayment' | 'agent'
>;

/** The fields basicInfo (detail) and a list item share, under the same names. */
function decodeHouseFields(
  raw: Record<string, unknown>,
  report: DecodeReport,
  prefix: string,
): HouseFields | null {
  const houseCode = text.safeParse(raw.houseCode);
  if (!houseCode.success) {
    report.record(`${prefix}houseCode`, 'missing');
    return null;
  }
  const f = <T>(name: string, schema: z.ZodType<T>) => report.field(prefix + name, schema, raw[name]);
  return {
    houseCode: houseCode.data,
    cityId: f('cityId', cityCode),
    title: f('title', text),
    mUrl: f('mUrl', text),
    isOffSale: f('isOffSale', looseBoolean),
    price: f('price', looseNumber),
    priceText: f('priceStr', text),
    unitPrice: f('unitPrice', looseNumber),
    unitPriceText: f('unitPriceStr', text),
    area: f('area', looseNumber),
    bedrooms: f('blueprintBedroomNum', looseInt),
    halls: f('blueprintHallNum', looseInt),
    floorState: f('floorState', text),
    orientation: f('orientation', text),
    communityId: f('communityId', text),
    communityName: f('communityName', text),
    description: f('desc', text),
  };
}

/** One item of community/list; null without a community_id. */
export function decodeCommunity(item: unknown, report: DecodeReport): RawCommunity | null {
  const root = record.safeParse(item);
  if (!root.success) {
    report.record('list[]', 'expected an object');
    return null;
  }
  const raw = root.data;
  const id = text.safeParse(raw.community_id);
  if (!id.success) {
    report.record('community_id', 'missing');
    return null;
  }
  const f = <T>(field: string, schema: z.ZodType<T>) => report.field(field, schema, raw[field]);
  return {
    communityId: id.data,
    // Only the id is indispensable: a community whose name drifted still comes through, unnamed.
    name: f('community_name', text) ?? '',
    cityId: f('city_id', cityCode),
    district: f('district_name', text),
    districtId: f('district_id', text),
    subdistrict: f('bizcircle_name', text),
    bizcircleId: f('bizcircle_id', text),
    // Often empty: "" reads as unknown (null), never as 0.
    avgUnitPrice: f('avg_unit_price', looseNumber),
    resaleAvgUnitPrice: f('ershoufang_avg_unit_price', looseNumber),
    resaleCount: f('ershoufang_source_count', looseInt) ?? onSale(f('neo_desc', text)),
    buildingType: f('building_type', text),
    finishYear: f('building_finish_year', text),
    // List items carry lng/lat; point_lat/point_lng are the detail's names, still read if sent.
    lat: f('lat', looseNumber) ?? f('point_lat', looseNumber),
    lng: f('lng', looseNumber) ?? f('point_lng', looseNumber),
    coverPic: f('cover_pic', text),
  };
}

/** neo_desc "在售12套 在租3套" → 12 on sale. */
function onSale(desc: string | null): number | null {
  const m = desc?.match(/在售\s*(\d+)/);
  return m ? Number(m[1]) : null;
}

/** The objects of an array field; a field that is not an array, or an item that is not an object, is a problem. */
function objects(raw: unknown, report: DecodeReport, field: string): Record<string, unknown>[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    report.record(field, 'expected an array');
    return [];
  }
  const result: Record<string, unknown>[] = [];
  for (const item of raw) {
    const parsed = record.safeParse(item);
    if (parsed.success) result.push(parsed.data);
    else report.record(`${field}[]`, 'expected an object');
  }
  return result;
}

function labelOf(name: unknown): string | null {
  return typeof name === 'string' ? cleanLabel(name) : null;
}

/** `[{ name: "挂牌:", value: "2024.11.05" }]` → ["挂牌", "2024.11.05"]; either colon. */
function labelValues(raw: unknown, report: DecodeReport, field: string): [string, string][] {
  const pairs: [string, string][] = [];
  for (const item of objects(raw, report, field)) {
    const label = labelOf(item.name);
    if (!label) continue;
    const value = report.field(`${field}.${label}`, text, item.value);
    if (value !== null) pairs.push([label, value]);
  }
  return pairs;
}

function tags(raw: unknown, report: DecodeReport): string[] {
  const result: string[] = [];
  for (const tag of objects(raw, report, 'colorTags')) {
    const desc = report.field('colorTags.desc', text, tag.desc);
    if (desc !== null && !result.includes(desc)) result.push(desc);
  }
  return result;
}

function photos(raw: unknown, report: DecodeReport): RawPhoto[] {
  const result: RawPhoto[] = [];
  for (const group of objects(raw, report, 'headPictures')) {
    const groupName = report.field('headPictures.groupName', text, group.groupName);
    for (const image of objects(group.imgObjectList, report, 'headPictures.imgObjectList')) {
      const url = report.field('headPictures.imgUrl', text, image.imgUrl);
      const imageGroup = report.field('headPictures.groupName', text, image.groupName) ?? groupName;
      if (url !== null && !result.some((p) => p.url === url)) result.push({ url, group: imageGroup });
    }
  }
  return result;
}

function agent(raw: unknown, report: DecodeReport): RawAgent | null {
  if (raw === undefined || raw === null) return null;
  const info = record.safeParse(raw);
  if (!info.success) {
    report.record('verificationInfo', 'expected an object');
    return null;
  }
  const ucid = report.field('verificationInfo.agentUcid', text, info.data.agentUcid);
  const name = report.field('verificationInfo.agentName', text, info.data.agentName);
  if (ucid === null || name === null) return null;
  const credentials: RawAgent['credentials'] = [];
  for (const group of objects(info.data.certificateInfo, report, 'certificateInfo')) {
    for (const cert of objects(group.list, report, 'certificateInfo.list')) {
      const certName = report.field('certificateInfo.name', text, cert.name);
      if (certName === null) continue;
      credentials.push({
        name: certName,
        number: report.field('certificateInfo.certCode', text, cert.certCode),
        imageUrl: report.field('certificateInfo.path', text, cert.path),
      });
    }
  }
  return {
    ucid,
    name,
    title: report.field('verificationInfo.title', text, info.data.title),
    credentials,
  };
}
