import { findDistrict } from '../domain/districts.js';
import type { FloorLevel } from '../domain/listing.js';

/** District and floor wordings, compared as places rather than as strings. */

export type Agreement = 'AGREE' | 'CONFLICT' | 'UNKNOWN';

const ENDING = /(新区|区|县|市)$/;

/**
 * 西湖区 and 西湖 are one district. Both are read through the domain's GB/T table; a wording the
 * table does not know is compared by its stem, so it can still disagree but never guesses a code.
 */
export function compareDistricts(cityId: string, a: string | null, b: string | null): Agreement {
  if (!a?.trim() || !b?.trim()) return 'UNKNOWN';
  const da = findDistrict(cityId, a);
  const db = findDistrict(cityId, b);
  if (da && db) return da.id === db.id ? 'AGREE' : 'CONFLICT';
  const stem = (s: string) => s.normalize('NFKC').replace(/\s+/g, '').replace(ENDING, '');
  return stem(a) === stem(b) ? 'AGREE' : 'CONFLICT';
}

/**
 * Sites bucket floors differently at the ends: one says 顶层 where the other says 高层, or 底层
 * where the other says 低层. Any other difference is another flat.
 */
const SAME_BAND: Partial<Record<FloorLevel, FloorLevel>> = {
  TOP: 'HIGH',
  HIGH: 'HIGH',
  BOTTOM: 'LOW',
  LOW: 'LOW',
};

export function compareFloorLevels(a: FloorLevel | null, b: FloorLevel | null): Agreement {
  if (a === null || b === null) return 'UNKNOWN';
  if (a === b) return 'AGREE';
  const band = (level: FloorLevel) => SAME_BAND[level] ?? level;
  return band(a) === band(b) ? 'AGREE' : 'CONFLICT';
}
