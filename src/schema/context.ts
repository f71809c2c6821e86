import type { GraphQLError } from 'graphql';
import type { ProviderName } from '../domain/listing.js';
import type { HistoryStore } from '../store/history/index.js';
import type { ListingStore } from '../store/listing-store.js';
import type { WatchService } from '../watches/service.js';

export type Mode = 'SANDBOX' | 'LIVE';

/** Something a client should know about an answer that is not an error (stale data, ignored filters). */
export interface Notice {
  code: string;
  message: string;
  provider?: ProviderName;
}

/**
 * Notices that describe the data as it was read (a provider's count beyond what its paging
 * reaches), not a failure: the same data gives the same notice, so an answer carrying only these
 * is as cacheable as the data it was read from. Any other notice (stale data, a store that could
 * not be read) keeps an answer out of the response cache.
 */
export const NOTICES_OF_THE_DATA: ReadonlySet<string> = new Set(['RESULTS_BEYOND_REACH']);

export interface GraphQLContext {
  store: ListingStore;
  /** Observed history (price changes, delistings, market figures); null when the store is off. */
  history: HistoryStore | null;
  mode: Mode;
  /** Errors that accompany data (one provider failed, a detail could not be read). */
  partialErrors: GraphQLError[];
  notices: Notice[];
  /** Watches (saved searches that alert); null when the store is off. */
  watches: WatchService | null;
  /** Who owns what this request reads and changes: the API key's client, or the one anonymous owner. */
  owner: string;
  /** Set when the answer holds the owner's own data (watches): it must never be shared (response cache). */
  ownerScoped: boolean;
}
