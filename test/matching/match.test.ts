import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FloorLevel, Listing } from '../../src/domain/listing.js';
import { matchListings } from '../../src/matching/index.js';
import { arbitraryListing, complete, fangSide, listing } from './listing.js';

describe('matchListings', () => {
  it('matches the same home as the two sites word it, with its reasons', () => {
    const result = matchListings(listing(), fangSide());
    expect(result.verdict).toBe('SAME');
    expect(result.same).toBe(true);
    expect(result.unknown).toEqual([]);
    expect(result.score).toBeGreaterThan(0.8);
    expect(result.score).toBeLessThanOrEqual(1);
    expect(result.reasons.join('\n')).toMatch(/name EXACT: 绿城嘉园西区 vs 绿城嘉园\(西区\)/);
    expect(result.reasons.join('\n')).toMatch(/area: 89\.4 vs 89 m²/);
    expect(result.reasons.join('\n')).toMatch(/district: 西湖区 vs 西湖/);
  });

  it('is POSSIBLE when a search stub lacks a deciding field, and names it', () => {
    const stub = fangSide({ isDetail: false, floor: null });
    const result = matchListings(listing(), stub);
    expect(result.verdict).toBe('POSSIBLE');
    expect(result.same).toBe(false);
    expect(result.unknown).toEqual(['floor']);
    const beikeStub = listing({ community: { ...listing().community!, district: null } });
    expect(matchListings(beikeStub, stub).unknown).toEqual(['district', 'floor']);
  });

  it('reads 顶层 and 高层, 底层 and 低层, as the same floor band', () => {
    const top = listing({ floor: { text: '顶层(共6层)', level: 'TOP', total: 6 } });
    const high = fangSide({ floor: { text: '高层/共6层', level: 'HIGH', total: 6 } });
    expect(matchListings(top, high).verdict).toBe('SAME');
    const bottom = listing({ floor: { text: '底层(共6层)', level: 'BOTTOM', total: 6 } });
    const low = fangSide({ floor: { text: '低层/共6层', level: 'LOW', total: 6 } });
    expect(matchListings(bottom, low).verdict).toBe('SAME');
  });

  it.each<[string, Partial<Listing>, RegExp]>([
    [
      'another floor of the building',
      { floor: { text: '高层/共18层', level: 'HIGH', total: 18 } },
      /levels differ/,
    ],
    [
      'another building height',
      { floor: { text: '中层/共24层', level: 'MIDDLE', total: 24 } },
      /total floors/,
    ],
    ['a price 10% off', { totalPrice: 4_620_000 }, /price.*too far apart/],
    ['an area 2 m² off', { area: 91.4 }, /area.*too far apart/],
    [
      'another layout',
      { layout: { bedrooms: 2, livingRooms: 1, bathrooms: null, text: '2室1厅' } },
      /bedrooms/,
    ],
    ['other halls', { layout: { bedrooms: 3, livingRooms: 1, bathrooms: null, text: '3室1厅' } }, /halls/],
    ['another city', { cityId: '110000' }, /city/],
    ['a rental', { listingType: 'RENTAL', monthlyRent: 9000, totalPrice: null }, /type/],
  ])('rejects %s', (_, over, reason) => {
    const result = matchListings(listing(), fangSide(over));
    expect(result.verdict).toBe('DIFFERENT');
    expect(result.score).toBe(0);
    expect(result.reasons.at(-1)).toMatch(reason);
  });

  it('rejects the other section and the other district of a name', () => {
    const east = fangSide({ community: { ...fangSide().community!, name: '绿城嘉园东区' } });
    expect(matchListings(listing(), east).reasons.at(-1)).toMatch(/name DIFFERENT_PART/);
    const elsewhere = fangSide({ community: { ...fangSide().community!, district: '余杭' } });
    expect(matchListings(listing(), elsewhere).reasons.at(-1)).toMatch(/district differs/);
  });

  it('reads a figure that is not a positive number as not given', () => {
    for (const area of [Number.NaN, Number.POSITIVE_INFINITY, 0, -89]) {
      expect(matchListings(listing(), fangSide({ area })).unknown).toEqual(['area']);
    }
    expect(matchListings(listing({ totalPrice: Number.NaN }), fangSide()).unknown).toEqual(['price']);
  });

  it('keeps a tolerance that grows with the area', () => {
    const big = listing({ area: 180, totalPrice: 9_000_000 });
    expect(matchListings(big, fangSide({ area: 181.7, totalPrice: 9_000_000 })).verdict).toBe('SAME');
    expect(matchListings(big, fangSide({ area: 182, totalPrice: 9_000_000 })).verdict).toBe('DIFFERENT');
  });
});

describe('matchListings, properties', () => {
  it('is symmetric: verdict, score and unknown fields', () => {
    fc.assert(
      fc.property(arbitraryListing, arbitraryListing, (a, b) => {
        const ab = matchListings(a, b);
        const ba = matchListings(b, a);
        expect(ba.verdict).toBe(ab.verdict);
        expect(ba.score).toBe(ab.score);
        expect(ba.unknown).toEqual(ab.unknown);
      }),
      { numRuns: 2_000 },
    );
  });

  it('matches a listing with itself: SAME when it gives every deciding field, POSSIBLE otherwise', () => {
    fc.assert(
      fc.property(arbitraryListing, (a) => {
        const result = matchListings(a, structuredClone(a));
        expect(result.verdict).toBe(complete(a) ? 'SAME' : 'POSSIBLE');
      }),
      { numRuns: 1_000 },
    );
  });

  it('rejects a decoy: the same home but for a floor, a price, an area or a section', () => {
    const conflicting: Record<FloorLevel, FloorLevel[]> = {
      BASEMENT: ['LOW', 'MIDDLE', 'HIGH'],
      BOTTOM: ['MIDDLE', 'HIGH', 'TOP'],
      LOW: ['MIDDLE', 'HIGH', 'TOP'],
      MIDDLE: ['BOTTOM', 'LOW', 'HIGH', 'TOP'],
      HIGH: ['BOTTOM', 'LOW', 'MIDDLE'],
      TOP: ['BOTTOM', 'LOW', 'MIDDLE'],
    };
    const decoy = fc.oneof(
      fc.constant('floor' as const),
      fc.constant('price' as const),
      fc.constant('area' as const),
      fc.constant('section' as const),
    );
    fc.assert(
      fc.property(
        arbitraryListing.filter(complete),
        decoy,
        fc.nat(),
        fc.double({ min: 0.06, max: 0.5, noNaN: true }),
        (a, kind, pick, gap) => {
          const level = a.floor!.level!;
          const other: Listing = {
            ...a,
            sourceId: `${a.sourceId}-decoy`,
            floor:
              kind === 'floor'
                ? {
                    text: null,
                    total: a.floor!.total,
                    level: conflicting[level][pick % conflicting[level].length]!,
                  }
                : a.floor,
            totalPrice: kind === 'price' ? Math.round(a.totalPrice! * (1 + gap)) : a.totalPrice,
            area: kind === 'area' ? a.area! + 1 + gap * 10 : a.area,
            community:
              kind === 'section'
                ? {
                    ...a.community!,
                    name: a.community!.name.includes('东区') ? '绿城嘉园西区' : '绿城嘉园东区',
                  }
                : a.community,
          };
          // A section decoy only differs from a name that has another section, or none at all.
          if (kind === 'section' && !/西区|东区/.test(a.community!.name)) return;
          expect(matchListings(a, other).verdict).toBe('DIFFERENT');
        },
      ),
      { numRuns: 1_000 },
    );
  });
});
