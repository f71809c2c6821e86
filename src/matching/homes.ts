import type { Listing } from '../domain/listing.js';
import { candidatePairs } from './blocking.js';
import { bestPairs, groupMatches, listingKey } from './components.js';
import { gives, type MatchField, matchPair } from './match.js';

/** A SAME verdict needs every one of these on both sides (match.ts). */
const DECIDING: readonly MatchField[] = ['name', 'district', 'layout', 'area', 'price', 'floor'];

/**
 * Groups of listing keys ("PROVIDER:sourceId") that are one home, judged from what the listings
 * already say (no detail is read): only SAME pairs join, so a listing that lacks a deciding fact
 * stays its own home (precision first). Listings alone are not listed. Such a listing is left out
 * before blocking, since it can never be SAME: at 100,000 stored rows without floors, pairing them
 * anyway cost the market query about 95 s of comparisons that all ended POSSIBLE (issue 13).
 */
export function sameHomeGroups(listings: readonly Listing[]): string[][] {
  const byProvider = new Map<string, Listing[]>();
  for (const listing of listings) {
    if (!DECIDING.every((field) => gives(listing, field))) continue;
    const group = byProvider.get(listing.provider) ?? [];
    group.push(listing);
    byProvider.set(listing.provider, group);
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
