import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { captureLogs, type LogLine } from '../support/logs.js';
import { eventually, OPS_ENV, post } from './support.js';

const SEARCH = `query OpsSearch($city: String!) {
  search(filter: { cityId: $city }, first: 4) { edges { node { id title totalPrice floor { level } } } }
}`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let gw: TestGateway;
const logs = captureLogs('debug');
const base = () => gw.url.replace(/\/graphql$/, '');
const requestLine = (reqId: string) =>
  eventually(
    () => logs.lines.find((l) => l.msg === 'request' && l.reqId === reqId),
    `the request line of ${reqId}`,
  );

beforeAll(async () => {
  gw = await startGateway({ ...OPS_ENV, LOG_LEVEL: 'debug' }, { logger: logs.logger });
});
afterAll(() => gw.close());

describe('the request log', () => {
  let cold: LogLine;

  it('writes one info line per request: id, operation, duration, upstream calls, cache results', async () => {
    const before = gw.app.sandbox!.calls.count();
    const response = await post(gw.url, SEARCH, { city: '110000' }, { 'x-request-id': 'ops-log-1' });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('ops-log-1');
    const upstream = gw.app.sandbox!.calls.count() - before;
    // Two searches (one per provider) and details for the listings the page shows.
    expect(upstream).toBeGreaterThanOrEqual(3);

    cold = await requestLine('ops-log-1');
    expect(logs.lines.filter((l) => l.msg === 'request' && l.reqId === 'ops-log-1')).toHaveLength(1);
    expect(cold).toMatchObject({
      level: 30,
      method: 'POST',
      path: '/graphql',
      status: 200,
      operation: 'OpsSearch',
      operationType: 'query',
      upstreamCalls: upstream,
      upstreamRetries: 0,
      upstreamRefused: 0,
      cacheHits: 0,
      errors: 0,
    });
    expect(cold.durationMs).toBeGreaterThan(0);
    expect(cold.cacheMisses).toBeGreaterThanOrEqual(upstream);

    const again = await post(gw.url, SEARCH, { city: '110000' }, { 'x-request-id': 'ops-log-2' });
    expect(again.body.data).toEqual(response.body.data);
    const warm = await requestLine('ops-log-2');
    expect(gw.app.sandbox!.calls.count() - before).toBe(upstream);
    expect(warm).toMatchObject({
      upstreamCalls: 0,
      cacheMisses: 0,
      cacheHits: (cold.cacheMisses as number) + (cold.cacheShared as number),
    });
  });

  it('logs each upstream attempt at debug with the request id, by path, without credentials', async () => {
    const attempts = logs.lines.filter((l) => l.msg === 'upstream attempt' && l.reqId === 'ops-log-1');
    expect(attempts).toHaveLength(cold.upstreamCalls as number);
    for (const line of attempts) {
      expect(line.level).toBe(20);
      expect(line.path).toMatch(/^\/[^?]*$/);
    }
    const everything = logs.raw.join('');
    for (const secret of Object.values(gw.app.sandbox!.credentials)) expect(everything).not.toContain(secret);
  });

  it('makes an id when the client gives none, or one unfit for a log line', async () => {
    const none = await post(gw.url, '{ service { mode } }');
    const made = none.headers.get('x-request-id') ?? '';
    expect(made).toMatch(UUID);
    expect((await requestLine(made)).operation).toBeNull();

    const odd = await post(gw.url, '{ service { mode } }', {}, { 'x-request-id': 'a b"c' });
    const replaced = odd.headers.get('x-request-id') ?? '';
    expect(replaced).toMatch(UUID);
    await requestLine(replaced);
    expect(logs.raw.join('')).not.toContain('a b\\"c');
  });

  it('counts for each of two concurrent requests only what that request did', async () => {
    const before = gw.app.sandbox!.calls.count();
    const [coldOne, warmOne] = await Promise.all([
      post(gw.url, SEARCH, { city: '310000' }, { 'x-request-id': 'ops-cold' }),
      post(gw.url, SEARCH, { city: '110000' }, { 'x-request-id': 'ops-warm' }),
    ]);
    expect([coldOne.status, warmOne.status]).toEqual([200, 200]);
    const upstream = gw.app.sandbox!.calls.count() - before;
    expect(upstream).toBeGreaterThan(0);
    expect(await requestLine('ops-cold')).toMatchObject({ upstreamCalls: upstream, cacheHits: 0 });
    expect(await requestLine('ops-warm')).toMatchObject({ upstreamCalls: 0, cacheMisses: 0 });
  });

  it('lists the error codes sent back, and logs probes at debug only', async () => {
    const bad = await post(gw.url, SEARCH, { city: '999999' }, { 'x-request-id': 'ops-bad' });
    expect(bad.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await requestLine('ops-bad')).toMatchObject({
      level: 30,
      operation: 'OpsSearch',
      upstreamCalls: 0,
      errors: 1,
      errorCodes: ['BAD_USER_INPUT'],
    });

    const health = await fetch(`${base()}/health`, { headers: { 'x-request-id': 'ops-probe' } });
    expect(health.status).toBe(200);
    expect(await requestLine('ops-probe')).toMatchObject({ level: 20, path: '/health', status: 200 });
  });

  it('logs the path without the query string of a GET', async () => {
    const query = encodeURIComponent('query Visible { service { mode } }');
    const response = await fetch(`${gw.url}?query=${query}&variables=%7B%22secretish%22%3A1%7D`, {
      headers: { accept: 'application/json', 'x-request-id': 'ops-get' },
    });
    expect(response.status).toBe(200);
    expect(await requestLine('ops-get')).toMatchObject({
      path: '/graphql',
      method: 'GET',
      operation: 'Visible',
    });
    expect(logs.raw.join('')).not.toContain('secretish');
  });
});

describe('redaction', () => {
  it('hides credentials by field name and credential-bearing headers, wherever a caller puts them', () => {
    const { logger, raw } = captureLogs('info');
    logger.info(
      {
        token: 'tok-A',
        upstream: { secret: 'sec-B', key: 'key-C' },
        headers: { authorization: 'Bearer tok-D', 'x-api-key': 'key-E', accept: 'text/html' },
        request: { headers: { cookie: 'session=F' } },
      },
      'something',
    );
    const line = raw.join('');
    for (const secret of ['tok-A', 'sec-B', 'key-C', 'tok-D', 'key-E', 'session=F']) {
      expect(line).not.toContain(secret);
    }
    expect(line).toContain('text/html');
    expect(line.match(/\[redacted\]/g)).toHaveLength(6);
  });
});
