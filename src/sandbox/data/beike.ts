import { findCity } from '../../domain/cities.js';
import type { Amenity, Decoration } from '../../domain/listing.js';
import { Rng } from '../random.js';
import { chinaDate, listingMoment } from './dates.js';
import type { CityGeo } from './geography.js';
import { communityName, personName } from './names.js';
import type { BeikeAgentRecord, BeikeCommunityRecord, BeikeListingRecord } from './records.js';
import { SEED_AGENT, SEED_COMMUNITY, SEED_LISTING } from './seed-listing.js';

export const BEIKE_LISTINGS_PER_CITY = 250;
const COMMUNITIES_PER_CITY = 30;
const AGENTS_PER_CITY = 24;

/** Nominal mortgage rate behind 首付/月供 (30 years); seed 000's 190万 loan → 9500 yuan/month. */
const MORTGAGE_MONTHLY_RATE = 0.044 / 12;
const MORTGAGE_MONTHS = 360;

export interface BeikeCityData {
  communities: BeikeCommunityRecord[];
  listings: BeikeListingRecord[];
}

interface Ids {
  houseCodes: Set<string>;
  communityIds: Set<string>;
  agentUcids: Set<string>;
}

export function newBeikeIds(): Ids {
  return {
    houseCodes: new Set([SEED_LISTING.houseCode]),
    communityIds: new Set([SEED_COMMUNITY.communityId]),
    agentUcids: new Set([SEED_AGENT.agentUcid]),
  };
}

function uniqueId(rng: Rng, prefix: string, length: number, taken: Set<string>): string {
  for (;;) {
    const id = prefix + rng.digits(length - prefix.length);
    if (!taken.has(id)) {
      taken.add(id);
      return id;
    }
  }
}

export function generateBeikeCity(seed: number, scale: number, geo: CityGeo, ids: Ids): BeikeCityData {
  const rng = new Rng(seed, `beike:${geo.cityId}`);
  const city = findCity(geo.cityId);
  if (!city) throw new Error(`sandbox geography names an unknown city ${geo.cityId}`);
  const isBeijing = geo.cityId === SEED_LISTING.cityId;

  const agents: BeikeAgentRecord[] = [];
  for (let i = 0; i < AGENTS_PER_CITY; i++) {
    agents.push({
      agentUcid: uniqueId(rng, '10000000', 16, ids.agentUcids),
      name: personName(rng),
      certCode: `306${rng.int(2015, 2024)}${rng.digits(13)}`,
      badgePath: `https://img.ljcdn.com/ehr-personnel/${rng.int(2019, 2025)}${rng.digits(10)}${rng.hex(8).toUpperCase()}.jpg`,
      licencePath: `https://image1.ljcdn.com/ehr-personnel/${rng.int(2019, 2025)}${rng.digits(10)}${rng.hex(8).toUpperCase()}.png`,
    });
  }
  if (isBeijing) agents.push(SEED_AGENT);

  const centres = new Map(geo.districts.map((d) => [d.code, districtCentre(rng, geo)]));
  const takenNames = new Set<string>(isBeijing ? [SEED_COMMUNITY.name] : []);
  const communities: BeikeCommunityRecord[] = isBeijing ? [SEED_COMMUNITY] : [];
  const communityCount = COMMUNITIES_PER_CITY * Math.ceil(Math.sqrt(Math.max(scale, 1)));
  while (communities.length < communityCount) {
    const district = rng.pick(geo.districts);
    const centre = centres.get(district.code)!;
    const [low, high] = district.unitPrice;
    communities.push({
      communityId: uniqueId(rng, '111102', 13, ids.communityIds),
      cityId: geo.cityId,
      name: communityName(rng, geo.nameRoots, takenNames),
      district: district.name,
      districtFull: district.fullName,
      subdistrict: rng.pick(district.subdistricts),
      buildingType: rng.weighted([
        ['板楼', 5],
        ['塔楼', 3],
        ['板塔结合', 2],
      ] as const),
      builtYear: rng.int(1990, 2020),
      averageUnitPrice: Math.round(rng.float(low, high) / 10) * 10,
      lat: round6(centre.lat + rng.float(-0.03, 0.03)),
      lng: round6(centre.lng + rng.float(-0.03, 0.03)),
      coverPic: `https://ke-image.ljcdn.com/hdic-resblock/${rng.hex(32)}.jpg.232x174.jpg`,
    });
  }

  const listings: BeikeListingRecord[] = isBeijing ? [SEED_LISTING] : [];
  const listingCount = Math.max(1, Math.round(BEIKE_LISTINGS_PER_CITY * scale));
  while (listings.length < listingCount) {
    const community = rng.pick(communities);
    const houseCode = uniqueId(rng, geo.beikePrefix, 12, ids.houseCodes);
    listings.push(
      generateListing(rng, houseCode, community, rng.pick(agents), `https://m.ke.com/${city.beikeAbbr}`),
    );
  }
  return { communities, listings };
}

function generateListing(
  rng: Rng,
  houseCode: string,
  community: BeikeCommunityRecord,
  agent: BeikeAgentRecord,
  siteBase: string,
): BeikeListingRecord {
  const bedrooms = rng.weighted([
    [1, 20],
    [2, 35],
    [3, 30],
    [4, 10],
    [5, 5],
  ] as const);
  const halls = bedrooms === 1 ? rng.int(0, 1) : rng.int(1, 2);
  const area = roomArea(rng, bedrooms);
  const targetUnit = community.averageUnitPrice * rng.float(0.9, 1.1);
  // Asking prices are whole 万, sometimes half 万.
  const step = rng.chance(0.2) ? 0.5 : 1;
  const priceWan = Math.max(30, Math.round((targetUnit * area) / 10_000 / step) * step);
  const price = Math.round(priceWan * 10_000);
  const tall = community.buildingType !== '板楼';
  const floorTotal = tall ? rng.int(11, 33) : rng.int(4, 7);
  const listedMs = listingMoment(rng);
  const heldYears = rng.float(0, 12);
  const tags: string[] = [];
  if (heldYears >= 5) tags.push('满五年');
  else if (heldYears >= 2) tags.push('满两年');
  const nearMetro = rng.chance(0.5);
  if (nearMetro) tags.push('近地铁');
  if (rng.chance(0.5)) tags.push('随时可看');
  if (rng.chance(0.2)) tags.push('VR房源');
  if (rng.chance(0.1)) tags.push('房主自荐');
  const amenities: Amenity[] = nearMetro ? ['METRO'] : [];
  const { downPaymentWan, monthlyPayment } = payments(price);
  const layout = `${bedrooms}室${halls}厅`;
  return {
    houseCode,
    cityId: community.cityId,
    communityId: community.communityId,
    communityName: community.name,
    district: community.district,
    districtFull: community.districtFull,
    subdistrict: community.subdistrict,
    title: `${community.name} ${layout} ${area}平米`,
    price,
    unitPrice: Math.ceil(price / area),
    area,
    bedrooms,
    halls,
    floorLevel: rng.weighted([
      ['低楼层', 3],
      ['中楼层', 4],
      ['高楼层', 3],
      ['顶层', 1],
      ['底层', 1],
    ] as const),
    floorTotal,
    orientation: rng.weighted([
      ['南', 4],
      ['南北', 5],
      ['东南', 2],
      ['西南', 2],
      ['东', 1],
      ['西', 1],
      ['北', 1],
      ['东西', 1],
    ] as const),
    decoration: rng.weighted<Decoration>([
      ['FULL', 45],
      ['SIMPLE', 40],
      ['ROUGH', 15],
    ]),
    hasElevator: tall || rng.chance(0.1),
    buildingType: community.buildingType,
    builtYear: community.builtYear,
    listedAt: chinaDate(listedMs),
    tags,
    amenities,
    agent,
    url: `${siteBase}/ershoufang/${houseCode}.html`,
    downPaymentWan,
    monthlyPayment,
    wire: { numbersAsStrings: rng.chance(0.1), colon: rng.chance(0.4) ? '：' : ':' },
    relevance: rng.int(0, 2 ** 31 - 1),
  };
}

/** m² by bedroom count, with a decimal most of the time ("63.4", "89"). */
export function roomArea(rng: Rng, bedrooms: number): number {
  const [low, high] = [
    [30, 70],
    [55, 100],
    [85, 145],
    [120, 180],
    [150, 200],
  ][Math.min(bedrooms, 5) - 1] ?? [30, 200];
  const raw = rng.float(low!, high!);
  return rng.chance(0.7) ? Math.round(raw * 10) / 10 : Math.round(raw);
}

/** 净首付 (30%, whole 万) and 月供 (equal instalments, rounded to 100 yuan). */
export function payments(price: number): { downPaymentWan: number; monthlyPayment: number } {
  const downPaymentWan = Math.ceil((price * 0.3) / 10_000);
  const loan = price - downPaymentWan * 10_000;
  const growth = (1 + MORTGAGE_MONTHLY_RATE) ** MORTGAGE_MONTHS;
  const monthly = (loan * MORTGAGE_MONTHLY_RATE * growth) / (growth - 1);
  return { downPaymentWan, monthlyPayment: Math.round(monthly / 100) * 100 };
}

export function districtCentre(rng: Rng, geo: CityGeo): { lat: number; lng: number } {
  return { lat: geo.centre.lat + rng.float(-0.15, 0.15), lng: geo.centre.lng + rng.float(-0.15, 0.15) };
}

export function round6(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}
