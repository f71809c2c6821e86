/** Both providers count their daily quotas by the calendar day in China (UTC+8, no DST). */
const CHINA_OFFSET_MS = 8 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

export function chinaDayNumber(nowMs: number): number {
  return Math.floor((nowMs + CHINA_OFFSET_MS) / DAY_MS);
}

export function msUntilNextChinaMidnight(nowMs: number): number {
  return (chinaDayNumber(nowMs) + 1) * DAY_MS - CHINA_OFFSET_MS - nowMs;
}

/** Attempts allowed per China calendar day; the count starts over at UTC+8 midnight. */
export class DailyBudget {
  readonly limit: number;
  #day = Number.NaN;
  #used = 0;

  constructor(limit: number) {
    if (!(Number.isInteger(limit) && limit >= 0)) throw new RangeError('dailyBudget must be an integer >= 0');
    this.limit = limit;
  }

  remaining(nowMs: number): number {
    this.#roll(nowMs);
    return this.limit - this.#used;
  }

  tryConsume(nowMs: number): boolean {
    if (this.remaining(nowMs) <= 0) return false;
    this.#used += 1;
    return true;
  }

  #roll(nowMs: number): void {
    const day = chinaDayNumber(nowMs);
    if (day !== this.#day) {
      this.#day = day;
      this.#used = 0;
    }
  }
}
