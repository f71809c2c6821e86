import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findCity } from '../../src/domain/cities.js';
import { signParams } from '../../src/providers/fang/sign.js';
import type { FangHouseRecord, Sandbox } from '../../src/sandbox/index.js';
import { startSandbox } from '../../src/sandbox/index.js';
import { fangUrl, get, type Json } from './helpers.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ seed: 7 });
});
afterAll(() => sandbox.close());

/** q is required; a search without one of its own sends the city's name, as the gateway does. */
async function search(params: Record<string, string>): Promise<Json> {
  const q = findCity((params.region ?? '').slice(0, 6))?.name ?? '';
  const reply = await get(fangUrl(sandbox, 'item_search', { q, ...params }));
  expect(reply.status, reply.text).toBe(200);
  return (reply.json as Json).item_search_response.houses;
}

async function allIds(params: Record<string, string>): Promise<string[]> {
  const ids: string[] = [];
  for (let pageNum = 1; ; pageNum++) {
    const houses = await search({ ...params, page_num: String(pageNum), page_size: '50' });
    ids.push(...houses.house.map((h: Json) => h.house_id));
    if (!houses.has_next) return ids;
  }
}

const houses = (cityId: string, type: string) =>
  sandbox.data.fang.houses.filter((h) => h.cityId === cityId && h.houseType === type);
const byId = (a: FangHouseRecord, b: FangHouseRecord) => (a.houseId < b.houseId ? -1 : 1);

describe('Fang signing', () => {
  it('accepts a correct signature, including a keyword with spaces and Chinese', async () => {
    const reply = await get(fangUrl(sandbox, 'item_search', { region: '110000', q: '北京 朝阳' }));
    expect(reply.status).toBe(200);
    expect((reply.json as Json).item_search_response.houses.total).toBeGreaterThan(0);
  });

  it("accepts the adapter's own signer (params signed raw, encoded once)", async () => {
    const params = signParams(
      {
        key: sandbox.credentials.fangKey,
        api_name: 'item_search',
        result_type: 'json',
        region: '310000',
        q: '浦东 地铁房',
        cache: '',
      },
      sandbox.credentials.fangSecret,
    );
    const reply = await get(`${sandbox.fangUrl}/fang/item_search?${new URLSearchParams(params)}`);
    expect(reply.status, reply.text).toBe(200);
  });

  it('answers 401 invalid_signature to a wrong secret, a wrong key or a tampered param', async () => {
    const wrongSecret = await get(
      fangUrl(sandbox, 'item_search', { region: '110000', q: '北京' }, 'not-the-secret'),
    );
    expect(wrongSecret.status).toBe(401);
    expect(wrongSecret.json).toEqual({
      error_response: { code: 401, msg: 'invalid sign', sub_code: 'invalid_signature' },
    });
    const tampered = fangUrl(sandbox, 'item_search', { region: '110000', q: '北京' }).replace(
      'region=110000',
      'region=310000',
    );
    expect((await get(tampered)).status).toBe(401);
    const wrongKey = fangUrl(sandbox, 'item_search', { region: '110000', q: '北京' }).replace(
      `key=${sandbox.credentials.fangKey}`,
      'key=someone-else',
    );
    expect((await get(wrongKey)).status).toBe(401);
  });
});

describe('Fang item_search', () => {
  it('rejects page_size 51, a bad sort and a missing region with 400 invalid_parameter', async () => {
    const cases: Record<string, string>[] = [
      { region: '110000', q: '北京', page_size: '51' },
      { region: '110000', q: '北京', sort_type: 'cheapest' },
      { q: '朝阳' },
      { region: '110000', q: '北京', page_num: '0' },
    ];
    for (const params of cases) {
      const reply = await get(fangUrl(sandbox, 'item_search', params));
      expect(reply.status).toBe(400);
      expect((reply.json as Json).error_response.sub_code).toBe('invalid_parameter');
    }
    const reply = await get(
      fangUrl(sandbox, 'item_search', { region: '110000', q: '北京', page_size: '51' }),
    );
    expect((reply.json as Json).error_response.msg).toContain('page_size');
  });

  it('refuses a search without a keyword (q missing, empty or blank) with 400, as Fang does', async () => {
    const cases: Record<string, string>[] = [
      { region: '110000' },
      { region: '110000', q: '' },
      { region: '110000', q: '  ' },
    ];
    for (const params of cases) {
      const reply = await get(fangUrl(sandbox, 'item_search', params));
      expect(reply.status).toBe(400);
      expect((reply.json as Json).error_response).toMatchObject({ code: 400, sub_code: 'invalid_parameter' });
      expect((reply.json as Json).error_response.msg).toContain('q is required');
    }
  });

  it("a city's name as q matches every house of the city (the gateway's keyword for a filter-only search)", async () => {
    const ids = await allIds({ region: '310000', house_type: 'second' });
    expect(ids.sort()).toEqual(
      houses('310000', 'second')
        .map((h) => h.houseId)
        .sort(),
    );
  });

  it('prices resale in 万 and rentals in yuan per month', async () => {
    const second = (await search({ region: '110000', house_type: 'second' })).house[0];
    const record = sandbox.data.fang.byId.get(second.house_id)!;
    expect(second.price).toBe(record.priceWan);
    expect(second.price * 10_000).toBeCloseTo(record.price!, 0);
    expect(second.price).toBeLessThan(10_000);
    expect(second.unit_price).toBe(Math.round(record.price! / record.area));
    expect(second.transaction_status).toBe('在售');

    const rent = (await search({ region: '110000', house_type: 'rent' })).house[0];
    const rentRecord = sandbox.data.fang.byId.get(rent.house_id)!;
    expect(rent.price).toBe(rentRecord.monthlyRent);
    expect(rent.price).toBeGreaterThan(800);
    expect(rent).not.toHaveProperty('unit_price');
    expect(rent.transaction_status).toBe('出租中');
    expect(rent.house_id).toMatch(/^zf_\d_\d{8}$/);
    expect(second.house_id).toMatch(/^esf_\d_\d{8}$/);
  });

  it('filters rent prices in yuan: price_min/max are monthly rents', async () => {
    const ids = await allIds({ region: '440300', house_type: 'rent', price_min: '5000', price_max: '9000' });
    const expected = houses('440300', 'rent')
      .filter((h) => h.monthlyRent! >= 5000 && h.monthlyRent! <= 9000)
      .map((h) => h.houseId);
    expect(expected.length).toBeGreaterThan(0);
    expect(ids.sort()).toEqual(expected.sort());
  });

  it('pages through all results exactly once (default newest first, ties by house_id)', async () => {
    const ids: string[] = [];
    for (let pageNum = 1; ; pageNum++) {
      const page = await search({ region: '110000', page_num: String(pageNum), page_size: '7' });
      expect(page.page_num).toBe(pageNum);
      ids.push(...page.house.map((h: Json) => h.house_id));
      if (!page.has_next) break;
    }
    const expected = houses('110000', 'second')
      .sort((a, b) => b.publishTime.localeCompare(a.publishTime) || byId(a, b))
      .map((h) => h.houseId);
    expect(ids).toEqual(expected);
    expect(new Set(ids).size).toBe(expected.length);
  });

  it('combines district, style, price (万), area, decoration and support filters, sorted by price', async () => {
    const ids = await allIds({
      region: '110000,110105',
      house_style: '2room,3room',
      price_min: '300',
      price_max: '1500.5',
      area_min: '50',
      decoration: 'full',
      support: 'metro',
      sort_type: 'price_asc',
    });
    const expected = houses('110000', 'second')
      .filter(
        (h) =>
          h.districtCode === '110105' &&
          (h.bedrooms === 2 || h.bedrooms === 3) &&
          h.priceWan! >= 300 &&
          h.priceWan! <= 1500.5 &&
          h.area >= 50 &&
          h.decoration === 'FULL' &&
          h.amenities.includes('METRO'),
      )
      .sort((a, b) => a.priceWan! - b.priceWan! || byId(a, b))
      .map((h) => h.houseId);
    expect(expected.length).toBeGreaterThan(0);
    expect(ids).toEqual(expected);
  });

  it('serves new homes and sends support as an array or, sometimes, a comma string', async () => {
    const ids = await allIds({ region: '330100', house_type: 'new', sort_type: 'hot_desc' });
    expect(ids).toEqual(
      houses('330100', 'new')
        .sort((a, b) => b.hot - a.hot || byId(a, b))
        .map((h) => h.houseId),
    );
    const all = await search({ region: '330100', page_size: '50' });
    const kinds = new Set(
      all.house.filter((h: Json) => h.support.length > 0).map((h: Json) => typeof h.support),
    );
    expect(kinds).toEqual(new Set(['object', 'string']));
  });
});

describe('Fang item_get', () => {
  it('returns the full house, consistent with item_search', async () => {
    const record = houses('110000', 'second')[0]!;
    const reply = await get(fangUrl(sandbox, 'item_get', { house_id: record.houseId }));
    expect(reply.status).toBe(200);
    const house = (reply.json as Json).item_get_response.house;
    expect(house).toMatchObject({
      house_id: record.houseId,
      price: record.priceWan,
      area: record.area,
      house_type: 'second',
    });
    expect(house.floor).toMatch(/^[低中高]层\/共\d+层$/);
    expect(house.images.some((i: Json) => i.type === '户型图')).toBe(true);
    expect(house.images.filter((i: Json) => i.type === '实景图')).toHaveLength(record.photoCount);
    expect(house.agent.agent_id).toBe(record.agent.agentId);
  });

  it('answers HTTP 200 with error_response 404 item_not_found for an unknown id', async () => {
    const reply = await get(fangUrl(sandbox, 'item_get', { house_id: 'esf_3_00000000' }));
    expect(reply.status).toBe(200);
    expect((reply.json as Json).error_response).toMatchObject({ code: 404, sub_code: 'item_not_found' });
  });

  it('requires api_name to match the path', async () => {
    const url = fangUrl(sandbox, 'item_get', { house_id: 'esf_3_00000000' }).replace(
      '/fang/item_get',
      '/fang/item_search',
    );
    const reply = await get(url);
    expect(reply.status).toBe(400);
    expect((reply.json as Json).error_response.msg).toContain('api_name');
  });
});

describe('onebound flavour (/ftx/)', () => {
  const ftx = (api: 'item_search' | 'item_get', params: Record<string, string>, secret?: string) =>
    `${sandbox.fangUrl}/ftx/${api}?${new URLSearchParams({
      key: sandbox.credentials.fangKey,
      secret: secret ?? sandbox.credentials.fangSecret,
      ...params,
    })}`;

  it('takes key and secret as plain parameters and answers in its envelope, counts as strings too', async () => {
    const reply = await get(ftx('item_search', { q: '北京', region: '110000', page: '1', page_size: '5' }));
    const body = reply.json as Json;
    expect([reply.status, body.error_code]).toEqual([200, '0000']);
    expect(body.items.item).toHaveLength(5);
    expect(body.items.real_total_results).toBe(String(houses('110000', 'second').length));
    expect(body.items.item[0]).toHaveProperty('item_id');

    const item = (await get(ftx('item_get', { item_id: body.items.item[0].item_id }))).json as Json;
    expect([item.error_code, item.item.item_id]).toEqual(['0000', body.items.item[0].item_id]);
  });

  it('refuses a wrong secret (4005) and another flavour spelling, at HTTP 200', async () => {
    const wrong = await get(ftx('item_search', { q: '北京', region: '110000' }, 'not-the-secret'));
    expect([wrong.status, (wrong.json as Json).error_code]).toEqual([200, '4005']);
    const foreign: Record<string, string>[] = [
      { q: '北京', region: '110000', page_num: '1' },
      { q: '北京', region: '110000', api_name: 'item_search' },
    ];
    for (const params of foreign) {
      const reply = await get(ftx('item_search', params));
      expect((reply.json as Json).error_code).toBe('4000');
      expect((reply.json as Json).reason).toContain('unknown parameter');
    }
    const houseId = await get(ftx('item_get', { house_id: 'esf_1_00000001' }));
    expect((houseId.json as Json).reason).toContain('unknown parameter house_id');
  });
});
