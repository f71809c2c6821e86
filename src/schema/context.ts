import type { GraphQLError } from 'graphql';
import type { ProviderName } from '../domain/listing.js';
import type { HistoryStore } from '../store/history/index.js';
import type { ListingStore } from '../store/listing-store.js';

export type Mode = 'SANDBOX' | 'LIVE';

/** Something a client should know about an answer that is not an error (stale data, ignored filters). */
export interface Notice {
  code: string;
  message: string;
  provider?: ProviderName;
}

export interface GraphQLContext {
  store: ListingStore;
  /** Observed history (price changes, delistings, market figures); null when the store is off. */
  history: HistoryStore | null;
  mode: Mode;
  /** Errors that accompany data (one provider failed, a detail could not be read). */
  partialErrors: GraphQLError[];
  notices: Notice[];
}
