import { responsePathAsArray } from 'graphql';
import { z } from 'zod';
import { findCity } from '../../domain/cities.js';
import type { ProviderName, SearchQuery } from '../../domain/listing.js';
import { canonical } from '../../loaders/listing-store.js';
import { fingerprintOf } from '../../search/cursor.js';
import {
  type ProviderSearchStatus,
  runSearch,
  type SearchEdgeResult,
  type SearchPlan,
  type SearchResult,
} from '../../search/search-service.js';
import { builder } from '../builder.js';
import type { GraphQLContext } from '../context.js';
import { afterCursor } from '../cursor-arg.js';
import { badUserInput, providerNotConfigured, upstreamGraphQLError } from '../errors.js';
import { AmenityEnum, DecorationEnum, ListingTypeEnum, ProviderEnum, SearchSortEnum } from './enums.js';
import { ListingNode } from './listing.js';

const MAX_FIRST = 50;
const money = z.number().min(0, 'must not be negative').max(1e12, 'is too large');

export const SearchFilterInput = builder.inputType('SearchFilter', {
  description: 'What to look for. Money in yuan, areas in m².',
  fields: (t) => ({
    cityId: t.string({
      required: true,
      description: 'GB/T 2260 city code, e.g. "110000" (see `cities`).',
      validate: z
        .string()
        .refine((id) => findCity(id) !== undefined, 'is not a supported city (see `cities`)'),
    }),
    keyword: t.string({
      description:
        'Words to match in titles, communities and districts. Blank (empty or only spaces) means no keyword, as a search box sends it.',
      validate: z.string().trim().max(50, 'must be at most 50 characters'),
    }),
    listingType: t.field({ type: ListingTypeEnum, defaultValue: 'RESALE', description: 'What is offered.' }),
    providers: t.field({
      type: [ProviderEnum],
      description: 'Ask only these providers. Default: every configured provider that can serve the filter.',
      validate: z.array(z.string()).min(1, 'must name at least one provider'),
    }),
    bedrooms: t.intList({
      description: 'Any of these bedroom counts; 5 means five or more.',
      validate: z.array(z.number().int().min(1, 'must be 1 to 5').max(5, 'must be 1 to 5')).max(5),
    }),
    priceMin: t.float({
      description: 'Lowest total price, yuan (monthly rent for RENTAL).',
      validate: money,
    }),
    priceMax: t.float({
      description: 'Highest total price, yuan (monthly rent for RENTAL).',
      validate: money,
    }),
    areaMin: t.float({ description: 'Smallest floor area, m².', validate: money }),
    areaMax: t.float({ description: 'Largest floor area, m².', validate: money }),
    decoration: t.field({ type: DecorationEnum, description: 'Interior.' }),
    amenities: t.field({ type: [AmenityEnum], description: 'All of these nearby.' }),
  }),
  // Loose: a validator's output replaces the input, and a strict object would drop the other fields.
  validate: z
    .looseObject({
      priceMin: z.number().nullish(),
      priceMax: z.number().nullish(),
      areaMin: z.number().nullish(),
      areaMax: z.number().nullish(),
    })
    .refine((f) => f.priceMin == null || f.priceMax == null || f.priceMin <= f.priceMax, {
      message: 'must not exceed priceMax',
      path: ['priceMin'],
    })
    .refine((f) => f.areaMin == null || f.areaMax == null || f.areaMin <= f.areaMax, {
      message: 'must not exceed areaMax',
      path: ['areaMin'],
    }),
});

interface ProviderFailure {
  code: string;
  message: string;
  retryable: boolean;
}

const ProviderFailureType = builder.objectRef<ProviderFailure>('ProviderFailure').implement({
  description: 'Why a provider could not answer.',
  fields: (t) => ({
    code: t.exposeString('code', { description: 'The error code, as in `extensions.code` (UPSTREAM_…).' }),
    message: t.exposeString('message', { description: 'What went wrong, in words.' }),
    retryable: t.exposeBoolean('retryable', { description: 'Whether asking again later may work.' }),
  }),
});

const ProviderSearchStateEnum = builder.enumType('ProviderSearchState', {
  description: 'How one provider took part in a search.',
  values: {
    OK: { description: 'Answered.' },
    FAILED: { description: 'Was asked and failed; see `error` and the response `errors`.' },
    SKIPPED: { description: 'Not asked: it cannot serve this search, see `reason`.' },
  },
});

const ProviderSearchStatusType = builder.objectRef<ProviderSearchStatus>('ProviderSearchStatus').implement({
  description: "One provider's part in a merged search.",
  fields: (t) => ({
    provider: t.expose('provider', { type: ProviderEnum, description: 'The provider.' }),
    state: t.expose('state', { type: ProviderSearchStateEnum, description: 'Whether it answered.' }),
    totalCount: t.exposeInt('totalCount', { nullable: true, description: 'Its count of matching listings.' }),
    ignoredFilters: t.exposeStringList('ignoredFilters', {
      description: 'SearchFilter fields it cannot honour; its listings are not filtered by them.',
    }),
    reason: t.exposeString('reason', { nullable: true, description: 'Why it was skipped.' }),
    stale: t.exposeBoolean('stale', {
      description: 'true when its part was served from cache past its TTL because it failed.',
    }),
    error: t.field({
      type: ProviderFailureType,
      nullable: true,
      description: 'Why it failed.',
      // A resolver that returns an Error instance raises it: hand GraphQL a plain object.
      resolve: ({ error }) =>
        error && { code: error.code, message: error.message, retryable: error.retryable },
    }),
  }),
});

const SearchEdgeType = builder.objectRef<SearchEdgeResult>('SearchEdge').implement({
  description: 'A listing in a search result.',
  fields: (t) => ({
    cursor: t.exposeString('cursor', { description: 'Pass as `after` to continue after this listing.' }),
    node: t.field({ type: ListingNode, description: 'The listing.', resolve: (edge) => edge.listing }),
  }),
});

const SearchConnectionType = builder.objectRef<SearchResult>('SearchConnection').implement({
  description: 'A page of a search merged across providers (Relay connection).',
  fields: (t) => ({
    edges: t.field({
      type: [SearchEdgeType],
      description: 'The listings, in order.',
      resolve: (c) => c.edges,
    }),
    pageInfo: t.field({
      type: builder.pageInfoRef(),
      description: 'Where this page is.',
      resolve: (c) => ({
        hasNextPage: c.hasNextPage,
        hasPreviousPage: c.hasPreviousPage,
        startCursor: c.startCursor,
        endCursor: c.endCursor,
      }),
    }),
    totalCount: t.exposeInt('totalCount', {
      nullable: true,
      description:
        "The providers' counts of matching listings added up; null when one did not say. Paging reaches " +
        'only about the first 2,000 results of one search on Beike (the provider stops there): past that, ' +
        '`hasNextPage` turns false even if this count is larger, and `extensions.warnings` says so ' +
        '(RESULTS_BEYOND_REACH). Narrow the filter (price or area bands) to reach the rest.',
    }),
    providers: t.field({
      type: [ProviderSearchStatusType],
      description: 'How each provider took part: answered, failed or skipped, and the filters it ignored.',
      resolve: (c) => c.providers,
    }),
  }),
});

builder.queryField('search', (t) =>
  t.field({
    type: SearchConnectionType,
    description:
      'Search every selected provider at once and merge the results into one ordered connection. ' +
      "Results are stubs; fields they lack are read from each listing's detail, once, as selected.",
    args: {
      filter: t.arg({ type: SearchFilterInput, required: true, description: 'What to look for.' }),
      first: t.arg.int({
        defaultValue: 20,
        description: `How many listings, 1 to ${MAX_FIRST}.`,
        validate: z
          .number()
          .int()
          .min(1, `must be 1 to ${MAX_FIRST}`)
          .max(MAX_FIRST, `must be 1 to ${MAX_FIRST}`),
      }),
      after: t.arg.string({ description: 'A cursor from a previous page of the same search.' }),
      sort: t.arg({ type: SearchSortEnum, defaultValue: 'RELEVANCE', description: 'Order.' }),
    },
    resolve: async (_root, args, ctx, info) => {
      const query: SearchQuery = {
        cityId: args.filter.cityId,
        keyword: args.filter.keyword?.trim() || null,
        listingType: args.filter.listingType ?? 'RESALE',
        bedrooms: [...new Set(args.filter.bedrooms ?? [])].sort(),
        priceMin: args.filter.priceMin ?? null,
        priceMax: args.filter.priceMax ?? null,
        areaMin: args.filter.areaMin ?? null,
        areaMax: args.filter.areaMax ?? null,
        decoration: args.filter.decoration ?? null,
        amenities: [...new Set(args.filter.amenities ?? [])].sort(),
        sort: args.sort ?? 'RELEVANCE',
      };
      const plan = planSearch(query, args.filter.providers ?? null, ctx);
      const after = afterCursor(args.after, plan.fingerprint);
      const result = await runSearch(ctx.store, plan, args.first ?? 20, after);
      const failures = result.providers.flatMap((s) => (s.error ? [s.error] : []));
      if (failures.length > 0 && result.providers.every((s) => s.state === 'FAILED')) {
        // Nothing to show: the first failure is the answer.
        throw upstreamGraphQLError(failures[0] as (typeof failures)[number]);
      }
      for (const failure of failures)
        ctx.partialErrors.push(upstreamGraphQLError(failure, responsePathAsArray(info.path)));
      for (const status of result.providers) {
        const reach = ctx.store.provider(status.provider)?.reachableResults;
        if (reach !== undefined && status.totalCount !== null && status.totalCount > reach) {
          ctx.notices.push({
            code: 'RESULTS_BEYOND_REACH',
            provider: status.provider,
            message: `${status.provider} matches ${status.totalCount} listings but serves only the first ${reach} of one search by paging; narrow the filter (price, area) to reach the rest`,
          });
        }
      }
      for (const status of result.providers.filter((s) => s.stale)) {
        ctx.notices.push({
          code: 'STALE_DATA',
          provider: status.provider,
          message: `${status.provider} failed; its results are served from cache past their TTL`,
        });
      }
      return result;
    },
  }),
);

/**
 * Which providers to ask. An explicitly named provider that is not configured, or cannot serve the
 * search, is the client's error; by default such providers are skipped and said so.
 */
function planSearch(query: SearchQuery, requested: ProviderName[] | null, ctx: GraphQLContext): SearchPlan {
  const candidates = requested ? [...new Set(requested)] : [...ctx.store.providers.keys()];
  const providers: ProviderName[] = [];
  const skipped: SearchPlan['skipped'] = [];
  for (const name of candidates) {
    const provider = ctx.store.provider(name);
    if (!provider) {
      if (requested) throw providerNotConfigured(name);
      continue;
    }
    const support = provider.searchSupport(query);
    const orderedSort = query.sort !== 'RELEVANCE';
    const reason = !support.serves
      ? `${name} does not list ${query.listingType} in this city`
      : orderedSort && support.ignoredFilters.includes('sort')
        ? `${name} cannot sort by ${query.sort}`
        : null;
    if (reason === null) providers.push(name);
    else if (requested) throw badUserInput('filter.providers', reason);
    else skipped.push({ provider: name, reason });
  }
  if (providers.length === 0 && skipped.length === 0) {
    throw badUserInput('filter.providers', 'no configured provider can serve this search');
  }
  return {
    query,
    providers,
    skipped,
    fingerprint: fingerprintOf(canonical({ query, providers })),
  };
}
