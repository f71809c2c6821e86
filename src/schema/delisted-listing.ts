import { LISTING_TYPES, type Listing, type ListingType, type ProviderName } from '../domain/listing.js';
import type { GraphQLContext } from './context.js';

/**
 * A listing its provider says is gone, rebuilt from its last sighting so that its history
 * (`delistedAt`, `priceHistory`) stays readable; `isActive` is false. null when never seen.
 */
export async function delistedListing(
  ctx: GraphQLContext,
  key: { provider: ProviderName; sourceId: string; cityId: string | null },
): Promise<Listing | null> {
  const row = await ctx.history?.recorded(key).catch(() => null);
  if (!row) return null;
  const listingType = (LISTING_TYPES as readonly string[]).includes(row.listingType)
    ? (row.listingType as ListingType)
    : 'RESALE';
  return {
    provider: key.provider,
    sourceId: key.sourceId,
    isDetail: true,
    fetchedAt: row.lastSeenAt.toISOString(),
    cityId: row.cityId ?? key.cityId,
    listingType,
    title: row.communityName ?? `${key.provider} ${key.sourceId}`,
    url: null,
    totalPrice: row.totalPrice,
    unitPrice: row.unitPrice,
    monthlyRent: row.monthlyRent,
    area: row.area,
    layout:
      row.bedrooms === null
        ? null
        : { bedrooms: row.bedrooms, livingRooms: null, bathrooms: null, text: null },
    floor: null,
    orientations: [],
    decoration: null,
    hasElevator: null,
    builtYear: null,
    listedAt: null,
    tags: [],
    amenities: [],
    photos: [],
    community: row.communityName
      ? {
          sourceId: row.communityId,
          name: row.communityName,
          district: row.district,
          subdistrict: null,
          averageUnitPrice: null,
        }
      : null,
    agent: null,
    downPayment: null,
    monthlyPayment: null,
    address: null,
    location: null,
    description: null,
    isActive: false,
  };
}
