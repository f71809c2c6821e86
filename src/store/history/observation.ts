import type { Listing, ListingField, ProviderName } from '../../domain/listing.js';

/** What one sighting of a listing says, in the model's units. */
export interface ObservedListing extends ListingFacts {
  active: boolean;
}

/** The facts kept of a listing, as seen and as recorded. */
export interface ListingFacts {
  cityId: string | null;
  district: string | null;
  communityId: string | null;
  communityName: string | null;
  listingType: string;
  totalPrice: number | null;
  unitPrice: number | null;
  monthlyRent: number | null;
  area: number | null;
  bedrooms: number | null;
  /** Halls and floor: what tells two flats of one building apart when matching across providers. */
  livingRooms: number | null;
  floorLevel: string | null;
  floorTotal: number | null;
}

export interface Observation {
  provider: ProviderName;
  sourceId: string;
  /** Epoch ms. */
  seenAt: number;
  /** null: the provider answered that the listing does not exist (it is gone). */
  listing: ObservedListing | null;
}

/**
 * A stub carries only its provider's `stubFields` reliably; the others are left null here, and a
 * null never overwrites what an earlier sighting knew.
 */
export function observe(
  listing: Listing,
  seenAt: number,
  stubFields: ReadonlySet<ListingField>,
): Observation {
  const has = (field: ListingField) => listing.isDetail || stubFields.has(field);
  const pick = <T>(field: ListingField, value: T | null | undefined): T | null =>
    has(field) ? (value ?? null) : null;
  return {
    provider: listing.provider,
    sourceId: listing.sourceId,
    seenAt,
    listing: {
      cityId: listing.cityId,
      // Stubs carry what community data they have; a null here never erases a detail's.
      district: bareDistrict(listing.community?.district ?? null),
      communityId: listing.community?.sourceId ?? null,
      communityName: listing.community?.name ?? null,
      listingType: listing.listingType,
      totalPrice: pick('totalPrice', listing.totalPrice),
      unitPrice: pick('unitPrice', listing.unitPrice),
      monthlyRent: pick('monthlyRent', listing.monthlyRent),
      area: pick('area', listing.area),
      bedrooms: pick('layout', listing.layout?.bedrooms),
      livingRooms: pick('layout', listing.layout?.livingRooms),
      floorLevel: pick('floor', listing.floor?.level),
      floorTotal: pick('floor', listing.floor?.total),
      // A search result is on offer unless it says otherwise.
      active: listing.isActive ?? true,
    },
  };
}

/** "朝阳区" and "朝阳" are one district: providers differ in whether they print the suffix. */
export function bareDistrict(name: string | null): string | null {
  const bare = name?.trim().replace(/[区县]$/, '') ?? '';
  return bare === '' ? null : bare;
}

export function gone(provider: ProviderName, sourceId: string, seenAt: number): Observation {
  return { provider, sourceId, seenAt, listing: null };
}

export function listingKey(o: { provider: string; sourceId: string }): string {
  return `${o.provider}|${o.sourceId}`;
}
