import { describe, expect, it } from 'vitest';
import {
  beikeSearchSupport,
  communityCondition,
  ELEVATOR_TOKEN,
  resaleCondition,
  SORT_TOKEN,
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

  it('bedrooms: one token each, sorted; five or more is l6 (corrected: l6 = five rooms or more)', () => {
    expect(resaleCondition(q({ bedrooms: [3, 1, 3] }))).toBe('l1l3');
    expect(resaleCondition(q({ bedrooms: [4] }))).toBe('l4');
    expect(resaleCondition(q({ bedrooms: [5] }))).toBe('l6');
    expect(resaleCondition(q({ bedrooms: [6, 5] }))).toBe('l6');
    expect(resaleCondition(q({ bedrooms: [2, 5] }))).toBe('l2l6');
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

  it.each([
    ['FULL', 'de1'],
    ['SIMPLE', 'de2'],
    ['ROUGH', 'de3'],
  ] as const)('decoration %s → %s (corrected: de1 fine, de2 ordinary, de3 bare)', (decoration, token) => {
    expect(resaleCondition(q({ decoration }))).toBe(token);
  });

  it('amenity METRO → su1 (corrected: applied upstream); school and hospital have no token', () => {
    expect(resaleCondition(q({ amenities: ['METRO'] }))).toBe('su1');
    expect(resaleCondition(q({ amenities: ['SCHOOL', 'METRO', 'HOSPITAL'] }))).toBe('su1');
    expect(resaleCondition(q({ amenities: ['SCHOOL'] }))).toBe('');
  });

  it('elevator tokens (corrected: ie2 has a lift, ie1 none), kept in the table for a future filter', () => {
    expect([ELEVATOR_TOKEN.yes.token, ELEVATOR_TOKEN.no.token]).toEqual(['ie2', 'ie1']);
  });

  it('marks the unconfirmed sort tokens as such', () => {
    const unconfirmed = Object.entries(SORT_TOKEN)
      .filter(([, token]) => token && !token.confirmed)
      .map(([sort]) => sort);
    expect(unconfirmed).toContain('UNIT_PRICE_DESC'); // co42
    expect(SORT_TOKEN.NEWEST).toEqual({ token: 'co32', confirmed: true });
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
          amenities: ['METRO'],
        }),
      ),
    ).toBe('co21l2bp300ep600ba60ea100de1su1rs望京 西园');
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

  it('says which filters it ignores: every decoration and the metro are honoured now', () => {
    expect(beikeSearchSupport(q({ decoration: 'FULL' })).ignoredFilters).toEqual([]);
    expect(beikeSearchSupport(q({ decoration: 'SIMPLE' })).ignoredFilters).toEqual([]);
    expect(beikeSearchSupport(q({ decoration: 'ROUGH', amenities: ['METRO'] })).ignoredFilters).toEqual([]);
    expect(beikeSearchSupport(q({ amenities: ['METRO', 'SCHOOL'] })).ignoredFilters).toEqual(['amenities']);
  });
});
