import type { Listing, ProviderName, SearchQuery } from '../domain/listing.js';
import { isUpstreamError, type UpstreamError } from '../http/errors.js';
import type { ListingProvider, SearchPage } from '../providers/provider.js';
import type { ListingStore } from '../store/listing-store.js';
import { encodeCursor, type SearchCursor } from './cursor.js';
import { type CheckableFilter, filtersSet } from './filters.js';
import { mergeOrder, type ProviderRun } from './merge.js';
import type { SearchPlan } from './plan.js';
import { type CollapsedDuplicate, gatewayReadBudget, walkPage } from './walk.js';

export type ProviderSearchState = 'OK' | 'FAILED' | 'SKIPPED';

export interface ProviderSearchStatus {
  provider: ProviderName;
  state: ProviderSearchState;
  totalCount: number | null;
  /** SearchFilter fields this provider could not honour upstream. */
  ignoredFilters: string[];
  /** SearchFilter fields the gateway applied to this provider's listings itself. */
  postFiltered: string[];
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
  /** Listings of this page's stretch of the order left out as duplicates of earlier ones. */
  collapsed: CollapsedDuplicate[];
  /** Listings left out because a detail needed to apply a filter could not be read. */
  unread: number;
}

export interface SearchOptions {
  /** A listing's detail, through the request's DataLoader and the shared cache; null when unreadable. */
  readDetail: (listing: Listing) => Promise<Listing | null>;
}

interface FetchedRun {
  run: ProviderRun;
  /** The provider's listings before the cursor (read only when collapsing). */
  before: Listing[];
  total: number | null;
  stale: boolean;
}

/** The filters the gateway applies for a provider: those set that it cannot apply upstream. */
export function postFiltersOf(provider: ListingProvider | undefined, query: SearchQuery): CheckableFilter[] {
  const ignored = new Set(provider?.searchSupport(query).ignoredFilters ?? []);
  return filtersSet(query).filter((filter) => ignored.has(filter));
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
  options: SearchOptions = { readDetail: async (l) => (await store.detail(l)).value },
): Promise<SearchResult> {
  const offsets = after?.offsets ?? {};
  const droppedBefore = new Set(after?.dropped ?? []);
  const asked = plan.providers.filter((name) => !droppedBefore.has(name));
  const settled = await Promise.allSettled(
    asked.map((name) => fetchRun(store, name, plan.query, offsets[name] ?? 0, first, plan.collapse)),
  );
  const postFilters = new Map(asked.map((name) => [name, postFiltersOf(store.provider(name), plan.query)]));
  const before = new Map<ProviderName, Listing[]>();

  const runs: ProviderRun[] = [];
  const statuses: ProviderSearchStatus[] = [];
  const retryOffsets: Partial<Record<ProviderName, number>> = {};
  const dropped = [...droppedBefore];
  asked.forEach((name, i) => {
    const outcome = settled[i] as PromiseSettledResult<FetchedRun>;
    const ignoredFilters = store.provider(name)?.searchSupport(plan.query).ignoredFilters ?? [];
    const postFiltered = postFilters.get(name) ?? [];
    if (outcome.status === 'fulfilled') {
      runs.push(outcome.value.run);
      before.set(name, outcome.value.before);
      statuses.push({
        provider: name,
        state: 'OK',
        // A count the gateway's own filtering thins out is no longer this provider's count.
        totalCount: postFiltered.length > 0 ? null : outcome.value.total,
        ignoredFilters,
        postFiltered,
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
        postFiltered,
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
      postFiltered: [],
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
      postFiltered: [],
      reason,
      error: null,
      stale: false,
    });
  }

  const order = mergeOrder(runs, plan.query.sort);
  const walk = await walkPage({
    order: order.items,
    query: plan.query,
    first,
    postFilters,
    collapse: plan.collapse,
    before,
    readDetail: options.readDetail,
    budget: gatewayReadBudget(first),
  });
  const ok = statuses.filter((s) => s.state === 'OK');
  // Exact only when it is the providers' counts added up: nothing thinned out by the gateway.
  const exact = ok.every((s) => s.postFiltered.length === 0) && !(plan.collapse && ok.length > 1);
  const totalCount =
    exact && ok.length > 0 && ok.every((s) => s.totalCount !== null)
      ? ok.reduce((n, s) => n + (s.totalCount ?? 0), 0)
      : null;
  const cursorAt = (at: Partial<Record<ProviderName, number>>, emptyRetries?: number) =>
    encodeCursor({
      fingerprint: plan.fingerprint,
      offsets: at,
      dropped,
      ...(emptyRetries ? { emptyRetries } : {}),
    });
  const edges = walk.kept.map((item) => ({
    node: item.listing,
    cursor: cursorAt({ ...retryOffsets, ...item.offsets }),
  }));
  let hasNextPage = walk.stoppedEarly || order.hasNextPage || Object.keys(retryOffsets).length > 0;
  // Past the last listing decided, left out or not: the next page goes on from there.
  let endCursor = walk.last ? cursorAt({ ...retryOffsets, ...walk.last.offsets }) : null;
  if (walk.last === null && hasNextPage) {
    // Nothing to show, but something may still come: continue from the very same position.
    const position = Object.fromEntries(
      Object.entries(offsets).filter(([name]) => !dropped.includes(name as ProviderName)),
    ) as Partial<Record<ProviderName, number>>;
    const emptyRetries = (after?.emptyRetries ?? 0) + 1;
    if (!order.hasNextPage && emptyRetries >= MAX_EMPTY_RETRIES) {
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
    collapsed: walk.collapsed,
    unread: walk.unread,
  };
}

async function fetchRun(
  store: ListingStore,
  name: ProviderName,
  query: SearchQuery,
  offset: number,
  first: number,
  withBefore: boolean,
): Promise<FetchedRun> {
  const provider = store.provider(name);
  if (!provider) throw new Error(`provider ${name} is not configured`);
  const size = provider.searchPageSize;
  // Collapsing re-reads what came before the cursor (the search-page cache holds it).
  const firstPage = withBefore ? 0 : Math.floor(offset / size);
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

  const all = pages.flatMap((page) => page.listings);
  const items = all.slice(offset - firstPage * size);
  const lastFetched = pages[pages.length - 1] as SearchPage;
  return {
    run: { provider: name, start: offset, items, exhausted: !lastFetched.hasMore },
    before: withBefore ? all.slice(0, offset) : [],
    total,
    stale,
  };
}
