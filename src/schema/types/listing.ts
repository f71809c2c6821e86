import { GraphQLError, type GraphQLResolveInfo, responsePathAsArray } from 'graphql';
import { findCity } from '../../domain/cities.js';
import type { Listing, ListingField } from '../../domain/listing.js';
import { isUpstreamError } from '../../http/errors.js';
import { PROVIDER_RULES, stubCarries } from '../../providers/rules.js';
import { findTwins } from '../../search/twins.js';
import { MAX_TWIN_CANDIDATES } from '../../search/walk.js';
import { builder } from '../builder.js';
import type { GraphQLContext } from '../context.js';
import { delistedListing } from '../delisted-listing.js';
import { badUserInput, providerNotConfigured, upstreamGraphQLError } from '../errors.js';
import { encodeGlobalId, isValidSourceId, listingLocalId, parseListingLocalId } from '../ids.js';
import { AgentNode } from './agent.js';
import { type CommunityShape, CommunityType, lookUpEarly } from './community.js';
import { DistrictType, districtOf } from './district.js';
import { AmenityEnum, DecorationEnum, ListingTypeEnum, OrientationEnum, ProviderEnum } from './enums.js';
import { FloorType } from './floor.js';
import { GeoPointType } from './geo-point.js';
import { LayoutType } from './layout.js';
import { PhotoType } from './photo.js';

/**
 * A Listing is either a search stub or a detail. A field the stub does not carry is read from
 * the detail through the per-request DataLoader, which sits on the shared detail cache: a query
 * that selects only stub fields costs no detail call, and a listing's detail is read once.
 */
export const ListingNode = builder.loadableNode('Listing', {
  description: 'A home offered for sale or rent, normalised: money in yuan, areas in m², dates ISO-8601.',
  id: { resolve: (listing) => listingLocalId(listing) },
  isTypeOf: (value) => typeof value === 'object' && value !== null && 'listingType' in value,
  load: (ids: string[], ctx: GraphQLContext) =>
    Promise.all(ids.map((id) => loadDetail(id, ctx))) as Promise<Listing[]>,
  fields: (t) => ({
    provider: t.expose('provider', { type: ProviderEnum, description: 'Where the listing comes from.' }),
    sourceId: t.exposeString('sourceId', {
      description: "The provider's id (Beike houseCode, Fang house_id).",
    }),
    cityId: t.string({
      nullable: true,
      description: 'GB/T 2260 city code, e.g. "110000".',
      resolve: detailField('cityId'),
    }),
    listingType: t.field({
      type: ListingTypeEnum,
      description: 'What is offered.',
      resolve: detailField('listingType'),
    }),
    title: t.string({ description: "The provider's title.", resolve: detailField('title') }),
    url: t.string({
      nullable: true,
      description: "The listing's page on the provider's site.",
      resolve: detailField('url'),
    }),
    totalPrice: t.float({
      nullable: true,
      description: 'Asking price, yuan; null for rentals.',
      resolve: detailField('totalPrice'),
    }),
    unitPrice: t.float({
      nullable: true,
      description: 'Asking price per m², yuan/m².',
      resolve: detailField('unitPrice'),
    }),
    monthlyRent: t.float({
      nullable: true,
      description: 'Rent, yuan per month; rentals only.',
      resolve: detailField('monthlyRent'),
    }),
    area: t.float({
      nullable: true,
      description: 'Floor area (建筑面积), m².',
      resolve: detailField('area'),
    }),
    layout: t.field({
      type: LayoutType,
      nullable: true,
      description: 'Rooms.',
      resolve: detailField('layout'),
    }),
    floor: t.field({
      type: FloorType,
      nullable: true,
      description: 'Floor and building height.',
      resolve: detailField('floor'),
    }),
    orientations: t.field({
      type: [OrientationEnum],
      description: 'Directions the main rooms face; "南北" gives SOUTH and NORTH.',
      resolve: detailField('orientations'),
    }),
    decoration: t.field({
      type: DecorationEnum,
      nullable: true,
      description: 'Interior.',
      resolve: detailField('decoration'),
    }),
    hasElevator: t.boolean({
      nullable: true,
      description: 'Whether the building has a lift.',
      resolve: detailField('hasElevator'),
    }),
    builtYear: t.int({
      nullable: true,
      description: 'Year the building was completed.',
      resolve: detailField('builtYear'),
    }),
    listedAt: t.field({
      type: 'Date',
      nullable: true,
      description: 'Date first listed (挂牌), ISO-8601.',
      resolve: detailField('listedAt'),
    }),
    tags: t.stringList({
      description: "The provider's tags (满五年, 随时可看…).",
      resolve: detailField('tags'),
    }),
    amenities: t.field({
      type: [AmenityEnum],
      description: 'What is nearby, where the provider says.',
      resolve: detailField('amenities'),
    }),
    photos: t.field({
      type: [PhotoType],
      description: 'Pictures, floor plans flagged.',
      resolve: detailField('photos'),
    }),
    community: t.field({
      type: CommunityType,
      nullable: true,
      description: 'The community (小区).',
      resolve: (listing, args, ctx, info) => {
        // A stub that names its community (Beike's) starts the community lookup beside its detail.
        if (listing.community && !answersAlone(listing, 'community') && !warmDetail(listing, ctx))
          lookUpEarly(communityRef(listing.community, listing), ctx, info);
        return communityField(listing, args, ctx, info);
      },
    }),
    district: t.field({
      type: DistrictType,
      nullable: true,
      description:
        "District (GB/T 2260) of the listing's community, whatever the provider's wording (西湖区, 西湖); " +
        'null when the wording names no district (counted as decode drift, never guessed).',
      resolve: detailField('community', (c) => districtOf(c?.districtId)),
    }),
    agent: t.field({
      type: AgentNode,
      nullable: true,
      description: 'The agent handling it.',
      resolve: detailField('agent'),
    }),
    downPayment: t.float({
      nullable: true,
      description: 'Down payment estimate (首付), yuan, as the provider computes it.',
      resolve: detailField('downPayment'),
    }),
    monthlyPayment: t.float({
      nullable: true,
      description: 'Monthly mortgage payment estimate (月供), yuan.',
      resolve: detailField('monthlyPayment'),
    }),
    address: t.string({ nullable: true, description: 'Street address.', resolve: detailField('address') }),
    location: t.field({
      type: GeoPointType,
      nullable: true,
      description: 'Position.',
      resolve: detailField('location'),
    }),
    description: t.string({
      nullable: true,
      description: "The provider's description text.",
      resolve: detailField('description'),
    }),
    isActive: t.boolean({
      nullable: true,
      description: 'false when withdrawn, sold or let.',
      resolve: detailField('isActive'),
    }),
    fetchedAt: t.field({
      type: 'DateTime',
      description: 'When this was read from the provider.',
      resolve: (l) => l.fetchedAt,
    }),
  }),
});

/** Defined beside the node: its type is the node's own. */
builder.objectField(ListingNode, 'alsoListedAs', (t) =>
  t.field({
    type: [ListingNode],
    description:
      'The same home on the other providers, where the gateway has matched it (at most one per provider; ' +
      'empty when none matched). Found by one search of each other provider narrowed to where a twin can ' +
      "lie (same bedrooms, area and price within the matcher's tolerances), its results matched on city, " +
      'district, community name, area, layout, floor and price (src/matching; precision first, see the ' +
      `README). Cost: per other provider 1 search page and up to ${MAX_TWIN_CANDIDATES} details, plus this ` +
      "listing's detail when the stubs cannot settle a pair; counted by the cost model, shared through the " +
      'caches (a second ask costs nothing while they last). A provider that fails leaves its part out, ' +
      'with an error.',
    resolve: async (listing, _args, ctx, info) => {
      const loader = ListingNode.getDataloader(ctx);
      const readDetail = (l: Listing) =>
        loader.load(listingLocalId(l)).then(
          (detail) => detail ?? null,
          () => null,
        );
      try {
        const twins = await findTwins(ctx.store, listing, readDetail);
        return twins.map((twin) => twin.listing);
      } catch (error) {
        if (!isUpstreamError(error)) throw error;
        ctx.partialErrors.push(upstreamGraphQLError(error, responsePathAsArray(info.path)));
        return [];
      }
    },
  }),
);

async function loadDetail(localId: string, ctx: GraphQLContext): Promise<Listing | null | Error> {
  const key = parseListingLocalId(localId);
  if (!ctx.store.provider(key.provider)) return providerNotConfigured(key.provider);
  try {
    const result = await ctx.store.detail(key);
    if (result.source === 'stale') {
      ctx.notices.push({
        code: 'STALE_DATA',
        provider: key.provider,
        message: `${key.provider} failed; listing ${key.sourceId} is served from cache as of ${new Date(result.storedAt).toISOString()}`,
      });
    }
    // A listing its provider no longer has stays readable from its history, marked inactive.
    return result.value ?? (await delistedListing(ctx, key));
  } catch (error) {
    return isUpstreamError(error) ? upstreamGraphQLError(error) : (error as Error);
  }
}

const communityField = detailField('community', (c, l) => c && communityRef(c, l));

/** Whether a listing can answer a field by itself. Objects and lists need the detail unless declared. */
function answersAlone(listing: Listing, field: ListingField): boolean {
  if (listing.isDetail || stubCarries(PROVIDER_RULES[listing.provider], field)) return true;
  const value = listing[field];
  return value !== null && typeof value !== 'object';
}

function detailField<F extends ListingField, R = Listing[F]>(
  field: F,
  map: (value: Listing[F], listing: Listing) => R = (value) => value as unknown as R,
) {
  return (listing: Listing, _args: object, ctx: GraphQLContext, info: GraphQLResolveInfo): R | Promise<R> => {
    if (answersAlone(listing, field)) return map(listing[field], listing);
    const warm = warmDetail(listing, ctx);
    if (warm) return map(warm[field], warm);
    const id = listingLocalId(listing);
    return ListingNode.getDataloader(ctx)
      .load(id)
      .then(
        (detail) => map((detail ?? listing)[field], detail ?? listing),
        (error: unknown) => {
          // One error per listing, at the first field that needed the detail; the stub's value stands.
          const listingId = encodeGlobalId('Listing', id);
          if (!ctx.partialErrors.some((e) => e.extensions.listingId === listingId)) {
            const reported = errorAt(error, info);
            reported.extensions.listingId = listingId;
            ctx.partialErrors.push(reported);
          }
          return map(listing[field], listing);
        },
      );
  };
}

const communityRefs = new WeakMap<NonNullable<Listing['community']>, CommunityShape>();

/**
 * The listing's community as the Community fields read it, one object per cached listing across
 * requests: the merges of its fields are kept by this object (search/communities.ts).
 */
function communityRef(community: NonNullable<Listing['community']>, listing: Listing): CommunityShape {
  let ref = communityRefs.get(community);
  if (!ref) {
    ref = { ...community, provider: listing.provider, cityId: listing.cityId };
    communityRefs.set(community, ref);
  }
  return ref;
}

const warmDetails = new WeakMap<GraphQLContext, Map<Listing, Listing>>();

/**
 * The detail when a fresh one is in memory, read once per listing per request: the fields of a
 * warm listing then answer synchronously, with no DataLoader promise each (about 25 fields by 20
 * listings on an every-field search page). Anything else (not cached, stale, delisted, Redis only)
 * goes the loader's way, which reports stale data and reads a delisted listing's history.
 */
function warmDetail(listing: Listing, ctx: GraphQLContext): Listing | undefined {
  let seen = warmDetails.get(ctx);
  if (!seen) {
    seen = new Map();
    warmDetails.set(ctx, seen);
  }
  let detail = seen.get(listing);
  if (detail === undefined) {
    detail = ctx.store.peekDetail(listing) ?? undefined;
    if (detail) seen.set(listing, detail);
  }
  return detail;
}

/** The loader's error again, placed at the field that needed the detail. */
function errorAt(error: unknown, info: GraphQLResolveInfo): GraphQLError {
  const path = responsePathAsArray(info.path);
  if (error instanceof GraphQLError)
    return new GraphQLError(error.message, { path, extensions: { ...error.extensions } });
  return new GraphQLError('Unexpected error.', { path, extensions: { code: 'INTERNAL_SERVER_ERROR' } });
}

builder.queryField('listing', (t) =>
  t.field({
    type: ListingNode,
    nullable: true,
    description:
      'One listing by its provider id, with full detail; null when the provider has no such listing.',
    args: {
      provider: t.arg({ type: ProviderEnum, required: true, description: 'Where the listing is.' }),
      sourceId: t.arg.string({
        required: true,
        description: "The provider's id (Beike houseCode, Fang house_id).",
      }),
      cityId: t.arg.string({ description: 'GB/T 2260 city code; required for BEIKE.' }),
    },
    resolve: async (_root, { provider, sourceId, cityId }, ctx) => {
      if (!isValidSourceId(sourceId)) throw badUserInput('sourceId', 'is not a valid listing id');
      if (cityId != null && !findCity(cityId))
        throw badUserInput('cityId', `unknown city ${JSON.stringify(cityId)}`);
      if (PROVIDER_RULES[provider].cityScopedKeys && cityId == null)
        throw badUserInput('cityId', `is required for ${provider} listings`);
      if (!ctx.store.provider(provider)) throw providerNotConfigured(provider);
      const detail = await ListingNode.getDataloader(ctx).load(
        listingLocalId({ provider, sourceId, cityId: cityId ?? null }),
      );
      return detail ?? null;
    },
  }),
);
