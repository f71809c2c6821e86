import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bestPairs, groupMatches, listingKey } from '../../src/matching/index.js';

describe('listing keys', () => {
  it('name the provider and the source id', () => {
    expect(listingKey({ provider: 'FANG', sourceId: 'esf_3_12345678' })).toBe('FANG:esf_3_12345678');
  });
});

describe('groupMatches', () => {
  it('joins chains into one home and leaves separate homes apart', () => {
    const groups = groupMatches([
      { a: 'BEIKE:2', b: 'FANG:b' },
      { a: 'FANG:b', b: 'OTHER:x' },
      { a: 'BEIKE:1', b: 'FANG:a' },
    ]);
    expect(groups).toEqual([
      ['BEIKE:1', 'FANG:a'],
      ['BEIKE:2', 'FANG:b', 'OTHER:x'],
    ]);
    expect(groupMatches([])).toEqual([]);
    expect(groupMatches([{ a: 'BEIKE:1', b: 'BEIKE:1' }])).toEqual([]);
  });

  it('agrees with a breadth-first search over the same pairs, in any order', () => {
    const key = fc.constantFrom(...'abcdefghij'.split('').map((c) => `K:${c}`));
    fc.assert(
      fc.property(fc.array(fc.record({ a: key, b: key }), { maxLength: 15 }), (pairs) => {
        const groups = groupMatches(pairs);
        const reference = bfsGroups(pairs);
        expect(groups).toEqual(reference);
        expect(groupMatches([...pairs].reverse())).toEqual(groups);
      }),
      { numRuns: 500 },
    );
  });
});

/** The textbook way, for comparison: neighbours, then a search from each unseen key. */
function bfsGroups(pairs: { a: string; b: string }[]): string[][] {
  const next = new Map<string, Set<string>>();
  for (const { a, b } of pairs) {
    if (!next.has(a)) next.set(a, new Set());
    if (!next.has(b)) next.set(b, new Set());
    next.get(a)!.add(b);
    next.get(b)!.add(a);
  }
  const seen = new Set<string>();
  const groups: string[][] = [];
  for (const start of [...next.keys()].sort()) {
    if (seen.has(start)) continue;
    const group: string[] = [];
    const queue = [start];
    seen.add(start);
    while (queue.length > 0) {
      const key = queue.shift()!;
      group.push(key);
      for (const n of next.get(key)!) {
        if (!seen.has(n)) {
          seen.add(n);
          queue.push(n);
        }
      }
    }
    if (group.length > 1) groups.push(group.sort());
  }
  return groups.sort((x, y) => (x[0]! < y[0]! ? -1 : 1));
}

describe('bestPairs', () => {
  it('gives each listing at most one partner per provider, the best-scoring first', () => {
    const kept = bestPairs([
      { a: 'BEIKE:1', b: 'FANG:a', score: 0.9 },
      { a: 'BEIKE:2', b: 'FANG:a', score: 0.95 },
      { a: 'BEIKE:1', b: 'FANG:b', score: 0.7 },
      { a: 'BEIKE:2', b: 'FANG:b', score: 0.99 },
    ]);
    expect(kept).toEqual([
      { a: 'BEIKE:2', b: 'FANG:b', score: 0.99 },
      { a: 'BEIKE:1', b: 'FANG:a', score: 0.9 },
    ]);
  });

  it('never gives a listing two partners on one provider, whatever the input order', () => {
    const beike = fc.constantFrom('BEIKE:1', 'BEIKE:2', 'BEIKE:3');
    const fang = fc.constantFrom('FANG:a', 'FANG:b', 'FANG:c');
    const pair = fc.record({ a: beike, b: fang, score: fc.constantFrom(0.5, 0.7, 0.9) });
    fc.assert(
      fc.property(fc.array(pair, { maxLength: 12 }), (pairs) => {
        const kept = bestPairs(pairs);
        for (const side of ['a', 'b'] as const) {
          const keys = kept.map((p) => p[side]);
          expect(new Set(keys).size).toBe(keys.length);
        }
        expect(bestPairs([...pairs].reverse())).toEqual(kept);
        // Nothing is dropped that could have been kept: every input pair shares a listing with a kept one.
        for (const p of pairs) expect(kept.some((k) => k.a === p.a || k.b === p.b)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
