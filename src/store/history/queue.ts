import type { Observation } from './observation.js';

export type DropReason = 'full' | 'error' | 'closed';

export interface QueueOptions {
  write: (batch: Observation[]) => Promise<void>;
  /** Observations held at most; beyond, new ones are dropped. */
  capacity?: number;
  batchSize?: number;
  intervalMs?: number;
  onWritten?: (count: number) => void;
  onDrop?: (count: number, reason: DropReason, error?: unknown) => void;
}

/**
 * The one way observations reach the database, off the request path: `offer` never waits and
 * never throws; a single writer drains batches in the background. When the queue is full or a
 * write fails (the database is down), observations are dropped and reported, never retried into
 * an unbounded backlog.
 */
export class ObservationQueue {
  private readonly items: Observation[] = [];
  private readonly capacity: number;
  private readonly batchSize: number;
  private readonly timer: NodeJS.Timeout;
  private running: Promise<void> | null = null;
  private closed = false;

  constructor(private readonly options: QueueOptions) {
    this.capacity = options.capacity ?? 20_000;
    this.batchSize = options.batchSize ?? 250;
    this.timer = setInterval(() => void this.drain(), options.intervalMs ?? 200);
    this.timer.unref();
  }

  get size(): number {
    return this.items.length;
  }

  offer(observations: readonly Observation[]): void {
    if (observations.length === 0) return;
    if (this.closed) {
      this.options.onDrop?.(observations.length, 'closed');
      return;
    }
    const room = Math.max(0, this.capacity - this.items.length);
    if (room > 0) this.items.push(...observations.slice(0, room));
    if (observations.length > room) this.options.onDrop?.(observations.length - room, 'full');
    if (this.items.length >= this.batchSize) void this.drain();
  }

  /** Writes everything offered so far (tests, collect, shutdown). */
  async flush(): Promise<void> {
    while (this.items.length > 0 || this.running) await this.drain();
  }

  /** Stops taking observations, writes what is held for up to `deadlineMs`, drops the rest. */
  async close(deadlineMs = 5_000): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    let timeout: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timeout = setTimeout(() => resolve('late'), deadlineMs);
    });
    const outcome = await Promise.race([this.flush().then(() => 'done' as const), late]);
    clearTimeout(timeout);
    if (outcome === 'late') {
      const left = this.items.splice(0);
      if (left.length > 0) this.options.onDrop?.(left.length, 'closed');
      await this.running;
    }
  }

  private drain(): Promise<void> {
    this.running ??= this.loop().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async loop(): Promise<void> {
    while (this.items.length > 0) {
      const batch = this.items.splice(0, this.batchSize);
      try {
        await this.options.write(batch);
        this.options.onWritten?.(batch.length);
      } catch (error) {
        this.options.onDrop?.(batch.length, 'error', error);
      }
    }
  }
}
