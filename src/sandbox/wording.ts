import type { Amenity, Decoration } from '../domain/listing.js';

/** The Chinese words both simulated sites print for the model's enums. */

export const DECORATION_TEXT: Record<Decoration, string> = { FULL: '精装', SIMPLE: '简装', ROUGH: '毛坯' };

export const FANG_SUPPORT_TEXT: Record<Amenity, string> = {
  METRO: '地铁房',
  SCHOOL: '学区房',
  HOSPITAL: '近医院',
};

/** 2350000 → "235"; 2355000 → "235.5". */
export function wanText(yuan: number): string {
  return String(Number((yuan / 10_000).toFixed(2)));
}

export function layoutText(bedrooms: number, halls: number): string {
  return `${bedrooms}室${halls}厅`;
}
