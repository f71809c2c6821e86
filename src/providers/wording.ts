import { findDistrict } from '../domain/districts.js';
import type { Decoration, FloorLevel, Layout, Orientation } from '../domain/listing.js';
import { BoundedMemo } from '../domain/memo.js';
import type { DecodeReport } from './decode.js';

/**
 * Parsers for the Chinese wording both providers use. Pure functions: each adapter calls them
 * from its own normaliser so that "南北" or "顶层(共4层)" mean the same whoever says it.
 */

export const YUAN_PER_WAN = 10_000;

/** 万 → yuan without float noise (235.5万 → 2355000, not 2354999.9999). */
export function wanToYuan(wan: number): number {
  return Math.round(wan * YUAN_PER_WAN * 100) / 100;
}

export function yuanToWan(yuan: number): number {
  return yuan / YUAN_PER_WAN;
}

const COMPOUND: Record<string, Orientation> = {
  东南: 'SOUTHEAST',
  西南: 'SOUTHWEST',
  东北: 'NORTHEAST',
  西北: 'NORTHWEST',
};
const SINGLE: Record<string, Orientation> = { 东: 'EAST', 南: 'SOUTH', 西: 'WEST', 北: 'NORTH' };

/**
 * "南" → [SOUTH]; "东南" → [SOUTHEAST]; "南北" (通透, windows both ways) → [SOUTH, NORTH];
 * "南 北", "南/北", "东南 西北" → each part. Two-character words that are not a compass point
 * (南北, 东西) are read as two directions.
 */
export function parseOrientations(text: string | null | undefined): Orientation[] {
  if (!text) return [];
  // A handful of wordings recur on every listing: each is parsed once (a copy goes out).
  return [...ORIENTATIONS_READ.get(text, () => readOrientations(text))];
}
const ORIENTATIONS_READ = new BoundedMemo<readonly Orientation[]>(1_000);

function readOrientations(text: string): Orientation[] {
  const result: Orientation[] = [];
  const add = (o: Orientation) => {
    if (!result.includes(o)) result.push(o);
  };
  for (const word of text.split(/[\s/,，、|]+/)) {
    let rest = word.replace(/朝|向/g, '');
    while (rest.length > 0) {
      const compound = COMPOUND[rest.slice(0, 2)];
      if (compound) {
        add(compound);
        rest = rest.slice(2);
        continue;
      }
      const single = SINGLE[rest[0] ?? ''];
      if (single) add(single);
      rest = rest.slice(1);
    }
  }
  return result;
}

const LEVEL_WORDS: [RegExp, FloorLevel][] = [
  [/地下|负/, 'BASEMENT'],
  [/顶层/, 'TOP'],
  [/底层/, 'BOTTOM'],
  [/高(楼)?层/, 'HIGH'],
  [/中(楼)?层/, 'MIDDLE'],
  [/低(楼)?层/, 'LOW'],
];

export interface ParsedFloor {
  level: FloorLevel | null;
  total: number | null;
}

/** "顶层(共4层)", "顶层/4层", "中层/共18层", "中楼层(共18层)", "低楼层 (共6层)", "3/18层". */
export function parseFloor(text: string | null | undefined): ParsedFloor {
  if (!text) return { level: null, total: null };
  let level: FloorLevel | null = null;
  for (const [pattern, value] of LEVEL_WORDS) {
    if (pattern.test(text)) {
      level = value;
      break;
    }
  }
  const totalMatch = text.match(/共\s*(\d+)\s*层/) ?? text.match(/\/\s*(\d+)\s*层/);
  const total = totalMatch ? Number(totalMatch[1]) : null;
  if (level === null) {
    const numbered = text.match(/^\s*(-?\d+)\s*\/\s*(\d+)/);
    if (numbered) level = levelFromNumber(Number(numbered[1]), Number(numbered[2]));
  }
  return { level, total };
}

function levelFromNumber(floor: number, total: number): FloorLevel {
  if (floor < 0) return 'BASEMENT';
  if (floor >= total) return 'TOP';
  if (floor <= 1) return 'BOTTOM';
  const ratio = floor / total;
  if (ratio <= 1 / 3) return 'LOW';
  if (ratio <= 2 / 3) return 'MIDDLE';
  return 'HIGH';
}

const DECORATION_WORDS: [RegExp, Decoration][] = [
  [/精装|豪装|full/i, 'FULL'],
  [/简装|中装|half|simple/i, 'SIMPLE'],
  [/毛坯|none|rough/i, 'ROUGH'],
];

export function parseDecoration(text: string | null | undefined): Decoration | null {
  if (!text) return null;
  for (const [pattern, value] of DECORATION_WORDS) if (pattern.test(text)) return value;
  return null;
}

/** "3室2厅1卫" → bedrooms 3, livingRooms 2, bathrooms 1; missing parts stay null. */
export function parseLayout(text: string | null | undefined): Layout | null {
  if (!text) return null;
  const count = (pattern: RegExp) => {
    const m = text.match(pattern);
    return m ? Number(m[1]) : null;
  };
  const bedrooms = count(/(\d+)\s*(室|房)/);
  const livingRooms = count(/(\d+)\s*厅/);
  const bathrooms = count(/(\d+)\s*卫/);
  if (bedrooms === null && livingRooms === null && bathrooms === null) return null;
  return { bedrooms, livingRooms, bathrooms, text: text.trim() };
}

/** "2003年建成", "2003", 2003 → 2003 when plausible. */
export function parseYear(value: string | number | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  const m = String(value).match(/(1[89]\d\d|20\d\d)/);
  return m ? Number(m[1]) : null;
}

/**
 * "2024.11.05", "2024-11-05", "2024/11/5", "2026-10-08 09:12:00", "2024年11月5日" → "2024-11-05".
 * Returns null for anything that is not a real calendar date.
 */
export function parseDate(text: string | null | undefined): string | null {
  if (!text) return null;
  const m = text.match(/(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})/);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return null;
  }
  return date.toISOString().slice(0, 10);
}

/** "有" → true, "无" → false; anything else unknown. */
export function parseElevator(text: string | null | undefined): boolean | null {
  if (!text) return null;
  if (/^\s*(有|是|yes|true|1)/i.test(text)) return true;
  if (/^\s*(无|没有|否|no|false|0)/i.test(text)) return false;
  return null;
}

/** Label of a label/value pair without its ASCII or full-width colon: "挂牌：" → "挂牌". */
export function cleanLabel(label: string): string {
  return label.replace(/[:：]\s*$/, '').trim();
}

/**
 * "双裕花园西区 (顺义区-后沙峪)" → name 双裕花园西区, district 顺义区, subdistrict 后沙峪.
 * Full-width brackets are accepted too.
 */
export function parseCommunityText(text: string): {
  name: string;
  district: string | null;
  subdistrict: string | null;
} {
  const m = text.match(/^(.*?)\s*[(（]\s*([^)）]*?)\s*[)）]\s*$/);
  if (!m) return { name: text.trim(), district: null, subdistrict: null };
  const [district, subdistrict] = (m[2] ?? '').split(/\s*[-–—]\s*/);
  return { name: (m[1] ?? '').trim(), district: district || null, subdistrict: subdistrict || null };
}

/**
 * The GB/T 2260 code of a provider's district wording (顺义区, 顺义) in a city. Wording that names no
 * district of the city is null and recorded as drift on `field`, never guessed.
 */
export function districtIdOf(
  cityId: string | null,
  wording: string | null,
  report: DecodeReport | undefined,
  field = 'district',
): string | null {
  if (!wording?.trim()) return null;
  const district = cityId ? findDistrict(cityId, wording) : undefined;
  if (!district) report?.record(field, 'matches no district of the city');
  return district?.id ?? null;
}
