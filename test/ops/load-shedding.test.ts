import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../support/gateway.js';

/**
 * Finding 5 of the security probe: under a burst the event loop stalled for seconds and /health
 * with it. Here the loop is made to lag on purpose (busy-waiting in this process, where the
 * gateway runs); new GraphQL requests are then shed with 503 + Retry-After, /health still answers.
 */

const QUERY = JSON.stringify({ query: '{ service { mode } }' });
const base = (gw: TestGateway) => gw.url.replace(/\/graphql$/, '');

function busyWait(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // Blocking on purpose: this is the lag.
  }
}

describe('load shedding on event-loop lag', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({ LOAD_SHED_LAG_MS: '100' });
  });
  afterAll(() => gw.close());

  it('answers new GraphQL requests 503 with Retry-After while the loop lags, keeps /health up, and recovers', async () => {
    const post = () =>
      fetch(gw.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
        body: QUERY,
      });
    expect((await post()).status).toBe(200);

    // 250 ms blocked every 260 ms: every sampling window sees a lag well past 100 ms.
    const blocker = setInterval(() => busyWait(250), 10);
    try {
      busyWait(250);
      await new Promise((resolve) => setTimeout(resolve, 150));
      const shed = await post();
      expect(shed.status).toBe(503);
      expect(shed.headers.get('retry-after')).toBe('1');
      const body = (await shed.json()) as { errors: { extensions: { code: string } }[] };
      expect(body.errors[0]?.extensions.code).toBe('OVERLOADED');
      expect((await fetch(`${base(gw)}/health`)).status).toBe(200);
    } finally {
      clearInterval(blocker);
    }
    // Once the loop keeps up again, requests are admitted.
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = (await post()).status;
    }
    expect(status).toBe(200);
  });
});
