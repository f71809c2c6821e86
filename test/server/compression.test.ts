import { request } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { negotiate, varyOnEncoding } from '../../src/server/compression.js';
import { SearchFullDocument } from '../generated/graphql.js';
import { parseMetrics, sumOf } from '../ops/support.js';
import { startGateway, type TestGateway } from '../support/gateway.js';

describe('negotiate', () => {
  it.each([
    [undefined, null],
    ['', null],
    ['identity', null],
    ['gzip', 'gzip'],
    ['gzip, deflate', 'gzip'],
    ['gzip, deflate, br', 'br'],
    ['br;q=0.5, gzip', 'gzip'],
    ['br;q=0, gzip;q=0', null],
    ['*', 'br'],
    ['*;q=0.3, gzip;q=0.2', 'br'],
    ['br;q=0, *', 'gzip'],
    ['x-gzip', 'gzip'],
    ['GZIP;Q=1', 'gzip'],
    ['br;q=nonsense, gzip', 'gzip'],
    [',,;;q=,', null],
  ] as const)('%j → %s', (header, expected) => {
    expect(negotiate(header)).toBe(expected);
  });

  it('adds Accept-Encoding to Vary once', () => {
    expect(varyOnEncoding(null)).toBe('Accept-Encoding');
    expect(varyOnEncoding('Accept')).toBe('Accept, Accept-Encoding');
    expect(varyOnEncoding('accept, accept-encoding')).toBe('accept, accept-encoding');
    expect(varyOnEncoding('*')).toBe('*');
  });
});

interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  bytes: Buffer;
}

/** node:http, not fetch: fetch would decompress and hide what went over the wire. */
function exchange(url: string, init: { method?: string; headers?: Record<string, string>; body?: string }) {
  return new Promise<RawAnswer>((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'GET', headers: init.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

function decoded(answer: RawAnswer): string {
  const encoding = answer.headers['content-encoding'];
  if (encoding === 'br') return brotliDecompressSync(answer.bytes).toString('utf8');
  if (encoding === 'gzip') return gunzipSync(answer.bytes).toString('utf8');
  if (encoding === undefined) return answer.bytes.toString('utf8');
  throw new Error(`unexpected content-encoding ${String(encoding)}`);
}

describe('compressed answers, through the whole gateway', () => {
  let gw: TestGateway;
  const SEARCH = JSON.stringify({
    query: print(SearchFullDocument),
    variables: { filter: { cityId: '440100' }, first: 20 },
  });
  const post = (body: string, acceptEncoding?: string) =>
    exchange(gw.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json',
        ...(acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding }),
      },
      body,
    });
  // Scraped uncompressed: a compressed /metrics answer would count itself.
  const compressions = async (encoding: string) => {
    const metrics = await exchange(gw.url.replace(/\/graphql$/, '/metrics'), {});
    return sumOf(parseMetrics(metrics.bytes.toString('utf8')), 'listing_graph_http_compressions_total', {
      encoding,
    });
  };

  beforeAll(async () => {
    gw = await startGateway({ RESPONSE_CACHE_TTL_SECONDS: '300' });
  });
  afterAll(() => gw.close());

  it('compresses a search answer as asked, keeps the bytes in the response cache, and never compresses a hit twice', async () => {
    const miss = await post(SEARCH, 'gzip, deflate, br');
    expect(miss.status).toBe(200);
    expect(miss.headers['content-encoding']).toBe('br');
    expect(miss.headers.vary).toMatch(/accept-encoding/i);
    const text = decoded(miss);
    expect(JSON.parse(text).data.search.edges).toHaveLength(20);
    expect(Number(miss.headers['content-length'])).toBe(miss.bytes.length);
    expect(miss.bytes.length).toBeLessThan(Buffer.byteLength(text) / 3);
    expect(await compressions('br')).toBe(1);

    // Hits: the kept brotli bytes as they are; gzip made once, on the first hit that wants it.
    const hit = await post(SEARCH, 'br');
    expect(hit.headers['content-encoding']).toBe('br');
    expect(hit.bytes.equals(miss.bytes)).toBe(true);
    const gzipped = await post(SEARCH, 'gzip');
    const gzippedAgain = await post(SEARCH, 'gzip');
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(decoded(gzipped)).toBe(text);
    expect(gzippedAgain.bytes.equals(gzipped.bytes)).toBe(true);
    expect(await compressions('br')).toBe(1);
    expect(await compressions('gzip')).toBe(1);

    // A client that asks for nothing gets the same answer uncompressed.
    const plain = await post(SEARCH);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.bytes.toString('utf8')).toBe(text);
  });

  it('compresses answers the cache does not keep, and leaves small ones alone', async () => {
    const introspection = JSON.stringify({ query: '{ __schema { types { name fields { name } } } }' });
    const big = await post(introspection, 'gzip');
    expect(big.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(decoded(big)).data.__schema.types.length).toBeGreaterThan(10);

    const small = await post(JSON.stringify({ query: '{ __typename }' }), 'gzip, br');
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(small.bytes.toString('utf8'))).toMatchObject({ data: { __typename: 'Query' } });
    expect(small.headers.vary).toMatch(/accept-encoding/i);
  });
});

describe('the GraphiQL page', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({ NODE_ENV: 'development' });
  });
  afterAll(() => gw.close());
  const page = (acceptEncoding?: string) =>
    exchange(gw.url, {
      headers: { accept: 'text/html', ...(acceptEncoding ? { 'accept-encoding': acceptEncoding } : {}) },
    });

  it('is sent compressed when asked, under 2.5 MB, with a strict CSP, no framing and no sniffing', async () => {
    const raw = await page();
    expect(raw.status).toBe(200);
    expect(raw.headers['content-encoding']).toBeUndefined();
    const html = raw.bytes.toString('utf8');
    expect(html).toContain('BeijingTwoBedrooms');

    for (const encoding of ['br', 'gzip'] as const) {
      const answer = await page(encoding);
      expect(answer.headers['content-encoding']).toBe(encoding);
      expect(answer.bytes.length).toBeLessThan(2.5 * 1024 * 1024);
      expect(decoded(answer)).toBe(html);
      const again = await page(encoding);
      expect(again.bytes.equals(answer.bytes)).toBe(true);
    }

    const csp = String(raw.headers['content-security-policy']);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).not.toContain("'unsafe-inline' blob:");
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    expect(raw.headers['x-content-type-options']).toBe('nosniff');
  }, 60_000);
});
