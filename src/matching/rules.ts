/**
 * The thresholds of a match, in one place. Chosen for precision first (see the README's
 * "Duplicates across providers" and the sandbox's ground truth, which measures them).
 */

/** Areas agree within this many m², or this share of the larger area, whichever is more. */
export const AREA_TOLERANCE_M2 = 1;
export const AREA_TOLERANCE_SHARE = 0.01;

/** Asking prices agree when the higher is at most this share above the lower. */
export const PRICE_BAND = 0.05;

/** A match needs at least this name score (see names.ts: part on one side only is 0.9, a homophone 0.8). */
export const MIN_NAME_SCORE = 0.8;

/** How much each agreeing field adds to a match's score (they add up to 1). */
export const WEIGHTS = {
  name: 0.3,
  area: 0.2,
  price: 0.2,
  layout: 0.1,
  floor: 0.1,
  district: 0.1,
} as const;
