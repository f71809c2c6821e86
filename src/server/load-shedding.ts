import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * Event-loop lag, sampled: Node's own delay histogram (libuv timer drift, resolution 10 ms) is
 * read and reset every `sampleMs`; the lag is the worst delay seen in the last window. Also kept:
 * the worst window since start, for the bench.
 */
export class EventLoopLag {
  readonly #histogram: IntervalHistogram;
  readonly #timer: NodeJS.Timeout;
  #lagMs = 0;
  #maxMs = 0;

  constructor(sampleMs = 100) {
    this.#histogram = monitorEventLoopDelay({ resolution: 10 });
    this.#histogram.enable();
    this.#timer = setInterval(() => this.#sample(), sampleMs).unref();
  }

  /** Worst delay in the last window, in milliseconds (0 when the loop kept up). */
  get lagMs(): number {
    return this.#lagMs;
  }

  /** Worst window since start. */
  get maxMs(): number {
    return this.#maxMs;
  }

  #sample(): void {
    // The histogram counts the sampling resolution itself; take it off so an idle loop reads 0.
    const worst = Math.max(0, this.#histogram.max / 1e6 - 10);
    this.#histogram.reset();
    this.#lagMs = worst;
    if (worst > this.#maxMs) this.#maxMs = worst;
  }

  close(): void {
    clearInterval(this.#timer);
    this.#histogram.disable();
  }
}
