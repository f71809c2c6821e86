import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedState } from '../../src/state/index.js';
import { memoryLogger } from '../support/logs.js';
import { connect, freePort, PrivateRedis, redisUp, waitFor } from '../support/redis.js';

const PASSWORD = 'pw-Zq81-never-print-me';

/** Every concern once; none of them may throw, whatever Redis does. */
async function touchEverything(state: ReturnType<typeof sharedState>) {
  const pacer = state.pacer({ name: 'beike', perSecond: 1_000, burst: 1_000 });
  const budget = state.dailyBudget({ name: 'beike', limit: 1_000 });
  const meter = state.clientMeter({ name: 'requests', perMinute: 1_000 });
  const circuit = state.circuit({ name: 'beike', failureThreshold: 5, openMs: 1_000 });
  const cache = state.cache<{ n: number }>({
    name: 'detail',
    ttlMs: 60_000,
    staleIfErrorMs: 0,
    maxEntries: 10,
  });
  const lock = state.workLock({ name: 'detail', ttlMs: 1_000 });
  const reservation = await pacer.reserve(0);
  await pacer.refund(reservation);
  const ticket = await budget.tryConsume();
  if (ticket) await budget.refund(ticket);
  await meter.take('client', 1);
  const permit = await circuit.acquire();
  await circuit.recordSuccess(permit);
  await cache.set('k', { n: 1 });
  await cache.get('k');
  const held = await lock.tryAcquire('k');
  await held?.release();
}

describe.skipIf(!redisUp)('shared state when Redis fails', () => {
  it('keeps answering with no Redis at all, says why, counts fallbacks, and never shows the URL or password', async () => {
    const log = memoryLogger();
    const port = await freePort();
    const redis = connect('lgtest:nothing:', {
      url: `redis://lg-user:${PASSWORD}@127.0.0.1:${port}/0`,
      logger: log.logger,
    });
    const status = await redis.open();
    expect(status).toEqual({ state: 'degraded', reason: 'connection refused' });
    await touchEverything(sharedState(redis));
    const fallbacks = redis.fallbacks();
    for (const concern of ['pacer', 'budget', 'clients', 'circuit', 'cache', 'lock'] as const) {
      expect(fallbacks[concern], concern).toBeGreaterThan(0);
    }
    await redis.close();
    const everything = log.text() + JSON.stringify(status) + JSON.stringify(fallbacks);
    expect(log.lines.length).toBeGreaterThan(0);
    expect(everything).not.toContain(PASSWORD);
    expect(everything).not.toContain('lg-user');
    expect(everything).not.toContain(String(port));
    expect(everything).not.toMatch(/ECONNREFUSED|127\.0\.0\.1/);
  });

  it('allows each replica only its share of every limit while Redis is away', async () => {
    const redis = connect('lgtest:share:', {
      url: `redis://127.0.0.1:${await freePort()}/0`,
      fallbackShare: 0.25,
    });
    await redis.open();
    const state = sharedState(redis);
    const pacer = state.pacer({ name: 'fang', perSecond: 0.1, burst: 8 });
    const budget = state.dailyBudget({ name: 'fang', limit: 100 });
    const meter = state.clientMeter({ name: 'cost', perMinute: 8 });
    const granted = { pacer: 0, budget: 0, meter: 0 };
    for (let i = 0; i < 200; i += 1) {
      if ((await pacer.reserve(0)).granted) granted.pacer += 1;
      if (await budget.tryConsume()) granted.budget += 1;
      if ((await meter.take('client', 1)).ok) granted.meter += 1;
    }
    await redis.close();
    expect(granted).toEqual({ pacer: 2, budget: 25, meter: 2 });
    expect(redis.fallbacks()).toMatchObject({ pacer: 200, budget: 200 });
    expect(redis.fallbacks().clients).toBeGreaterThanOrEqual(200);
  });

  it('reports a refused password as such, without the password or the server text', async () => {
    const server = new PrivateRedis(await freePort(), ['--requirepass', 'the-right-one']);
    await server.start();
    const log = memoryLogger();
    try {
      const redis = connect('lgtest:auth:', {
        url: `redis://:${PASSWORD}@127.0.0.1:${server.port}/0`,
        logger: log.logger,
      });
      await redis.open();
      await waitFor(() => redis.status().state === 'degraded' && log.lines.length > 0);
      expect(redis.status()).toEqual({ state: 'degraded', reason: 'authentication failed' });
      await touchEverything(sharedState(redis));
      await redis.close();
      expect(log.text()).not.toContain(PASSWORD);
      expect(log.text()).not.toMatch(/WRONGPASS|invalid username-password/i);
    } finally {
      await server.stop();
    }
  });

  describe('Redis stopped mid-load, then back', () => {
    let server: PrivateRedis;
    beforeAll(async () => {
      server = new PrivateRedis(await freePort());
      await server.start();
    });
    afterAll(() => server.stop());

    it('falls back within the share, degrades /ready with a reason, and shares again after the restart', async () => {
      const prefix = 'lgtest:midload:';
      const redis = connect(prefix, { url: server.url, fallbackShare: 0.25, commandTimeoutMs: 200 });
      await redis.open();
      expect(redis.status()).toEqual({ state: 'up' });
      const state = sharedState(redis);
      const budget = state.dailyBudget({ name: 'fang', limit: 100 });
      const cache = state.cache<{ n: number }>({
        name: 'search',
        ttlMs: 60_000,
        staleIfErrorMs: 0,
        maxEntries: 1,
      });
      const errors: unknown[] = [];
      let granted = 0;
      const spend = async (calls: number) => {
        for (let i = 0; i < calls; i += 1) {
          try {
            if (await budget.tryConsume()) granted += 1;
            await cache.get(`k${i}`);
          } catch (error) {
            errors.push(error);
          }
        }
      };

      await spend(40);
      expect(granted).toBe(40);
      const load = spend(200);
      await sleep(5);
      await server.stop();
      await load;
      await spend(200);
      expect(errors).toEqual([]);
      expect(redis.status().state).toBe('degraded');
      expect(redis.status()).toHaveProperty('reason');
      expect(redis.fallbacks().budget).toBeGreaterThan(0);
      expect(redis.fallbacks().cache).toBeGreaterThan(0);
      // The documented bound for one replica: what Redis granted plus share x limit locally.
      expect(granted).toBeLessThanOrEqual(100 + 25);
      const grantedWhileDown = granted;

      await server.start();
      await waitFor(() => redis.status().state === 'up', 15_000);
      const before = redis.fallbacks().budget;
      const probe = new Redis(server.url);
      try {
        await probe.set(
          `${prefix}budget:fang:${new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10)}`,
          90,
        );
        await spend(20);
        expect(redis.fallbacks().budget).toBe(before);
        // Shared again: the counter in Redis, not the local one, decides (90 + 10 = the limit).
        expect(granted - grantedWhileDown).toBe(10);
      } finally {
        probe.disconnect();
        await redis.close();
      }
    });
  });

  it('gives up on a slow Redis after the command timeout instead of waiting', async () => {
    const server = new PrivateRedis(await freePort(), ['--enable-debug-command', 'local']);
    await server.start();
    const sleeper = new Redis(server.url);
    const redis = connect('lgtest:slow:', { url: server.url, commandTimeoutMs: 100 });
    try {
      await redis.open();
      const budget = sharedState(redis).dailyBudget({ name: 'beike', limit: 10 });
      const blocked = sleeper.call('DEBUG', 'SLEEP', '1.5').catch(() => undefined);
      await sleep(50);
      const started = Date.now();
      const ticket = await budget.tryConsume();
      const tookMs = Date.now() - started;
      expect(ticket).not.toBeNull();
      expect(redis.fallbacks().budget).toBe(1);
      expect(redis.status()).toEqual({ state: 'degraded', reason: 'command timed out' });
      expect(tookMs).toBeLessThan(1_400);
      await blocked;
      await waitFor(() => redis.client.status === 'ready');
      await budget.tryConsume();
      expect(redis.status()).toEqual({ state: 'up' });
    } finally {
      sleeper.disconnect();
      await redis.close();
      await server.stop();
    }
  });
});
