import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * When each watch runs. With Redis, BullMQ job schedulers: one job per watch and interval, taken
 * by exactly one replica's worker, so a watch runs once per interval however many replicas there
 * are (bull-scheduler.ts, loaded only then). Without Redis, timers in this process.
 */
export interface WatchScheduler {
  /** Starts taking runs; `run` gets the watch id. */
  start(run: (watchId: string) => Promise<void>): Promise<void>;
  /** (Re)places the watch's schedule: first at `firstAt` (epoch ms), then every `everyMs`. */
  schedule(watchId: string, everyMs: number, firstAt: number): Promise<void>;
  /** Places a schedule only if the watch has none yet (at start-up). */
  ensure(watchId: string, everyMs: number, firstAt: number): Promise<void>;
  remove(watchId: string): Promise<void>;
  close(): Promise<void>;
}

export class TimerScheduler implements WatchScheduler {
  readonly #timers = new Map<string, NodeJS.Timeout>();
  /** Timers start in the context the scheduler was made in, not in that of the request that made the watch. */
  readonly #root = AsyncLocalStorage.snapshot();
  #run: ((watchId: string) => Promise<void>) | null = null;
  #closed = false;

  async start(run: (watchId: string) => Promise<void>): Promise<void> {
    this.#run = run;
  }

  async schedule(watchId: string, everyMs: number, firstAt: number): Promise<void> {
    await this.remove(watchId);
    if (this.#closed) return;
    const tick = (delay: number) => {
      const timer = setTimeout(() => {
        tick(everyMs);
        void this.#run?.(watchId);
      }, delay);
      timer.unref();
      this.#timers.set(watchId, timer);
    };
    this.#root(() => tick(Math.max(0, firstAt - Date.now())));
  }

  async ensure(watchId: string, everyMs: number, firstAt: number): Promise<void> {
    if (!this.#timers.has(watchId)) await this.schedule(watchId, everyMs, firstAt);
  }

  async remove(watchId: string): Promise<void> {
    clearTimeout(this.#timers.get(watchId));
    this.#timers.delete(watchId);
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }
}
