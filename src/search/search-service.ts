import type { Listing, ProviderName, SearchQuery } from '../domain/listing.js';
import { isUpstreamError, type UpstreamError } from '../http/errors.js';
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
  startCursor: string | null;
  endCursor: string | null;
}

interface FetchedRun {
  run: ProviderRun;
  total: number | null;
  stale: boolean;
}

/**
 * After this many empty pages in a row at one position (a provider kept failing with a retryable
 * error and nothing else was left), that provider is dropped, so that paging always ends.
 */
export const MAX_EMPTY_RETRIES = 3;

/**
 * Reads just the provider pages that can hold the next `first` listings after each provider's
 * offset (all providers in parallel), then merges them into one ordered page.
 *
 * THE paging rule with failed providers: a provider that failed with a retryable error keeps its
 * offset in every cursor of the page (the next page asks it again from where it was) and keeps
 * `hasNextPage` true; one that failed for good is dropped from the cursors (never asked again in
 * this paging) and keeps nothing open. `hasNextPage` is never true without an `endCursor`: a page
 * left empty by a retryable failure gets the position it was asked from as its `endCursor`.
 */
export async function runSearch(
  store: ListingStore,
  plan: SearchPlan,
  first: number,
  after: SearchCursor | null,
): Promise<SearchResult> {
  const offsets = after?.offsets ?? {};
  const droppedBefore = new Set(after?.dropped ?? []);
  const asked = plan.providers.filter((name) => !droppedBefore.has(name));
  const settled = await Promise.allSettled(
    asked.map((name) => fetchRun(store, name, plan.query, offsets[name] ?? 0, first)),
  );

  const runs: ProviderRun[] = [];
  const statuses: ProviderSearchStatus[] = [];
  const retryOffsets: Partial<Record<ProviderName, number>> = {};
  const dropped = [...droppedBefore];
  asked.forEach((name, i) => {
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
      if (outcome.reason.retryable) retryOffsets[name] = offsets[name] ?? 0;
      else dropped.push(name);
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
  for (const name of droppedBefore) {
    statuses.push({
      provider: name,
      state: 'SKIPPED',
      totalCount: null,
      ignoredFilters: [],
      reason: `${name} failed with a non-retryable error earlier in this paging; it is not asked again`,
      error: null,
      stale: false,
    });
  }
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
  const cursorAt = (at: Partial<Record<ProviderName, number>>, emptyRetries?: number) =>
    encodeCursor({
      fingerprint: plan.fingerprint,
      offsets: at,
      dropped,
      ...(emptyRetries ? { emptyRetries } : {}),
    });
  const edges = merged.items.map((item) => ({
    node: item.listing,
    cursor: cursorAt({ ...retryOffsets, ...item.offsets }),
  }));
  let hasNextPage = merged.hasNextPage || Object.keys(retryOffsets).length > 0;
  let endCursor = edges[edges.length - 1]?.cursor ?? null;
  if (edges.length === 0 && hasNextPage) {
    // Nothing to show, but something may still come: continue from the very same position.
    const position = Object.fromEntries(
      Object.entries(offsets).filter(([name]) => !dropped.includes(name as ProviderName)),
    ) as Partial<Record<ProviderName, number>>;
    const emptyRetries = (after?.emptyRetries ?? 0) + 1;
    if (!merged.hasNextPage && emptyRetries >= MAX_EMPTY_RETRIES) {
      // The failing providers had their chances: give up on them so that paging ends.
      dropped.push(...(Object.keys(retryOffsets) as ProviderName[]));
      hasNextPage = false;
      endCursor = cursorAt(position);
    } else {
      endCursor = cursorAt(position, emptyRetries);
    }
  }
  return {
    edges,
    hasNextPage,
    hasPreviousPage: after !== null && Object.values(offsets).some((n) => (n ?? 0) > 0),
    totalCount,
    providers: statuses,
    startCursor: edges[0]?.cursor ?? null,
    endCursor,
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
