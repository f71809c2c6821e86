import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CITIES } from '../../src/domain/cities.js';
import { findDistrict } from '../../src/domain/districts.js';
import { BEIKE_LISTINGS_PER_CITY } from '../../src/sandbox/data/beike.js';
import { FANG_COUNTS } from '../../src/sandbox/data/fang.js';
import { generateData } from '../../src/sandbox/data/generate.js';
import { SEED_LISTING } from '../../src/sandbox/data/seed-listing.js';
import { crossListingTruth, type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { fangUrl, get } from './helpers.js';

/** The cross-listed homes and decoys, checked against the records themselves (no matcher involved). */

const data = generateData();
const truth = crossListingTruth(data);
const beikeOf = (code: string) => data.beike.byHouseCode.get(code)!;
const fangOf = (id: string) => data.fang.byId.get(id)!;
const FANG_LEVEL: Record<string, string> = {
  底层: '低层',
  低楼层: '低层',
  中楼层: '中层',
  高楼层: '高层',
  顶层: '高层',
};

describe('cross-listed homes in the sandbox', () => {
  it('turns 25-35% of each city’s Fang resale houses into cross-listings, without changing any count', () => {
    for (const city of CITIES) {
      const fang = data.fang.houses.filter((h) => h.cityId === city.id);
      for (const [type, count] of Object.entries(FANG_COUNTS)) {
        expect(fang.filter((h) => h.houseType === type).length).toBe(count);
      }
      expect(data.beike.listings.filter((l) => l.cityId === city.id).length).toBe(BEIKE_LISTINGS_PER_CITY);
      const pairs = truth.pairs.filter((p) => fangOf(p.fangHouseId).cityId === city.id);
      const share = pairs.length / FANG_COUNTS.second;
      expect(share).toBeGreaterThanOrEqual(0.25);
      expect(share).toBeLessThanOrEqual(0.35);
      const decoys = truth.decoys.filter((d) => fangOf(d.fangHouseId).cityId === city.id);
      expect(decoys.length).toBeGreaterThanOrEqual(10);
    }
  });

  it('pairs each home once on each side, resale only, never the seed listing', () => {
    const beike = truth.pairs.map((p) => p.beikeHouseCode);
    const fang = truth.pairs.map((p) => p.fangHouseId);
    expect(new Set(beike).size).toBe(beike.length);
    expect(new Set(fang).size).toBe(fang.length);
    expect(beike).not.toContain(SEED_LISTING.houseCode);
    const decoyIds = new Set(truth.decoys.map((d) => d.fangHouseId));
    for (const id of fang) expect(decoyIds.has(id)).toBe(false);
    for (const id of [...fang, ...decoyIds]) expect(fangOf(id).houseType).toBe('second');
  });

  it('shows the same home with the differences real sites show', () => {
    const names = new Set<string>();
    let otherArea = 0;
    let otherPrice = 0;
    let fullDistrict = 0;
    for (const { beikeHouseCode, fangHouseId, variant } of truth.pairs) {
      const b = beikeOf(beikeHouseCode);
      const f = fangOf(fangHouseId);
      expect(f.cityId).toBe(b.cityId);
      expect(findDistrict(f.cityId, f.district)?.id).toBe(findDistrict(b.cityId, b.districtFull)?.id);
      expect(f.districtCode).toBe(findDistrict(b.cityId, b.district)?.id);
      expect([f.bedrooms, f.halls, f.floorTotal]).toEqual([b.bedrooms, b.halls, b.floorTotal]);
      expect(f.floorLevel).toBe(FANG_LEVEL[b.floorLevel]);
      if (variant.area !== 'far') expect(Math.abs(f.area - b.area)).toBeLessThanOrEqual(0.85);
      if (variant.price === 'near') expect(Math.abs(f.price! / b.price - 1)).toBeLessThan(0.045);
      else expect(Math.abs(f.price! / b.price - 1)).toBeGreaterThan(0.06);
      if (variant.name === 'same') expect(f.buildingName).toBe(b.communityName);
      else expect(f.buildingName).not.toBe(b.communityName);
      names.add(variant.name);
      if (f.area !== b.area) otherArea++;
      if (f.price !== b.price) otherPrice++;
      if (f.district.endsWith('区')) fullDistrict++;
    }
    expect(names.size).toBeGreaterThanOrEqual(7);
    expect(otherArea / truth.pairs.length).toBeGreaterThan(0.3);
    expect(otherPrice / truth.pairs.length).toBeGreaterThan(0.8);
    expect(fullDistrict).toBeGreaterThan(10);
    expect(fullDistrict).toBeLessThan(truth.pairs.length / 2);
  });

  it('puts decoys in the same building with the same layout, on another floor or at another price', () => {
    const kinds = new Set<string>();
    for (const { beikeHouseCode, fangHouseId, kind } of truth.decoys) {
      const b = beikeOf(beikeHouseCode);
      const f = fangOf(fangHouseId);
      expect(f.districtCode).toBe(findDistrict(b.cityId, b.district)?.id);
      expect(f.buildingName.startsWith(b.communityName.slice(0, 2))).toBe(true);
      expect([f.bedrooms, f.halls, f.floorTotal]).toEqual([b.bedrooms, b.halls, b.floorTotal]);
      expect(Math.abs(f.area - b.area)).toBeLessThanOrEqual(5.1);
      const otherFloor = f.floorLevel !== FANG_LEVEL[b.floorLevel];
      const otherPrice = Math.abs(f.unitPrice! / b.unitPrice - 1) > 0.08;
      const otherArea = Math.abs(f.area - b.area) >= 2.4;
      expect(otherFloor || otherPrice || otherArea).toBe(true);
      kinds.add(kind);
    }
    expect(kinds).toEqual(new Set(['floor', 'price', 'area']));
  });
});

describe('the ground truth stays out of what is served', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox();
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it('is not in the sandbox data nor in a Fang answer', async () => {
    expect(crossListingTruth(sandbox.data).pairs).toEqual(truth.pairs);
    expect(Object.keys(sandbox)).not.toContain('truth');
    expect(JSON.stringify(sandbox.data.fang.houses)).not.toMatch(/beikeHouseCode|variant/);
    const pair = truth.pairs[0]!;
    const detail = await get(fangUrl(sandbox, 'item_get', { house_id: pair.fangHouseId }));
    expect(detail.status).toBe(200);
    expect(detail.text).toContain(pair.fangHouseId);
    expect(detail.text).not.toContain(pair.beikeHouseCode);
    const search = await get(
      // q is required (seed 004): the city's name, as the gateway sends it without a keyword.
      fangUrl(sandbox, 'item_search', { region: '110000', q: '北京', house_type: 'second', page_size: '50' }),
    );
    expect(search.status).toBe(200);
    for (const p of truth.pairs) expect(search.text).not.toContain(p.beikeHouseCode);
  });

  it('is refused for data the generator did not make', () => {
    expect(() => crossListingTruth({ ...data })).toThrow(/not made by generateData/);
  });
});
