import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { candidatePairs, matchListings } from '../../src/matching/index.js';
import { arbitraryListing, fangSide, listing } from './listing.js';

describe('candidatePairs', () => {
  it('leaves out only pairs that matchListings would call DIFFERENT', () => {
    fc.assert(
      fc.property(
        fc.array(arbitraryListing, { maxLength: 8 }),
        fc.array(arbitraryListing, { maxLength: 8 }),
        (left, right) => {
          const kept = new Set(candidatePairs(left, right));
          const keptPairs = [...kept].map(([l, r]) => `${left.indexOf(l)}|${right.indexOf(r)}`);
          left.forEach((l, i) => {
            right.forEach((r, j) => {
              if (!keptPairs.includes(`${i}|${j}`)) expect(matchListings(l, r).verdict).toBe('DIFFERENT');
            });
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('blocks by city, bedrooms and area', () => {
    const home = fangSide();
    const pairs = candidatePairs(
      [listing()],
      [
        home,
        fangSide({ cityId: '110000' }),
        fangSide({ layout: { bedrooms: 2, livingRooms: 1, bathrooms: null, text: '2室1厅' } }),
        fangSide({ area: 95 }),
        fangSide({ layout: null }),
      ],
    );
    expect(pairs.map(([, r]) => r)).toEqual([home, expect.objectContaining({ layout: null })]);
  });
});
