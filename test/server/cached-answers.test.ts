import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, parseMetrics, sumOf } from '../ops/support.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { captureLogs } from '../support/logs.js';

/**
 * Response-cache hits are answered in the node:http listener, after the gate and before Yoga
 * (src/server/cached-answers.ts). A hit must be what the Yoga path sent when it kept the answer,
 * byte for byte and header for header, and must pass every check the gate makes.
 */

const KEY = 'warm-0123456789abcdef-secret';
const SEARCH = '{ search(filter: { cityId: "110000" }, first: FIRST) { edges { node { id title url } } } }';
const searchBody = (first: number) => JSON.stringify({ query: SEARCH.replace('FIRST', String(first)) });

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function send(
  url: string,
  options: { path?: string; body: string; headers?: Record<string, string>; method?: string },
): Promise<Answer> {
  const { port, hostname } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: hostname,
        port,
        path: options.path ?? '/graphql',
        method: options.method ?? 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json',
          'content-length': Buffer.byteLength(options.body),
          ...options.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** The headers that say something about the answer (not the connection, the date or the request's id). */
function answerHeaders(answer: Answer): Record<string, unknown> {
  const {
    date: _date,
    connection: _connection,
    'keep-alive': _keepAlive,
    'x-request-id': _id,
    ...rest
  } = answer.headers;
  return rest;
}

describe('cached answers before Yoga', () => {
  let gw: TestGateway;
  const upstreamCalls = () => gw.app.sandbox!.calls.count();

  beforeAll(async () => {
    gw = await startGateway({
      API_KEYS: `acme:${KEY}`,
      CORS_ORIGINS: 'https://app.example',
      METRICS_ENABLED: '1',
    });
  }, 60_000);
  afterAll(() => gw.close());

  const auth = { authorization: `Bearer ${KEY}` };

  it.each([
    ['br', 20],
    ['gzip', 21],
    ['identity', 22],
  ])('a hit (%s) is byte for byte and header for header what the Yoga path sent', async (encoding, first) => {
    const body = searchBody(first);
    const headers = { ...auth, 'accept-encoding': encoding, origin: 'https://app.example' };
    const executed = await send(gw.url, { body, headers });
    expect(executed.status).toBe(200);
    const calls = upstreamCalls();
    expect(calls).toBeGreaterThan(0);

    const hit = await send(gw.url, { body, headers: { ...headers, 'x-request-id': 'hit-1' } });
    expect(upstreamCalls()).toBe(calls);
    expect(hit.status).toBe(200);
    expect(hit.body.equals(executed.body)).toBe(true);
    expect(answerHeaders(hit)).toEqual(answerHeaders(executed));
    expect(hit.headers['content-encoding']).toBe(encoding === 'identity' ? undefined : encoding);
    expect(hit.headers['access-control-allow-origin']).toBe('https://app.example');
    expect(hit.headers['x-request-id']).toBe('hit-1');
  });

  it('counts a hit in the HTTP metrics', async () => {
    const body = searchBody(23);
    const served = async () =>
      sumOf(
        parseMetrics(await (await fetch(gw.url.replace(/\/graphql$/, '/metrics'))).text()),
        'listing_graph_http_request_duration_seconds_count',
        { route: '/graphql', status: '200' },
      );
    await send(gw.url, { body, headers: auth });
    const before = await served();
    await send(gw.url, { body, headers: auth });
    await send(gw.url, { body, headers: auth });
    expect(await served()).toBe(before + 2);
  });

  it('refuses a keyless or wrongly keyed request 401, even for an answer kept', async () => {
    const body = searchBody(24);
    expect((await send(gw.url, { body, headers: auth })).status).toBe(200);
    expect((await send(gw.url, { body, headers: auth })).status).toBe(200);
    const refusedHeaders: Record<string, string>[] = [
      {},
      { authorization: `Bearer ${KEY.slice(0, -1)}x` },
      { 'x-api-key': 'nope' },
    ];
    for (const headers of refusedHeaders) {
      const refused = await send(gw.url, { body, headers });
      expect(refused.status).toBe(401);
      expect(JSON.parse(refused.body.toString()).errors[0].extensions).toEqual({ code: 'UNAUTHENTICATED' });
    }
  });

  it('refuses a form or text body 415, even when its bytes are those of an answer kept', async () => {
    const body = searchBody(24);
    for (const type of [
      'application/x-www-form-urlencoded',
      'text/plain',
      'multipart/form-data; boundary=x',
    ]) {
      const refused = await send(gw.url, { body, headers: { ...auth, 'content-type': type } });
      expect(refused.status).toBe(415);
      expect(JSON.parse(refused.body.toString()).errors[0].extensions).toEqual({
        code: 'UNSUPPORTED_MEDIA_TYPE',
      });
    }
  });

  it('answers a kept request on any other path 404, not from the cache', async () => {
    const body = searchBody(24);
    for (const path of ['/graphql/', '//graphql', '/GraphQL', '/graphql%2F', '/%2Fgraphql', '/x/graphql']) {
      const answer = await send(gw.url, { path, body, headers: auth });
      expect(answer.status, path).toBe(404);
      expect(answer.body.toString(), path).not.toContain('"edges"');
    }
  });
});

describe('cached answers and the request scope', () => {
  let gw: TestGateway;
  const logs = captureLogs('debug');
  beforeAll(async () => {
    gw = await startGateway({ LOG_LEVEL: 'debug' }, { logger: logs.logger });
  }, 60_000);
  afterAll(() => gw.close());

  const requestLine = (reqId: string) =>
    eventually(
      () => logs.lines.find((l) => l.msg === 'request' && l.reqId === reqId),
      `the request line of ${reqId}`,
    );

  it('runs a miss read before Yoga in its own request scope: its upstream calls and lines are its own', async () => {
    const body = searchBody(20);
    const before = gw.app.sandbox!.calls.count();
    expect((await send(gw.url, { body, headers: { 'x-request-id': 'scope-miss' } })).status).toBe(200);
    const upstream = gw.app.sandbox!.calls.count() - before;
    expect(upstream).toBeGreaterThan(0);
    expect(await requestLine('scope-miss')).toMatchObject({ upstreamCalls: upstream, status: 200 });
    const attempts = logs.lines.filter((l) => l.msg === 'upstream attempt' && l.reqId === 'scope-miss');
    expect(attempts).toHaveLength(upstream);

    expect((await send(gw.url, { body, headers: { 'x-request-id': 'scope-hit' } })).status).toBe(200);
    expect(await requestLine('scope-hit')).toMatchObject({ upstreamCalls: 0, status: 200 });
  });
});

describe('cached answers and the client rate', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({ API_KEYS: `acme:${KEY}:4` });
  }, 60_000);
  afterAll(() => gw.close());

  it('counts each request once, hit or miss', async () => {
    const body = searchBody(20);
    const headers = { authorization: `Bearer ${KEY}` };
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await send(gw.url, { body, headers })).status);
    // One miss (executed) and three hits make the four of this minute; the fifth is refused.
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
  });
});

describe('cached answers while the event loop lags', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({ LOAD_SHED_LAG_MS: '100' });
  }, 60_000);
  afterAll(() => gw.close());

  function busyWait(ms: number): void {
    const until = performance.now() + ms;
    while (performance.now() < until) {
      // Blocking on purpose: this is the lag.
    }
  }

  it('sheds a request for an answer kept: 503 OVERLOADED with Retry-After', async () => {
    const body = searchBody(20);
    // Starting up may itself lag past 100 ms on a busy machine: wait until a hit is served.
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      status = (await send(gw.url, { body })).status;
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status).toBe(200);

    const blocker = setInterval(() => busyWait(250), 10);
    try {
      busyWait(250);
      await new Promise((resolve) => setTimeout(resolve, 150));
      // The lag is sampled per 100 ms window, and a window can end between two blocks before the
      // monitor has recorded the last one: ask a few times while the loop keeps lagging.
      let shed = await send(gw.url, { body });
      for (let i = 0; i < 20 && shed.status !== 503; i++) shed = await send(gw.url, { body });
      expect(shed.status).toBe(503);
      expect(shed.headers['retry-after']).toBe('1');
      expect(JSON.parse(shed.body.toString()).errors[0].extensions).toMatchObject({ code: 'OVERLOADED' });
    } finally {
      clearInterval(blocker);
    }
  });
});
