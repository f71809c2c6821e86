import { CITIES } from '../../domain/cities.js';
import { generateBeikeCity, newBeikeIds } from './beike.js';
import { generateFangCity } from './fang.js';
import { CITY_GEO } from './geography.js';
import type { BeikeCommunityRecord, BeikeListingRecord, FangHouseRecord, SandboxData } from './records.js';

export const DEFAULT_SEED = 20241105;

/** Everything both upstreams serve, from the seed alone. Cheap enough for ~100k records (scale 40). */
export function generateData(seed = DEFAULT_SEED, scale = 1): SandboxData {
  if (!Number.isFinite(scale) || scale <= 0) throw new Error('sandbox scale must be a positive number');
  const listings: BeikeListingRecord[] = [];
  const communities: BeikeCommunityRecord[] = [];
  const houses: FangHouseRecord[] = [];
  const beikeIds = newBeikeIds();
  const fangIds = new Set<string>();
  for (const city of CITIES) {
    const geo = CITY_GEO.find((g) => g.cityId === city.id);
    if (!geo) throw new Error(`the sandbox has no geography for city ${city.id}`);
    if (city.providers.includes('BEIKE')) {
      const beike = generateBeikeCity(seed, scale, geo, beikeIds);
      listings.push(...beike.listings);
      communities.push(...beike.communities);
    }
    if (city.providers.includes('FANG')) houses.push(...generateFangCity(seed, scale, geo, fangIds));
  }
  return {
    seed,
    scale,
    beike: {
      listings,
      communities,
      byHouseCode: new Map(listings.map((l) => [l.houseCode, l])),
    },
    fang: { houses, byId: new Map(houses.map((h) => [h.houseId, h])) },
  };
}
