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
 * | `rs<keyword>`      | keyword (percent-decoded once more if it still is encoded)      |
 *
 * No sort token = the provider's relevance order. Tokens may come in any order before the
 * keyword. Anything else, or a repeated range or sort token, is invalid.
 */

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
    if (bedrooms) {
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
