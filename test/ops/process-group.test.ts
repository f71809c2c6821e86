import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import {
  graphqlRequest,
  killGroups,
  type RunningServer,
  rawConnection,
  spawnServer,
} from '../support/process.js';
import { eventually, post, searchEdges } from './support.js';

// Each process gets its own sandbox seed city: a cold search is then two upstream round trips.
const SEARCH = (city: string) =>
  `query Drained { search(filter: { cityId: "${city}" }, first: 3) { edges { node { id floor { level } } } } }`;
const DEADLINE_MS = 15_000;
/** What every test here must stay within: the drain deadline plus start-up and slack. */
const EXIT_WITHIN_MS = DEADLINE_MS + 5_000;

const servers: RunningServer[] = [];
afterAll(() => killGroups(servers));

function start(env: Record<string, string> = {}, command?: [string, string[]]): RunningServer {
  const server = spawnServer(
    {
      LOG_LEVEL: 'debug',
      SHUTDOWN_DELAY_MS: '0',
      SHUTDOWN_TIMEOUT_MS: String(DEADLINE_MS),
      BEIKE_TIMEOUT_MS: '10000',
      FANG_TIMEOUT_MS: '10000',
      BEIKE_DEADLINE_MS: '12000',
      FANG_DEADLINE_MS: '12000',
      ...env,
    },
    command,
  );
  servers.push(server);
  return server;
}

async function exitsCleanly(server: RunningServer): Promise<void> {
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(resolve, EXIT_WITHIN_MS, 'timeout').unref());
  expect(await Promise.race([server.exit, timeout])).toEqual({ code: 0, signal: null });
  expect(server.lines.filter((l) => l.msg.startsWith('draining'))).toHaveLength(1);
  expect(server.lines.some((l) => l.msg === 'stopped')).toBe(true);
}

describe('SIGTERM to the process group (SHUTDOWN_DELAY_MS=0)', () => {
  it('answers a slow request in flight, drains once through repeated SIGTERMs, and exits 0', async () => {
    const server = start({ SANDBOX_LATENCY_MS: '1500' });
    const base = await server.base();
    const inFlight = post(`${base}/graphql`, SEARCH('110000'), {}, { 'x-request-id': 'slow-1' });
    await eventually(() => server.lines.find((l) => l.reqId === 'slow-1'), 'the request to arrive');
    server.signalGroup();
    await eventually(() => server.lines.find((l) => l.msg.startsWith('draining')), 'the draining line');
    // A supervisor that repeats itself: neither aborts the drain.
    server.signalGroup();
    server.child.kill('SIGTERM');

    const answered = await inFlight;
    expect(answered.status).toBe(200);
    expect(answered.headers.get('connection')).toBe('close');
    expect(searchEdges(answered.body)).toHaveLength(3);
    await exitsCleanly(server);
    expect(server.lines.filter((l) => l.msg.startsWith('already draining')).length).toBeGreaterThanOrEqual(1);
  }, 60_000);

  it('answers a request whose headers were half sent when the signal came', async () => {
    const server = start();
    const base = await server.base();
    const { host } = new URL(base);
    const request = graphqlRequest(host, SEARCH('310000'));
    const split = request.indexOf('content-type');
    const connection = await rawConnection(base);
    connection.send(request.slice(0, split));
    // The server has read the first bytes once its parser reports a request under way; a short
    // wait stands in for that (nothing is logged before the headers are complete).
    await new Promise((resolve) => setTimeout(resolve, 300));
    server.signalGroup();
    await eventually(() => server.lines.find((l) => l.msg.startsWith('draining')), 'the draining line');
    // The listener closes during the drain; this connection was open before it began.
    await new Promise((resolve) => setTimeout(resolve, 500));
    connection.send(request.slice(split));

    const response = await connection.response;
    expect(response).not.toBe('cut');
    if (response === 'cut') return;
    expect(response.status).toBe(200);
    expect(response.headers.connection).toBe('close');
    expect(JSON.parse(response.body).data.search.edges).toHaveLength(3);
    await exitsCleanly(server);
  }, 60_000);

  it('answers every request already sent under concurrent load, on connections new and idle until then', async () => {
    const server = start({ SANDBOX_LATENCY_MS: '200' });
    const base = await server.base();
    const { host } = new URL(base);
    const cities = ['110000', '310000', '440100', '440300', '510100'];
    // Connections accepted and idle until just before the signal: the ones a drain would take for idle.
    const kept = await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        const connection = await rawConnection(base);
        return { connection, city: cities[i % cities.length] as string };
      }),
    );
    const fresh = await Promise.all(Array.from({ length: 30 }, () => rawConnection(base)));
    // Every request is written before the signal: its bytes have reached the server's kernel.
    for (const [i, c] of fresh.entries())
      c.send(graphqlRequest(host, SEARCH(cities[i % cities.length] as string)));
    for (const { connection, city } of kept) connection.send(graphqlRequest(host, SEARCH(city)));
    server.signalGroup();

    const responses = await Promise.all([...fresh, ...kept.map((k) => k.connection)].map((c) => c.response));
    const statuses = responses.map((r) => (r === 'cut' ? 'cut' : r.status));
    expect(statuses.filter((s) => s === 'cut')).toEqual([]);
    for (const response of responses) {
      if (response === 'cut') continue;
      expect([200, 503]).toContain(response.status);
      expect(response.headers.connection).toBe('close');
    }
    await exitsCleanly(server);
  }, 90_000);
});

describe('Ctrl-C', () => {
  it('drains on the first SIGINT and exits at once, code 130, on a second one', async () => {
    const server = start({ SANDBOX_LATENCY_MS: '3000' });
    const base = await server.base();
    const inFlight = post(`${base}/graphql`, SEARCH('440100'), {}, { 'x-request-id': 'ctrl-c-1' }).then(
      (r) => r.status,
      () => 'cut' as const,
    );
    await eventually(() => server.lines.find((l) => l.reqId === 'ctrl-c-1'), 'the request to arrive');
    server.signalGroup('SIGINT');
    await eventually(() => server.lines.find((l) => l.msg.startsWith('draining')), 'the draining line');
    await new Promise((resolve) => setTimeout(resolve, 400));
    server.signalGroup('SIGINT');
    const timeout = new Promise<'timeout'>((resolve) => setTimeout(resolve, 5_000, 'timeout').unref());
    expect(await Promise.race([server.exit, timeout])).toEqual({ code: 130, signal: null });
    // A person chose to leave: the slow request was not waited for.
    expect(await inFlight).toBe('cut');
  }, 60_000);
});

describe('stopping with stdout’s reader gone', () => {
  it('exits within the deadline after the pipe filled and its reader closed', async () => {
    const server = start({ LOG_LEVEL: 'debug' });
    const base = await server.base();
    // Stop reading: the pipe fills with the probes' debug lines (~250 bytes each).
    server.child.stdout?.pause();
    server.child.stdout?.removeAllListeners('data');
    for (let batch = 0; batch < 40; batch++) {
      await Promise.all(
        Array.from({ length: 50 }, () => fetch(`${base}/health`).then((r) => r.arrayBuffer())),
      );
    }
    server.child.stdout?.destroy();
    server.signalGroup();
    const timeout = new Promise<'timeout'>((resolve) =>
      setTimeout(resolve, EXIT_WITHIN_MS, 'timeout').unref(),
    );
    expect(await Promise.race([server.exit, timeout])).toEqual({ code: 0, signal: null });
  }, 90_000);
});

describe('npm start', () => {
  it('runs one node process, which SIGTERM to npm alone drains once and stops', async () => {
    const server = start({}, ['npm', ['start', '--silent']]);
    const base = await server.base();
    expect((await fetch(`${base}/health`)).status).toBe(200);
    // npm and one node: no shell, no tsx wrapper process in between to swallow the signal. (By
    // command line: Node 24 names its main thread, and so the process, "MainThread".)
    const group = execFileSync('ps', ['-o', 'args=', '-g', String(server.child.pid)], { encoding: 'utf8' })
      .trim()
      .split('\n');
    expect(group).toHaveLength(2);
    expect(group.filter((args) => /^npm start\b/.test(args))).toHaveLength(1);
    expect(group.filter((args) => /^\S*node --import tsx src\/main\.ts$/.test(args))).toHaveLength(1);
    server.child.kill('SIGTERM');
    // npm forwards the signal to the server, which must finish and say so.
    await eventually(() => server.lines.find((l) => l.msg === 'stopped'), 'the stopped line', EXIT_WITHIN_MS);
    expect(server.lines.filter((l) => l.msg.startsWith('draining'))).toHaveLength(1);
    await expect(fetch(`${base}/health`)).rejects.toThrow();
  }, 60_000);
});
