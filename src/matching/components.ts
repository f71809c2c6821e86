import type { Listing } from '../domain/listing.js';

/** From matched pairs to homes: each listing's key, the best partner per provider, and groups. */

/** "BEIKE:101127449675": unique across providers. */
export function listingKey(listing: Pick<Listing, 'provider' | 'sourceId'>): string {
  return `${listing.provider}:${listing.sourceId}`;
}

export interface ScoredPair {
  /** Listing keys. */
  a: string;
  b: string;
  score: number;
}

const providerOf = (key: string) => key.slice(0, key.indexOf(':'));

/**
 * A site lists a home once, so a listing pairs with at most one listing of each other provider:
 * the best-scoring pairs are kept first (ties by key, so the outcome does not depend on input
 * order) and any pair that would give a listing a second partner on the same provider is dropped.
 */
export function bestPairs<T extends ScoredPair>(pairs: readonly T[]): T[] {
  const sorted = [...pairs].sort(
    (x, y) => y.score - x.score || compareKeys(x.a, y.a) || compareKeys(x.b, y.b),
  );
  const taken = new Set<string>();
  const kept: T[] = [];
  for (const pair of sorted) {
    const slotA = `${pair.a}>${providerOf(pair.b)}`;
    const slotB = `${pair.b}>${providerOf(pair.a)}`;
    if (pair.a === pair.b || taken.has(slotA) || taken.has(slotB)) continue;
    taken.add(slotA);
    taken.add(slotB);
    kept.push(pair);
  }
  return kept;
}

/**
 * Connected components of the "same home" graph (union-find with path halving). Each group is
 * sorted, and the groups are sorted by their first key. Singletons are not listed.
 */
export function groupMatches(pairs: readonly Pick<ScoredPair, 'a' | 'b'>[]): string[][] {
  const parent = new Map<string, string>();
  const find = (key: string): string => {
    let node = key;
    for (;;) {
      const up = parent.get(node) ?? node;
      if (up === node) return node;
      const grand = parent.get(up) ?? up;
      parent.set(node, grand);
      node = grand;
    }
  };
  for (const { a, b } of pairs) {
    if (!parent.has(a)) parent.set(a, a);
    if (!parent.has(b)) parent.set(b, b);
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(ra < rb ? rb : ra, ra < rb ? ra : rb);
  }
  const groups = new Map<string, string[]>();
  for (const key of parent.keys()) {
    const root = find(key);
    const group = groups.get(root) ?? [];
    group.push(key);
    groups.set(root, group);
  }
  return [...groups.values()]
    .filter((g) => g.length > 1)
    .map((g) => g.sort(compareKeys))
    .sort((x, y) => compareKeys(x[0]!, y[0]!));
}

function compareKeys(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}
