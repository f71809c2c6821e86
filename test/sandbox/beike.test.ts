import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BeikeListingRecord, Sandbox } from '../../src/sandbox/index.js';
import { startSandbox } from '../../src/sandbox/index.js';
import { beikeUrl, COMMUNITIES, DETAIL, get, type Json, LIST } from './helpers.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The JSON text of seed 000's response, extracted from the seed document itself. */
function seedResponseText(): string {
  const seed = readFileSync(path.resolve(repoRoot, '../shared/seeds/000_1b134e1a3e074715.txt'), 'utf8');
  const lines = seed.split('\n');
  const start = lines.findIndex((line, i) => line === 'json' && lines[i - 1]?.endsWith('Responses'));
  const rest = lines.slice(start + 1).join('\n');
  return rest.slice(0, rest.indexOf('💡 Note'));
}

let sandbox: Sandbox;
beforeAll(async () => {
  // Most of this file reads the camelCase spelling; the v4 default has its own block at the end.
  sandbox = await startSandbox({ beikeList: 'camel' });
});
afterAll(() => sandbox.close());

async function page(cityId: string, condition: string, offset = 0): Promise<Json> {
  const reply = await get(beikeUrl(sandbox, LIST, { cityId, condition, offset: String(offset) }));
  expect(reply.status).toBe(200);
  const body = reply.json as Json;
  expect(body.code).toBe(0);
  return body.data;
}

async function allPages(cityId: string, condition: string): Promise<string[]> {
  const codes: string[] = [];
  for (let offset = 0; ; offset += 20) {
    const data = await page(cityId, condition, offset);
    codes.push(...data.data.list.map((item: Json) => item.houseCode));
    if (!data.data.hasMoreData) return codes;
  }
}

const beijing = () => sandbox.data.beike.listings.filter((l) => l.cityId === '110000');
const tieByCode = (a: BeikeListingRecord, b: BeikeListingRecord) => (a.houseCode < b.houseCode ? -1 : 1);

describe('Beike detail', () => {
  it('serves seed 000 byte for byte', async () => {
    const expected = seedResponseText();
    expect(expected.startsWith('{\n"code": 0,')).toBe(true);
    const reply = await get(beikeUrl(sandbox, DETAIL, { cityId: '110000', houseCode: '101127449675' }));
    expect(reply.status).toBe(200);
    expect(reply.text).toBe(expected);
  });

  it('answers code 100 to a missing or wrong token, without echoing it', async () => {
    const wrong = await get(
      beikeUrl(sandbox, DETAIL, { cityId: '110000', houseCode: '101127449675' }, 'nope-token'),
    );
    expect(wrong.status).toBe(200);
    expect(wrong.json).toMatchObject({ code: 100, message: 'invalid or inactive token', data: null });
    expect(wrong.text).not.toContain('nope-token');
    const missing = await get(`${sandbox.beikeUrl}${DETAIL}?cityId=110000&houseCode=101127449675`);
    expect((missing.json as Json).code).toBe(100);
  });

  it('answers 201 for an unknown house or one in another city, 400 for missing params', async () => {
    const unknown = await get(beikeUrl(sandbox, DETAIL, { cityId: '110000', houseCode: '109999999999' }));
    expect((unknown.json as Json).code).toBe(201);
    const otherCity = await get(beikeUrl(sandbox, DETAIL, { cityId: '310000', houseCode: '101127449675' }));
    expect((otherCity.json as Json).code).toBe(201);
    const missing = await get(beikeUrl(sandbox, DETAIL, { cityId: '110000' }));
    expect((missing.json as Json).code).toBe(400);
  });

  it('shapes a generated listing like the seed, consistent with its record', async () => {
    const listing = sandbox.data.beike.listings.find((l) => l.cityId === '440300' && l.wire.colon === '：')!;
    const reply = await get(beikeUrl(sandbox, DETAIL, { cityId: '440300', houseCode: listing.houseCode }));
    const body = reply.json as Json;
    expect(body).toMatchObject({ code: 0, message: 'success' });
    expect(typeof body.recordTime).toBe('string');
    const seedData = (JSON.parse(seedResponseText()) as Json).data;
    expect(Object.keys(body.data)).toEqual(Object.keys(seedData));
    expect(Object.keys(body.data.basicInfo)).toEqual(Object.keys(seedData.basicInfo));
    const basic = body.data.basicInfo;
    expect(basic).toMatchObject({
      houseCode: listing.houseCode,
      cityId: '440300',
      price: listing.price,
      area: listing.area,
    });
    expect(basic.unitPrice).toBe(Math.ceil(listing.price / listing.area));
    expect(basic.mUrl).toBe(`https://m.ke.com/sz/ershoufang/${listing.houseCode}.html`);
    expect(body.data.infoList.every((i: Json) => i.name.endsWith('：'))).toBe(true);
    const listed = body.data.infoList.find((i: Json) => i.name === '挂牌：').value;
    expect(listed).toBe(listing.listedAt.replaceAll('-', '.'));
    const community = body.data.infoJumpList.find((i: Json) => i.id === 'xiaoqurukou').value;
    expect(community).toMatch(/^.+ \(.+区-.+\)$/);
    const pay = body.data.infoJumpList.find((i: Json) => i.id === 'goufangyusuan');
    expect(pay.sfTotal).toBeGreaterThan(0);
    expect(pay.monthlySupply).toBeGreaterThan(0);
    expect(body.data.headPictures.some((g: Json) => g.groupName === '户型')).toBe(true);
    expect(body.data.verificationInfo.agentUcid).toMatch(/^\d{16}$/);
    const licence = body.data.verificationInfo.certificateInfo[0].list.find((c: Json) => c.certCode);
    expect(licence.certCode).toMatch(/^\d{20}$/);
  });
});

describe('Beike search list', () => {
  it('includes the seed listing in Beijing, consistent with the seed', async () => {
    const codes = await allPages('110000', 'rs双裕花园西区');
    expect(codes).toContain('101127449675');
    const data = await page('110000', 'rs双裕花园西区');
    const item = data.data.list.find((i: Json) => i.houseCode === '101127449675');
    expect(item).toMatchObject({
      price: 2350000,
      unitPrice: 37067,
      area: 63.4,
      priceStr: '235万',
      unitPriceStr: '37067元/平',
      desc: '1室1厅/63.4㎡/南/双裕花园西区',
      blueprintBedroomNum: 1,
      blueprintHallNum: 1,
      communityId: '1111027379646',
      communityName: '双裕花园西区',
    });
  });

  it('rejects an offset that is not a multiple of 20, and unknown tokens', async () => {
    const bad = await get(beikeUrl(sandbox, LIST, { cityId: '110000', condition: '', offset: '10' }));
    expect((bad.json as Json).code).toBe(400);
    const negative = await get(beikeUrl(sandbox, LIST, { cityId: '110000', condition: '', offset: '-20' }));
    expect((negative.json as Json).code).toBe(400);
    const token = await get(beikeUrl(sandbox, LIST, { cityId: '110000', condition: 'zz9', offset: '0' }));
    expect((token.json as Json).code).toBe(400);
  });

  it('pages through all results exactly once, in relevance order by default', async () => {
    const codes = await allPages('110000', '');
    const expected = [...beijing()]
      .sort((a, b) => a.relevance - b.relevance || tieByCode(a, b))
      .map((l) => l.houseCode);
    expect(codes).toEqual(expected);
    expect(new Set(codes).size).toBe(beijing().length);
    const first = await page('110000', '');
    expect(first.data.totalCount).toBe(beijing().length);
    expect(first.data.returnCount).toBe(20);
  });

  it('honours bedrooms, price, area, 满五年 and 精装 filters with a price sort', async () => {
    const codes = await allPages('110000', 'l2l3bp300ep800.5ba60ea120mw1de1co21');
    const expected = beijing()
      .filter(
        (l) =>
          (l.bedrooms === 2 || l.bedrooms === 3) &&
          l.price >= 3_000_000 &&
          l.price <= 8_005_000 &&
          l.area >= 60 &&
          l.area <= 120 &&
          l.tags.includes('满五年') &&
          l.decoration === 'FULL',
      )
      .sort((a, b) => a.price - b.price || tieByCode(a, b))
      .map((l) => l.houseCode);
    expect(expected.length).toBeGreaterThan(3);
    expect(codes).toEqual(expected);
  });

  it('reads l6 as five bedrooms or more (l5 exactly five) and an empty upper price as open', async () => {
    const exactlyFive = await allPages('310000', 'l5');
    expect(exactlyFive.every((code) => sandbox.data.beike.byHouseCode.get(code)!.bedrooms === 5)).toBe(true);
    const codes = await allPages('310000', 'l6bp1000ep');
    const expected = sandbox.data.beike.listings
      .filter((l) => l.cityId === '310000' && l.bedrooms >= 5 && l.price >= 10_000_000)
      .map((l) => l.houseCode);
    expect(expected.length).toBeGreaterThan(0);
    expect([...codes].sort()).toEqual([...expected].sort());
  });

  it.each([
    ['co32', (a: BeikeListingRecord, b: BeikeListingRecord) => b.listedAt.localeCompare(a.listedAt)],
    ['co22', (a: BeikeListingRecord, b: BeikeListingRecord) => b.price - a.price],
    ['co41', (a: BeikeListingRecord, b: BeikeListingRecord) => a.unitPrice - b.unitPrice],
    ['co42', (a: BeikeListingRecord, b: BeikeListingRecord) => b.unitPrice - a.unitPrice],
    ['co11', (a: BeikeListingRecord, b: BeikeListingRecord) => a.area - b.area],
    ['co12', (a: BeikeListingRecord, b: BeikeListingRecord) => b.area - a.area],
  ])('sorts by %s, ties by houseCode', async (token, compare) => {
    const codes = await allPages('510100', token);
    const expected = sandbox.data.beike.listings
      .filter((l) => l.cityId === '510100')
      .sort((a, b) => compare(a, b) || tieByCode(a, b))
      .map((l) => l.houseCode);
    expect(codes).toEqual(expected);
  });

  it('matches a keyword, percent-encoded or not, against title, community and district', async () => {
    const expected = beijing()
      .filter(
        (l) =>
          l.districtFull.includes('朝阳') || l.title.includes('朝阳') || l.communityName.includes('朝阳'),
      )
      .map((l) => l.houseCode)
      .sort();
    expect(expected.length).toBeGreaterThan(0);
    expect((await allPages('110000', 'rs朝阳')).sort()).toEqual(expected);
    expect((await allPages('110000', `rs${encodeURIComponent('朝阳')}`)).sort()).toEqual(expected);
  });

  it('sends about one item in ten with numbers as strings', async () => {
    const codes = await allPages('440100', '');
    expect(codes.length).toBeGreaterThan(200);
    let stringy = 0;
    for (let offset = 0; offset < codes.length; offset += 20) {
      const data = await page('440100', '', offset);
      for (const item of data.data.list) {
        if (typeof item.price === 'string') {
          stringy++;
          expect(Number(item.price)).toBe(sandbox.data.beike.byHouseCode.get(item.houseCode)!.price);
        }
      }
    }
    expect(stringy / codes.length).toBeGreaterThan(0.04);
    expect(stringy / codes.length).toBeLessThan(0.2);
  });
});

describe('Beike community list', () => {
  it('pages snake_case communities with a string code "0"', async () => {
    const reply = await get(
      beikeUrl(sandbox, COMMUNITIES, { cityId: '110000', condition: '', limitOffset: '0' }),
    );
    const body = reply.json as Json;
    expect(body.code).toBe('0');
    const communities = sandbox.data.beike.communities.filter((c) => c.cityId === '110000');
    expect(body.data.total_count).toBe(communities.length);
    expect(body.data.list).toHaveLength(20);
    expect(body.data.has_more_data).toBe(true);
    const item = body.data.list[0];
    expect(typeof item.city_id).toBe('number');
    expect(item.community_id).toMatch(/^\d{13}$/);
    const counted = beijing().filter((l) => l.communityId === item.community_id).length;
    expect(item.ershoufang_source_count).toBe(counted);
  });

  it('filters by keyword', async () => {
    const reply = await get(beikeUrl(sandbox, COMMUNITIES, { cityId: '110000', condition: 'rs双裕' }));
    const list = (reply.json as Json).data.list;
    expect(list.map((c: Json) => c.community_id)).toContain('1111027379646');
    expect(list.every((c: Json) => c.community_name.includes('双裕'))).toBe(true);
  });
});

describe('Beike search list, app v4 spelling (the default)', () => {
  it('answers snake_case: total_count, has_more_data as 0/1, house_code, price_str + price_unit', async () => {
    const v4 = await startSandbox();
    try {
      const reply = await get(beikeUrl(v4, LIST, { cityId: '110000', condition: '', offset: '0' }));
      const app = (reply.json as Json).data;
      expect(app.errno).toBe(0);
      expect(Object.keys(app.data).sort()).toEqual(['has_more_data', 'list', 'total_count']);
      expect(app.data.has_more_data).toBe(1);
      expect(app.data.total_count).toBe(v4.data.beike.listings.filter((l) => l.cityId === '110000').length);
      for (const item of app.data.list) {
        const record = v4.data.beike.byHouseCode.get(item.house_code)!;
        expect(item.price_unit).toBe('万');
        expect(Number(item.price_str) * 10_000).toBeCloseTo(record.price, 0);
        expect(item).not.toHaveProperty('houseCode');
      }
    } finally {
      await v4.close();
    }
  });
});
