import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Listing,
  PROVIDERS,
  type ProviderName,
  SEARCH_SORTS,
  type SearchSort,
} from '../../src/domain/listing.js';
import { compareKeys, mergeRuns, type ProviderRun } from '../../src/search/merge.js';

/** A stub with just what the merge reads: the sort keys. */
function listing(provider: ProviderName, sourceId: string, price: number | null): Listing {
  return {
    provider,
    sourceId,
    isDetail: false,
    fetchedAt: '2026-01-01T00:00:00.000Z',
    cityId: '110000',
    listingType: 'RESALE',
    title: sourceId,
    url: null,
    totalPrice: price,
    unitPrice: price === null ? null : price / 100,
    monthlyRent: null,
    area: price === null ? null : price / 10_000,
    layout: null,
    floor: null,
    orientations: [],
    decoration: null,
    hasElevator: null,
    builtYear: null,
    listedAt: price === null ? null : `20${String(10 + (price % 15)).padStart(2, '0')}-01-01`,
    tags: [],
    amenities: [],
    photos: [],
    community: null,
    agent: null,
    downPayment: null,
    monthlyPayment: null,
    address: null,
    location: null,
    description: null,
    isActive: null,
  };
}

const keyOf: Record<SearchSort, (l: Listing) => number | string | null> = {
  RELEVANCE: () => null,
  NEWEST: (l) => l.listedAt,
  PRICE_ASC: (l) => l.totalPrice,
  PRICE_DESC: (l) => l.totalPrice,
  UNIT_PRICE_ASC: (l) => l.unitPrice,
  UNIT_PRICE_DESC: (l) => l.unitPrice,
  AREA_ASC: (l) => l.area,
  AREA_DESC: (l) => l.area,
};

/** Runs already in each provider's order for `sort`, as a provider would answer them. */
const sortedRuns = (sort: SearchSort) =>
  fc
    .tuple(
      ...PROVIDERS.map((provider) =>
        fc
          .record({
            start: fc.nat(100),
            prices: fc.array(fc.option(fc.integer({ min: 1, max: 50 }), { nil: null }), { maxLength: 15 }),
            exhausted: fc.boolean(),
          })
          .map(({ start, prices, exhausted }): ProviderRun => {
            const items = prices.map((price, i) => listing(provider, `${provider}-${start + i}`, price));
            if (sort !== 'RELEVANCE') items.sort((a, b) => compareKeys(keyOf[sort](a), keyOf[sort](b), sort));
            return { provider, start, items, exhausted };
          }),
      ),
    )
    .map((runs) => [...runs]);

/** A sort, runs already in that order, and how many to take. */
const cases = (sorts: readonly SearchSort[]) =>
  fc
    .constantFrom(...sorts)
    .chain((sort) => fc.tuple(fc.constant(sort), sortedRuns(sort), fc.integer({ min: 1, max: 40 })));

describe('mergeRuns', () => {
  it('a merge of sorted runs is sorted and loses nothing, whatever the sort', () => {
    fc.assert(
      fc.property(cases(SEARCH_SORTS.filter((s) => s !== 'RELEVANCE')), ([sort, runs, first]) => {
        const all = runs.flatMap((r) => r.items);
        const { items } = mergeRuns(runs, sort, first);
        expect(items).toHaveLength(Math.min(first, all.length));
        const keys = items.map((i) => keyOf[sort](i.listing));
        for (let i = 1; i < keys.length; i++) {
          expect(compareKeys(keys[i - 1] ?? null, keys[i] ?? null, sort)).toBeLessThanOrEqual(0);
        }
        // Asked for everything, it returns everything, each listing once.
        const everything = mergeRuns(runs, sort, all.length).items.map((i) => i.listing.sourceId);
        expect([...everything].sort()).toEqual(all.map((l) => l.sourceId).sort());
      }),
      { numRuns: 300 },
    );
  });

  it("keeps each provider's own order, and each item's offsets are the cursor after it", () => {
    fc.assert(
      fc.property(cases(SEARCH_SORTS), ([sort, runs, first]) => {
        const { items } = mergeRuns(runs, sort, first);
        for (const run of runs) {
          const taken = items.filter((i) => i.listing.provider === run.provider);
          expect(taken.map((i) => i.listing)).toEqual(run.items.slice(0, taken.length));
        }
        const consumed: Partial<Record<ProviderName, number>> = {};
        for (const run of runs) consumed[run.provider] = run.start;
        for (const item of items) {
          consumed[item.listing.provider] = (consumed[item.listing.provider] ?? 0) + 1;
          expect(item.offsets).toEqual(consumed);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('interleaves by rank for RELEVANCE, ties going to the provider listed first', () => {
    const runs: ProviderRun[] = [
      {
        provider: 'BEIKE',
        start: 0,
        items: ['b0', 'b1', 'b2'].map((id) => listing('BEIKE', id, 1)),
        exhausted: true,
      },
      {
        provider: 'FANG',
        start: 0,
        items: ['f0', 'f1'].map((id) => listing('FANG', id, 1)),
        exhausted: true,
      },
    ];
    expect(mergeRuns(runs, 'RELEVANCE', 10).items.map((i) => i.listing.sourceId)).toEqual([
      'b0',
      'f0',
      'b1',
      'f1',
      'b2',
    ]);
  });

  it('has a next page while a run has items left or is not exhausted', () => {
    const run = (exhausted: boolean, n: number): ProviderRun => ({
      provider: 'FANG',
      start: 0,
      items: Array.from({ length: n }, (_, i) => listing('FANG', `f${i}`, i + 1)),
      exhausted,
    });
    expect(mergeRuns([run(true, 3)], 'PRICE_ASC', 3).hasNextPage).toBe(false);
    expect(mergeRuns([run(true, 3)], 'PRICE_ASC', 2).hasNextPage).toBe(true);
    expect(mergeRuns([run(false, 3)], 'PRICE_ASC', 3).hasNextPage).toBe(true);
    expect(mergeRuns([], 'PRICE_ASC', 3)).toEqual({ items: [], hasNextPage: false });
  });

  it('puts unknown keys last in either direction', () => {
    expect(compareKeys(null, 5, 'PRICE_ASC')).toBeGreaterThan(0);
    expect(compareKeys(null, 5, 'PRICE_DESC')).toBeGreaterThan(0);
    expect(compareKeys(5, null, 'PRICE_DESC')).toBeLessThan(0);
    expect(compareKeys(3, 5, 'PRICE_DESC')).toBeGreaterThan(0);
    expect(compareKeys('2024-01-01', '2025-01-01', 'NEWEST')).toBeGreaterThan(0);
  });
});
