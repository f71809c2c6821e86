import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../ops/support.js';
import { type RunningServer, spawnServer } from '../support/process.js';

/**
 * Finding 1 of the security probe: `POST /graphql/` (and `//graphql`, and every path Yoga routes
 * to its handler) executed without a key. Against the real entry point in its own process, in
 * production with keys: every URL variant and method either executes with a key on the one
 * canonical path, or does not execute at all.
 */

const KEY = 'gate-0123456789abcdef-secret';
const QUERY = '{ service { mode } }';
const EXECUTED = '"mode":"SANDBOX"';

const PATHS = [
  '/graphql',
  '/graphql?x=1',
  '/graphql/',
  '/graphql//',
  '//graphql',
  '///graphql',
  '//graphql/',
  '/x/graphql',
  '/api/graphql',
  '/health/graphql',
  '/ready/graphql',
  '/metrics/graphql',
  '/graphql/x',
  '/graphql/graphql',
  '/GRAPHQL',
  '/GraphQL',
  '/%67raphql',
  '/graphql%2F',
  '/%2Fgraphql',
  '/graphql%20',
  '/graphql;x=1',
  '/graphql/.',
  '/./graphql',
  '/x/../graphql',
  '/graphql/..',
  '/graphql:id',
  '/graphql/:id',
  '/graphql/123',
  '/?a=/graphql',
  '/x?/graphql',
  '/#/graphql',
  '/graphql#frag',
  'http://127.0.0.1/graphql',
  '/graphql\\',
  '/graphql.json',
];

interface Probe {
  method: string;
  contentType?: string;
  body?: string;
  /** Query in the URL (GET) */
  inUrl?: boolean;
}

const PROBES: Probe[] = [
  { method: 'GET', inUrl: true },
  { method: 'POST', contentType: 'application/json', body: JSON.stringify({ query: QUERY }) },
  { method: 'POST', contentType: 'application/graphql', body: QUERY },
  {
    method: 'POST',
    contentType: 'application/graphql-response+json',
    body: JSON.stringify({ query: QUERY }),
  },
  {
    method: 'POST',
    contentType: 'application/x-www-form-urlencoded',
    body: `query=${encodeURIComponent(QUERY)}`,
  },
  {
    method: 'POST',
    contentType: 'multipart/form-data; boundary=b',
    body: `--b\r\nContent-Disposition: form-data; name="operations"\r\n\r\n${JSON.stringify({ query: QUERY })}\r\n--b--\r\n`,
  },
  { method: 'POST', contentType: 'text/plain', body: JSON.stringify({ query: QUERY }) },
  { method: 'POST', body: JSON.stringify({ query: QUERY }) },
  { method: 'PUT', contentType: 'application/json', body: JSON.stringify({ query: QUERY }) },
  { method: 'PATCH', contentType: 'application/json', body: JSON.stringify({ query: QUERY }) },
  { method: 'DELETE', contentType: 'application/json', body: JSON.stringify({ query: QUERY }) },
  { method: 'OPTIONS' },
  { method: 'HEAD', inUrl: true },
];

function send(
  port: number,
  path: string,
  probe: Probe,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  const separator = path.includes('?') ? '&' : '?';
  const target = probe.inUrl ? `${path}${separator}query=${encodeURIComponent(QUERY)}` : path;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: probe.method,
        path: target,
        headers: {
          accept: 'application/graphql-response+json, application/json',
          ...(probe.contentType ? { 'content-type': probe.contentType } : {}),
          ...(probe.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(probe.body)) }),
          ...headers,
        },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end(probe.body);
  });
}

let server: RunningServer;
let port: number;
beforeAll(async () => {
  server = spawnServer({
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    API_KEYS: `gate:${KEY}`,
    CLIENT_REQUESTS_PER_MINUTE: '0',
  });
  const listening = await eventually(
    () => server.lines.find((l) => typeof l.url === 'string' && l.msg.includes('listening')),
    'the listening line',
    // Starting tsx and the app in a fresh process takes seconds on a busy machine.
    60_000,
  );
  port = Number(new URL(String(listening.url)).port);
}, 90_000);
afterAll(() => {
  if (server.child.exitCode === null) server.child.kill('SIGKILL');
});

describe('one gate for every GraphQL request (the real process, production, API keys)', () => {
  it('no URL variant and no method executes without a key', async () => {
    const executed: string[] = [];
    for (const path of PATHS) {
      for (const probe of PROBES) {
        const answer = await send(port, path, probe);
        if (
          answer.body.includes(EXECUTED) ||
          (answer.status >= 200 && answer.status < 300 && probe.method !== 'OPTIONS')
        ) {
          executed.push(`${probe.method} ${path} ${probe.contentType ?? '(no type)'} → ${answer.status}`);
        }
      }
    }
    expect(executed).toEqual([]);
  }, 60_000);

  it('with a key, executes on the canonical path only: every other path is 404', async () => {
    const auth = { authorization: `Bearer ${KEY}` };
    const json = PROBES[1]!;
    expect((await send(port, '/graphql', json, auth)).body).toContain(EXECUTED);
    expect((await send(port, '/graphql?x=1', json, auth)).body).toContain(EXECUTED);
    expect((await send(port, '/graphql', PROBES[0]!, auth)).body).toContain(EXECUTED);
    const executedElsewhere: string[] = [];
    for (const path of PATHS) {
      if (path === '/graphql' || path.startsWith('/graphql?') || path === '/graphql#frag') continue;
      for (const probe of PROBES) {
        const answer = await send(port, path, probe, auth);
        if (answer.body.includes(EXECUTED)) executedElsewhere.push(`${probe.method} ${path}`);
        if (probe.method === 'POST' && probe.contentType === 'application/json') {
          // An absolute-form target is not a path at all: 400 before routing.
          expect(answer.status, path).toBe(path.startsWith('/') ? 404 : 400);
        }
      }
    }
    expect(executedElsewhere).toEqual([]);
  }, 60_000);

  it('keyless requests are refused on the canonical path, whatever the method', async () => {
    for (const probe of PROBES) {
      const answer = await send(port, '/graphql', probe);
      if (probe.method === 'OPTIONS') expect(answer.status).toBe(204);
      else expect([401, 405, 415], `${probe.method} ${probe.contentType}`).toContain(answer.status);
    }
  });
});
