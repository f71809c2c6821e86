import type { Sandbox } from '../../src/sandbox/index.js';
import { killGroups, type RunningServer, spawnServer } from '../support/process.js';
import { SHARED_REDIS_URL } from '../support/redis.js';
import { until } from './support.js';

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
