import { describe, expect, it } from 'vitest';
import {
  beikeSearchSupport,
  communityCondition,
  resaleCondition,
} from '../../../src/providers/beike/params.js';
import { searchQuery } from '../../support/search-query.js';

const base = searchQuery();
const q = searchQuery;

describe('Beike condition grammar', () => {
  it('is empty for an unfiltered relevance search', () => {
    expect(resaleCondition(base)).toBe('');
  });

  it.each([
    ['RELEVANCE', ''],
    ['NEWEST', 'co32'],
    ['PRICE_ASC', 'co21'],
    ['PRICE_DESC', 'co22'],
    ['UNIT_PRICE_ASC', 'co41'],
    ['UNIT_PRICE_DESC', 'co42'],
    ['AREA_ASC', 'co11'],
    ['AREA_DESC', 'co12'],
  ] as const)('sort %s → %s', (sort, token) => {
    expect(resaleCondition(q({ sort }))).toBe(token);
  });

  it('bedrooms: one token each, sorted, 5 and more as l5', () => {
    expect(resaleCondition(q({ bedrooms: [3, 1, 3] }))).toBe('l1l3');
    expect(resaleCondition(q({ bedrooms: [6, 5] }))).toBe('l5');
  });

  it('price in 万, open lower side as 0, open upper side empty, decimals kept exact', () => {
    expect(resaleCondition(q({ priceMin: 2_000_000, priceMax: 3_500_000 }))).toBe('bp200ep350');
    expect(resaleCondition(q({ priceMax: 3_500_000 }))).toBe('bp0ep350');
    expect(resaleCondition(q({ priceMin: 2_000_000 }))).toBe('bp200ep');
    expect(resaleCondition(q({ priceMin: 2_005_000, priceMax: 3_495_000 }))).toBe('bp200.5ep349.5');
    expect(resaleCondition(q({ priceMin: 1, priceMax: 3 }))).toBe('bp0.0001ep0.0003');
  });

  it('area in m²', () => {
    expect(resaleCondition(q({ areaMin: 50, areaMax: 90.5 }))).toBe('ba50ea90.5');
    expect(resaleCondition(q({ areaMin: 120 }))).toBe('ba120ea');
  });

  it('decoration: only FULL has a token', () => {
    expect(resaleCondition(q({ decoration: 'FULL' }))).toBe('de1');
    expect(resaleCondition(q({ decoration: 'SIMPLE' }))).toBe('');
    expect(resaleCondition(q({ decoration: 'ROUGH' }))).toBe('');
  });

  it('puts everything together with the keyword last', () => {
    expect(
      resaleCondition(
        q({
          keyword: '  望京 西园 ',
          sort: 'PRICE_ASC',
          bedrooms: [2],
          priceMin: 3_000_000,
          priceMax: 6_000_000,
          areaMin: 60,
          areaMax: 100,
          decoration: 'FULL',
        }),
      ),
    ).toBe('co21l2bp300ep600ba60ea100de1rs望京 西园');
  });

  it('community condition is rs<keyword> or empty', () => {
    expect(communityCondition('双裕')).toBe('rs双裕');
    expect(communityCondition('  ')).toBe('');
    expect(communityCondition(null)).toBe('');
  });
});

describe('Beike search support', () => {
  it('serves RESALE only', () => {
    expect(beikeSearchSupport(base)).toEqual({ serves: true, ignoredFilters: [] });
    for (const listingType of ['NEW_HOME', 'RENTAL', 'COMMERCIAL'] as const) {
      expect(beikeSearchSupport(q({ listingType })).serves).toBe(false);
    }
  });

  it('says which filters it ignores', () => {
    expect(beikeSearchSupport(q({ decoration: 'FULL' })).ignoredFilters).toEqual([]);
    expect(beikeSearchSupport(q({ decoration: 'SIMPLE' })).ignoredFilters).toEqual(['decoration']);
    expect(beikeSearchSupport(q({ decoration: 'ROUGH', amenities: ['METRO'] })).ignoredFilters).toEqual([
      'decoration',
      'amenities',
    ]);
  });
});
