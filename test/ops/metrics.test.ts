import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BoundedLabel } from '../../src/server/metrics.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { OPS_ENV, post, scrape, sumOf } from './support.js';

const SEARCH = `query MetricsSearch($city: String!) {
  search(filter: { cityId: $city }, first: 3) { edges { node { id totalPrice floor { level } } } }
}`;
const SEARCH_STUBS = `query MetricsStubs($city: String!, $providers: [Provider!]) {
  search(filter: { cityId: $city, providers: $providers }, first: 3) { edges { node { id title } } }
}`;
const P = 'listing_graph_';

let gw: TestGateway;
const base = () => gw.url.replace(/\/graphql$/, '');

beforeAll(async () => {
  gw = await startGateway({ ...OPS_ENV, BEIKE_DAILY_BUDGET: '500', FANG_DAILY_BUDGET: '400' });
});
afterAll(() => gw.close());
beforeEach(() => gw.app.sandbox!.faults.clear());

describe('/metrics', () => {
  it('counts upstream calls by provider, endpoint and outcome as they happen, and spends the budget', async () => {
    const sandbox = gw.app.sandbox!;
    const before = await scrape(base());
    const calls = {
      beike: sandbox.calls.count({ provider: 'beike' }),
      fang: sandbox.calls.count({ provider: 'fang' }),
    };
    const response = await post(gw.url, SEARCH, { city: '440100' });
    expect(response.status).toBe(200);
    const after = await scrape(base());
    const made = {
      beike: sandbox.calls.count({ provider: 'beike' }) - calls.beike,
      fang: sandbox.calls.count({ provider: 'fang' }) - calls.fang,
    };
    expect(made.beike).toBeGreaterThan(0);
    expect(made.fang).toBeGreaterThan(0);

    const delta = (labels: Record<string, string>) =>
      sumOf(after, `${P}upstream_calls_total`, labels) - sumOf(before, `${P}upstream_calls_total`, labels);
    expect(delta({ provider: 'BEIKE', sent: 'true', outcome: 'ok' })).toBe(made.beike);
    expect(delta({ provider: 'FANG', sent: 'true', outcome: 'ok' })).toBe(made.fang);
    expect(delta({ provider: 'BEIKE', endpoint: 'search' })).toBe(1);
    expect(delta({ provider: 'FANG', endpoint: 'search' })).toBe(1);
    expect(delta({ endpoint: 'detail' })).toBe(made.beike + made.fang - 2);

    // The budget gauge is the configured budget less every call sent since start.
    expect(sumOf(after, `${P}upstream_budget_remaining`, { provider: 'BEIKE' })).toBe(
      500 - sandbox.calls.count({ provider: 'beike' }),
    );
    expect(sumOf(after, `${P}upstream_budget_remaining`, { provider: 'FANG' })).toBe(
      400 - sandbox.calls.count({ provider: 'fang' }),
    );
  });

  it('counts cache misses, then hits, by cache', async () => {
    const before = await scrape(base());
    await post(gw.url, SEARCH, { city: '440300' });
    const cold = await scrape(base());
    await post(gw.url, SEARCH, { city: '440300' });
    const warm = await scrape(base());
    const lookups = (s: Map<string, number>, cache: string, result: string) =>
      sumOf(s, `${P}cache_lookups_total`, { cache, result });

    expect(lookups(cold, 'search', 'miss') - lookups(before, 'search', 'miss')).toBe(2);
    expect(lookups(cold, 'search', 'hit') - lookups(before, 'search', 'hit')).toBe(0);
    const detailMisses = lookups(cold, 'detail', 'miss') - lookups(before, 'detail', 'miss');
    expect(detailMisses).toBeGreaterThan(0);

    expect(lookups(warm, 'search', 'hit') - lookups(cold, 'search', 'hit')).toBe(2);
    expect(lookups(warm, 'detail', 'hit') - lookups(cold, 'detail', 'hit')).toBe(detailMisses);
    expect(lookups(warm, 'search', 'miss')).toBe(lookups(cold, 'search', 'miss'));
    expect(sumOf(warm, `${P}upstream_calls_total`)).toBe(sumOf(cold, `${P}upstream_calls_total`));
    expect(sumOf(warm, `${P}cache_entries`, { cache: 'search' })).toBeGreaterThanOrEqual(2);
  });

  it('counts retries and failed attempts, and errors by code', async () => {
    gw.app.sandbox!.faults.add({ provider: 'fang', times: 1, fault: { kind: 'status', status: 503 } });
    const before = await scrape(base());
    const response = await post(gw.url, SEARCH_STUBS, { city: '330100', providers: ['FANG'] });
    expect(response.body.errors).toBeUndefined();
    await post(gw.url, SEARCH_STUBS, { city: 'nowhere' });
    const after = await scrape(base());
    const delta = (name: string, labels: Record<string, string>) =>
      sumOf(after, `${P}${name}`, labels) - sumOf(before, `${P}${name}`, labels);

    expect(delta('upstream_retries_total', { provider: 'FANG', endpoint: 'search' })).toBe(1);
    expect(
      delta('upstream_calls_total', { provider: 'FANG', outcome: 'UPSTREAM_UNAVAILABLE', sent: 'true' }),
    ).toBe(1);
    expect(delta('upstream_calls_total', { provider: 'FANG', outcome: 'ok' })).toBe(1);
    expect(delta('graphql_errors_total', { code: 'BAD_USER_INPUT' })).toBe(1);
  });

  it('times HTTP requests by route and status, and operations by name', async () => {
    const before = await scrape(base());
    await post(gw.url, 'query TimedOne { service { mode } }');
    await post(gw.url, '{ service { mode } }');
    await fetch(`${base()}/nowhere/101127449675`);
    const after = await scrape(base());
    const count = (s: Map<string, number>, name: string, labels: Record<string, string>) =>
      sumOf(s, `${P}${name}_count`, labels);

    expect(
      count(after, 'http_request_duration_seconds', { method: 'POST', route: '/graphql', status: '200' }) -
        count(before, 'http_request_duration_seconds', { method: 'POST', route: '/graphql', status: '200' }),
    ).toBe(2);
    expect(
      count(after, 'http_request_duration_seconds', { route: 'other', status: '404' }) -
        count(before, 'http_request_duration_seconds', { route: 'other', status: '404' }),
    ).toBe(1);
    expect(count(after, 'graphql_operation_duration_seconds', { operation: 'TimedOne', type: 'query' })).toBe(
      1,
    );
    expect(
      count(after, 'graphql_operation_duration_seconds', { operation: 'anonymous' }),
    ).toBeGreaterThanOrEqual(1);
  });

  it('shows the circuit state of each provider', async () => {
    const samples = await scrape(base());
    for (const provider of ['BEIKE', 'FANG']) {
      expect(sumOf(samples, `${P}upstream_circuit_state`, { provider, state: 'closed' })).toBe(1);
      expect(sumOf(samples, `${P}upstream_circuit_state`, { provider, state: 'open' })).toBe(0);
    }
  });

  it('keeps label values bounded: no ids, no queries, no credentials, few operation names', async () => {
    await Promise.all(
      Array.from({ length: 110 }, (_, i) => post(gw.url, `query Flood${i} { service { mode } }`)),
    );
    const text = await (await fetch(`${base()}/metrics`)).text();
    const names = new Set([...text.matchAll(/operation="([^"]*)"/g)].map((m) => m[1]));
    expect(names.size).toBeLessThanOrEqual(100 + 2);
    expect(names).toContain('other');
    // Label values only: sample values are numbers and may contain any digits.
    const values = [...text.matchAll(/[a-z_]+="([^"]*)"/g)].map((m) => m[1] ?? '');
    expect(values.length).toBeGreaterThan(100);
    expect(values.filter((v) => /\d{6}|service|\{/.test(v))).toEqual([]);
    for (const secret of Object.values(gw.app.sandbox!.credentials)) expect(text).not.toContain(secret);
  });
});

describe('BoundedLabel', () => {
  it('keeps the first well-formed values and folds the rest into "other"', () => {
    const label = new BoundedLabel(2, /^[a-z]+$/);
    expect(label.value('alpha')).toBe('alpha');
    expect(label.value('Not-OK')).toBe('other');
    expect(label.value('beta')).toBe('beta');
    expect(label.value('gamma')).toBe('other');
    expect(label.value('alpha')).toBe('alpha');
  });
});

describe('with METRICS_ENABLED=0', () => {
  it('serves no /metrics', async () => {
    const off = await startGateway({ METRICS_ENABLED: '0' });
    try {
      expect(off.app.metrics).toBeNull();
      expect((await fetch(off.url.replace(/\/graphql$/, '/metrics'))).status).toBe(404);
    } finally {
      await off.close();
    }
  });
});
