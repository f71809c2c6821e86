import { Rng } from '../random.js';
import { round6 } from './beike.js';
import type { CityGeo } from './geography.js';
import type { BeikeCommunityRecord, BeikeListingRecord, FangHouseRecord } from './records.js';
import { SEED_LISTING } from './seed-listing.js';

/**
 * The same home on both sites. Some of a city's generated Fang resale houses are rewritten as the
 * Fang listing of a Beike listing, with the differences real sites show; a few more become decoys:
 * another flat of the same building, same layout, nearly the same area, on another floor or at
 * another price. The ground truth goes to tests only (see `crossListingTruth`), never over HTTP.
 */

/** Shares of a city's Fang resale houses. */
export const CROSS_LISTED_SHARE = 0.3;
export const DECOY_SHARE = 0.1;

/** How the Fang side of a cross-listing differs from the Beike side: one word per field. */
export interface CrossListingVariant {
  name:
    | 'same'
    | 'no-part'
    | 'brackets'
    | 'full-width'
    | 'suffix'
    | 'spaced'
    | 'digits'
    | 'homophone'
    | 'alias';
  area: 'same' | 'whole' | 'remeasured' | 'far';
  price: 'near' | 'far';
  district: 'short' | 'full';
}

export interface CrossListing {
  beikeHouseCode: string;
  fangHouseId: string;
  variant: CrossListingVariant;
}

export type DecoyKind = 'floor' | 'price' | 'area';

export interface Decoy {
  /** The Beike listing the decoy imitates; it is NOT the same home. */
  beikeHouseCode: string;
  fangHouseId: string;
  kind: DecoyKind;
}

export interface CrossListingTruth {
  /** Every pair of listings that are the same home; any pair not here is two homes. */
  pairs: CrossListing[];
  decoys: Decoy[];
}

/** Style words agents type by sound (jiāyuán, yǎyuàn…): the homophone variant. */
const HOMOPHONES: [string, string][] = [
  ['嘉园', '家园'],
  ['家园', '嘉园'],
  ['雅苑', '雅园'],
  ['名苑', '名园'],
  ['新城', '新成'],
];
const PART = /([东西南北]区|[一二三]区|[一二]期)$/;
const DIGIT: Record<string, string> = { 一: '1', 二: '2', 三: '3' };
const FULL_WIDTH_DIGIT: Record<string, string> = { '1': '１', '2': '２', '3': '３' };

export function crossListCity(
  seed: number,
  geo: CityGeo,
  beike: { listings: readonly BeikeListingRecord[]; communities: readonly BeikeCommunityRecord[] },
  fang: FangHouseRecord[],
): CrossListingTruth {
  // A stream of its own: the houses and listings generated before keep their values.
  const rng = new Rng(seed, `cross:${geo.cityId}`);
  const communities = new Map(beike.communities.map((c) => [c.communityId, c]));
  const resale = fang.flatMap((house, index) => (house.houseType === 'second' ? [index] : []));
  const chosen = shuffle(rng, resale);
  const crossCount = Math.round(resale.length * CROSS_LISTED_SHARE);
  const decoyCount = Math.round(resale.length * DECOY_SHARE);
  const candidates = shuffle(
    rng,
    beike.listings.filter((l) => l.houseCode !== SEED_LISTING.houseCode),
  );
  const truth: CrossListingTruth = { pairs: [], decoys: [] };

  for (const index of chosen.slice(0, Math.min(crossCount, candidates.length))) {
    const listing = candidates.pop()!;
    const house = fang[index]!;
    const variant: CrossListingVariant = {
      name: rng.weighted([
        ['same', 30],
        ['no-part', 14],
        ['brackets', 10],
        ['full-width', 6],
        ['suffix', 10],
        ['spaced', 8],
        ['digits', 6],
        ['homophone', 14],
        ['alias', 2],
      ] as const),
      area: rng.weighted([
        ['same', 50],
        ['whole', 27],
        ['remeasured', 21],
        ['far', 2],
      ] as const),
      price: rng.chance(0.98) ? 'near' : 'far',
      district: rng.chance(0.8) ? 'short' : 'full',
    };
    const name = nameVariant(rng, listing.communityName, geo, variant.name);
    variant.name = name.how;
    const area = variantArea(rng, listing.area, variant.area);
    const gap = variant.price === 'near' ? rng.float(-0.04, 0.04) : rng.float(0.07, 0.12);
    fang[index] = {
      ...sameBuilding(rng, house, listing, communities.get(listing.communityId), geo, variant.district),
      buildingName: name.text,
      area,
      ...prices(rng, listing.price * (1 + gap), area),
      floorLevel: fangLevel(listing.floorLevel),
      decoration: listing.decoration,
      orientation: listing.orientation,
    };
    truth.pairs.push({ beikeHouseCode: listing.houseCode, fangHouseId: house.houseId, variant });
  }

  const imitated = shuffle(rng, [...beike.listings]);
  for (const index of chosen.slice(crossCount, crossCount + decoyCount)) {
    const listing = imitated.pop();
    if (!listing) break;
    const house = fang[index]!;
    const kind = rng.weighted<DecoyKind>([
      ['floor', 50],
      ['price', 30],
      ['area', 20],
    ]);
    const delta = kind === 'area' ? rng.float(2.5, 5) : rng.float(0.3, 1.5);
    const area = Math.round((listing.area + (rng.chance(0.5) ? delta : -delta)) * 10) / 10;
    const gap = kind === 'price' ? rng.float(0.1, 0.25) * (rng.chance(0.5) ? 1 : -1) : rng.float(-0.03, 0.03);
    fang[index] = {
      ...sameBuilding(rng, house, listing, communities.get(listing.communityId), geo, 'short'),
      buildingName: nameVariant(rng, listing.communityName, geo, rng.chance(0.5) ? 'same' : 'no-part').text,
      area,
      ...prices(rng, (listing.price / listing.area) * area * (1 + gap), area),
      floorLevel: kind === 'floor' ? otherLevel(rng, listing.floorLevel) : fangLevel(listing.floorLevel),
      orientation: rng.chance(0.5) ? listing.orientation : house.orientation,
    };
    truth.decoys.push({ beikeHouseCode: listing.houseCode, fangHouseId: house.houseId, kind });
  }
  return truth;
}

/** The Fang house moved into the Beike listing's building: place, layout, year, height. */
function sameBuilding(
  rng: Rng,
  house: FangHouseRecord,
  listing: BeikeListingRecord,
  community: BeikeCommunityRecord | undefined,
  geo: CityGeo,
  districtWording: 'short' | 'full',
): FangHouseRecord {
  const district = geo.districts.find((d) => d.name === listing.district);
  if (!district) throw new Error(`sandbox listing ${listing.houseCode} is in an unknown district`);
  return {
    ...house,
    district: districtWording === 'full' ? district.fullName : district.name,
    districtCode: district.code,
    districtFull: district.fullName,
    subdistrict: listing.subdistrict,
    bedrooms: listing.bedrooms,
    halls: listing.halls,
    villa: false,
    floorTotal: listing.floorTotal,
    buildYear: listing.builtYear,
    hasElevator: listing.hasElevator,
    lat: round6((community?.lat ?? house.lat) + rng.float(-0.001, 0.001)),
    lng: round6((community?.lng ?? house.lng) + rng.float(-0.001, 0.001)),
  };
}

function prices(rng: Rng, priceYuan: number, area: number) {
  const wan = priceYuan / 10_000;
  const priceWan = rng.chance(0.4) ? Math.round(wan * 10) / 10 : Math.max(20, Math.round(wan));
  const price = Math.round(priceWan * 10_000);
  return { priceWan, price, unitPrice: Math.round(price / area) };
}

function variantArea(rng: Rng, area: number, how: CrossListingVariant['area']): number {
  switch (how) {
    case 'same':
      return area;
    case 'whole':
      return Math.round(area);
    case 'remeasured':
      return Math.round((area + rng.float(-0.8, 0.8)) * 10) / 10;
    case 'far':
      // 套内 against 建筑面积, or a typo: a difference no tolerance for rounding should absorb.
      return Math.round(area * rng.float(0.8, 0.9) * 10) / 10;
  }
}

type NameHow = CrossListingVariant['name'];

/** The Fang wording of a Beike community name, and the variant it really is (some need a part). */
function nameVariant(rng: Rng, name: string, geo: CityGeo, how: NameHow): { text: string; how: NameHow } {
  const part = name.match(PART)?.[1];
  const core = part ? name.slice(0, -part.length) : name;
  const as = (text: string, actual: NameHow = how) => ({ text, how: text === name ? 'same' : actual });
  switch (how) {
    case 'same':
      return as(name);
    case 'no-part':
      return as(core);
    case 'brackets':
      return as(part ? `${core}(${part})` : name);
    case 'full-width':
      return as(part ? `${core}（${part}）` : `${name}\u3000`);
    case 'suffix':
      return as(`${name}小区`);
    case 'spaced':
      return as(`${core.slice(0, 2)} ${core.slice(2)}${part ? ` ${part}` : ''}`);
    case 'digits': {
      const digit = part ? DIGIT[part[0]!] : undefined;
      if (!part || !digit) return as(name);
      return as(`${core}${rng.chance(0.5) ? digit : FULL_WIDTH_DIGIT[digit]}${part.slice(1)}`);
    }
    case 'homophone': {
      const swap = HOMOPHONES.find(([from]) => core.endsWith(from));
      return as(swap ? `${core.slice(0, -swap[0].length)}${swap[1]}${part ?? ''}` : name);
    }
    case 'alias':
      // The developer's marketing name on one site, the registered name on the other.
      return as(`${rng.pick(geo.nameRoots)}${rng.pick(['天著', '御府', '云邸', '悦府'])}`);
  }
}

const FANG_LEVEL: Record<string, FangHouseRecord['floorLevel']> = {
  底层: '低层',
  低楼层: '低层',
  中楼层: '中层',
  高楼层: '高层',
  顶层: '高层',
};

function fangLevel(beikeLevel: string): FangHouseRecord['floorLevel'] {
  return FANG_LEVEL[beikeLevel] ?? '中层';
}

function otherLevel(rng: Rng, beikeLevel: string): FangHouseRecord['floorLevel'] {
  const same = fangLevel(beikeLevel);
  return rng.pick((['低层', '中层', '高层'] as const).filter((level) => level !== same));
}

function shuffle<T>(rng: Rng, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
