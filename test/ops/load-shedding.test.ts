import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Admission } from '../../src/server/admission.js';
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
    // Starting up (module loading) may itself lag past 100 ms on a busy machine: wait it out.
    const admittedSoon = async () => {
      let status = 0;
      for (let i = 0; i < 50 && status !== 200; i++) {
        status = (await post()).status;
        if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return status;
    };
    expect(await admittedSoon()).toBe(200);

    // 250 ms blocked every 260 ms: every sampling window sees a lag well past 100 ms.
    const blocker = setInterval(() => busyWait(250), 10);
    try {
      busyWait(250);
      await new Promise((resolve) => setTimeout(resolve, 150));
      // The lag is sampled per 100 ms window, and a window can end between two blocks before the
      // monitor has recorded the last one: ask a few times while the loop keeps lagging.
      let shed = await post();
      for (let i = 0; i < 20 && shed.status !== 503; i++) shed = await post();
      expect(shed.status).toBe(503);
      expect(shed.headers.get('retry-after')).toBe('1');
      const body = (await shed.json()) as { errors: { extensions: { code: string } }[] };
      expect(body.errors[0]?.extensions.code).toBe('OVERLOADED');
      expect((await fetch(`${base(gw)}/health`)).status).toBe(200);
    } finally {
      clearInterval(blocker);
    }
    // Once the loop keeps up again, requests are admitted.
    expect(await admittedSoon()).toBe(200);
  });
});

describe('admission: a bounded number of GraphQL requests run at once', () => {
  it('passes a freed slot to the first one waiting, and refuses beyond the queue', async () => {
    const admission = new Admission(1, 1);
    expect(admission.enter()).toBe(true);
    const waiting = admission.enter();
    expect(waiting).toBeInstanceOf(Promise);
    expect(admission.enter()).toBe(false);
    admission.leave();
    expect(await waiting).toBe(true);
    expect(admission.inFlight).toBe(1);
    admission.leave();
    expect(admission.inFlight).toBe(0);
  });

  it('runs one slow search at a time here, queues one, sheds the third with 503; /health answers', async () => {
    const gw = await startGateway({ MAX_IN_FLIGHT: '1', MAX_QUEUED: '1', SANDBOX_LATENCY_MS: '400' });
    try {
      const search = (city: string) =>
        fetch(gw.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
          body: JSON.stringify({
            query: `{ search(filter: { cityId: "${city}" }, first: 2) { edges { node { id } } } }`,
          }),
        });
      const first = search('110000');
      await new Promise((resolve) => setTimeout(resolve, 100));
      const second = search('310000');
      await new Promise((resolve) => setTimeout(resolve, 100));
      const third = await search('440100');
      expect(third.status).toBe(503);
      expect(third.headers.get('retry-after')).toBe('1');
      expect((await fetch(`${base(gw)}/health`)).status).toBe(200);
      expect((await first).status).toBe(200);
      expect((await second).status).toBe(200);
      // Slots are given back: the next one runs.
      expect((await search('440300')).status).toBe(200);
    } finally {
      await gw.close();
    }
  });
});

describe('admission while the event loop lags', () => {
  it('turns the waiting requests away when a slot frees, instead of starting them', async () => {
    let lagging = false;
    const admission = new Admission(1, 5, () => lagging);
    expect(admission.enter()).toBe(true);
    const waiting = [admission.enter(), admission.enter()];
    lagging = true;
    admission.leave();
    expect(await Promise.all(waiting)).toEqual([false, false]);
    expect(admission.inFlight).toBe(0);
    lagging = false;
    expect(admission.enter()).toBe(true);
    const next = admission.enter();
    admission.leave();
    expect(await next).toBe(true);
  });
});
