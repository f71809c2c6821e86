/**
 * The provider's own limits, when a test asks for them: a sliding one-second window and a
 * calendar-day quota (China time, as both vendors count).
 */
export type LimitVerdict = 'ok' | 'rate' | 'quota';

const CHINA_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

export class CallLimits {
  private readonly recent: number[] = [];
  private day = -1;
  private usedToday = 0;

  constructor(
    private readonly perSecond: number | undefined,
    private readonly perDay: number | undefined,
  ) {}

  /** Counts the call when it is let through. Refused calls are not billed by either vendor. */
  check(now = Date.now()): LimitVerdict {
    const day = Math.floor((now + CHINA_OFFSET_MS) / DAY_MS);
    if (day !== this.day) {
      this.day = day;
      this.usedToday = 0;
    }
    if (this.perDay !== undefined && this.usedToday >= this.perDay) return 'quota';
    if (this.perSecond !== undefined) {
      while (this.recent.length > 0 && this.recent[0]! <= now - 1000) this.recent.shift();
      if (this.recent.length >= this.perSecond) return 'rate';
      this.recent.push(now);
    }
    this.usedToday++;
    return 'ok';
  }
}
