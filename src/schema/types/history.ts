import DataLoader from 'dataloader';
import type { Listing } from '../../domain/listing.js';
import type { ListingHistory } from '../../store/history/index.js';
import { builder } from '../builder.js';
import type { GraphQLContext } from '../context.js';
import { ListingNode } from './listing.js';

/**
 * A listing's observed history, read from the history store through one batched loader per
 * request: a page of listings costs two queries and no upstream call. What a listing "had" is
 * what the gateway saw: a change between two sightings is dated at the second one.
 */

const SHARED_HISTORY =
  'Each provider listing keeps its own history: when the same home is listed on both providers, ' +
  'each listing shows the prices that provider asked, and the two are not merged (their asking ' +
  'prices and dates differ by provider).';

const EMPTY: ListingHistory = {
  firstSeenAt: null,
  delistedAt: null,
  priceHistory: [],
  lastPriceChange: null,
};

const loaders = new WeakMap<GraphQLContext, DataLoader<string, ListingHistory>>();

function historyOf(listing: Listing, ctx: GraphQLContext): Promise<ListingHistory> | ListingHistory {
  const history = ctx.history;
  if (!history) return EMPTY;
  let loader = loaders.get(ctx);
  if (!loader) {
    loader = new DataLoader(async (keys: readonly string[]) => {
      const parsed = keys.map((key) => {
        const [provider = '', sourceId = ''] = key.split('|');
        return { provider, sourceId };
      });
      try {
        const found = await history.histories(parsed);
        return keys.map((key) => found.get(key) ?? EMPTY);
      } catch {
        // The store being down costs the history fields, never the query.
        if (!ctx.notices.some((n) => n.code === 'HISTORY_UNAVAILABLE'))
          ctx.notices.push({
            code: 'HISTORY_UNAVAILABLE',
            message: 'the history store could not be read; history fields are empty in this answer',
          });
        return keys.map(() => EMPTY);
      }
    });
    loaders.set(ctx, loader);
  }
  return loader.load(`${listing.provider}|${listing.sourceId}`);
}

const PricePointType = builder.objectRef<ListingHistory['priceHistory'][number]>('PricePoint').implement({
  description:
    'An asking price as observed from a given moment on (not a transaction): the first sighting, then each change.',
  fields: (t) => ({
    at: t.field({
      type: 'DateTime',
      description: 'When this price was first observed.',
      resolve: (p) => p.at.toISOString(),
    }),
    totalPrice: t.float({
      nullable: true,
      description: 'Asking price, yuan; null for rentals.',
      resolve: (p) => p.totalPrice,
    }),
    unitPrice: t.float({
      nullable: true,
      description: 'Asking price per m², yuan/m².',
      resolve: (p) => p.unitPrice,
    }),
    monthlyRent: t.float({
      nullable: true,
      description: 'Asking rent, yuan per month; rentals only.',
      resolve: (p) => p.monthlyRent,
    }),
  }),
});

const PriceChangeType = builder
  .objectRef<NonNullable<ListingHistory['lastPriceChange']>>('PriceChange')
  .implement({
    description:
      'A change of asking price between two observations (total price, or monthly rent for rentals).',
    fields: (t) => ({
      at: t.field({
        type: 'DateTime',
        description: 'When the new price was first observed.',
        resolve: (c) => c.at.toISOString(),
      }),
      from: t.float({
        description: 'The asking price before, yuan (yuan per month for rentals).',
        resolve: (c) => c.from,
      }),
      to: t.float({ description: 'The asking price after, in the same unit.', resolve: (c) => c.to }),
      percent: t.float({
        description: '(to − from) / from × 100, two decimals; negative for a cut.',
        resolve: (c) => c.percent,
      }),
    }),
  });

builder.objectFields(ListingNode, (t) => ({
  priceHistory: t.field({
    type: [PricePointType],
    description: `Observed asking prices, oldest first: the first sighting, then each change. Empty when never recorded. ${SHARED_HISTORY}`,
    resolve: async (listing, _args, ctx) => (await historyOf(listing, ctx)).priceHistory,
  }),
  firstSeenAt: t.field({
    type: 'DateTime',
    nullable: true,
    description: 'When the gateway first observed this listing; null when never recorded.',
    resolve: async (listing, _args, ctx) =>
      (await historyOf(listing, ctx)).firstSeenAt?.toISOString() ?? null,
  }),
  lastPriceChange: t.field({
    type: PriceChangeType,
    nullable: true,
    description: 'The latest observed change of asking price; null when none was observed.',
    resolve: async (listing, _args, ctx) => (await historyOf(listing, ctx)).lastPriceChange,
  }),
  delistedAt: t.field({
    type: 'DateTime',
    nullable: true,
    description:
      'When a provider answered that this listing, seen before, is gone or withdrawn; null while it is on offer (or returned).',
    resolve: async (listing, _args, ctx) => (await historyOf(listing, ctx)).delistedAt?.toISOString() ?? null,
  }),
}));
