import {
  type FloorLevel,
  type Listing,
  type ListingType,
  listingFromFacts,
  type ProviderName,
} from '../domain/listing.js';
import {
  bestPairs,
  candidatePairs,
  gives,
  groupMatches,
  listingKey,
  type MatchField,
  matchPair,
} from '../matching/index.js';

/**
 * Homes, not listings: the same home listed on several providers counts once in market figures.
 * The matcher (src/matching) judges the history store's rows as it judges listings; only SAME
 * pairs join (a row that lacks a deciding fact, such as a floor never read from a detail, stays
 * its own home: precision first), and a listing joins at most one listing of each other provider.
 */

/** What the store keeps of a listing that matching reads. */
export interface StoredFacts {
  provider: string;
  sourceId: string;
  cityId: string | null;
  listingType: string;
  district: string | null;
  communityName: string | null;
  totalPrice: number | null;
  unitPrice: number | null;
  monthlyRent: number | null;
  area: number | null;
  bedrooms: number | null;
  livingRooms: number | null;
  floorLevel: string | null;
  floorTotal: number | null;
}

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

/** A SAME verdict needs every one of these on both sides (src/matching/match.ts). */
const DECIDING: readonly MatchField[] = ['name', 'district', 'layout', 'area', 'price', 'floor'];

/**
 * Groups of listing keys ("PROVIDER:sourceId") that are one home; listings alone are not listed.
 * A row lacking a deciding field can never be SAME, so it is left out before blocking: at 100,000
 * stored rows without floors, pairing them anyway cost about 95 s of comparisons that all ended
 * POSSIBLE (issue 13's market latency).
 */
export function sameHomeGroups(rows: readonly StoredFacts[]): string[][] {
  const byProvider = new Map<string, Listing[]>();
  for (const row of rows) {
    const listing = asListing(row);
    if (!DECIDING.every((field) => gives(listing, field))) continue;
    const listings = byProvider.get(row.provider) ?? [];
    listings.push(listing);
    byProvider.set(row.provider, listings);
  }
  const providers = [...byProvider.keys()].sort();
  const pairs = [];
  for (let i = 0; i < providers.length; i++) {
    for (let j = i + 1; j < providers.length; j++) {
      const left = byProvider.get(providers[i] as string) ?? [];
      const right = byProvider.get(providers[j] as string) ?? [];
      for (const [a, b] of candidatePairs(left, right)) {
        const result = matchPair(a, b);
        if (result.same) pairs.push({ a: listingKey(a), b: listingKey(b), score: result.score });
      }
    }
  }
  return groupMatches(bestPairs(pairs));
}
