import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { silentLogger } from '../src/logger.js';
import { marketStats } from '../src/market/market-service.js';
import { HistoryStore } from '../src/store/history/index.js';
import type { Observation } from '../src/store/history/observation.js';

/**
 * The history store's own figures: observations written per second (first sightings, then a
 * second sweep with 10% price changes), and `market` latency over N listings, on PGlite (on disk)
 * and on PostgreSQL (a database of its own, created and dropped). Part of `npm run bench`.
 */

export interface HistoryFigures {
  engine: 'pglite' | 'postgres';
  listings: number;
  /** Observations written per second: first sightings, then the second sweep. */
  writtenPerSecond: [number, number];
  marketMedianMs: number;
  dropped: number;
}
const T0 = Date.UTC(2026, 10, 1);
const DISTRICTS = ['朝阳', '海淀', '东城', '西城', '丰台', '通州'];

function observations(N: number, round: number): Observation[] {
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

async function run(
  engine: HistoryFigures['engine'],
  N: number,
  options: { databaseUrl?: string; dataDir: string },
): Promise<HistoryFigures> {
  const store = await HistoryStore.open({
    ...options,
    retentionDays: 730,
    logger: silentLogger,
    queue: { capacity: N * 2, batchSize: 1_000 },
    now: () => T0 + 86_400_000,
  });
  try {
    const rates: number[] = [];
    for (const round of [0, 1]) {
      const batch = observations(N, round);
      const started = performance.now();
      store.offer(batch);
      await store.flush();
      rates.push(Math.round(N / ((performance.now() - started) / 1000)));
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
    const { full, error, closed } = store.counts.dropped;
    return {
      engine,
      listings: N,
      writtenPerSecond: [rates[0]!, rates[1]!],
      marketMedianMs: Math.round(times[2]!),
      dropped: full + error + closed,
    };
  } finally {
    await store.close();
  }
}

/** PGlite on disk in a scratch directory, then PostgreSQL in a scratch database at `adminUrl`. */
export async function historyFigures(N: number, adminUrl: string | null): Promise<HistoryFigures[]> {
  const figures: HistoryFigures[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'lg-bench-history-'));
  try {
    figures.push(await run('pglite', N, { dataDir: dir }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (adminUrl) {
    const name = `lg_bench_${Date.now()}_${randomBytes(3).toString('hex')}`;
    const admin = async (statement: string) => {
      const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3_000 });
      await client.connect();
      try {
        await client.query(statement);
      } finally {
        await client.end();
      }
    };
    await admin(`create database ${name}`);
    try {
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      figures.push(await run('postgres', N, { databaseUrl: url.toString(), dataDir: 'memory' }));
    } finally {
      await admin(`drop database if exists ${name} with (force)`);
    }
  }
  return figures;
}
