import { pinyin } from 'pinyin-pro';

/**
 * Community names as the two sites write them: 远洋雅苑西区, 远洋雅苑(西区), 远洋 雅苑西区,
 * 远洋雅苑西区小区, 远洋雅园西区 (a homophone typed by an agent). A name is read into a core and an
 * optional part (西区, 二期, 3区): two names are the same place when their cores agree and their
 * parts do not contradict each other.
 */

export interface CommunityName {
  /** Full-width folded, lower case, without spaces, brackets, punctuation or a generic 小区 ending. */
  canonical: string;
  /** The canonical name without its part. */
  core: string;
  /** 西区, 2期, 3区…, numbers as digits; null when the name has none. */
  part: string | null;
}

export type NameAgreement = 'EXACT' | 'PART_ON_ONE_SIDE' | 'HOMOPHONE' | 'DIFFERENT_PART' | 'DIFFERENT';

export interface NameComparison {
  agreement: NameAgreement;
  /** 1 for the same canonical name, down to 0 for unrelated names. */
  score: number;
}

/** Words that say "residential compound" and nothing about which one. */
const GENERIC_ENDING = /(住宅小区|小区|社区|住宅区)$/;
/** A phase or section of a larger community. */
const PART_ENDING = /([东西南北中]区|[东西南北]院|[a-z]区|\d+[区期])$/;
const CHINESE_DIGITS: Record<string, string> = {
  一: '1',
  二: '2',
  三: '3',
  四: '4',
  五: '5',
  六: '6',
  七: '7',
  八: '8',
  九: '9',
  十: '10',
};

export function readCommunityName(name: string): CommunityName {
  const folded = withoutGenericEnding(
    name
      .normalize('NFKC')
      .toLowerCase()
      .replace(/[\s\p{P}\p{S}]+/gu, ''),
  );
  // 一期 / 二区 → 1期 / 2区, so that a phase written either way compares equal.
  const text = folded.replace(/([一二三四五六七八九十])([期区])$/u, (_, digit: string, unit: string) => {
    return `${CHINESE_DIGITS[digit]}${unit}`;
  });
  const part = text.match(PART_ENDING)?.[1] ?? null;
  // 龙湖小区南区 and 龙湖小区: the generic word can sit before the part too.
  const core = part ? withoutGenericEnding(text.slice(0, -part.length)) : text;
  if (!part || core === '') return { canonical: text, core: text, part: null };
  return { canonical: core + part, core, part };
}

function withoutGenericEnding(text: string): string {
  let rest = text;
  for (;;) {
    const shorter = rest.replace(GENERIC_ENDING, '');
    if (shorter === rest) return rest;
    rest = shorter;
  }
}

/** Per name read, so that comparing one listing with many spells its name once. */
const sounds = new WeakMap<CommunityName, string>();

function toneless(name: CommunityName): string {
  let sound = sounds.get(name);
  if (sound === undefined) {
    sound = pinyin(name.core, { toneType: 'none', type: 'array', nonZh: 'consecutive' }).join(' ');
    sounds.set(name, sound);
  }
  return sound;
}

export function compareNames(a: CommunityName, b: CommunityName): NameComparison {
  if (a.canonical === '' || b.canonical === '') return { agreement: 'DIFFERENT', score: 0 };
  if (a.canonical === b.canonical) return { agreement: 'EXACT', score: 1 };
  // 西区 against 东区 is another compound with its own buildings, whatever the core says.
  if (a.part !== null && b.part !== null && a.part !== b.part)
    return { agreement: 'DIFFERENT_PART', score: 0 };
  if (a.core === b.core) return { agreement: 'PART_ON_ONE_SIDE', score: 0.9 };
  // Same sound, other characters (嘉园 / 家园, 名苑 / 名园): the most common typing slip. Only
  // whole cores of the same length compare, so a shared root alone never agrees.
  if (a.core.length === b.core.length && a.core.length >= 3 && toneless(a) === toneless(b)) {
    return { agreement: 'HOMOPHONE', score: 0.8 };
  }
  return { agreement: 'DIFFERENT', score: 0 };
}
