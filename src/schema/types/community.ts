import { type FieldNode, type GraphQLResolveInfo, Kind, type SelectionSetNode } from 'graphql';
import { PROVIDERS, type ProviderName } from '../../domain/listing.js';
import { isUpstreamError } from '../../http/errors.js';
import type { CommunityPage } from '../../providers/provider.js';
import {
  type CommunityView,
  communityRecordIn,
  communityRecordPage,
  findCommunityRecord,
  mergeCommunity,
  mergedCommunityNow,
} from '../../search/communities.js';
import { builder } from '../builder.js';
import type { GraphQLContext } from '../context.js';
import { badUserInput, upstreamGraphQLError } from '../errors.js';
import { isIncluded } from '../selection.js';
import { DistrictType, districtOf } from './district.js';
import { ProviderEnum } from './enums.js';
import { GeoPointType } from './geo-point.js';

/** A community as a listing names it, or as a community list describes it (more fields known). */
export type CommunityShape = CommunityView;

/**
 * A community's local id: provider, its id there (empty for Fang, which gives none), city, district
 * and name, so that `node(id:)` can find it again with one community-list search by name.
 * `market`'s filter reads the first two parts.
 */
export function communityLocalId(c: CommunityView): string {
  return [c.provider, c.sourceId ?? '', c.cityId ?? '', c.sourceId ? '' : (c.districtId ?? ''), c.name].join(
    ':',
  );
}

function parseCommunityLocalId(localId: string): CommunityView {
  const [provider = '', sourceId = '', cityId = '', districtId = '', ...name] = localId.split(':');
  if (!PROVIDERS.includes(provider as ProviderName) || !/^\d{6}$/.test(cityId) || name.join(':') === '')
    throw badUserInput('id', 'is not a valid community id');
  return {
    provider: provider as ProviderName,
    sourceId: sourceId || null,
    cityId,
    districtId: districtId || null,
    name: name.join(':'),
    district: null,
    subdistrict: null,
    averageUnitPrice: null,
  };
}

/** Per request: views by reference object (every field of one community) and by id (one fetch each). */
interface RequestViews {
  byRef: Map<CommunityView, CommunityView | Promise<CommunityView>>;
  byId: Map<string, Promise<CommunityView>>;
}
const views = new WeakMap<GraphQLContext, RequestViews>();
const pages = new WeakMap<GraphQLContext, Map<string, Promise<CommunityPage> | null>>();

/** The page a reference's record is on, read once per request whoever asks first (see lookUpEarly). */
function recordPage(c: CommunityView, ctx: GraphQLContext): Promise<CommunityPage> | null {
  let cache = pages.get(ctx);
  if (!cache) {
    cache = new Map();
    pages.set(ctx, cache);
  }
  const key = `${c.cityId ?? ''}|${c.name}`;
  let page = cache.get(key);
  if (page === undefined) {
    page = communityRecordPage(ctx.store, c);
    // Whoever awaits it reports its failure; an early start alone must not be an unhandled rejection.
    page?.catch(() => {});
    cache.set(key, page);
  }
  return page;
}

/**
 * What every source knows of this community, merged (search/communities.ts): a list record is
 * complete already; a listing's reference is completed from the community list once per request
 * (and through the shared community-page cache across requests). A page fresh in memory answers
 * without a promise.
 */
export function mergedCommunity(
  c: CommunityView,
  ctx: GraphQLContext,
): CommunityView | Promise<CommunityView> {
  if (c.fetchedAt) return c;
  let cache = views.get(ctx);
  if (!cache) {
    cache = { byRef: new Map(), byId: new Map() };
    views.set(ctx, cache);
  }
  let view = cache.byRef.get(c);
  if (view) return view;
  view = mergedCommunityNow(ctx.store, c) ?? fetchedView(c, ctx, cache.byId);
  cache.byRef.set(c, view);
  return view;
}

/** The list page read (or joined, for another listing of the same community in this request). */
function fetchedView(
  c: CommunityView,
  ctx: GraphQLContext,
  byId: Map<string, Promise<CommunityView>>,
): Promise<CommunityView> {
  const key = communityLocalId(c);
  let view = byId.get(key);
  if (!view) {
    const page = recordPage(c, ctx);
    view = (page ?? Promise.resolve(null)).then(
      (found) => mergeCommunity(c, found && communityRecordIn(ctx.store, c, found)),
      (error: unknown) => {
        // The listing's own reference stands; the failure is reported once.
        if (isUpstreamError(error)) ctx.partialErrors.push(upstreamGraphQLError(error));
        return c;
      },
    );
    byId.set(key, view);
  }
  return view;
}

/** Community fields that always read the community list (a reference alone never answers them). */
const LOOKUP_FIELDS: ReadonlySet<string> = new Set([
  'averageUnitPrice',
  'resaleAverageUnitPrice',
  'resaleListingCount',
  'buildingType',
  'builtYear',
  'location',
  'coverUrl',
  'listings',
]);

/**
 * Starts the community-list lookup of a listing's community from what its search stub names (its
 * name and city), when the selection will need it: the merged view then does not wait for the
 * listing's detail first, one round trip after another. The detail's reference names the same
 * community, so its lookup finds this page (per request here, across requests in the cache).
 */
export function lookUpEarly(c: CommunityView, ctx: GraphQLContext, info: GraphQLResolveInfo): void {
  if (c.fetchedAt || !c.cityId || !selects(info.fieldNodes, info, LOOKUP_FIELDS)) return;
  recordPage(c, ctx);
}

/** Whether a field's selection (through fragments, honouring @skip/@include) names one of `names`. */
function selects(nodes: readonly FieldNode[], info: GraphQLResolveInfo, names: ReadonlySet<string>): boolean {
  const visit = (set: SelectionSetNode | undefined, depth: number): boolean =>
    depth < 8 &&
    (set?.selections ?? []).some((s) => {
      if (!isIncluded(s, info.variableValues)) return false;
      if (s.kind === Kind.FIELD) return names.has(s.name.value);
      if (s.kind === Kind.INLINE_FRAGMENT) return visit(s.selectionSet, depth + 1);
      return visit(info.fragments[s.name.value]?.selectionSet, depth + 1);
    });
  return nodes.some((node) => visit(node.selectionSet, 0));
}

/**
 * A field read from the merged view, unless `alone` says the listing's own reference already holds
 * the answer (its name, its district once read, the ids of a Beike community): no lookup then.
 */
function merged<R>(pick: (c: CommunityView) => R, alone: (c: CommunityView) => boolean = () => false) {
  return (c: CommunityView, _args: object, ctx: GraphQLContext): R | Promise<R> => {
    if (alone(c)) return pick(c);
    const view = mergedCommunity(c, ctx);
    return view instanceof Promise ? view.then(pick) : pick(view);
  };
}
const always = () => true;
const hasListId = (c: CommunityView) => c.sourceId !== null && c.provider === 'BEIKE';

export const CommunityType = builder.loadableNode('Community', {
  description:
    'A residential community (小区 / 楼盘), the same whichever way it is reached (`communities`, ' +
    "`Listing.community`, `node`): what the community list knows is merged with what a listing's " +
    "provider says. Reading a listing's community beyond its name costs one community-list search " +
    '(cached).',
  id: { resolve: (c, _args, ctx) => merged(communityLocalId, hasListId)(c, {}, ctx) },
  isTypeOf: (value) => typeof value === 'object' && value !== null && 'averageUnitPrice' in value,
  load: (ids: string[], ctx: GraphQLContext) =>
    Promise.all(
      ids.map(async (id) => {
        const ref = parseCommunityLocalId(id);
        try {
          const record = await findCommunityRecord(ctx.store, ref);
          // A community-list id the list no longer has is gone; a Fang community is only its name.
          if (!record) return ref.provider === 'FANG' ? ref : null;
          return mergeCommunity(ref, record);
        } catch (error) {
          return isUpstreamError(error) ? upstreamGraphQLError(error) : (error as Error);
        }
      }),
    ) as Promise<CommunityView[]>,
  fields: (t) => ({
    provider: t.field({
      type: ProviderEnum,
      description: 'Where the community is described (BEIKE once matched to its community list).',
      resolve: merged((c) => c.provider, hasListId),
    }),
    sourceId: t.string({
      nullable: true,
      description: "The provider's community id; null when none is known (Fang gives none).",
      resolve: merged((c) => c.sourceId, hasListId),
    }),
    cityId: t.string({
      nullable: true,
      description: 'GB/T 2260 city code.',
      // The reference's city is the record's: the list is searched in it.
      resolve: merged((c) => c.cityId, always),
    }),
    name: t.string({ description: 'Name, e.g. 双裕花园西区.', resolve: merged((c) => c.name, always) }),
    district: t.field({
      type: DistrictType,
      nullable: true,
      description:
        'District (GB/T 2260), e.g. 110113 顺义区, whether a provider wrote 顺义区 or 顺义. Null when the ' +
        "provider's wording names no district (counted as decode drift, never guessed). Breaking change: " +
        "this was a String (the provider's wording).",
      resolve: merged(
        (c) => districtOf(c.districtId),
        (c) => !!c.districtId,
      ),
    }),
    subdistrict: t.string({
      nullable: true,
      description: 'Area within the district (板块), e.g. 后沙峪.',
      resolve: merged((c) => c.subdistrict, always),
    }),
    averageUnitPrice: t.float({
      nullable: true,
      description: 'Average price, yuan per m², where a source says.',
      resolve: merged((c) => c.averageUnitPrice),
    }),
    resaleAverageUnitPrice: t.float({
      nullable: true,
      description: 'Average asking price of resale listings, yuan per m².',
      resolve: merged((c) => c.resaleAverageUnitPrice ?? null),
    }),
    resaleListingCount: t.int({
      nullable: true,
      description: 'Resale listings on offer.',
      resolve: merged((c) => c.resaleListingCount ?? null),
    }),
    buildingType: t.string({
      nullable: true,
      description: 'Building type, e.g. 板楼.',
      resolve: merged((c) => c.buildingType ?? null),
    }),
    builtYear: t.int({
      nullable: true,
      description: 'Year completed.',
      resolve: merged((c) => c.builtYear ?? null),
    }),
    location: t.field({
      type: GeoPointType,
      nullable: true,
      description: 'Position.',
      resolve: merged((c) => c.location ?? null),
    }),
    coverUrl: t.string({
      nullable: true,
      description: 'Cover picture URL.',
      resolve: merged((c) => c.coverUrl ?? null),
    }),
  }),
});
