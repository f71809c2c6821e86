import { AsyncLocalStorage } from 'node:async_hooks';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';

/**
 * When each watch runs. With Redis, BullMQ job schedulers: one job per watch and interval, taken
 * by exactly one replica's worker, so a watch runs once per interval however many replicas there
 * are. Without Redis, timers in this process.
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

const QUEUE = 'watch-runs';

export class BullScheduler implements WatchScheduler {
  readonly #connection: Redis;
  readonly #queue: Queue;
  readonly #prefix: string;
  #worker: Worker | null = null;

  constructor(
    redis: { url: string; keyPrefix: string },
    private readonly logger: Logger,
  ) {
    // BullMQ's blocking commands need no per-request retry limit (its own documented setting).
    this.#connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    this.#connection.on('error', () => undefined);
    this.#prefix = `${redis.keyPrefix}bull`;
    this.#queue = new Queue(QUEUE, { connection: this.#connection, prefix: this.#prefix });
    this.#queue.on('error', () => undefined);
  }

  async start(run: (watchId: string) => Promise<void>): Promise<void> {
    this.#worker = new Worker<{ watchId: string }>(QUEUE, async (job) => run(job.data.watchId), {
      connection: this.#connection,
      prefix: this.#prefix,
      concurrency: 4,
    });
    this.#worker.on('error', (error) =>
      this.logger.warn({ err: { message: error.message } }, 'watch scheduler: worker error'),
    );
  }

  async schedule(watchId: string, everyMs: number, firstAt: number): Promise<void> {
    await this.#queue.upsertJobScheduler(
      watchId,
      { every: everyMs, startDate: new Date(firstAt) },
      {
        name: 'run',
        data: { watchId },
        opts: { removeOnComplete: true, removeOnFail: 100 },
      },
    );
  }

  async ensure(watchId: string, everyMs: number, firstAt: number): Promise<void> {
    if (!(await this.#queue.getJobScheduler(watchId))) await this.schedule(watchId, everyMs, firstAt);
  }

  async remove(watchId: string): Promise<void> {
    await this.#queue.removeJobScheduler(watchId);
  }

  async close(): Promise<void> {
    await this.#worker?.close();
    await this.#queue.close();
    this.#connection.disconnect();
  }
}
