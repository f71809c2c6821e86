import { describe, expect, it } from 'vitest';
import { CITIES } from '../../src/domain/cities.js';
import { createBeikeApi } from '../../src/sandbox/beike/api.js';
import { parseCondition } from '../../src/sandbox/beike/condition.js';
import { generateData } from '../../src/sandbox/data/generate.js';
import { BEIKE_PATHS, startSandbox } from '../../src/sandbox/index.js';
import { CallLimits } from '../../src/sandbox/server/limits.js';

describe('generated data', () => {
  const data = generateData();

  it('holds at least 2,000 listings over at least 5 cities', () => {
    const total = data.beike.listings.length + data.fang.houses.length;
    expect(total).toBeGreaterThanOrEqual(2_000);
    const cities = new Set([
      ...data.beike.listings.map((l) => l.cityId),
      ...data.fang.houses.map((h) => h.cityId),
    ]);
    expect(cities.size).toBeGreaterThanOrEqual(5);
    for (const city of CITIES) {
      expect(data.beike.listings.filter((l) => l.cityId === city.id).length).toBeGreaterThanOrEqual(250);
      const fang = data.fang.houses.filter((h) => h.cityId === city.id);
      expect(fang.filter((h) => h.houseType === 'second').length).toBeGreaterThanOrEqual(150);
      expect(fang.filter((h) => h.houseType === 'rent').length).toBeGreaterThanOrEqual(60);
      expect(fang.filter((h) => h.houseType === 'new').length).toBeGreaterThanOrEqual(20);
    }
  });

  it('uses the id formats of the real sites, unique', () => {
    expect(new Set(data.beike.listings.map((l) => l.houseCode)).size).toBe(data.beike.listings.length);
    expect(new Set(data.fang.houses.map((h) => h.houseId)).size).toBe(data.fang.houses.length);
    for (const l of data.beike.listings) {
      expect(l.houseCode).toMatch(/^\d{12}$/);
      expect(l.communityId).toMatch(/^\d{13}$/);
      expect(l.agent.agentUcid).toMatch(/^\d{16}$/);
    }
    for (const h of data.fang.houses) expect(h.houseId).toMatch(/^(esf|zf|xf|sp)_\d_\d{8}$/);
  });

  it('keeps prices, areas and dates in realistic ranges', () => {
    for (const l of data.beike.listings) {
      expect(l.area).toBeGreaterThanOrEqual(30);
      expect(l.area).toBeLessThanOrEqual(200);
      expect(l.bedrooms).toBeGreaterThanOrEqual(1);
      expect(l.bedrooms).toBeLessThanOrEqual(5);
      expect(l.listedAt >= '2024-10-01' && l.listedAt <= '2026-11-02').toBe(true);
    }
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const unit = (cityId: string) =>
      median(data.beike.listings.filter((l) => l.cityId === cityId).map((l) => l.unitPrice));
    expect(unit('110000')).toBeGreaterThan(45_000);
    expect(unit('510100')).toBeLessThan(35_000);
    expect(unit('510100')).toBeGreaterThan(12_000);
  });

  it('is the same for the same seed and different for another', () => {
    expect(JSON.stringify(generateData())).toBe(JSON.stringify(data));
    const other = generateData(1);
    expect(other.beike.listings[5]?.houseCode).not.toBe(data.beike.listings[5]?.houseCode);
  });

  it('answers byte-identical bodies for the same seed across sandboxes', async () => {
    const [a, b] = await Promise.all([startSandbox({ seed: 42 }), startSandbox({ seed: 42 })]);
    try {
      const body = async (url: string, token: string) => {
        const res = await fetch(
          `${url}/api/beike/get-ershoufang-list/v1?token=${token}&cityId=330100&condition=co21&offset=40`,
        );
        const json = (await res.json()) as { data: unknown };
        return JSON.stringify(json.data);
      };
      expect(await body(a.beikeUrl, a.credentials.beikeToken)).toBe(
        await body(b.beikeUrl, b.credentials.beikeToken),
      );
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('generates 40x the listings quickly enough for a memory benchmark', () => {
    const started = performance.now();
    const big = generateData(20241105, 40);
    expect(big.beike.listings.length + big.fang.houses.length).toBeGreaterThan(100_000);
    // Generous: about 1 s on a laptop; only an accidental quadratic would reach this.
    expect(performance.now() - started).toBeLessThan(20_000);
  });
});

describe('memoised bodies', () => {
  it('serialises a detail once and serves the warm one from memory', () => {
    const data = generateData();
    const api = createBeikeApi(data, 'token', new CallLimits(undefined, undefined));
    const listing = data.beike.listings.find((l) => l.houseCode !== '101127449675')!;
    const query = new URLSearchParams({
      token: 'token',
      cityId: listing.cityId,
      houseCode: listing.houseCode,
    });
    const first = api.answer(BEIKE_PATHS.detail, query).body.toString();
    expect(api.serialisations()).toBe(1);
    const second = api.answer(BEIKE_PATHS.detail, query).body.toString();
    expect(api.serialisations()).toBe(1);
    const dataOf = (body: string) => JSON.stringify((JSON.parse(body) as { data: unknown }).data);
    expect(dataOf(second)).toBe(dataOf(first));
  });
});

describe('Beike condition grammar', () => {
  it('parses tokens in any order with the keyword last', () => {
    const parsed = parseCondition('co21l3l1bp100ep250.5ba50ea90mw1de1de3su1ie2rs望京 西园');
    expect(parsed).toEqual({
      ok: true,
      condition: {
        bedrooms: [1, 3],
        priceWan: [100, 250.5],
        area: [50, 90],
        overFiveYears: true,
        decorations: ['FULL', 'ROUGH'],
        nearMetro: true,
        elevator: true,
        sort: 'co21',
        district: null,
        keyword: '望京 西园',
      },
    });
  });

  it('reads an empty bound as open and rejects unknown or repeated tokens', () => {
    const open = parseCondition('bp300ep');
    expect(open.ok && open.condition.priceWan).toEqual([300, Number.POSITIVE_INFINITY]);
    expect(parseCondition('x1').ok).toBe(false);
    expect(parseCondition('co99').ok).toBe(false);
    expect(parseCondition('co21co22').ok).toBe(false);
    expect(parseCondition('l7').ok).toBe(false);
  });
});
