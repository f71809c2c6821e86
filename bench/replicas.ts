import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { SEARCH_EVERY_FIELD } from './documents.js';
import type { Child } from './ipc.js';
import { load } from './load.js';
import type { Row, Yardstick } from './report.js';

/**
 * The replicas scenario: one gateway process (in-process state) against two replicas sharing a
 * Redis, on the same sandbox. Warm: the same search, the load split evenly over the replicas.
 * Cold: a search never asked before, sent at once to each process of the system (twice to the
 * single process), so a query arriving at two replicas meets one upstream call or two.
 */
export interface ReplicasDeps {
  start(kind: string, options: { env: Record<string, string> }): Promise<{ child: Child; ready: unknown }>;
  env: Record<string, string>;
  calls(): Promise<number>;
  log(message: string): void;
  seconds: number;
  connections: number;
  samples: number;
}

const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/0';

export async function replicasScenario(
  deps: ReplicasDeps,
): Promise<{ rows: Row[]; yardsticks: Yardstick[] }> {
  const prefix = `lgbench:${randomBytes(4).toString('hex')}:`;
  const redis = new Redis(REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
  } catch {
    deps.log(`replicas: no Redis at ${new URL(REDIS_URL).host}, scenario skipped`);
    return { rows: [], yardsticks: [] };
  }
  try {
    const single = await deps.start('gateway', { env: deps.env });
    const shared = { ...deps.env, REDIS_URL, REDIS_KEY_PREFIX: prefix };
    const replicas = await Promise.all([0, 1].map(() => deps.start('gateway', { env: shared })));
    const systems = [
      { name: '1 process', urls: [single.ready as string], children: [single.child] },
      {
        name: '2 replicas + Redis',
        urls: replicas.map((r) => r.ready as string),
        children: replicas.map((r) => r.child),
      },
    ];
    const rows: Row[] = [];
    let run = 0;
    const body = (keyword: string | null) =>
      JSON.stringify({
        query: SEARCH_EVERY_FIELD,
        variables: { filter: { cityId: '110000', ...(keyword ? { keyword } : {}) }, first: 20 },
      });
    for (const system of systems) {
      deps.log(`replicas: ${system.name}, warm ${deps.seconds} s and ${deps.samples} cold samples`);
      // Warm: the same query, once fetched, then served; the load split over the processes.
      const warmBody = body(null);
      for (const url of system.urls) await post(url, warmBody);
      const before = await deps.calls();
      const figures = await Promise.all(
        system.urls.map((url) =>
          load({
            url,
            connections: Math.max(1, Math.floor(deps.connections / system.urls.length)),
            seconds: deps.seconds,
            body: warmBody,
          }),
        ),
      );
      const requests = figures.reduce((n, f) => n + f.requests, 0);
      rows.push({
        scenario: 'replicas, warm search',
        system: system.name,
        requestsPerSecond: figures.reduce((n, f) => n + f.requestsPerSecond, 0),
        p50Ms: Math.max(...figures.map((f) => f.p50Ms)),
        p99Ms: Math.max(...figures.map((f) => f.p99Ms)),
        upstreamCallsPerQuery: ((await deps.calls()) - before) / Math.max(1, requests),
        peakRssMb: await peakMb(system.children),
        vsCeiling: null,
        failures: figures.reduce((n, f) => n + f.failures, 0),
      });

      // Cold: each sample a new query, asked of every process at once (of the one process twice).
      const latencies: number[] = [];
      let calls = 0;
      const targets = system.urls.length > 1 ? system.urls : [system.urls[0]!, system.urls[0]!];
      for (let i = 0; i < deps.samples; i++) {
        const coldBody = body(`冷${run++}`);
        const before = await deps.calls();
        await Promise.all(
          targets.map(async (url) => {
            const t0 = performance.now();
            await post(url, coldBody);
            latencies.push(performance.now() - t0);
          }),
        );
        calls += (await deps.calls()) - before;
      }
      latencies.sort((a, b) => a - b);
      rows.push({
        scenario: 'replicas, cold search asked twice at once',
        system: system.name,
        requestsPerSecond: null,
        p50Ms: latencies[Math.floor(latencies.length / 2)] ?? Number.NaN,
        p99Ms:
          latencies[Math.min(latencies.length - 1, Math.ceil(latencies.length * 0.99) - 1)] ?? Number.NaN,
        // Per query: each sample is one query asked twice.
        upstreamCallsPerQuery: calls / deps.samples,
        peakRssMb: await peakMb(system.children),
        vsCeiling: null,
        failures: 0,
      });
      for (const child of system.children) await child.stop();
    }
    const perQuery = (system: string) =>
      rows.find((r) => r.system === system && r.scenario.startsWith('replicas, cold'))
        ?.upstreamCallsPerQuery ?? 0;
    const one = perQuery('1 process');
    const two = perQuery('2 replicas + Redis');
    return {
      rows,
      yardsticks: [
        {
          scenario: 'replicas, cold search asked twice at once',
          target: 'two replicas make the upstream calls of one process',
          result: `${two.toFixed(1)} calls per query against ${one.toFixed(1)}`,
          met: two <= one,
        },
      ],
    };
  } finally {
    // Bench cleanup only (the gateway never lists keys).
    let cursor = '0';
    do {
      const [next, keys] = await redis
        .scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500)
        .catch(() => ['0', []] as [string, string[]]);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
    redis.disconnect();
  }
}

async function peakMb(children: Child[]): Promise<number> {
  const peaks = await Promise.all(children.map((c) => c.call<number>('peak')));
  return Math.round(Math.max(...peaks) / 2 ** 20);
}

async function post(url: string, body: string): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body,
  });
  const json = (await response.json()) as { errors?: unknown[] };
  if (response.status !== 200 || json.errors?.length) {
    throw new Error(`replicas: the gateway answered ${response.status}`);
  }
}
