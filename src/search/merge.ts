import type { Listing, ProviderName, SearchSort } from '../domain/listing.js';

/** The listings of one provider from the cursor's offset on, in the provider's own order. */
export interface ProviderRun {
  provider: ProviderName;
  /** Offset (in the provider's order) of items[0]. */
  start: number;
  items: Listing[];
  /** true when nothing follows items in the provider's order. */
  exhausted: boolean;
}

export interface MergedItem {
  listing: Listing;
  /** Each provider's consumed count once this item is taken: the cursor after it. */
  offsets: Partial<Record<ProviderName, number>>;
}

export interface MergeResult {
  items: MergedItem[];
  hasNextPage: boolean;
}

type Key = number | string | null;

function keyOf(listing: Listing, sort: SearchSort, index: number): Key {
  switch (sort) {
    case 'RELEVANCE':
      // A fair interleave is a merge on each provider's own rank.
      return index;
    case 'NEWEST':
      return listing.listedAt;
    case 'PRICE_ASC':
    case 'PRICE_DESC':
      return listing.totalPrice ?? listing.monthlyRent;
    case 'UNIT_PRICE_ASC':
    case 'UNIT_PRICE_DESC':
      return listing.unitPrice;
    case 'AREA_ASC':
    case 'AREA_DESC':
      return listing.area;
  }
}

const DESCENDING: ReadonlySet<SearchSort> = new Set(['NEWEST', 'PRICE_DESC', 'UNIT_PRICE_DESC', 'AREA_DESC']);

/** Negative when a goes first. Unknown keys go last whatever the direction. */
export function compareKeys(a: Key, b: Key, sort: SearchSort): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  const ascending = a < b ? -1 : 1;
  return DESCENDING.has(sort) ? -ascending : ascending;
}

/**
 * k-way merge of the providers' runs, as far as it can be told: items are always taken from the
 * head of a run, so each provider's listings are visited exactly once and in its own order, even
 * if a provider's order disagrees with the keys; ties go to the provider listed first in `runs`.
 * It stops where a run that is not exhausted has no fetched item left, since that run's next item
 * (not yet read) could come first.
 */
export function mergeOrder(
  runs: readonly ProviderRun[],
  sort: SearchSort,
  limit = Number.POSITIVE_INFINITY,
  holdForUnread = true,
): MergeResult {
  const heads = runs.map(() => 0);
  const offsets: Partial<Record<ProviderName, number>> = {};
  for (const run of runs) offsets[run.provider] = run.start;
  const items: MergedItem[] = [];

  while (items.length < limit) {
    // A run that gave nothing at all (an empty page that says more follows) does not hold the
    // others up, as before there was dropping; one that gave all it had does.
    if (
      holdForUnread &&
      runs.some((run, r) => (heads[r] ?? 0) > 0 && (heads[r] ?? 0) >= run.items.length && !run.exhausted)
    )
      break;
    let best = -1;
    let bestKey: Key = null;
    runs.forEach((run, r) => {
      const head = heads[r] ?? 0;
      const listing = run.items[head];
      if (!listing) return;
      const key = keyOf(listing, sort, run.start + head);
      if (best === -1 || compareKeys(key, bestKey, sort) < 0) {
        best = r;
        bestKey = key;
      }
    });
    const run = runs[best];
    if (!run) break;
    const head = heads[best] ?? 0;
    heads[best] = head + 1;
    offsets[run.provider] = run.start + head + 1;
    items.push({ listing: run.items[head] as Listing, offsets: { ...offsets } });
  }

  const hasNextPage = runs.some((run, r) => (heads[r] ?? 0) < run.items.length || !run.exhausted);
  return { items, hasNextPage };
}

/** The first `first` items of the merged order, the runs holding at least `first` items each or all they have. */
export function mergeRuns(runs: readonly ProviderRun[], sort: SearchSort, first: number): MergeResult {
  return mergeOrder(runs, sort, first, false);
}
