/**
 * Cross-provider duplicate detection: pure functions over domain listings, no I/O. The caller
 * pairs listings (blocked by city), asks `matchListings`, reads details for POSSIBLE pairs where it
 * can afford to, keeps `bestPairs` and groups them into homes with `groupMatches`.
 */
export { candidatePairs, type TwinBounds, twinBounds } from './blocking.js';
export { bestPairs, groupMatches, listingKey, type ScoredPair } from './components.js';
export { sameHomeGroups } from './homes.js';
export { gives, type MatchField, type MatchResult, matchListings, matchPair, type Verdict } from './match.js';
export { type CommunityName, compareNames, type NameComparison, readCommunityName } from './names.js';
export { compareDistricts, compareFloorLevels } from './places.js';
