import { Counter, Gauge, type Registry } from 'prom-client';
import type { Logger } from '../../logger.js';
import type { ListingProvider } from '../../providers/provider.js';
import { type Database, describe, type Engine, openDatabase } from './database.js';
import type { Observation } from './observation.js';
import { ObservingProvider } from './observing-provider.js';
import { type DropReason, ObservationQueue } from './queue.js';
import {
  type HistoryKey,
  type ListingHistory,
  type RecordedListing,
  readHistories,
  readRecorded,
} from './reader.js';
import { scheduleRetention } from './retention.js';
import { pruneChanges, writeObservations } from './writer.js';

export type { Engine } from './database.js';
export type { ListingFacts } from './observation.js';
export type { HistoryKey, ListingHistory, PriceChange, PricePoint, RecordedListing } from './reader.js';

const DAY_MS = 86_400_000;

export interface HistoryStoreOptions {
  /** postgres://… selects PostgreSQL; otherwise PGlite under `dataDir` ('memory': nothing on disk). */
  databaseUrl?: string | undefined;
  dataDir: string;
  retentionDays: number;
  logger: Logger;
  /** The clock observations are stamped with (the sandbox's simulated one, in sandbox mode). */
  now?: () => number;
  /** Where the store's Prometheus series go; absent: none. */
  registry?: Registry | undefined;
  queue?: { capacity?: number; batchSize?: number; intervalMs?: number };
  /** How often retention runs; default every 6 hours (and once shortly after start). */
  pruneEveryMs?: number;
}

export interface HistoryCounts {
  written: number;
  dropped: Record<DropReason, number>;
}

/**
 * The listing history: observations in, histories out. Owned by app.ts, which opens it before the
 * providers and closes it after them, so that the last observations are written.
 */
export class HistoryStore {
  readonly counts: HistoryCounts = { written: 0, dropped: { full: 0, error: 0, closed: 0 } };
  readonly now: () => number;
  private readonly queue: ObservationQueue;
  private readonly stopPruning: () => void;
  private lastDropLog = 0;
  private unlogged = 0;
  private closing: Promise<void> | null = null;

  private constructor(
    private readonly database: Database,
    private readonly options: HistoryStoreOptions,
  ) {
    this.now = options.now ?? Date.now;
    const metrics = options.registry ? createMetrics(options.registry, () => this.queue.size) : null;
    this.queue = new ObservationQueue({
      ...options.queue,
      write: (batch) => writeObservations(database.db, batch),
      onWritten: (count) => {
        this.counts.written += count;
        metrics?.written.inc(count);
      },
      onDrop: (count, reason, error) => {
        this.counts.dropped[reason] += count;
        metrics?.dropped.inc({ reason }, count);
        this.logDrop(count, reason, error);
      },
    });
    this.stopPruning = scheduleRetention(() => void this.prune().catch(() => {}), options.pruneEveryMs);
  }

  static async open(options: HistoryStoreOptions): Promise<HistoryStore> {
    const database = await openDatabase({
      url: options.databaseUrl,
      dataDir: options.dataDir,
      onIdleError: (error) =>
        options.logger.warn({ err: { message: describe(error) } }, 'history database connection lost'),
    });
    return new HistoryStore(database, options);
  }

  get engine(): Engine {
    return this.database.engine;
  }

  /** For the market statistics, which read the same tables. */
  get db() {
    return this.database.db;
  }

  get queued(): number {
    return this.queue.size;
  }

  /** Wraps a provider so that everything it reads is observed. */
  observe(provider: ListingProvider): ListingProvider {
    return new ObservingProvider(provider, (observations) => this.offer(observations), this.now);
  }

  offer(observations: readonly Observation[]): void {
    this.queue.offer(observations);
  }

  /** Waits until everything offered so far is written (or dropped). */
  flush(): Promise<void> {
    return this.queue.flush();
  }

  async histories(keys: readonly HistoryKey[]): Promise<Map<string, ListingHistory>> {
    return readHistories(this.database.db, keys);
  }

  /** The last sighting of a listing, for one a provider no longer has; null when never seen. */
  recorded(key: HistoryKey): Promise<RecordedListing | null> {
    return readRecorded(this.database.db, key);
  }

  /** Deletes change rows older than HISTORY_RETENTION_DAYS (each listing keeps its last one before). */
  async prune(at = this.now()): Promise<number> {
    if (this.closing) return 0;
    const before = new Date(at - this.options.retentionDays * DAY_MS);
    try {
      const deleted = await pruneChanges(this.database.db, before);
      if (deleted > 0) this.options.logger.info({ deleted, before }, 'history retention pruned change rows');
      return deleted;
    } catch (error) {
      this.options.logger.warn({ err: { message: describe(error) } }, 'history retention failed');
      throw error;
    }
  }

  /** Writes what is queued (for up to `deadlineMs`), then closes the engine cleanly. */
  close(deadlineMs = 5_000): Promise<void> {
    this.closing ??= (async () => {
      this.stopPruning();
      await this.queue.close(deadlineMs);
      await this.database.close();
    })();
    return this.closing;
  }

  /** At most one line per 10 s, with the count since the last one: a dead database must not flood logs. */
  private logDrop(count: number, reason: DropReason, error: unknown): void {
    this.unlogged += count;
    const at = Date.now();
    if (at - this.lastDropLog < 10_000) return;
    this.lastDropLog = at;
    this.options.logger.warn(
      {
        dropped: this.unlogged,
        reason,
        ...(error ? { err: { message: describe(error) } } : {}),
      },
      'history observations dropped',
    );
    this.unlogged = 0;
  }
}

function createMetrics(registry: Registry, queued: () => number) {
  const prefix = 'listing_graph_history_';
  new Gauge({
    name: `${prefix}queue_size`,
    help: 'Observations waiting to be written to the history store.',
    registers: [registry],
    collect() {
      this.set(queued());
    },
  });
  return {
    written: new Counter({
      name: `${prefix}observations_written_total`,
      help: 'Observations written to the history store.',
      registers: [registry],
    }),
    dropped: new Counter({
      name: `${prefix}observations_dropped_total`,
      help: 'Observations dropped: the queue was full (full), the database failed (error), or at shutdown (closed).',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
  };
}
