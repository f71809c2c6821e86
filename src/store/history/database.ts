import { mkdirSync } from 'node:fs';
import { Kysely, PGliteDialect, PostgresDialect } from 'kysely';
import { Migrator } from 'kysely/migration';
import { migrationProvider } from './migrations/index.js';
import type { HistoryDatabase } from './schema.js';

export type Engine = 'pglite' | 'postgres';

export interface DatabaseOptions {
  /** postgres://… selects PostgreSQL; otherwise PGlite. */
  url?: string | undefined;
  /** PGlite's directory; 'memory' keeps nothing on disk. */
  dataDir: string;
  /** Called for errors of idle pooled connections (the server went away), which would otherwise crash. */
  onIdleError?: (error: Error) => void;
}

export interface Database {
  readonly engine: Engine;
  readonly db: Kysely<HistoryDatabase>;
  /** Idempotent. PGlite must be closed cleanly: an unclean close can corrupt its files. */
  close(): Promise<void>;
}

/**
 * Opens the engine and brings its schema up to date. Kysely's migrator takes a PostgreSQL advisory
 * lock around the run, so replicas starting together migrate once; PGlite has one connection,
 * which Kysely's dialect and PGlite's own lock (on its thread) serialise.
 */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const { engine, db } = options.url ? await openPostgres(options) : await openPglite(options.dataDir);
  try {
    await migrate(db);
  } catch (error) {
    await db.destroy().catch(() => {});
    throw error;
  }
  let closed: Promise<void> | null = null;
  return {
    engine,
    db,
    close() {
      closed ??= db.destroy();
      return closed;
    },
  };
}

export async function migrate(db: Kysely<HistoryDatabase>): Promise<void> {
  const { error, results } = await new Migrator({ db, provider: migrationProvider }).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(`database migration ${failed ?? ''} failed: ${describe(error)}`, { cause: error });
  }
}

// PGlite runs on a thread of its own (pglite-thread.ts): its statements never block the event loop.
async function openPglite(dataDir: string): Promise<{ engine: Engine; db: Kysely<HistoryDatabase> }> {
  const { PgliteThread } = await import('./pglite-thread.js');
  if (dataDir !== 'memory') mkdirSync(dataDir, { recursive: true });
  const pglite = () => new PgliteThread(dataDir);
  return { engine: 'pglite', db: new Kysely<HistoryDatabase>({ dialect: new PGliteDialect({ pglite }) }) };
}

async function openPostgres(
  options: DatabaseOptions,
): Promise<{ engine: Engine; db: Kysely<HistoryDatabase> }> {
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({
    connectionString: options.url,
    max: 8,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    // A write stuck on a lock or a dying server gives up instead of holding the queue.
    statement_timeout: 30_000,
  });
  pool.on('error', (error) => options.onIdleError?.(error));
  return { engine: 'postgres', db: new Kysely<HistoryDatabase>({ dialect: new PostgresDialect({ pool }) }) };
}

/** A connection string carries a password: error messages name the failure, never the URL. */
export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
