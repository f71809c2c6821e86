import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { killGroups, type RunningServer, spawnServer } from '../support/process.js';
import {
  deleteKeys,
  freePort,
  PrivateRedis,
  redisUp,
  SHARED_REDIS_URL,
  testPrefix,
} from '../support/redis.js';

/**
 * Several gateway processes (the real entry point) on one Redis, in front of one sandbox run here:
 * every provider call any replica makes is counted at the sandbox, so the counts are the upstream's.
 */

const PACE = 10;
const BUDGET = 30;

function replicaEnv(sandbox: Sandbox, redisUrl: string, prefix: string): Record<string, string> {
  return {
    SANDBOX: '0',
    LOG_LEVEL: 'info',
    BEIKE_BASE_URL: sandbox.beikeUrl,
    BEIKE_TOKEN: sandbox.credentials.beikeToken,
    FANG_BASE_URL: sandbox.fangUrl,
    FANG_KEY: sandbox.credentials.fangKey,
    FANG_SECRET: sandbox.credentials.fangSecret,
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: prefix,
    REDIS_FETCH_WAIT_MS: '5000',
    // One anonymous client drives everything: its own allowances out of the way.
    CLIENT_DAILY_SHARE: '1',
    CLIENT_REQUESTS_PER_MINUTE: '0',
    CLIENT_COST_PER_MINUTE: '0',
  };
}

/** Spawned into `servers` at once, so that afterAll stops them even when a start times out. */
async function startReplicas(
  servers: RunningServer[],
  count: number,
  env: Record<string, string>,
): Promise<string[]> {
  servers.push(...Array.from({ length: count }, () => spawnServer(env)));
  // Generous: on a loaded machine several processes compile and start side by side.
  return Promise.all(servers.map((s) => s.base(120_000)));
}

async function stopReplicas(servers: RunningServer[]): Promise<void> {
  for (const server of servers) server.signalGroup('SIGTERM');
  await Promise.race([Promise.all(servers.map((s) => s.exit)), new Promise((r) => setTimeout(r, 5_000))]);
  killGroups(servers);
}

async function post(base: string, query: string): Promise<{ status: number; codes: string[] }> {
  const response = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
  return { status: response.status, codes: (body.errors ?? []).map((e) => e.extensions?.code ?? '') };
}

const search = (provider: 'BEIKE' | 'FANG', keyword: string, city = '110000') =>
  `{ search(filter: { cityId: "${city}", keyword: "${keyword}", providers: [${provider}] }, first: 3) { edges { node { id title } } } }`;

async function ready(base: string): Promise<{ status: string; redis?: { state: string; reason?: string } }> {
  return (await fetch(`${base}/ready`)).json() as Promise<{ status: string; redis?: { state: string } }>;
}

describe.skipIf(!redisUp)('three gateway replicas on one Redis', () => {
  const prefix = testPrefix();
  let sandbox: Sandbox;
  const servers: RunningServer[] = [];
  let bases: string[] = [];
  beforeAll(async () => {
    sandbox = await startSandbox();
    bases = await startReplicas(servers, 3, {
      ...replicaEnv(sandbox, SHARED_REDIS_URL, prefix),
      BEIKE_RATE_PER_SECOND: String(PACE),
      FANG_DAILY_BUDGET: String(BUDGET),
    });
  }, 150_000);
  afterAll(async () => {
    await stopReplicas(servers);
    await sandbox?.close();
    await deleteKeys(prefix);
  });

  it('make the upstream calls of one query for 100 identical cold queries spread over them', async () => {
    sandbox.calls.reset();
    expect((await post(bases[0]!, search('BEIKE', 'one', '310000'))).codes).toEqual([]);
    const one = sandbox.calls.count();
    expect(one).toBeGreaterThan(0);

    sandbox.calls.reset();
    const query = search('BEIKE', 'many', '310000');
    const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => post(bases[i % 3]!, query)));
    expect(answers.every((a) => a.status === 200 && a.codes.length === 0)).toBe(true);
    expect(sandbox.calls.count()).toBe(one);
  }, 60_000);

  it(`spend a daily budget of N = ${BUDGET} at most, under concurrent load through all three`, async () => {
    sandbox.calls.reset();
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) => post(bases[i % 3]!, search('FANG', `budget${i}`))),
    );
    expect(answers.every((a) => a.status < 500)).toBe(true);
    expect(sandbox.calls.count({ provider: 'fang' })).toBeLessThanOrEqual(BUDGET);
    expect(answers.filter((a) => a.codes.includes('UPSTREAM_QUOTA_EXHAUSTED')).length).toBeGreaterThan(0);
  }, 60_000);

  it(`hold a pacing of R = ${PACE}/s (plus the burst) together, measured at the sandbox`, async () => {
    sandbox.calls.reset();
    const endAt = Date.now() + 2_000;
    let n = 0;
    // Each replica keeps a few searches going for 2 s; each search is one Beike call.
    const workers = Array.from({ length: 9 }, async (_, w) => {
      while (Date.now() < endAt) await post(bases[w % 3]!, search('BEIKE', `pace${n++}`));
    });
    await Promise.all(workers);
    const at = sandbox.calls
      .list()
      .filter((c) => c.provider === 'beike')
      .map((c) => c.at);
    const spanSeconds = (Math.max(...at) - Math.min(...at)) / 1000;
    // The burst is ceil(R); three separate buckets would let through about three times this.
    expect(at.length).toBeLessThanOrEqual(PACE + PACE * spanSeconds + 1);
    expect(at.length).toBeGreaterThan(PACE);
  }, 60_000);
});

describe.skipIf(!redisUp)('replicas when their Redis stops mid-load', () => {
  const LIMIT = 20;
  const SHARE = 0.25;
  const REPLICAS = 2;
  let redis: PrivateRedis;
  let sandbox: Sandbox;
  const servers: RunningServer[] = [];
  let bases: string[] = [];
  const prefix = testPrefix();
  beforeAll(async () => {
    redis = new PrivateRedis(await freePort());
    await redis.start();
    sandbox = await startSandbox();
    bases = await startReplicas(servers, REPLICAS, {
      ...replicaEnv(sandbox, redis.url, prefix),
      FANG_DAILY_BUDGET: String(LIMIT),
      REDIS_FALLBACK_SHARE: String(SHARE),
      REDIS_COMMAND_TIMEOUT_MS: '200',
    });
  }, 150_000);
  afterAll(async () => {
    await stopReplicas(servers);
    await sandbox?.close();
    await redis?.stop();
  });

  it('answers without a 5xx, stays within L + N x s x L, says degraded, and shares again once Redis is back', async () => {
    sandbox.calls.reset();
    let i = 0;
    const load = (count: number) =>
      Promise.all(
        Array.from({ length: count }, () => post(bases[i % REPLICAS]!, search('FANG', `down${i++}`))),
      );
    const before = await load(12);
    await redis.stop();
    const during = await load(60);
    for (const base of bases) {
      const state = await ready(base);
      expect(state.status).toBe('degraded');
      expect(state.redis).toMatchObject({ state: 'degraded' });
      expect(JSON.stringify(state.redis)).not.toMatch(/redis:\/\/|127\.0\.0\.1/);
    }
    const metrics = await (await fetch(`${bases[0]}/metrics`)).text();
    const budgetFallbacks = metrics.match(/^listing_graph_redis_fallbacks_total\{concern="budget"\} (\d+)/m);
    expect(Number(budgetFallbacks?.[1])).toBeGreaterThan(0);
    expect([...before, ...during].every((a) => a.status < 500)).toBe(true);
    expect(sandbox.calls.count({ provider: 'fang' })).toBeLessThanOrEqual(LIMIT + REPLICAS * SHARE * LIMIT);
    expect(during.filter((a) => a.codes.length === 0).length).toBeGreaterThan(0);

    await redis.start();
    for (const base of bases) {
      for (let t = 0; (await ready(base)).redis?.state !== 'up'; t++) {
        if (t > 100) throw new Error('a replica did not reconnect');
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    // Shared again: identical cold queries over every replica make one query's calls.
    sandbox.calls.reset();
    const query = search('BEIKE', 'back');
    const again = await Promise.all(Array.from({ length: 30 }, (_, k) => post(bases[k % REPLICAS]!, query)));
    expect(again.every((a) => a.status === 200 && a.codes.length === 0)).toBe(true);
    expect(sandbox.calls.count()).toBe(1);
    for (const server of servers) {
      expect(JSON.stringify(server.lines)).not.toContain(redis.url);
    }
  }, 90_000);
});
