import { findDistrict } from '../../domain/districts.js';
import type { Decoration } from '../../domain/listing.js';

/**
 * Beike's `condition` filter grammar as this sandbox understands it: tokens concatenated without
 * separators, the keyword token last (it takes the rest of the string).
 *
 * | token              | meaning                                                        |
 * |--------------------|----------------------------------------------------------------|
 * | `l1`..`l5`         | exactly that many bedrooms; several tokens = any of them       |
 * | `l6`               | five bedrooms or more                                          |
 * | `bp<min>ep<max>`   | total price in 万, bounds inclusive, decimals ok; an empty side |
 * |                    | is open (`bp300ep` = 300万 or more, `bpep500` = up to 500万)     |
 * | `ba<min>ea<max>`   | area in m², same rules                                          |
 * | `mw1`              | held over five years (tag 满五年)                                |
 * | `de1`/`de2`/`de3`  | fine (精装) / ordinary (简装) / bare (毛坯) decoration           |
 * | `su1`              | near a metro                                                    |
 * | `ie2` / `ie1`      | has a lift / has none                                           |
 * | `co32`             | newest first                                                    |
 * | `co21` / `co22`    | total price ascending / descending                              |
 * | `co41` / `co42`    | unit price ascending / descending                               |
 * | `co11` / `co12`    | area ascending / descending                                     |
 * | `d<id>[b<id>]`     | district by Beike's own district id (BEIKE_DISTRICT_IDS), the   |
 * |                    | bizcircle part accepted and not used; once at most              |
 * | `rs<keyword>`      | keyword (percent-decoded once more if it still is encoded)      |
 *
 * No sort token = the provider's relevance order. Tokens may come in any order before the
 * keyword. Anything else, or a repeated range or sort token, is invalid.
 */

/**
 * The simulated Beike's own district ids, by GB/T code, for the districts the sandbox generates:
 * Beijing's as public code lists them, the others GB/T-like as assumed for Shanghai (the gateway's
 * table, src/providers/beike/params.ts, is checked against this one by a test).
 */
export const BEIKE_DISTRICT_IDS: Readonly<Record<string, string>> = {
  '110101': '23008614',
  '110102': '23008626',
  '110105': '23008613',
  '110106': '23008617',
  '110108': '23008618',
  '110112': '23008625',
  '110113': '23008624',
  '110114': '23008611',
  ...Object.fromEntries(
    ['310115', '310104', '310106', '310105', '310112', '310110', '310107']
      .concat(['440106', '440104', '440105', '440113', '440111', '440112'])
      .concat(['440305', '440304', '440303', '440306', '440307', '440309'])
      .concat(['330106', '330102', '330105', '330108', '330110', '330109'])
      .concat(['510104', '510107', '510105', '510108', '510106', '510116'])
      .map((code) => [code, code]),
  ),
};

/** Beike's district id of a district the sandbox words as 朝阳区 in a city; '' for none. */
export function beikeDistrictId(cityId: string, districtFull: string): string {
  const code = findDistrict(cityId, districtFull)?.id;
  return (code && BEIKE_DISTRICT_IDS[code]) ?? '';
}

const DECORATIONS = { '1': 'FULL', '2': 'SIMPLE', '3': 'ROUGH' } as const satisfies Record<
  string,
  Decoration
>;

export type BeikeSort = 'co32' | 'co21' | 'co22' | 'co41' | 'co42' | 'co11' | 'co12';
const SORTS: readonly string[] = ['co32', 'co21', 'co22', 'co41', 'co42', 'co11', 'co12'];

export interface BeikeCondition {
  /** Bedroom tokens 1..6, sorted, unique. */
  bedrooms: number[];
  priceWan: [number, number] | null;
  area: [number, number] | null;
  overFiveYears: boolean;
  decorations: Decoration[];
  nearMetro: boolean;
  elevator: boolean | null;
  sort: BeikeSort | null;
  /** Beike's own district id (`d<id>`). */
  district: string | null;
  keyword: string | null;
}

export type ParsedCondition = { ok: true; condition: BeikeCondition } | { ok: false; reason: string };

const NUMBER = String.raw`(\d+(?:\.\d+)?)?`;
const PRICE = new RegExp(`^bp${NUMBER}ep${NUMBER}`);
const AREA = new RegExp(`^ba${NUMBER}ea${NUMBER}`);

export function parseCondition(text: string): ParsedCondition {
  const condition: BeikeCondition = {
    bedrooms: [],
    priceWan: null,
    area: null,
    overFiveYears: false,
    decorations: [],
    nearMetro: false,
    elevator: null,
    sort: null,
    district: null,
    keyword: null,
  };
  let rest = text;
  while (rest.length > 0) {
    if (rest.startsWith('rs')) {
      const keyword = decodeOnce(rest.slice(2)).trim();
      condition.keyword = keyword === '' ? null : keyword;
      break;
    }
    const bedrooms = /^l([1-6])/.exec(rest);
    const price = PRICE.exec(rest);
    const area = AREA.exec(rest);
    const sort = /^co\d\d/.exec(rest);
    const region = /^d(\d+)(?:b(\d+))?/.exec(rest);
    if (region) {
      if (condition.district) return invalid('district given twice');
      condition.district = region[1] ?? null;
      rest = rest.slice(region[0].length);
    } else if (bedrooms) {
      const n = Number(bedrooms[1]);
      if (!condition.bedrooms.includes(n)) condition.bedrooms.push(n);
      rest = rest.slice(bedrooms[0].length);
    } else if (price) {
      if (condition.priceWan) return invalid('price range given twice');
      condition.priceWan = bounds(price);
      rest = rest.slice(price[0].length);
    } else if (area) {
      if (condition.area) return invalid('area range given twice');
      condition.area = bounds(area);
      rest = rest.slice(area[0].length);
    } else if (rest.startsWith('mw1')) {
      condition.overFiveYears = true;
      rest = rest.slice(3);
    } else if (/^de[123]/.test(rest)) {
      const decoration = DECORATIONS[rest[2] as '1' | '2' | '3'];
      if (!condition.decorations.includes(decoration)) condition.decorations.push(decoration);
      rest = rest.slice(3);
    } else if (rest.startsWith('su1')) {
      condition.nearMetro = true;
      rest = rest.slice(3);
    } else if (/^ie[12]/.test(rest)) {
      const elevator = rest[2] === '2';
      if (condition.elevator !== null && condition.elevator !== elevator)
        return invalid('ie1 and ie2 together');
      condition.elevator = elevator;
      rest = rest.slice(3);
    } else if (sort && SORTS.includes(sort[0])) {
      if (condition.sort) return invalid('sort given twice');
      condition.sort = sort[0] as BeikeSort;
      rest = rest.slice(4);
    } else {
      return invalid(`unknown condition token at "${rest.slice(0, 12)}"`);
    }
  }
  condition.bedrooms.sort((a, b) => a - b);
  return { ok: true, condition };
}

function bounds(match: RegExpExecArray): [number, number] {
  return [match[1] ? Number(match[1]) : 0, match[2] ? Number(match[2]) : Number.POSITIVE_INFINITY];
}

function invalid(reason: string): ParsedCondition {
  return { ok: false, reason };
}

/** Beike app URLs carry the keyword percent-encoded; a client may or may not have decoded it. */
function decodeOnce(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
