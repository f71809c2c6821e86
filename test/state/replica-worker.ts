/**
 * One replica for test/state/replicas.test.ts: its own process and Redis connection. It waits
 * for "go" on stdin, runs one scenario against the shared state, calls the test's counting
 * server for every provider call it makes, and prints one JSON line with what it saw.
 */
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { silentLogger } from '../../src/logger.js';
import { SharedFetcher, sharedState } from '../../src/state/index.js';
import { RedisConnection } from '../../src/state/redis-connection.js';

const scenario = process.env.SCENARIO;
const upstream = process.env.UPSTREAM_URL!;
const params = JSON.parse(process.env.PARAMS ?? '{}') as Record<string, number>;

const redis = new RedisConnection(
  {
    url: process.env.REDIS_URL!,
    keyPrefix: process.env.PREFIX!,
    commandTimeoutMs: 1_000,
    fallbackShare: 0.25,
  },
  silentLogger,
);
await redis.open();
const state = sharedState(redis);

async function providerCall(): Promise<string> {
  const response = await fetch(upstream);
  return response.text();
}

async function budget(): Promise<object> {
  const budget = state.dailyBudget({ name: 'beike', limit: params.limit! });
  let calls = 0;
  await Promise.all(
    Array.from({ length: params.attempts! }, async () => {
      if (await budget.tryConsume()) {
        calls += 1;
        await providerCall();
      }
    }),
  );
  return { calls };
}

async function pacing(): Promise<object> {
  const pacer = state.pacer({ name: 'fang', perSecond: params.perSecond!, burst: params.burst! });
  const until = endsAt;
  let calls = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (Date.now() < until) {
        const reservation = await pacer.reserve(until - Date.now());
        if (!reservation.granted) break;
        await sleep(reservation.waitMs);
        calls += 1;
        await providerCall();
      }
    }),
  );
  return { calls };
}

async function inflight(): Promise<object> {
  const options = { name: 'detail', ttlMs: 60_000, staleIfErrorMs: 0, maxEntries: 100 };
  const fetcher = new SharedFetcher<{ body: string }>(
    state.cache(options),
    state.workLock({ name: 'detail', ttlMs: 10_000 }),
    { waitMs: 10_000, pollMs: 25 },
  );
  const results = await Promise.all(
    Array.from({ length: params.requests! }, () =>
      fetcher.get('listing:1', async () => ({ body: await providerCall() })),
    ),
  );
  const sources: Record<string, number> = {};
  for (const r of results) sources[r.source] = (sources[r.source] ?? 0) + 1;
  return { bodies: [...new Set(results.map((r) => r.value.body))], sources };
}

const scenarios: Record<string, () => Promise<object>> = { budget, pacing, inflight };
const run = scenario ? scenarios[scenario] : undefined;
if (!run) throw new Error('unknown scenario');

// Loading the HTTP client on the first call takes a while; doing it now keeps that delay out of
// the measured calls.
await (await fetch(new URL('/warm', upstream))).text();
process.stdout.write('ready\n');
let endsAt = 0;
const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (line.startsWith('go ')) {
    endsAt = Number(line.slice(3));
    break;
  }
}
const result = await run();
process.stdout.write(`${JSON.stringify({ ...result, fallbacks: redis.fallbacks() })}\n`);
await redis.close();
process.exit(0);
