import type { Listing, ProviderName, SearchQuery } from '../domain/listing.js';
import { isUpstreamError, type UpstreamError } from '../providers/errors.js';
import type { SearchPage } from '../providers/provider.js';
import type { ListingStore } from '../store/listing-store.js';
import { encodeCursor, type SearchCursor } from './cursor.js';
import { mergeRuns, type ProviderRun } from './merge.js';
import type { SearchPlan } from './plan.js';

export type ProviderSearchState = 'OK' | 'FAILED' | 'SKIPPED';

export interface ProviderSearchStatus {
  provider: ProviderName;
  state: ProviderSearchState;
  totalCount: number | null;
  /** SearchFilter fields this provider could not honour; its results ignore them. */
  ignoredFilters: string[];
  /** Why a provider was skipped. */
  reason: string | null;
  error: UpstreamError | null;
  /** true when its results were served from cache past their TTL because it failed. */
  stale: boolean;
}

export interface SearchEdgeResult {
  cursor: string;
  node: Listing;
}

export interface SearchResult {
  edges: SearchEdgeResult[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  totalCount: number | null;
  providers: ProviderSearchStatus[];
}

interface FetchedRun {
  run: ProviderRun;
  total: number | null;
  stale: boolean;
}

/**
 * Reads just the provider pages that can hold the next `first` listings after each provider's
 * offset (all providers in parallel), then merges them into one ordered page.
 */
export async function runSearch(
  store: ListingStore,
  plan: SearchPlan,
  first: number,
  after: SearchCursor | null,
): Promise<SearchResult> {
  const offsets = after?.offsets ?? {};
  const settled = await Promise.allSettled(
    plan.providers.map((name) => fetchRun(store, name, plan.query, offsets[name] ?? 0, first)),
  );

  const runs: ProviderRun[] = [];
  const statuses: ProviderSearchStatus[] = [];
  const failedOffsets: Partial<Record<ProviderName, number>> = {};
  plan.providers.forEach((name, i) => {
    const outcome = settled[i] as PromiseSettledResult<FetchedRun>;
    const ignoredFilters = store.provider(name)?.searchSupport(plan.query).ignoredFilters ?? [];
    if (outcome.status === 'fulfilled') {
      runs.push(outcome.value.run);
      statuses.push({
        provider: name,
        state: 'OK',
        totalCount: outcome.value.total,
        ignoredFilters,
        reason: null,
        error: null,
        stale: outcome.value.stale,
      });
    } else {
      if (!isUpstreamError(outcome.reason)) throw outcome.reason;
      // A failed provider keeps its place: the next page asks it again from where it was.
      failedOffsets[name] = offsets[name] ?? 0;
      statuses.push({
        provider: name,
        state: 'FAILED',
        totalCount: null,
        ignoredFilters,
        reason: null,
        error: outcome.reason,
        stale: false,
      });
    }
  });
  for (const { provider, reason } of plan.skipped) {
    statuses.push({
      provider,
      state: 'SKIPPED',
      totalCount: null,
      ignoredFilters: [],
      reason,
      error: null,
      stale: false,
    });
  }

  const merged = mergeRuns(runs, plan.query.sort, first);
  const ok = statuses.filter((s) => s.state === 'OK');
  const totalCount =
    ok.length > 0 && ok.every((s) => s.totalCount !== null)
      ? ok.reduce((n, s) => n + (s.totalCount ?? 0), 0)
      : null;
  return {
    edges: merged.items.map((item) => ({
      node: item.listing,
      cursor: encodeCursor({ fingerprint: plan.fingerprint, offsets: { ...failedOffsets, ...item.offsets } }),
    })),
    hasNextPage: merged.hasNextPage || Object.keys(failedOffsets).length > 0,
    hasPreviousPage: after !== null && Object.values(offsets).some((n) => (n ?? 0) > 0),
    totalCount,
    providers: statuses,
  };
}

async function fetchRun(
  store: ListingStore,
  name: ProviderName,
  query: SearchQuery,
  offset: number,
  first: number,
): Promise<FetchedRun> {
  const provider = store.provider(name);
  if (!provider) throw new Error(`provider ${name} is not configured`);
  const size = provider.searchPageSize;
  const firstPage = Math.floor(offset / size);
  const lastPage = Math.floor((offset + first - 1) / size);

  // The first page tells whether, and how far, the rest exists; the others then go in parallel.
  const head = await store.searchPage(name, query, firstPage);
  const pages: SearchPage[] = [head.value];
  let stale = head.source === 'stale';
  const total = head.value.total;
  if (head.value.hasMore && lastPage > firstPage) {
    const lastUseful = total === null ? lastPage : Math.min(lastPage, Math.ceil(total / size) - 1);
    const rest = await Promise.all(
      Array.from({ length: Math.max(0, lastUseful - firstPage) }, (_, i) =>
        store.searchPage(name, query, firstPage + 1 + i),
      ),
    );
    for (const page of rest) {
      pages.push(page.value);
      stale ||= page.source === 'stale';
    }
  }

  const items = pages.flatMap((page) => page.listings).slice(offset - firstPage * size);
  const lastFetched = pages[pages.length - 1] as SearchPage;
  return {
    run: { provider: name, start: offset, items, exhausted: !lastFetched.hasMore },
    total,
    stale,
  };
}
