import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../src/logger.js';
import { marketStats } from '../src/market/market-service.js';
import { HistoryStore } from '../src/store/history/index.js';
import type { Observation } from '../src/store/history/observation.js';

/**
 * The history store's own figures: observations written per second (first sightings, then a
 * second sweep with 10% price changes), and `market` latency over N listings, on PGlite (on disk)
 * and on PostgreSQL when BENCH_DATABASE_URL is set (use a scratch database).
 * npx tsx bench/history.ts [N=100000]
 */

const N = Number(process.argv[2] ?? 100_000);
const T0 = Date.UTC(2026, 10, 1);
const DISTRICTS = ['朝阳', '海淀', '东城', '西城', '丰台', '通州'];

function observations(round: number): Observation[] {
  return Array.from({ length: N }, (_, i) => {
    const price = 2_000_000 + (i % 997) * 5_000;
    const changed = round > 0 && i % 10 === 0 ? Math.round(price * 0.95) : price;
    return {
      provider: i % 3 === 0 ? 'FANG' : 'BEIKE',
      sourceId: `b${i}`,
      seenAt: T0 + round * 86_400_000,
      listing: {
        cityId: '110000',
        district: DISTRICTS[i % DISTRICTS.length]!,
        communityId: `c${i % 500}`,
        communityName: `小区${i % 500}`,
        listingType: 'RESALE',
        totalPrice: changed,
        unitPrice: Math.round(changed / (50 + (i % 70))),
        monthlyRent: null,
        area: 50 + (i % 70),
        bedrooms: 1 + (i % 4),
        livingRooms: 1,
        floorLevel: null,
        floorTotal: null,
        active: true,
      },
    };
  });
}

async function run(name: string, options: { databaseUrl?: string; dataDir: string }) {
  const store = await HistoryStore.open({
    ...options,
    retentionDays: 730,
    logger: silentLogger,
    queue: { capacity: N * 2, batchSize: 1_000 },
    now: () => T0 + 86_400_000,
  });
  try {
    for (const round of [0, 1]) {
      const started = performance.now();
      store.offer(observations(round));
      await store.flush();
      const seconds = (performance.now() - started) / 1000;
      console.log(
        `${name}: round ${round}: ${N} observations in ${seconds.toFixed(1)} s = ${Math.round(N / seconds)}/s`,
      );
    }
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      await marketStats(store.db, {
        cityId: '110000',
        districts: null,
        communities: null,
        listingType: 'RESALE',
        bedrooms: null,
        since: T0,
        asOf: T0 + 86_400_000,
      });
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    console.log(`${name}: market over ${N} listings: median ${Math.round(times[2]!)} ms (5 runs)`);
    console.log(`${name}: dropped ${JSON.stringify(store.counts.dropped)}`);
  } finally {
    await store.close();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'lg-bench-history-'));
try {
  await run('pglite', { dataDir: dir });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
if (process.env.BENCH_DATABASE_URL)
  await run('postgres', { databaseUrl: process.env.BENCH_DATABASE_URL, dataDir: 'memory' });
