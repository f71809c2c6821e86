import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { MemoryDailyShares } from '../../src/state/daily-shares.js';
import { startGateway, type TestGateway } from '../support/gateway.js';

/**
 * Finding 4 of the security probe: one key within its per-minute allowance emptied Fang's whole
 * daily budget in two minutes, and everyone else got UPSTREAM_QUOTA_EXHAUSTED.
 */

const GREEDY = 'greedy-0123456789abcdef';
const OTHER = 'other-0123456789abcdef0';
const FANG_SEARCH = `query F($k: String) { search(filter: { cityId: "110000", keyword: $k, providers: [FANG] }, first: 3) { edges { node { id } } } }`;

async function search(gw: TestGateway, key: string, keyword: string) {
  const response = await fetch(gw.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json',
      authorization: `Bearer ${key}`,
    },
    body: JSON.stringify({ query: FANG_SEARCH, variables: { k: keyword } }),
  });
  return (await response.json()) as { errors?: { message: string; extensions?: { code?: string } }[] };
}

describe('CLIENT_DAILY_SHARE (the real server on loopback)', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({
      API_KEYS: `greedy:${GREEDY},other:${OTHER}`,
      FANG_DAILY_BUDGET: '40',
      CLIENT_DAILY_SHARE: '0.25',
      // At full speed: no per-minute limits, no response cache.
      CLIENT_REQUESTS_PER_MINUTE: '0',
      CLIENT_COST_PER_MINUTE: '0',
      RESPONSE_CACHE_TTL_SECONDS: '0',
    });
  });
  afterAll(() => gw.close());

  it('one client looping at full speed leaves at least the configured remainder for the others', async () => {
    const fang = gw.app.providers.get('FANG')!;
    let refusedAt = -1;
    for (let i = 0; i < 60 && refusedAt < 0; i++) {
      const answer = await search(gw, GREEDY, `loop${i}`);
      if (answer.errors?.some((e) => e.extensions?.code === 'UPSTREAM_QUOTA_EXHAUSTED')) refusedAt = i;
    }
    // 25% of 40: ten calls, then its share is spent.
    expect(refusedAt).toBe(10);
    expect(fang.health().budgetRemaining).toBe(30);
    const message = (await search(gw, GREEDY, 'again')).errors?.[0]?.message;
    expect(message).toMatch(/share of Fang's daily budget/);
    expect(fang.health().budgetRemaining).toBe(30);
    expect(gw.app.sandbox!.calls.count({ provider: 'fang' })).toBe(10);

    // Everyone else still has the rest.
    const other = await search(gw, OTHER, 'mine');
    expect(other.errors).toBeUndefined();
    expect(fang.health().budgetRemaining).toBe(29);
  });
});

describe('the shares and the per-minute default', () => {
  it('gives each client its fraction of the budget, at least one call, per China day', async () => {
    let now = Date.UTC(2026, 0, 1, 4);
    const shares = new MemoryDailyShares({ name: 'fang', fraction: 0.25, dailyBudget: 10, now: () => now });
    expect(shares.perClient).toBe(2);
    const first = await shares.tryTake('a');
    expect([first !== null, (await shares.tryTake('a')) !== null, await shares.tryTake('a')]).toEqual([
      true,
      true,
      null,
    ]);
    expect(await shares.tryTake('b')).not.toBeNull();
    await shares.giveBack(first!);
    expect(await shares.tryTake('a')).not.toBeNull();
    // Midnight in China (16:00 UTC) starts a new day.
    now = Date.UTC(2026, 0, 1, 16, 0, 1);
    expect(await shares.tryTake('a')).not.toBeNull();
    expect(new MemoryDailyShares({ name: 'fang', fraction: 0.01, dailyBudget: 10 }).perClient).toBe(1);
  });

  it('the default per-minute cost budget fits within the providers pacing', () => {
    const config = loadConfig({});
    expect(config.security.defaults.costPerMinute).toBe(300);
    const paced = Math.min(config.beike!.ratePerSecond, config.fang!.ratePerSecond) * 60;
    expect(config.security.defaults.costPerMinute).toBeLessThanOrEqual(paced);
    expect(config.security.clientDailyShare).toBe(0.25);
    expect(loadConfig({ FANG_RATE_PER_SECOND: '2' }).security.defaults.costPerMinute).toBe(120);
    expect(loadConfig({ CLIENT_COST_PER_MINUTE: '50' }).security.defaults.costPerMinute).toBe(50);
    expect(() => loadConfig({ CLIENT_DAILY_SHARE: '1.5' })).toThrow(/CLIENT_DAILY_SHARE/);
    expect(() => loadConfig({ CLIENT_DAILY_SHARE: '0' })).toThrow(/CLIENT_DAILY_SHARE/);
  });
});
