import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually, killGroups, ROOT, type RunningServer, spawnServer } from '../support/process.js';

const servers: RunningServer[] = [];
afterAll(() => killGroups(servers));

async function livenessUrl(server: RunningServer): Promise<string> {
  await server.base(90_000);
  const started = server.lines.find((l) => typeof l.liveness === 'string');
  if (!started) throw new Error('the listening line names no liveness URL');
  return String(started.liveness).replace('localhost', '127.0.0.1');
}

describe('HEALTH_PORT: /health on a listener of its own, off the main thread', () => {
  it('answers GET and HEAD /health, nothing else, and stays up through the drain until the process exits 0', async () => {
    const server = spawnServer({ HEALTH_PORT: '0', SHUTDOWN_DELAY_MS: '1000', LOG_LEVEL: 'info' });
    servers.push(server);
    const health = await livenessUrl(server);
    const base = await server.base();
    expect(new URL(health).port).not.toBe(new URL(base).port);

    const get = await fetch(health);
    expect(get.status).toBe(200);
    expect(get.headers.get('cache-control')).toBe('no-store');
    expect(await get.json()).toEqual({ status: 'ok' });
    const head = await fetch(health, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');

    // Only the probe: GraphQL, the other operational paths and request bodies are not served here.
    const origin = new URL(health).origin;
    for (const [path, method] of [
      ['/graphql', 'POST'],
      ['/ready', 'GET'],
      ['/metrics', 'GET'],
      ['/health', 'POST'],
      ['/healthz', 'GET'],
    ] as const) {
      const response = await fetch(`${origin}${path}`, {
        method,
        ...(method === 'POST'
          ? { body: '{"query":"{ __typename }"}', headers: { 'content-type': 'application/json' } }
          : {}),
      });
      expect(response.status, `${method} ${path}`).toBe(404);
      expect(
        ((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions
          .code,
      ).toBe('NOT_FOUND');
    }
    // The main port keeps its own /health.
    expect((await fetch(`${base}/health`)).status).toBe(200);

    // While draining (SHUTDOWN_DELAY_MS), the process is not ready but alive.
    server.signalGroup();
    await eventually(() => server.lines.find((l) => l.msg.startsWith('draining')), 'the draining line');
    expect((await fetch(`${base}/ready`)).status).toBe(503);
    expect((await fetch(health)).status).toBe(200);
    expect(await server.exit).toEqual({ code: 0, signal: null });
  }, 120_000);

  it('refuses a HEALTH_PORT equal to PORT at start-up (the message: test/config.test.ts)', async () => {
    const server = spawnServer({ PORT: '4777', HEALTH_PORT: '4777' });
    servers.push(server);
    const { code } = await server.exit;
    expect(code).toBe(1);
  }, 120_000);

  it('answers 503 "stalled" while the main thread is stuck, from its own thread, and 200 once it turns again', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/ops/liveness-stall.fixture.ts'], {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    try {
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        out += chunk;
      });
      const port = await eventually(() => /"port":(\d+)/.exec(out)?.[1], 'the fixture to listen', 20_000);
      const health = `http://127.0.0.1:${port}/health`;
      expect((await fetch(health)).status).toBe(200);

      // Stuck for 8 s, where 300 ms of silence counts as stalled.
      child.stdin.write('block 8000\n');
      const stalled = await eventually(
        async () => {
          const response = await fetch(health);
          return response.status === 503
            ? ((await response.json()) as { status: string; stalledMs: number })
            : undefined;
        },
        'a 503 from the liveness thread',
        7_000,
      );
      // Answered while the main thread was still stuck: nothing on that thread took part.
      expect(out).not.toContain('unblocked');
      expect(stalled.status).toBe('stalled');
      expect(stalled.stalledMs).toBeGreaterThan(300);

      await eventually(
        () => (out.includes('unblocked') ? true : undefined),
        'the main thread to turn again',
        10_000,
      );
      await eventually(async () => ((await fetch(health)).status === 200 ? true : undefined), 'a 200 again');
    } finally {
      child.kill('SIGKILL');
    }
  }, 120_000);
});
