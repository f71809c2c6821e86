import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Readiness } from '../../src/server/plugins/health.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { captureLogs } from '../support/logs.js';
import { eventually, OPS_ENV, post, searchEdges } from './support.js';

const SLOW_SEARCH = `query SlowSearch($city: String!, $providers: [Provider!]) {
  search(filter: { cityId: $city, providers: $providers }, first: 3) { edges { node { id totalPrice floor { level } } } }
}`;
const baseOf = (gw: TestGateway) => gw.url.replace(/\/graphql$/, '');

async function ready(gw: TestGateway): Promise<{ status: number; body: Readiness }> {
  const response = await fetch(`${baseOf(gw)}/ready`);
  return { status: response.status, body: (await response.json()) as Readiness };
}

describe('/health and /ready', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({
      ...OPS_ENV,
      CIRCUIT_FAILURE_THRESHOLD: '1',
      CIRCUIT_OPEN_MS: '300',
      RETRY_MAX_ATTEMPTS: '1',
    });
  });
  afterAll(() => gw.close());

  it('/health answers 200 with a small JSON body while the process runs', async () => {
    const response = await fetch(`${baseOf(gw)}/health`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('/ready says which providers are reachable; open circuits make it degraded, never 503', async () => {
    expect(await ready(gw)).toEqual({
      status: 200,
      body: {
        ready: true,
        status: 'ok',
        draining: false,
        providers: {
          BEIKE: { circuit: 'closed', budgetRemaining: 10_000 },
          FANG: { circuit: 'closed', budgetRemaining: 1_000 },
        },
        decodeDrift: { total: 0, top: [] },
      },
    });

    // One failure opens a circuit at this threshold. Fang down, Beike up: degraded.
    gw.app.sandbox!.faults.add({ provider: 'fang', fault: { kind: 'status', status: 503 } });
    await post(gw.url, SLOW_SEARCH, { city: '110000' });
    const partly = await ready(gw);
    expect(partly.status).toBe(200);
    expect(partly.body).toMatchObject({ ready: true, status: 'degraded' });
    expect(partly.body.providers.FANG?.circuit).toBe('open');
    expect(partly.body.providers.BEIKE?.circuit).toBe('closed');

    // Both down (an outage every replica sees): still 200, so no load balancer drains them all.
    gw.app.sandbox!.faults.add({ provider: 'beike', fault: { kind: 'status', status: 503 } });
    await post(gw.url, SLOW_SEARCH, { city: '310000', providers: ['BEIKE'] });
    const none = await ready(gw);
    expect(none.status).toBe(200);
    expect(none.body).toMatchObject({ ready: true, status: 'degraded', draining: false });
    expect(none.body.providers.BEIKE?.circuit).toBe('open');
  });

  it('closes an open circuit by itself once CIRCUIT_OPEN_MS has passed and the provider is back', async () => {
    gw.app.sandbox!.faults.clear();
    // The circuits opened in the test above; CIRCUIT_OPEN_MS is 300 ms here.
    await new Promise((resolve) => setTimeout(resolve, 400));
    const answered = await post(gw.url, SLOW_SEARCH, { city: '440100' });
    expect(answered.body.errors).toBeUndefined();
    const after = await ready(gw);
    expect(after.body).toMatchObject({ ready: true, status: 'ok' });
    expect(after.body.providers.BEIKE?.circuit).toBe('closed');
    expect(after.body.providers.FANG?.circuit).toBe('closed');
  });
});

describe('/ready in production', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({ ...OPS_ENV, NODE_ENV: 'production', READY_TOKEN: 'ready-token-0123456789' });
  });
  afterAll(() => gw.close());

  it('shows only ok/degraded to a stranger, and the details to the configured token', async () => {
    const stranger = await fetch(`${baseOf(gw)}/ready`);
    expect(stranger.status).toBe(200);
    expect(await stranger.json()).toEqual({ ready: true, status: 'ok' });
    const wrong = await fetch(`${baseOf(gw)}/ready`, {
      headers: { authorization: 'Bearer ready-token-012345678X' },
    });
    expect(await wrong.json()).toEqual({ ready: true, status: 'ok' });
    const operator = await fetch(`${baseOf(gw)}/ready`, {
      headers: { authorization: 'Bearer ready-token-0123456789' },
    });
    expect(await operator.json()).toMatchObject({
      ready: true,
      status: 'ok',
      providers: { BEIKE: { circuit: 'closed', budgetRemaining: 10_000 } },
    });
  });
});

describe('closing the app', () => {
  it('finishes a request in flight, answering it with Connection: close, and is not ready meanwhile', async () => {
    const gw = await startGateway({ ...OPS_ENV, SANDBOX_LATENCY_MS: '300' });
    const sandbox = gw.app.sandbox!;
    const inFlight = post(gw.url, SLOW_SEARCH, { city: '110000' });
    await eventually(() => (sandbox.calls.count() > 0 ? true : undefined), 'the first upstream call');

    const closing = gw.app.close({ delayMs: 1_500 });
    expect(gw.app.draining).toBe(true);
    // During the delay the listener still accepts, so a load balancer can see the 503.
    const during = await ready(gw);
    expect(during.status).toBe(503);
    expect(during.body).toMatchObject({ ready: false, draining: true });

    const answered = await inFlight;
    expect(answered.status).toBe(200);
    expect(answered.headers.get('connection')).toBe('close');
    expect(answered.body.errors).toBeUndefined();
    expect(searchEdges(answered.body)).toHaveLength(3);
    await closing;
    await expect(fetch(`${baseOf(gw)}/health`)).rejects.toThrow();
  });

  it('answers 503 with Connection: close what is still unanswered at the deadline, and says so', async () => {
    const logs = captureLogs('warn');
    const gw = await startGateway({ ...OPS_ENV }, { logger: logs.logger });
    const sandbox = gw.app.sandbox!;
    sandbox.faults.add({ provider: 'beike', fault: { kind: 'timeout' } });
    const stuck = post(gw.url, SLOW_SEARCH, { city: '110000', providers: ['BEIKE'] }).then(
      (r) => r,
      () => 'cut' as const,
    );
    await eventually(() => (sandbox.calls.count() > 0 ? true : undefined), 'the hung upstream call');

    await gw.app.close({ deadlineMs: 100 });
    const answered = await stuck;
    if (answered === 'cut') throw new Error('the request was cut without an answer');
    expect(answered.status).toBe(503);
    expect(answered.headers.get('connection')).toBe('close');
    expect(answered.body.errors?.[0]?.extensions?.code).toBe('SHUTTING_DOWN');
    expect(logs.lines.find((l) => l.msg.startsWith('shutdown deadline passed'))).toMatchObject({
      level: 40,
      abandoned: 1,
    });
  });
});
