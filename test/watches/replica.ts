import { afterAll, beforeAll } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { createDatabase, POSTGRES_AVAILABLE, type TestDatabase } from '../support/databases.js';
import { killGroups, type RunningServer, spawnServer } from '../support/process.js';
import { deleteKeys, redisUp, SHARED_REDIS_URL, testPrefix } from '../support/redis.js';
import { until } from './support.js';

/** Replica tests need a real Redis and a real PostgreSQL; without them they are skipped. */
export const REPLICAS_POSSIBLE = redisUp && POSTGRES_AVAILABLE;

export interface ReplicaWorld {
  /** The one simulated provider world the replicas read (set before the file's tests run). */
  sandbox: Sandbox;
  replicas: Replica[];
}

/**
 * The file's replicas: `count` gateway processes (startReplica, with `env`) on one sandbox, one
 * new PostgreSQL database and one Redis key prefix, started before its tests and stopped, dropped
 * and deleted after them. Started one after the other: the first migrates, the next ones find the
 * schema (an advisory lock guards it anyway).
 */
export function replicaWorld(env: Record<string, string>, count = 2): ReplicaWorld {
  const world = { replicas: [] as Replica[] } as ReplicaWorld;
  const prefix = testPrefix();
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    if (!REPLICAS_POSSIBLE) return;
    world.sandbox = await startSandbox();
    database = await createDatabase();
    for (let i = 0; i < count; i++) {
      world.replicas.push(await startReplica(world.sandbox, database.url, prefix, env));
    }
  }, 180_000);
  afterAll(async () => {
    await stopReplicas(world.replicas);
    await database?.drop();
    await world.sandbox?.close();
    if (redisUp) await deleteKeys(prefix);
  }, 60_000);
  return world;
}

export interface Replica {
  server: RunningServer;
  url: string;
}

/**
 * A gateway process as one of several replicas runs it: live mode against the sandbox, history on
 * one PostgreSQL, state on one Redis under the test's prefix, no cache in the way of a run, watch
 * intervals of a minute and webhooks to loopback allowed. `env` adds or overrides settings.
 */
export async function startReplica(
  sandbox: Sandbox,
  databaseUrl: string,
  prefix: string,
  env: Record<string, string>,
): Promise<Replica> {
  const { credentials } = sandbox;
  const server = spawnServer({
    SANDBOX: '0',
    BEIKE_TOKEN: credentials.beikeToken,
    BEIKE_BASE_URL: sandbox.beikeUrl,
    FANG_KEY: credentials.fangKey,
    FANG_SECRET: credentials.fangSecret,
    FANG_BASE_URL: sandbox.fangUrl,
    HISTORY_ENABLED: '1',
    DATABASE_URL: databaseUrl,
    REDIS_URL: SHARED_REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
    CACHE_LIST_TTL_SECONDS: '0',
    CACHE_DETAIL_TTL_SECONDS: '0',
    RESPONSE_CACHE_TTL_SECONDS: '0',
    WATCH_MIN_INTERVAL_MINUTES: '1',
    WEBHOOK_ALLOW_PRIVATE: '1',
    ...env,
  });
  const line = await until(() => server.lines.find((l) => typeof l.url === 'string'), 90_000);
  return { server, url: `${String(line.url).replace('localhost', '127.0.0.1')}` };
}

/** Each replica still running gets SIGTERM and 10 s to drain; then its whole group is killed. */
export async function stopReplicas(replicas: readonly Replica[]): Promise<void> {
  for (const { server } of replicas) {
    if (server.child.exitCode !== null || server.child.signalCode !== null) continue;
    server.child.kill('SIGTERM');
    await Promise.race([server.exit, new Promise((r) => setTimeout(r, 10_000))]);
  }
  killGroups(replicas.map((r) => r.server));
}
