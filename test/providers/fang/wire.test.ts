import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SearchQuery } from '../../../src/domain/listing.js';
import { FANG_FLAVOUR_TABLE, type FangFlavourName } from '../../../src/providers/fang/flavours.js';
import type { ListingProvider } from '../../../src/providers/provider.js';
import { fangAgainst } from '../../support/providers.js';

/**
 * What reaches the server: the raw query string, checked by a stand-in that verifies the signature
 * the way the contract describes it (one URL decoding, then name+value pairs, secret, MD5).
 */

const KEY = 'wire_key_7f3a';
const SECRET = 'wire_secret_c41d';

let server: Server;
let baseUrl: string;
let seen: { path: string; rawQuery: string; params: URLSearchParams }[] = [];
let reply: (req: IncomingMessage) => { status: number; body: unknown } = () => ({ status: 200, body: {} });

function expectedSign(params: URLSearchParams): string {
  const names = [...params.keys()].filter((n) => n !== 'sign' && params.get(n) !== '').sort();
  const base = names.map((n) => `${n}${params.get(n)}`).join('') + SECRET;
  return createHash('md5').update(base, 'utf8').digest('hex');
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    seen.push({ path: url.pathname, rawQuery: url.search.slice(1), params: url.searchParams });
    // onebound (/ftx/) takes key and secret as plain parameters; the open platform checks the sign.
    const authentic = url.pathname.startsWith('/ftx/')
      ? url.searchParams.get('key') === KEY && url.searchParams.get('secret') === SECRET
      : url.searchParams.get('sign') === expectedSign(url.searchParams);
    const { status, body } = authentic
      ? reply(req)
      : {
          status: 401,
          body: { error_response: { code: 401, msg: 'bad sign', sub_code: 'invalid_signature' } },
        };
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function provider(secret = SECRET, flavour: FangFlavourName = 'open-platform'): ListingProvider {
  return fangAgainst(
    { fangUrl: baseUrl, credentials: { fangKey: KEY, fangSecret: secret } },
    { pageSize: 20, maxBodyBytes: 1_000_000, flavour: FANG_FLAVOUR_TABLE[flavour] },
  ).provider;
}

const query: SearchQuery = {
  cityId: '110000',
  keyword: '望京 地铁&学区=好',
  listingType: 'RESALE',
  bedrooms: [3],
  priceMin: 5_000_000,
  priceMax: null,
  areaMin: null,
  areaMax: null,
  decoration: null,
  amenities: ['METRO', 'SCHOOL'],
  districtIds: [],
  sort: 'PRICE_ASC',
};

beforeEach(() => {
  seen = [];
  reply = () => ({
    status: 200,
    body: {
      item_search_response: { houses: { house: [{ house_id: 'esf_1', house_name: 'A' }], total: 41 } },
    },
  });
});

describe('Fang on the wire', () => {
  it('sends a signed item_search with each value encoded once and no secret', async () => {
    const fang = provider();
    const page = await fang.search(query, 1);
    await fang.close();

    expect(seen).toHaveLength(1);
    const [call] = seen;
    expect(call?.path).toBe('/fang/item_search');
    expect(Object.fromEntries(call?.params ?? [])).toEqual({
      key: KEY,
      api_name: 'item_search',
      result_type: 'json',
      cache: 'yes',
      region: '110000',
      house_type: 'second',
      house_style: '3room',
      price_min: '500',
      support: 'metro,school',
      sort_type: 'price_asc',
      q: '望京 地铁&学区=好',
      page_num: '2',
      page_size: '20',
      sign: expectedSign(call?.params ?? new URLSearchParams()),
    });
    // Encoded exactly once: one decoding gives the raw keyword back, no "%25" double escapes.
    expect(call?.rawQuery).not.toContain('%25');
    expect(call?.rawQuery).not.toContain(SECRET);
    expect(page.listings.map((l) => l.sourceId)).toEqual(['esf_1']);
    expect(page.total).toBe(41);
    expect(page.hasMore).toBe(true); // 2 pages of 20 seen, 41 in all
  });

  it('sends item_get with house_id and reads the detail', async () => {
    reply = () => ({
      status: 200,
      body: {
        item_get_response: {
          house: { house_id: 'esf_9', house_name: 'B', price: 120, house_type: 'second' },
        },
      },
    });
    const fang = provider();
    const listing = await fang.getListing({ sourceId: 'esf_9', cityId: null });
    await fang.close();
    expect(seen[0]?.path).toBe('/fang/item_get');
    expect(seen[0]?.params.get('api_name')).toBe('item_get');
    expect(seen[0]?.params.get('house_id')).toBe('esf_9');
    expect(listing).toMatchObject({ sourceId: 'esf_9', isDetail: true, totalPrice: 1_200_000 });
  });

  it('a wrong secret is rejected once as UPSTREAM_AUTH_FAILED, not retried', async () => {
    const fang = provider('not_the_secret');
    const error = await fang.search(query, 0).catch((e: unknown) => e);
    await fang.close();
    expect(error).toMatchObject({
      code: 'UPSTREAM_AUTH_FAILED',
      retryable: false,
      upstreamCode: 'invalid_signature',
    });
    expect(seen).toHaveLength(1);
    expect(String((error as Error).message)).not.toContain(KEY);
  });

  it('onebound: item_search at /ftx/ with key and secret, `page`, one spelling of each parameter', async () => {
    reply = () => ({
      status: 200,
      body: {
        items: {
          item: [{ item_id: 'esf_1', house_name: 'A' }],
          page: '2',
          page_size: 20,
          total_results: '41',
        },
        error_code: '0000',
      },
    });
    const fang = provider(SECRET, 'onebound');
    const page = await fang.search(query, 1);
    await fang.close();
    expect(seen.map((c) => c.path)).toEqual(['/ftx/item_search']);
    expect(Object.fromEntries(seen[0]?.params ?? [])).toEqual({
      key: KEY,
      secret: SECRET,
      region: '110000',
      house_type: 'second',
      house_style: '3room',
      price_min: '500',
      support: 'metro,school',
      sort_type: 'price_asc',
      q: '望京 地铁&学区=好',
      page: '2',
      page_size: '20',
    });
    expect(page.listings.map((l) => l.sourceId)).toEqual(['esf_1']);
    expect([page.total, page.hasMore]).toEqual([41, true]);
  });

  it('onebound: item_get with item_id only, and its error codes', async () => {
    reply = () => ({
      status: 200,
      body: {
        item: { item_id: 'esf_9', house_name: 'B', price: '120', house_type: 'second' },
        error_code: '0000',
      },
    });
    const fang = provider(SECRET, 'onebound');
    const listing = await fang.getListing({ sourceId: 'esf_9', cityId: null });
    expect(seen[0]?.path).toBe('/ftx/item_get');
    expect([...(seen[0]?.params.keys() ?? [])].sort()).toEqual(['item_id', 'key', 'secret']);
    expect(listing).toMatchObject({ sourceId: 'esf_9', totalPrice: 1_200_000 });

    const cases = [
      ['4004', 'UPSTREAM_AUTH_FAILED', 1],
      ['4005', 'UPSTREAM_AUTH_FAILED', 1],
      ['4008', 'UPSTREAM_RATE_LIMITED', 3],
      ['4013', 'UPSTREAM_RATE_LIMITED', 3],
      ['4016', 'UPSTREAM_QUOTA_EXHAUSTED', 1],
    ] as const;
    for (const [code, expected, attempts] of cases) {
      seen = [];
      reply = () => ({ status: 200, body: { error: 'x', reason: '-', error_code: code } });
      const error = await fang.getListing({ sourceId: 'esf_9', cityId: null }).catch((e: unknown) => e);
      expect(error, code).toMatchObject({ code: expected, upstreamCode: code });
      expect(seen).toHaveLength(attempts);
    }
    await fang.close();
  });
});
