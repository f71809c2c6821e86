import { GraphQLError } from 'graphql';
import { findCity } from '../../domain/cities.js';
import {
  type MarketBucket,
  type MarketFigures,
  type MarketStats,
  marketStats,
  type WeeklyMedian,
} from '../../market/market-service.js';
import type { Distribution } from '../../market/statistics.js';
import { builder } from '../builder.js';
import { badUserInput } from '../errors.js';
import { decodeGlobalId } from '../ids.js';
import { ListingTypeEnum } from './enums.js';

const ASKING =
  'Asking prices over listings this gateway has observed (searched, read or collected), not transactions.';
const DAY_MS = 86_400_000;

const DistributionType = builder.objectRef<Distribution>('Distribution').implement({
  description: `Quartiles and mean of a figure over listings on offer. ${ASKING} Quartiles interpolate linearly between ranks.`,
  fields: (t) => ({
    count: t.exposeInt('count', { description: 'Sample size: listings that carry this figure.' }),
    p25: t.float({
      nullable: true,
      description: 'First quartile; null without data.',
      resolve: (d) => d.p25,
    }),
    median: t.float({ nullable: true, description: 'Median; null without data.', resolve: (d) => d.median }),
    p75: t.float({
      nullable: true,
      description: 'Third quartile; null without data.',
      resolve: (d) => d.p75,
    }),
    mean: t.float({ nullable: true, description: 'Mean; null without data.', resolve: (d) => d.mean }),
  }),
});

const PriceCutType = builder.objectRef<MarketFigures['priceCut']>('PriceCutStats').implement({
  description: `Asking-price cuts among listings on offer, as observed between sightings. ${ASKING}`,
  fields: (t) => ({
    listings: t.exposeInt('listings', { description: 'Sample size: listings on offer.' }),
    withCut: t.exposeInt('withCut', {
      description: 'Listings whose asking price was cut at least once while observed.',
    }),
    share: t.float({
      nullable: true,
      description: 'withCut / listings; null without listings.',
      resolve: (c) => c.share,
    }),
    medianCutPercent: t.float({
      nullable: true,
      description:
        "Median of each cut listing's latest cut, in percent (negative, like PriceChange.percent); sample size withCut.",
      resolve: (c) => c.medianCutPercent,
    }),
  }),
});

const FiguresType = builder.objectRef<MarketFigures>('MarketFigures').implement({
  description: `The figures of one set of observed listings. ${ASKING} Each home counts once: the same home listed on both providers, as cross-provider matching recognises it from what the history store kept (a listing whose floor was never read stays its own home: precision first), is one home; byProvider counts each provider's own listings.`,
  fields: (t) => ({
    activeListings: t.exposeInt('activeListings', {
      description: 'Listings on offer at asOf (the sample of the distributions).',
    }),
    newListings: t.exposeInt('newListings', { description: 'Listings first observed since `since`.' }),
    delistedListings: t.exposeInt('delistedListings', {
      description: 'Listings a provider answered gone or withdrawn since `since`.',
    }),
    unitPrice: t.field({
      type: DistributionType,
      description: 'Asking price per m², yuan/m².',
      resolve: (f) => f.unitPrice,
    }),
    totalPrice: t.field({
      type: DistributionType,
      description: 'Asking price, yuan (sales).',
      resolve: (f) => f.totalPrice,
    }),
    monthlyRent: t.field({
      type: DistributionType,
      description: 'Asking rent, yuan per month (rentals).',
      resolve: (f) => f.monthlyRent,
    }),
    priceCuts: t.field({ type: PriceCutType, description: 'Asking-price cuts.', resolve: (f) => f.priceCut }),
    daysOnOffer: t.field({
      type: DistributionType,
      description:
        "Days from the first observation to asOf, for listings on offer (observed days, not the provider's listing date).",
      resolve: (f) => f.daysOnOffer,
    }),
  }),
});

const BucketType = builder.objectRef<MarketBucket>('MarketBucket').implement({
  description: `The same figures for one district, bedroom count or provider. ${ASKING}`,
  fields: (t) => ({
    key: t.exposeString('key', {
      description: 'The district (without 区/县, e.g. 朝阳), the bedroom count, or the provider.',
    }),
    figures: t.field({ type: FiguresType, description: 'Its figures.', resolve: (b) => b.figures }),
  }),
});

const WeeklyType = builder.objectRef<WeeklyMedian>('WeeklyMedianUnitPrice').implement({
  description: `The median asking price per m² of the listings on offer at the end of a week (Monday to Sunday, UTC). ${ASKING}`,
  fields: (t) => ({
    weekStart: t.field({
      type: 'Date',
      description: 'The Monday the week starts on.',
      resolve: (w) => new Date(w.weekStart).toISOString().slice(0, 10),
    }),
    count: t.exposeInt('count', {
      description: "Sample size: listings on offer at the week's end (or at asOf).",
    }),
    medianUnitPrice: t.float({
      nullable: true,
      description: 'yuan/m²; null without data.',
      resolve: (w) => w.medianUnitPrice,
    }),
  }),
});

const MarketStatsType = builder.objectRef<MarketStats>('MarketStats').implement({
  description: `Market figures read from the listing history, with zero upstream calls. ${ASKING}`,
  fields: (t) => ({
    asOf: t.field({
      type: 'DateTime',
      description: 'The moment the figures describe.',
      resolve: (m) => new Date(m.asOf).toISOString(),
    }),
    since: t.field({
      type: 'DateTime',
      description: "Start of the new/delisted counts: the filter's `since`, or 7 days before asOf.",
      resolve: (m) => new Date(m.since).toISOString(),
    }),
    figures: t.field({ type: FiguresType, description: 'All matching listings.', resolve: (m) => m.figures }),
    byDistrict: t.field({
      type: [BucketType],
      description: 'By district, most listings on offer first.',
      resolve: (m) => m.byDistrict,
    }),
    byBedrooms: t.field({
      type: [BucketType],
      description: 'By bedroom count.',
      resolve: (m) => m.byBedrooms,
    }),
    byProvider: t.field({ type: [BucketType], description: 'By provider.', resolve: (m) => m.byProvider }),
    weeklyMedianUnitPrice: t.field({
      type: [WeeklyType],
      description: 'The median asking price per m² by week, oldest first, up to 26 weeks.',
      resolve: (m) => m.weekly,
    }),
  }),
});

const MarketFilter = builder.inputType('MarketFilter', {
  description: 'Which observed listings the figures cover.',
  fields: (t) => ({
    cityId: t.string({ required: true, description: 'GB/T 2260 city code, e.g. "110000".' }),
    districtIds: t.stringList({
      description: 'District names as the providers give them, e.g. "朝阳区" (or "朝阳"); absent: all.',
    }),
    communityIds: t.idList({ description: 'Community global ids (`Community.id`); absent: all.' }),
    listingType: t.field({ type: ListingTypeEnum, defaultValue: 'RESALE', description: 'What is offered.' }),
    bedrooms: t.intList({ description: 'Any of these bedroom counts; absent: all.' }),
    since: t.field({
      type: 'DateTime',
      description: 'Start of the new/delisted counts; default 7 days before now.',
    }),
  }),
});

builder.queryField('market', (t) =>
  t.field({
    type: MarketStatsType,
    description: `Market statistics from the listing history, with zero upstream calls. ${ASKING} Run \`npm run collect\` (or search) to observe listings first.`,
    args: { filter: t.arg({ type: MarketFilter, required: true, description: 'Which listings.' }) },
    resolve: async (_root, { filter }, ctx) => {
      if (!findCity(filter.cityId))
        throw badUserInput('filter.cityId', `unknown city "${filter.cityId.slice(0, 20)}"`);
      const districts = filter.districtIds ?? null;
      if (districts && (districts.length > 50 || districts.some((d) => d.trim() === '' || d.length > 40)))
        throw badUserInput('filter.districtIds', 'must be up to 50 names of 1 to 40 characters');
      const bedrooms = filter.bedrooms ?? null;
      if (bedrooms && (bedrooms.length > 20 || bedrooms.some((b) => b < 0 || b > 20)))
        throw badUserInput('filter.bedrooms', 'must be up to 20 counts from 0 to 20');
      const ids = filter.communityIds ?? null;
      if (ids && ids.length > 100) throw badUserInput('filter.communityIds', 'at most 100 ids');
      const communities = ids?.map((id) => {
        let decoded: { typename: string; id: string };
        try {
          decoded = decodeGlobalId(String(id));
        } catch {
          throw badUserInput('filter.communityIds', 'is not a Community id');
        }
        const [provider = '', sourceId = ''] = decoded.id.split(':');
        if (decoded.typename !== 'Community' || !provider || !sourceId)
          throw badUserInput('filter.communityIds', 'is not a Community id');
        return { provider, sourceId };
      });
      const history = ctx.history;
      if (!history) {
        throw new GraphQLError('market statistics need the history store (HISTORY_ENABLED is off)', {
          extensions: { code: 'HISTORY_DISABLED' },
        });
      }
      const asOf = history.now();
      const since = filter.since ? Date.parse(filter.since) : asOf - 7 * DAY_MS;
      try {
        return await marketStats(history.db, {
          cityId: filter.cityId,
          districts,
          communities: communities ?? null,
          listingType: filter.listingType ?? 'RESALE',
          bedrooms,
          since,
          asOf,
        });
      } catch {
        throw new GraphQLError('the history store is unavailable', {
          extensions: { code: 'STORE_UNAVAILABLE' },
        });
      }
    },
  }),
);
