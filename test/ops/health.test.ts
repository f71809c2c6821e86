import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Readiness } from '../../src/server/plugins/health.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { captureLogs, eventually, OPS_ENV, post, searchEdges } from './support.js';

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
    gw = await startGateway({ ...OPS_ENV, CIRCUIT_FAILURE_THRESHOLD: '1', RETRY_MAX_ATTEMPTS: '1' });
  });
  afterAll(() => gw.close());

  it('/health answers 200 with a small JSON body while the process runs', async () => {
    const response = await fetch(`${baseOf(gw)}/health`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('/ready says which providers are reachable, and turns 503 when none is', async () => {
    expect(await ready(gw)).toEqual({
      status: 200,
      body: {
        ready: true,
        draining: false,
        providers: {
          BEIKE: { circuit: 'closed', budgetRemaining: 10_000 },
          FANG: { circuit: 'closed', budgetRemaining: 1_000 },
        },
      },
    });

    // One failure opens a circuit at this threshold. Fang down, Beike up: still ready.
    gw.app.sandbox!.faults.add({ provider: 'fang', fault: { kind: 'status', status: 503 } });
    await post(gw.url, SLOW_SEARCH, { city: '110000' });
    const partly = await ready(gw);
    expect(partly.status).toBe(200);
    expect(partly.body.providers.FANG?.circuit).toBe('open');
    expect(partly.body.providers.BEIKE?.circuit).toBe('closed');

    gw.app.sandbox!.faults.add({ provider: 'beike', fault: { kind: 'status', status: 503 } });
    await post(gw.url, SLOW_SEARCH, { city: '310000', providers: ['BEIKE'] });
    const none = await ready(gw);
    expect(none.status).toBe(503);
    expect(none.body).toMatchObject({ ready: false, draining: false });
    expect(none.body.providers.BEIKE?.circuit).toBe('open');
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
