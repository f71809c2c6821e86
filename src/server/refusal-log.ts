import type { Logger } from '../logger.js';
import { currentRequestScope } from './request-scope.js';

/**
 * Refusals (no key, over a rate, shed, wrong content type) are what a flood is made of, so they
 * are logged in aggregate: the first of each reason in a window is written with its fields, the
 * rest are counted and summed up in one line when the window ends. The request's own access line
 * drops to debug (see request-log.ts), so a refused request costs no line of its own.
 */
export class RefusalLog {
  readonly #counts = new Map<string, number>();
  #timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly logger: Logger,
    private readonly windowMs = 10_000,
  ) {}

  note(reason: string, fields: Record<string, unknown>, message: string): void {
    const scope = currentRequestScope();
    if (scope) scope.refusal = reason;
    const seen = this.#counts.get(reason);
    if (seen === undefined) {
      this.logger.warn({ ...fields, refusal: reason }, message);
      this.#counts.set(reason, 0);
    } else {
      this.#counts.set(reason, seen + 1);
    }
    this.#timer ??= setTimeout(() => this.flush(), this.windowMs).unref();
  }

  /** Writes one line per reason refused more than once in this window, and starts a new one. */
  flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    for (const [reason, more] of this.#counts) {
      if (more > 0)
        this.logger.warn({ refusal: reason, count: more, windowMs: this.windowMs }, 'more refusals');
    }
    this.#counts.clear();
  }
}
