import { afterAll, describe, expect, it } from 'vitest';
import type { LogLine } from '../support/logs.js';
import { type RunningServer, spawnServer } from '../support/process.js';
import { eventually, post, searchEdges } from './support.js';

const SEARCH = `query Drained { search(filter: { cityId: "110000" }, first: 3) { edges { node { id floor { level } } } } }`;

let server: RunningServer | undefined;
afterAll(() => {
  if (server && server.child.exitCode === null) server.child.kill('SIGKILL');
});

describe('SIGTERM on the real process', () => {
  it('turns /ready false, finishes the request in flight, closes, and exits 0', async () => {
    server = spawnServer({
      LOG_LEVEL: 'debug',
      // A cold search is two upstream round trips (search, then details): ≥ 5 s here, so the
      // request outlives the 2 s delay and is still running when the listener closes.
      SANDBOX_LATENCY_MS: '2500',
      SHUTDOWN_DELAY_MS: '2000',
      BEIKE_TIMEOUT_MS: '15000',
      FANG_TIMEOUT_MS: '15000',
      BEIKE_DEADLINE_MS: '20000',
      FANG_DEADLINE_MS: '20000',
      SHUTDOWN_TIMEOUT_MS: '15000',
    });
    const { child, lines, exit } = server;
    const started = await eventually(
      () => lines.find((l) => typeof l.url === 'string' && l.msg.includes('listening')),
      'the listening line',
      20_000,
    );
    const url = String(started.url);
    const base = url.replace(/\/graphql$/, '');
    expect((await fetch(`${base}/ready`)).status).toBe(200);

    let settled = false;
    const inFlight = post(url, SEARCH, {}, { 'x-request-id': 'in-flight-1' }).finally(() => {
      settled = true;
    });
    // The server has the request once it logs anything under its id.
    await eventually(() => lines.find((l) => l.reqId === 'in-flight-1'), 'the request to arrive');
    child.kill('SIGTERM');
    await eventually(() => lines.find((l) => l.msg.startsWith('draining')), 'the draining line');

    const during = await fetch(`${base}/ready`);
    expect(during.status).toBe(503);
    expect(await during.json()).toMatchObject({ ready: false, draining: true });

    // After the delay the listener closes: new connections are refused, the old request runs on.
    await eventually(
      () =>
        fetch(`${base}/health`).then(
          () => undefined,
          () => true,
        ),
      'the listener to close',
    );
    expect(settled).toBe(false);

    const answered = await inFlight;
    expect(answered.status).toBe(200);
    expect(answered.body.errors).toBeUndefined();
    expect(searchEdges(answered.body)).toHaveLength(3);

    expect(await exit).toEqual({ code: 0, signal: null });
    const order = (find: (l: LogLine) => boolean) => lines.findIndex(find);
    const draining = order((l) => l.msg.startsWith('draining'));
    const finished = order((l) => l.msg === 'request' && l.reqId === 'in-flight-1');
    const stopped = order((l) => l.msg === 'stopped');
    expect(draining).toBeGreaterThan(-1);
    // The request ended after the drain began and before the process stopped.
    expect(finished).toBeGreaterThan(draining);
    expect(stopped).toBeGreaterThan(finished);
    expect(lines[finished]).toMatchObject({ status: 200, upstreamCalls: expect.any(Number) });
    expect(lines.some((l) => l.msg.startsWith('shutdown deadline passed'))).toBe(false);
  }, 40_000);
});
