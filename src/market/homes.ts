import {
  type FloorLevel,
  type Listing,
  type ListingType,
  listingFromFacts,
  type ProviderName,
} from '../domain/listing.js';
import { sameHomeGroups as sameHomesOfListings } from '../matching/index.js';
import type { ListingFacts } from '../store/history/index.js';

/**
 * Homes, not listings: the same home listed on several providers counts once in market figures.
 * The matcher (src/matching) judges the history store's rows as it judges listings; only SAME
 * pairs join (a row that lacks a deciding fact, such as a floor never read from a detail, stays
 * its own home: precision first), and a listing joins at most one listing of each other provider.
 */

/** What the store keeps of a listing that matching reads. */
export type StoredFacts = Omit<ListingFacts, 'communityId'> & { provider: string; sourceId: string };

/** A stored row in the matcher's terms. */
export function asListing(row: StoredFacts): Listing {
  return listingFromFacts({
    ...row,
    provider: row.provider as ProviderName,
    listingType: row.listingType as ListingType,
    communityId: null,
    floor:
      row.floorLevel === null && row.floorTotal === null
        ? null
        : { text: null, level: row.floorLevel as FloorLevel | null, total: row.floorTotal },
  });
}

/** Groups of listing keys ("PROVIDER:sourceId") that are one home; listings alone are not listed. */
export function sameHomeGroups(rows: readonly StoredFacts[]): string[][] {
  return sameHomesOfListings(rows.map(asListing));
}
