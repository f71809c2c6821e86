import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/**
 * The engines a store suite runs against: PGlite always; PostgreSQL when one answers on
 * 127.0.0.1:5432 (or TEST_POSTGRES_URL). Each PostgreSQL test gets its own database, dropped
 * after. With REQUIRE_POSTGRES=1 (CI) an unreachable PostgreSQL fails the run instead of skipping.
 */

const ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function reachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

export const POSTGRES_AVAILABLE = await reachable();
if (!POSTGRES_AVAILABLE) {
  if (process.env.REQUIRE_POSTGRES === '1') {
    throw new Error(
      `REQUIRE_POSTGRES=1 but PostgreSQL does not answer at ${ADMIN_URL.replace(/\/\/[^@]*@/, '//')}`,
    );
  }
}

let warned = false;
/** One line, once per file, when the PostgreSQL run is skipped. */
export function noteSkippedPostgres(): void {
  if (POSTGRES_AVAILABLE || warned) return;
  warned = true;
  console.warn('PostgreSQL not reachable on 127.0.0.1:5432: skipping the PostgreSQL run of the store tests');
}

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function createDatabase(): Promise<TestDatabase> {
  const name = `lg_test_${Date.now()}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: ADMIN_URL });
      await client.connect();
      try {
        await client.query(`drop database if exists ${name} with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}

/** Where one test keeps its data: env for the gateway, and options for a store of its own. */
export interface EngineSetup {
  env: Record<string, string>;
  store: { databaseUrl?: string; dataDir: string };
  cleanup(): Promise<void>;
}

export interface EngineUnderTest {
  name: 'pglite' | 'postgres';
  setup(): Promise<EngineSetup>;
}

export const PGLITE: EngineUnderTest = {
  name: 'pglite',
  async setup() {
    const dir = mkdtempSync(join(tmpdir(), 'lg-history-'));
    return {
      // Sandbox mode keeps its history under DATA_DIR/sandbox.
      env: { DATA_DIR: dir },
      store: { dataDir: join(dir, 'sandbox') },
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    };
  },
};

export const POSTGRES: EngineUnderTest = {
  name: 'postgres',
  async setup() {
    const database = await createDatabase();
    return {
      env: { DATABASE_URL: database.url },
      store: { databaseUrl: database.url, dataDir: 'memory' },
      cleanup: () => database.drop(),
    };
  },
};

/** The engines to run a suite against, with the PostgreSQL one left out (and said so) when absent. */
export function enginesUnderTest(): EngineUnderTest[] {
  noteSkippedPostgres();
  return POSTGRES_AVAILABLE ? [PGLITE, POSTGRES] : [PGLITE];
}
