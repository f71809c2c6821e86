import { type GraphQLResolveInfo, responsePathAsArray } from 'graphql';
import { z } from 'zod';
import { findCity } from '../../domain/cities.js';
import { districtById } from '../../domain/districts.js';
import type { ProviderName, SearchQuery } from '../../domain/listing.js';
import { PROVIDER_RULES } from '../../providers/rules.js';
import { planSearch, searchQueryOf } from '../../search/plan.js';
import { type ProviderSearchStatus, runSearch, type SearchResult } from '../../search/search-service.js';
import { type CollapsedDuplicate, MAX_TWIN_CANDIDATES } from '../../search/walk.js';
import { builder } from '../builder.js';
import { connectionType, DEFAULT_FIRST, firstValidator, MAX_FIRST } from '../connection.js';
import type { GraphQLContext } from '../context.js';
import { afterCursor } from '../cursor-arg.js';
import { fromSearchError, upstreamGraphQLError } from '../errors.js';
import { listingLocalId } from '../ids.js';
import { AmenityEnum, DecorationEnum, ListingTypeEnum, ProviderEnum, SearchSortEnum } from './enums.js';
import { ListingNode } from './listing.js';

const money = z.number().min(0, 'must not be negative').max(1e12, 'is too large');
/** Each lower bound must not exceed its upper bound. */
const RANGES = [
  ['priceMin', 'priceMax'],
  ['areaMin', 'areaMax'],
] as const;

/**
 * Every rule of a search filter in one schema, applied where a filter is an argument (`search`,
 * a watch's `filter`). Not on the input type: there Pothos walks the filter field by field on every
 * request, which took 40–65 µs of a search's execution (README, Performance, issue 15).
 * Loose: its output replaces the input, and a strict object would drop the fields it leaves alone.
 */
export const searchFilterSchema = z
  .looseObject({
    cityId: z.string().refine((id) => findCity(id) !== undefined, 'is not a supported city (see `cities`)'),
    keyword: z.string().trim().max(50, 'must be at most 50 characters').nullish(),
    providers: z.array(z.string()).min(1, 'must name at least one provider').nullish(),
    bedrooms: z.array(z.number().int().min(1, 'must be 1 to 5').max(5, 'must be 1 to 5')).max(5).nullish(),
    priceMin: money.nullish(),
    priceMax: money.nullish(),
    areaMin: money.nullish(),
    areaMax: money.nullish(),
    districtIds: z
      .array(z.string().regex(/^\d{6}$/, 'must be GB/T 2260 district codes such as "110105"'))
      .min(1, 'must name at least one district')
      .max(20, 'must name at most 20 districts')
      .nullish(),
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
  });

export const SearchFilterInput = builder.inputType('SearchFilter', {
  description: 'What to look for. Money in yuan, areas in m².',
  fields: (t) => ({
    cityId: t.string({
      required: true,
      description: 'GB/T 2260 city code, e.g. "110000" (see `cities`).',
    }),
    keyword: t.string({
      description:
        'Words to match in titles, communities and districts. Blank (empty or only spaces) means no keyword, as a search box sends it.',
    }),
    listingType: t.field({ type: ListingTypeEnum, defaultValue: 'RESALE', description: 'What is offered.' }),
    providers: t.field({
      type: [ProviderEnum],
      description: 'Ask only these providers. Default: every configured provider that can serve the filter.',
    }),
    bedrooms: t.intList({ description: 'Any of these bedroom counts; 5 means five or more.' }),
    priceMin: t.float({ description: 'Lowest total price, yuan (monthly rent for RENTAL).' }),
    priceMax: t.float({ description: 'Highest total price, yuan (monthly rent for RENTAL).' }),
    areaMin: t.float({ description: 'Smallest floor area, m².' }),
    areaMax: t.float({ description: 'Largest floor area, m².' }),
    decoration: t.field({ type: DecorationEnum, description: 'Interior.' }),
    amenities: t.field({ type: [AmenityEnum], description: 'All of these nearby.' }),
    districtIds: t.stringList({
      description:
        'In any of these districts: GB/T 2260 codes of the city (see `City.districts`), e.g. ["110105"]. ' +
        'Each provider gets its own form (Beike its own district ids, Fang `region`); where a provider ' +
        'cannot narrow to them upstream (more than one district) the gateway filters its listings ' +
        '(`providers[].postFiltered`).',
    }),
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
    totalCount: t.exposeInt('totalCount', {
      nullable: true,
      description:
        'Its count of matching listings; null when it did not say or the gateway filtered its listings.',
    }),
    ignoredFilters: t.exposeStringList('ignoredFilters', {
      description:
        'SearchFilter fields it cannot apply upstream. The gateway applies those it can check itself (see `postFiltered`).',
    }),
    postFiltered: t.exposeStringList('postFiltered', {
      description:
        "SearchFilter fields the gateway applied to this provider's listings itself, because the provider cannot: " +
        'read from the stub, or from the detail where the stub lacks the field (each such read is an upstream call, ' +
        'counted by the cost model and shared through the caches). Its `totalCount` is then null.',
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

const CollapsedDuplicateType = builder.objectRef<CollapsedDuplicate>('CollapsedDuplicate').implement({
  description:
    'A listing left out of a search as the same home as a listing of another provider that came before it, ' +
    "with the matcher's reasons (for debugging the duplicate detection).",
  fields: (t) => ({
    listing: t.field({ type: ListingNode, description: 'The listing left out.', resolve: (d) => d.listing }),
    sameAs: t.field({
      type: ListingNode,
      description: 'The listing of the same home that came first (on this page or an earlier one).',
      resolve: (d) => d.sameAs,
    }),
    reasons: t.exposeStringList('reasons', { description: 'What was compared and how it agreed.' }),
    score: t.exposeFloat('score', { description: 'How closely they agree, 0 to 1.' }),
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
      "The providers' counts of matching listings added up; null when that sum would not be exact: a provider " +
      'did not say, the gateway applied a filter itself (`providers.postFiltered`), or duplicates across ' +
      'providers are collapsed (`collapseDuplicates`, the default, with more than one provider answering). Paging reaches ' +
      'only about the first 2,000 results of one search on Beike (the provider stops there): past that, ' +
      '`hasNextPage` turns false even if this count is larger, and `extensions.warnings` says so ' +
      '(RESULTS_BEYOND_REACH). Narrow the filter (price or area bands) to reach the rest.',
    fields: (t) => ({
      providers: t.field({
        type: [ProviderSearchStatusType],
        description: 'How each provider took part: answered, failed or skipped, and the filters it ignored.',
        resolve: (c) => c.providers,
      }),
      collapsed: t.field({
        type: [CollapsedDuplicateType],
        description:
          'Listings this page stepped over as duplicates of a listing shown before them (with `collapseDuplicates`).',
        resolve: (c) => c.collapsed,
      }),
    }),
  },
);

builder.queryField('search', (t) =>
  t.field({
    type: SearchConnectionType,
    description:
      'Search every selected provider at once and merge the results into one ordered connection. ' +
      "Results are stubs; fields they lack are read from each listing's detail, once, as selected. " +
      'Every listing satisfies every filter given: a filter a provider cannot apply upstream is applied by the ' +
      'gateway (`providers.postFiltered`). A page can hold fewer than `first` listings when the gateway ' +
      'filtered or collapsed some, or spent its detail reads for this page; follow `pageInfo.endCursor` while ' +
      '`hasNextPage`. A search that no provider can serve is BAD_USER_INPUT naming the argument to change.',
    args: {
      filter: t.arg({ type: SearchFilterInput, required: true, description: 'What to look for.' }),
      first: t.arg.int({ defaultValue: DEFAULT_FIRST, description: `How many listings, 1 to ${MAX_FIRST}.` }),
      after: t.arg.string({ description: 'A cursor from a previous page of the same search.' }),
      sort: t.arg({ type: SearchSortEnum, defaultValue: 'RELEVANCE', description: 'Order.' }),
      collapseDuplicates: t.arg.boolean({
        defaultValue: true,
        description:
          'Show a home listed on several providers once across the whole paging: the first in sort order, ' +
          'never on two pages. A listing is left out when the same home (src/matching: city, district, ' +
          'community name, area, layout, floor, price band) of another provider came before it in this ' +
          "search's order, on this page or an earlier one; `collapsed` lists those left out. Costs: pages after " +
          "the first re-read the providers' earlier search pages (from cache while they last) to know what came " +
          `before, and a pair the stubs cannot settle reads both details (up to ${MAX_TWIN_CANDIDATES} candidates ` +
          'a listing, at most `first` detail reads a page); the cost model counts both. false: every listing of ' +
          'every provider, duplicates included.',
      }),
    },
    // The arguments in one parse (see searchFilterSchema), in their declared order as the errors name them.
    validate: z.looseObject({ filter: searchFilterSchema, first: firstValidator.nullish() }),
    resolve: (_root, args, ctx, info) =>
      mergedSearch(ctx, info, searchQueryOf(args.filter, args.sort), {
        providers: args.filter.providers ?? null,
        collapse: args.collapseDuplicates ?? true,
        first: args.first ?? DEFAULT_FIRST,
        after: args.after,
      }),
  }),
);

/**
 * A merged search as every field that pages one answers it (`search`, `Community.listings`): the
 * plan, the detail reads shared with the listing fields, the partial errors and the notices.
 */
export async function mergedSearch(
  ctx: GraphQLContext,
  info: GraphQLResolveInfo,
  query: SearchQuery,
  options: {
    providers: readonly ProviderName[] | null;
    collapse: boolean;
    first: number;
    after: string | null | undefined;
  },
): Promise<SearchResult> {
  const plan = fromSearchError(() => planSearch(ctx.store, query, options.providers, options.collapse));
  const after = afterCursor(options.after, plan.fingerprint);
  const loader = ListingNode.getDataloader(ctx);
  const result = await runSearch(ctx.store, plan, options.first, after, {
    // The same DataLoader the listing fields read through: a detail read to filter or match is read once.
    readDetail: (listing) =>
      loader.load(listingLocalId(listing)).then(
        (detail) => detail ?? null,
        () => null,
      ),
  });
  const { unread } = result;
  if (unread > 0)
    ctx.notices.push({
      code: 'FILTER_UNCHECKED',
      message: `${unread} listing(s) left out: a detail needed to apply a filter could not be read`,
    });
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
}
