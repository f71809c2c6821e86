import {
  LISTING_TYPES,
  type Listing,
  type ListingType,
  listingFromFacts,
  type ProviderName,
} from '../domain/listing.js';
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
  return listingFromFacts(
    {
      ...key,
      cityId: row.cityId ?? key.cityId,
      listingType,
      communityId: row.communityId,
      communityName: row.communityName,
      district: row.district,
      totalPrice: row.totalPrice,
      unitPrice: row.unitPrice,
      monthlyRent: row.monthlyRent,
      area: row.area,
      bedrooms: row.bedrooms,
      livingRooms: null,
      floor: null,
    },
    {
      fetchedAt: row.lastSeenAt.toISOString(),
      title: row.communityName ?? `${key.provider} ${key.sourceId}`,
      isActive: false,
    },
  );
}
