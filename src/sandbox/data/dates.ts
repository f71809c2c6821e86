import type { Rng } from '../random.js';
import { LISTING_AGE_DAYS, REFERENCE_DATE_MS } from './geography.js';

const DAY_MS = 86_400_000;
const CHINA_OFFSET_MS = 8 * 3_600_000;

/** A moment within the last ~2 years before the reference day, to the second. */
export function listingMoment(rng: Rng): number {
  return REFERENCE_DATE_MS - rng.int(0, LISTING_AGE_DAYS) * DAY_MS + rng.int(0, 86_399) * 1000;
}

/** "2024-11-05" in China time. */
export function chinaDate(ms: number): string {
  return new Date(ms + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/** "2026-10-08 09:12:00" in China time. */
export function chinaDateTime(ms: number): string {
  const iso = new Date(ms + CHINA_OFFSET_MS).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}
