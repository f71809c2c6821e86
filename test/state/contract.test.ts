import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { msUntilNextChinaMidnight } from '../../src/state/china-day.js';
import { isFresh, SharedFetcher, type SharedState, sharedState } from '../../src/state/index.js';
import type { RedisConnection } from '../../src/state/redis-connection.js';
import { connect, deleteKeys, redisUp, testPrefix } from '../support/redis.js';

/**
 * One contract, two implementations: everything below holds for the in-memory twin (one
 * process) and for Redis (replicas). The Redis run uses its own key prefix and deletes its keys.
 */
interface Backend {
  state: SharedState;
  /** A second process's view of the same backend (Redis: another connection). */
  other: SharedState;
}

const prefix = testPrefix();
const connections: RedisConnection[] = [];

async function redisBackend(): Promise<Backend> {
  const a = connect(prefix);
  const b = connect(prefix);
  connections.push(a, b);
  await Promise.all([a.open(), b.open()]);
  return { state: sharedState(a), other: sharedState(b) };
}

async function memoryBackend(): Promise<Backend> {
  const state = sharedState(null);
  return { state, other: state };
}

afterAll(async () => {
  await Promise.all(connections.map((c) => c.close()));
  if (redisUp) await deleteKeys(prefix);
});

let unique = 0;
function name(): string {
  unique += 1;
  return `t${unique}`;
}

describe.each([
  ['in memory', memoryBackend, true],
  ['on Redis', redisBackend, redisUp],
])('shared state %s', (_label, make, enabled) => {
  let backend: Backend;
  beforeAll(async () => {
    if (enabled) backend = await make();
  });

  describe.skipIf(!enabled)('contract', () => {
    it('paces: the burst at once, then one call per 1/R s; a refused reservation takes nothing', async () => {
      const pacer = backend.state.pacer({ name: name(), perSecond: 2, burst: 3 });
      for (let i = 0; i < 3; i += 1) expect(await pacer.reserve()).toEqual({ granted: true, waitMs: 0 });
      const fourth = await pacer.reserve();
      expect(fourth.granted).toBe(true);
      expect(fourth.waitMs).toBeGreaterThan(300);
      expect(fourth.waitMs).toBeLessThanOrEqual(500);
      const refused = await pacer.reserve(0);
      expect(refused.granted).toBe(false);
      expect(refused.waitMs).toBeGreaterThan(fourth.waitMs);
      const fifth = await pacer.reserve();
      expect(fifth.waitMs).toBeGreaterThan(fourth.waitMs + 300);
    });

    it('paces: a refunded token can be reserved again', async () => {
      const pacer = backend.state.pacer({ name: name(), perSecond: 0.5, burst: 1 });
      const first = await pacer.reserve();
      expect(first.granted).toBe(true);
      expect((await pacer.reserve(0)).granted).toBe(false);
      await pacer.refund(first);
      expect((await pacer.reserve(0)).granted).toBe(true);
    });

    it('paces one bucket for all replicas', async () => {
      const options = { name: name(), perSecond: 1, burst: 2 };
      const here = backend.state.pacer(options);
      const there = backend.other.pacer(options);
      expect((await here.reserve(0)).granted).toBe(true);
      expect((await there.reserve(0)).granted).toBe(true);
      expect((await here.reserve(0)).granted).toBe(false);
      expect((await there.reserve(0)).granted).toBe(false);
    });

    it('spends a daily budget exactly, under concurrency, across replicas', async () => {
      const options = { name: name(), limit: 10 };
      const budgets = [backend.state.dailyBudget(options), backend.other.dailyBudget(options)];
      const tickets = await Promise.all(Array.from({ length: 50 }, (_, i) => budgets[i % 2]!.tryConsume()));
      expect(tickets.filter(Boolean)).toHaveLength(10);
      expect(await budgets[0]!.tryConsume()).toBeNull();
    });

    it('refunds a call that did not go out, and a zero budget allows nothing', async () => {
      const budget = backend.state.dailyBudget({ name: name(), limit: 2 });
      const first = await budget.tryConsume();
      expect(await budget.tryConsume()).not.toBeNull();
      expect(await budget.tryConsume()).toBeNull();
      await budget.refund(first!);
      expect(await budget.tryConsume()).not.toBeNull();
      expect(await budget.tryConsume()).toBeNull();
      expect(await backend.state.dailyBudget({ name: name(), limit: 0 }).tryConsume()).toBeNull();
    });

    it('starts the budget over at midnight in China, and a refund of yesterday does not count today', async () => {
      let now = Date.UTC(2026, 11, 1, 15, 59, 0); // 23:59 in China
      const budget = backend.state.dailyBudget({ name: name(), limit: 1, now: () => now });
      const yesterday = await budget.tryConsume();
      expect(yesterday).not.toBeNull();
      expect(await budget.tryConsume()).toBeNull();
      now += msUntilNextChinaMidnight(now);
      const today = await budget.tryConsume();
      expect(today).not.toBeNull();
      await budget.refund(yesterday!);
      expect(await budget.tryConsume()).toBeNull();
    });

    it('meters a client per minute; a refused take costs nothing; clients are apart', async () => {
      const options = { name: name(), perMinute: 5 };
      const meter = backend.state.clientMeter(options);
      const elsewhere = backend.other.clientMeter(options);
      expect(await meter.take('alice', 3)).toEqual({ ok: true });
      const refused = await elsewhere.take('alice', 3);
      expect(refused.ok).toBe(false);
      if (!refused.ok) expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect(await elsewhere.take('alice', 2)).toEqual({ ok: true });
      expect((await meter.take('alice', 1)).ok).toBe(false);
      expect(await meter.take('bob', 5)).toEqual({ ok: true });
    });

    it('opens a circuit for every replica, lets one probe through, and closes on its success', async () => {
      const options = { name: name(), failureThreshold: 2, openMs: 300 };
      const here = backend.state.circuit(options);
      const there = backend.other.circuit(options);
      await here.recordFailure(await here.acquire());
      await there.recordFailure(await there.acquire());
      const rejected = await there.acquire();
      expect(rejected.permit).toBeNull();
      expect(rejected.retryAfterMs).toBeGreaterThan(0);
      expect((await here.acquire()).permit).toBeNull();
      await sleep(350);
      const probe = await here.acquire();
      expect(probe.permit).toBe('probe');
      expect((await there.acquire()).permit).toBeNull();
      await here.recordFailure(probe);
      expect((await there.acquire()).permit).toBeNull();
      await sleep(350);
      const second = await there.acquire();
      expect(second.permit).toBe('probe');
      await there.recordSuccess(second);
      expect((await here.acquire()).permit).toBe('normal');
    });

    it('frees the probe slot when a probe is given up', async () => {
      const options = { name: name(), failureThreshold: 1, openMs: 200 };
      const circuit = backend.state.circuit(options);
      await circuit.recordFailure(await circuit.acquire());
      await sleep(250);
      const probe = await circuit.acquire();
      expect(probe.permit).toBe('probe');
      await circuit.release(probe);
      expect((await backend.other.circuit(options).acquire()).permit).toBe('probe');
    });

    it('caches with a TTL and a stale window, and shares entries across replicas', async () => {
      const options = { name: name(), ttlMs: 60_000, staleIfErrorMs: 60_000, maxEntries: 10 };
      const cache = backend.state.cache<{ n: number }>(options);
      const other = backend.other.cache<{ n: number }>(options);
      expect(await cache.get('a')).toBeUndefined();
      await cache.set('a', { n: 1 });
      const seen = await other.get('a');
      expect(seen?.value).toEqual({ n: 1 });
      expect(isFresh(seen!, options.ttlMs)).toBe(true);
      await cache.set('old', { n: 2 }, Date.now() - 90_000);
      const stale = await other.get('old');
      expect(stale?.value).toEqual({ n: 2 });
      expect(isFresh(stale!, options.ttlMs)).toBe(false);
      await cache.set('gone', { n: 3 }, Date.now() - 130_000);
      expect(await other.get('gone')).toBeUndefined();
    });

    it('locks work for one holder, until released', async () => {
      const lock = backend.state.workLock({ name: name(), ttlMs: 10_000 });
      const other = backend.other.workLock({ name: 'x', ttlMs: 10_000 });
      const held = await lock.tryAcquire('k');
      expect(held).not.toBeNull();
      expect(await lock.tryAcquire('k')).toBeNull();
      expect(await other.tryAcquire('k')).not.toBeNull();
      await held!.release();
      const again = await lock.tryAcquire('k');
      expect(again).not.toBeNull();
      await again!.release();
    });

    it('makes one call for many concurrent identical requests over two replicas', async () => {
      const work = name();
      const options = { name: work, ttlMs: 60_000, staleIfErrorMs: 0, maxEntries: 10 };
      const lock = { name: work, ttlMs: 5_000 };
      const fetchers = [
        new SharedFetcher(backend.state.cache<{ id: string }>(options), backend.state.workLock(lock), {
          waitMs: 5_000,
          pollMs: 20,
        }),
        new SharedFetcher(backend.other.cache<{ id: string }>(options), backend.other.workLock(lock), {
          waitMs: 5_000,
          pollMs: 20,
        }),
      ];
      let calls = 0;
      const fetch = async () => {
        calls += 1;
        await sleep(100);
        return { id: 'L1' };
      };
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => fetchers[i % 2]!.get('L1', fetch)),
      );
      expect(calls).toBe(1);
      expect(results.every((r) => r.value.id === 'L1')).toBe(true);
      expect(results.filter((r) => r.source === 'miss')).toHaveLength(1);
    });

    it('calls by itself once the wait for another holder reaches its deadline', async () => {
      const work = name();
      const options = { name: work, ttlMs: 60_000, staleIfErrorMs: 0, maxEntries: 10 };
      const lock = backend.state.workLock({ name: work, ttlMs: 10_000 });
      const held = await lock.tryAcquire('k');
      const fetcher = new SharedFetcher(backend.state.cache<{ n: number }>(options), lock, {
        waitMs: 150,
        pollMs: 20,
      });
      const result = await fetcher.get('k', async () => ({ n: 7 }));
      expect(result).toMatchObject({ value: { n: 7 }, source: 'miss' });
      await held!.release();
    });

    it.skipIf(_label === 'in memory')(
      "lets a waiter take over once a dead holder's lock expires",
      async () => {
        const work = name();
        const options = { name: work, ttlMs: 60_000, staleIfErrorMs: 0, maxEntries: 10 };
        // A holder that never releases: a replica that died mid-call.
        expect(await backend.other.workLock({ name: work, ttlMs: 200 }).tryAcquire('k')).not.toBeNull();
        const fetcher = new SharedFetcher(
          backend.state.cache<{ n: number }>(options),
          backend.state.workLock({ name: work, ttlMs: 200 }),
          { waitMs: 60_000, pollMs: 20 },
        );
        const started = Date.now();
        const result = await fetcher.get('k', async () => ({ n: 9 }));
        expect(result).toMatchObject({ value: { n: 9 }, source: 'miss' });
        expect(Date.now() - started).toBeLessThan(30_000);
      },
    );

    it('serves a stale entry when the fetch fails, and the error when there is none', async () => {
      const work = name();
      const options = { name: work, ttlMs: 1_000, staleIfErrorMs: 60_000, maxEntries: 10 };
      const cache = backend.state.cache<{ n: number }>(options);
      const fetcher = new SharedFetcher(cache, backend.state.workLock({ name: work, ttlMs: 5_000 }), {
        waitMs: 1_000,
        pollMs: 20,
      });
      await cache.set('k', { n: 1 }, Date.now() - 5_000);
      const failing = async (): Promise<{ n: number }> => {
        throw new Error('provider down');
      };
      expect(await fetcher.get('k', failing)).toMatchObject({ value: { n: 1 }, source: 'stale' });
      await expect(fetcher.get('none', failing)).rejects.toThrow('provider down');
    });
  });
});
