import { CITIES } from '../../domain/cities.js';
import { generateBeikeCity, newBeikeIds } from './beike.js';
import { type CrossListingTruth, crossListCity } from './cross-listings.js';
import { generateFangCity } from './fang.js';
import { CITY_GEO } from './geography.js';
import type { BeikeCommunityRecord, BeikeListingRecord, FangHouseRecord, SandboxData } from './records.js';

export const DEFAULT_SEED = 20241105;

/** Held beside the data, never in it: what is served cannot carry the answers to the matching. */
const truths = new WeakMap<SandboxData, CrossListingTruth>();

/**
 * Which Fang resale listings are the same home as a Beike listing, and which only look alike.
 * For tests and the match report; the servers never read it.
 */
export function crossListingTruth(data: SandboxData): CrossListingTruth {
  const truth = truths.get(data);
  if (!truth) throw new Error('these sandbox data were not made by generateData');
  return truth;
}

/** Everything both upstreams serve, from the seed alone. Cheap enough for ~100k records (scale 40). */
export function generateData(seed = DEFAULT_SEED, scale = 1): SandboxData {
  if (!Number.isFinite(scale) || scale <= 0) throw new Error('sandbox scale must be a positive number');
  const listings: BeikeListingRecord[] = [];
  const communities: BeikeCommunityRecord[] = [];
  const houses: FangHouseRecord[] = [];
  const beikeIds = newBeikeIds();
  const fangIds = new Set<string>();
  const truth: CrossListingTruth = { pairs: [], decoys: [] };
  for (const city of CITIES) {
    const geo = CITY_GEO.find((g) => g.cityId === city.id);
    if (!geo) throw new Error(`the sandbox has no geography for city ${city.id}`);
    const beike = city.providers.includes('BEIKE') ? generateBeikeCity(seed, scale, geo, beikeIds) : null;
    if (beike) {
      listings.push(...beike.listings);
      communities.push(...beike.communities);
    }
    if (city.providers.includes('FANG')) {
      const fang = generateFangCity(seed, scale, geo, fangIds);
      if (beike) {
        const crossed = crossListCity(seed, geo, beike, fang);
        truth.pairs.push(...crossed.pairs);
        truth.decoys.push(...crossed.decoys);
      }
      houses.push(...fang);
    }
  }
  const data: SandboxData = {
    seed,
    scale,
    beike: {
      listings,
      communities,
      byHouseCode: new Map(listings.map((l) => [l.houseCode, l])),
    },
    fang: { houses, byId: new Map(houses.map((h) => [h.houseId, h])) },
  };
  truths.set(data, truth);
  return data;
}
