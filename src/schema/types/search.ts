import { responsePathAsArray } from 'graphql';
import { z } from 'zod';
import { findCity } from '../../domain/cities.js';
import { districtById } from '../../domain/districts.js';
import { PROVIDER_RULES } from '../../providers/rules.js';
import { planSearch, searchQueryOf } from '../../search/plan.js';
import { type ProviderSearchStatus, runSearch, type SearchResult } from '../../search/search-service.js';
import { builder } from '../builder.js';
import { connectionType, DEFAULT_FIRST, firstValidator, MAX_FIRST } from '../connection.js';
import { afterCursor } from '../cursor-arg.js';
import { fromSearchError, upstreamGraphQLError } from '../errors.js';
import { AmenityEnum, DecorationEnum, ListingTypeEnum, ProviderEnum, SearchSortEnum } from './enums.js';
import { ListingNode } from './listing.js';

const money = z.number().min(0, 'must not be negative').max(1e12, 'is too large');
/** Each lower bound must not exceed its upper bound. */
const RANGES = [
  ['priceMin', 'priceMax'],
  ['areaMin', 'areaMax'],
] as const;

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
    districtIds: t.stringList({
      description:
        'In any of these districts: GB/T 2260 codes of the city (see `City.districts`), e.g. ["110105"]. ' +
        'Each provider gets its own form (Beike its own district ids, Fang `region`); a provider that ' +
        'cannot narrow to them (today: more than one district) is skipped and says why in `providers`.',
      validate: z
        .array(z.string().regex(/^\d{6}$/, 'must be GB/T 2260 district codes such as "110105"'))
        .min(1, 'must name at least one district')
        .max(20, 'must name at most 20 districts'),
    }),
  }),
  // Loose: a validator's output replaces the input, and a strict object would drop the other fields.
  validate: z
    .looseObject({
      cityId: z.string(),
      districtIds: z.array(z.string()).nullish(),
      priceMin: z.number().nullish(),
      priceMax: z.number().nullish(),
      areaMin: z.number().nullish(),
      areaMax: z.number().nullish(),
    })
    .superRefine((f, ctx) => {
      for (const [low, high] of RANGES) {
        const min = f[low];
        const max = f[high];
        if (min != null && max != null && min > max)
          ctx.addIssue({ code: 'custom', message: `must not exceed ${high}`, path: [low] });
      }
      const foreign = (f.districtIds ?? []).filter((id) => districtById(id)?.cityId !== f.cityId);
      if (foreign.length > 0)
        ctx.addIssue({
          code: 'custom',
          message: `${foreign.join(', ')} is not a district of city ${f.cityId} (see City.districts)`,
          path: ['districtIds'],
        });
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

export const SearchConnectionType = connectionType<SearchResult['edges'][number]['node'], SearchResult>(
  'SearchConnection',
  {
    description: 'A page of a search merged across providers (Relay connection).',
    edge: {
      name: 'SearchEdge',
      description: 'A listing in a search result.',
      cursor: 'Pass as `after` to continue after this listing.',
      node: 'The listing.',
    },
    node: ListingNode,
    edges: 'The listings, in order.',
    totalCount:
      "The providers' counts of matching listings added up; null when one did not say. Paging reaches " +
      'only about the first 2,000 results of one search on Beike (the provider stops there): past that, ' +
      '`hasNextPage` turns false even if this count is larger, and `extensions.warnings` says so ' +
      '(RESULTS_BEYOND_REACH). Narrow the filter (price or area bands) to reach the rest.',
    fields: (t) => ({
      providers: t.field({
        type: [ProviderSearchStatusType],
        description: 'How each provider took part: answered, failed or skipped, and the filters it ignored.',
        resolve: (c) => c.providers,
      }),
    }),
  },
);

builder.queryField('search', (t) =>
  t.field({
    type: SearchConnectionType,
    description:
      'Search every selected provider at once and merge the results into one ordered connection. ' +
      "Results are stubs; fields they lack are read from each listing's detail, once, as selected.",
    args: {
      filter: t.arg({ type: SearchFilterInput, required: true, description: 'What to look for.' }),
      first: t.arg.int({
        defaultValue: DEFAULT_FIRST,
        description: `How many listings, 1 to ${MAX_FIRST}.`,
        validate: firstValidator,
      }),
      after: t.arg.string({ description: 'A cursor from a previous page of the same search.' }),
      sort: t.arg({ type: SearchSortEnum, defaultValue: 'RELEVANCE', description: 'Order.' }),
    },
    resolve: async (_root, args, ctx, info) => {
      const query = searchQueryOf(args.filter, args.sort);
      const plan = fromSearchError(() => planSearch(ctx.store, query, args.filter.providers ?? null));
      const after = afterCursor(args.after, plan.fingerprint);
      const result = await runSearch(ctx.store, plan, args.first ?? DEFAULT_FIRST, after);
      const failures = result.providers.flatMap((s) => (s.error ? [s.error] : []));
      if (failures.length > 0 && result.providers.every((s) => s.state === 'FAILED')) {
        // Nothing to show: the first failure is the answer.
        throw upstreamGraphQLError(failures[0] as (typeof failures)[number]);
      }
      for (const failure of failures)
        ctx.partialErrors.push(upstreamGraphQLError(failure, responsePathAsArray(info.path)));
      for (const status of result.providers) {
        const reach = PROVIDER_RULES[status.provider].reachableResults;
        if (reach !== null && status.totalCount !== null && status.totalCount > reach) {
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
