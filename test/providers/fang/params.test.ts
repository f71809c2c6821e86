import { describe, expect, it } from 'vitest';
import { CITIES } from '../../../src/domain/cities.js';
import { fangKeyword, fangSearchSupport, searchParams } from '../../../src/providers/fang/params.js';
import { searchQuery } from '../../support/search-query.js';

const base = searchQuery();

describe('searchParams', () => {
  it("sends region, type, paging and the city's name as q for a bare search (relevance = no sort_type)", () => {
    expect(searchParams(base, 1, 50)).toEqual({
      region: '110000',
      house_type: 'second',
      page_num: '1',
      page_size: '50',
      q: '北京',
    });
  });

  it.each([
    [null, '110000', '北京'],
    ['', '310000', '上海'],
    [' \t ', '510100', '成都'],
    ['  望京 ', '110000', '望京'],
  ])('keyword %j in %s → q %s (blank counts as none)', (keyword, cityId, q) => {
    expect(fangKeyword({ ...base, keyword, cityId })).toBe(q);
    expect(searchParams({ ...base, keyword, cityId }, 1, 20).q).toBe(q);
  });

  it('always sends a non-empty q, whatever the combination of filters', () => {
    const combos = CITIES.flatMap((city) =>
      (['RESALE', 'NEW_HOME', 'RENTAL', 'COMMERCIAL'] as const).flatMap((listingType) =>
        [null, ' ', '地铁'].flatMap((keyword) =>
          [
            {},
            { bedrooms: [2, 5], decoration: 'FULL' as const },
            { priceMin: 1e6, amenities: ['METRO' as const] },
          ].map((extra) => ({ ...base, cityId: city.id, listingType, keyword, ...extra })),
        ),
      ),
    );
    expect(combos.length).toBe(CITIES.length * 4 * 3 * 3);
    for (const query of combos) expect(searchParams(query, 1, 50).q?.trim()).toBeTruthy();
  });

  it('translates every filter of a resale search, prices in 万 with decimals kept', () => {
    const params = searchParams(
      {
        ...base,
        keyword: ' 望京 地铁 ',
        bedrooms: [3, 2, 7, 5],
        priceMin: 5_000_000,
        priceMax: 12_345_678,
        areaMin: 80.5,
        areaMax: 150,
        decoration: 'SIMPLE',
        amenities: ['METRO', 'HOSPITAL', 'METRO'],
        sort: 'NEWEST',
      },
      3,
      20,
    );
    expect(params).toEqual({
      region: '110000',
      house_type: 'second',
      page_num: '3',
      page_size: '20',
      q: '望京 地铁',
      house_style: '2room,3room,5room',
      price_min: '500',
      price_max: '1234.5678',
      area_min: '80.5',
      area_max: '150',
      decoration: 'half',
      support: 'metro,hospital',
      sort_type: 'publish_time_desc',
    });
  });

  it('keeps rental prices in yuan per month', () => {
    const params = searchParams({ ...base, listingType: 'RENTAL', priceMin: 3500, priceMax: 8000 }, 1, 50);
    expect(params).toMatchObject({ house_type: 'rent', price_min: '3500', price_max: '8000' });
  });

  it.each([
    ['NEW_HOME', 'new'],
    ['COMMERCIAL', 'commercial'],
  ] as const)('%s → house_type=%s', (listingType, houseType) => {
    expect(searchParams({ ...base, listingType }, 1, 50).house_type).toBe(houseType);
  });

  it.each([
    ['PRICE_ASC', 'price_asc'],
    ['PRICE_DESC', 'price_desc'],
    ['AREA_ASC', 'area_asc'],
    ['AREA_DESC', 'area_desc'],
    ['NEWEST', 'publish_time_desc'],
    ['RELEVANCE', undefined],
    ['UNIT_PRICE_ASC', undefined],
    ['UNIT_PRICE_DESC', undefined],
  ] as const)('sort %s → sort_type %s', (sort, expected) => {
    expect(searchParams({ ...base, sort }, 1, 50).sort_type).toBe(expected);
  });

  it.each([
    ['FULL', 'full'],
    ['ROUGH', 'none'],
  ] as const)('decoration %s → %s', (decoration, expected) => {
    expect(searchParams({ ...base, decoration }, 1, 50).decoration).toBe(expected);
  });
});

describe('fangSearchSupport', () => {
  it('ignores unit-price sorts only', () => {
    expect(fangSearchSupport({ ...base, sort: 'UNIT_PRICE_DESC' })).toEqual({
      serves: true,
      ignoredFilters: ['sort'],
    });
    expect(fangSearchSupport({ ...base, sort: 'PRICE_DESC', listingType: 'COMMERCIAL' })).toEqual({
      serves: true,
      ignoredFilters: [],
    });
  });

  it('does not serve a city Fang is not configured for', () => {
    expect(fangSearchSupport({ ...base, cityId: '999999' }).serves).toBe(false);
  });
});
