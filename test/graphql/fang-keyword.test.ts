import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CITIES } from '../../src/domain/cities.js';
import type { FangHouseRecord } from '../../src/sandbox/index.js';
import { SearchStubsDocument, type SearchStubsQueryVariables } from '../generated/graphql.js';
import { dataOf, GATEWAY_FANG_PATHS, startGateway, type TestGateway } from '../support/gateway.js';

/**
 * The sandbox refuses an item_search without `q` (400, as Fang does), so every search here that
 * comes back with Fang OK proves the gateway sent a keyword; the counts prove it narrowed nothing.
 */

let gw: TestGateway;
beforeAll(async () => {
  gw = await startGateway();
});
afterAll(() => gw.close());
beforeEach(() => {
  gw.app.sandbox!.calls.reset();
});

const fangHouses = (cityId: string, type: FangHouseRecord['houseType']) =>
  gw.app.sandbox!.data.fang.houses.filter((h) => h.cityId === cityId && h.houseType === type);

describe("Fang's required keyword", () => {
  it.each(CITIES.map((c) => [c.name, c.id]))(
    'a filter-only search in %s returns all its Fang listings',
    async (_name, cityId) => {
      const { search } = dataOf(
        await gw.query(SearchStubsDocument, { filter: { cityId, providers: ['FANG'] }, first: 20 }),
      );
      expect(search.providers).toEqual([expect.objectContaining({ provider: 'FANG', state: 'OK' })]);
      expect(search.edges.length).toBe(20);
      expect(search.edges.every((e) => e.node.provider === 'FANG' && e.node.cityId === cityId)).toBe(true);
      // The derived keyword narrows nothing: Fang's count is every resale house of the city.
      expect(search.totalCount).toBe(fangHouses(cityId, 'second').length);
    },
  );

  it('a merged filter-only search has Fang listings beside Beike ones', async () => {
    const { search } = dataOf(
      await gw.query(SearchStubsDocument, { filter: { cityId: '440300' }, first: 10 }),
    );
    expect(new Set(search.edges.map((e) => e.node.provider))).toEqual(new Set(['BEIKE', 'FANG']));
  });

  it.each(['', '   ', '\u3000'])(
    'a blank keyword (%j) searches as if there were none, on both providers',
    async (keyword) => {
      const filter = { cityId: '330100' };
      const blank = dataOf(
        await gw.query(SearchStubsDocument, { filter: { ...filter, keyword }, first: 20 }),
      );
      const none = dataOf(await gw.query(SearchStubsDocument, { filter, first: 20 }));
      expect(blank.search.providers.map((p) => p.state)).toEqual(['OK', 'OK']);
      expect(blank.search.totalCount).toBe(none.search.totalCount);
      expect(blank.search.edges.map((e) => e.node.id)).toEqual(none.search.edges.map((e) => e.node.id));
    },
  );

  it('every combination of filters tried reaches Fang with a keyword it accepts', async () => {
    const filters: SearchStubsQueryVariables['filter'][] = [];
    for (const listingType of ['RESALE', 'NEW_HOME', 'RENTAL', 'COMMERCIAL'] as const)
      for (const keyword of [undefined, null, '地铁', '朝阳 地铁'])
        for (const extra of [
          {},
          { bedrooms: [2, 3], decoration: 'FULL' as const },
          { priceMin: 1_000, areaMax: 200, amenities: ['METRO' as const, 'SCHOOL' as const] },
        ])
          filters.push({ cityId: '110000', providers: ['FANG'], listingType, keyword, ...extra });
    for (const filter of filters) {
      const response = await gw.query(SearchStubsDocument, { filter, first: 5 });
      const { search } = dataOf(response);
      expect(search.providers[0], JSON.stringify(filter)).toMatchObject({ provider: 'FANG', state: 'OK' });
    }
    const calls = gw.app.sandbox!.calls.count({ provider: 'fang', path: GATEWAY_FANG_PATHS.search });
    expect(calls).toBeGreaterThan(0);
    expect(filters.length).toBe(48);
  });

  it('a keyword search still sends the keyword itself', async () => {
    const house = fangHouses('110000', 'second')[0] as FangHouseRecord;
    const { search } = dataOf(
      await gw.query(SearchStubsDocument, {
        filter: { cityId: '110000', keyword: house.buildingName, providers: ['FANG'] },
        first: 50,
      }),
    );
    expect(search.edges.map((e) => e.node.sourceId)).toContain(house.houseId);
    expect(search.totalCount).toBeLessThan(fangHouses('110000', 'second').length);
  });
});
