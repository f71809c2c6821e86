import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import { redisClient } from '../state/ioredis.js';
import type { WatchScheduler } from './scheduler.js';

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
    this.#connection = redisClient(redis.url, { maxRetriesPerRequest: null });
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
