import type { Amenity, Decoration } from '../../domain/listing.js';
import { Rng } from '../random.js';
import { districtCentre, roomArea, round6 } from './beike.js';
import { chinaDateTime, listingMoment } from './dates.js';
import type { CityGeo, DistrictGeo } from './geography.js';
import { communityName, personName } from './names.js';
import type { FangAgentRecord, FangHouseRecord, FangHouseType } from './records.js';

/**
 * Per city at scale 1. Fang's houses are generated on their own; cross-listings.ts then rewrites
 * some resale ones as the same homes as Beike listings (the counts stay).
 */
export const FANG_COUNTS: Record<FangHouseType, number> = { second: 150, rent: 60, new: 20, commercial: 10 };
const ID_PREFIX: Record<FangHouseType, string> = { second: 'esf', rent: 'zf', new: 'xf', commercial: 'sp' };
const BUILDINGS_PER_CITY = 30;
const AGENTS_PER_CITY = 20;
const AGENCIES = ['房天下', '中原地产', '我爱我家', '21世纪不动产', '麦田房产'];

interface Building {
  name: string;
  district: DistrictGeo;
  subdistrict: string;
  buildYear: number;
  unitPrice: number;
  lat: number;
  lng: number;
}

export function generateFangCity(
  seed: number,
  scale: number,
  geo: CityGeo,
  ids: Set<string>,
): FangHouseRecord[] {
  const rng = new Rng(seed, `fang:${geo.cityId}`);
  const agents: FangAgentRecord[] = [];
  for (let i = 0; i < AGENTS_PER_CITY; i++) {
    agents.push({
      agentId: `fa_${rng.digits(6)}`,
      name: personName(rng),
      phone: `400-890-0000 转 ${rng.digits(4)}`,
      company: rng.pick(AGENCIES),
    });
  }
  const centres = new Map(geo.districts.map((d) => [d.code, districtCentre(rng, geo)]));
  const taken = new Set<string>();
  const buildings: Building[] = [];
  const buildingCount = BUILDINGS_PER_CITY * Math.ceil(Math.sqrt(Math.max(scale, 1)));
  for (let i = 0; i < buildingCount; i++) {
    const district = rng.pick(geo.districts);
    const centre = centres.get(district.code)!;
    buildings.push({
      name: communityName(rng, geo.nameRoots, taken),
      district,
      subdistrict: rng.pick(district.subdistricts),
      buildYear: rng.int(1992, 2022),
      unitPrice: rng.float(district.unitPrice[0], district.unitPrice[1]),
      lat: centre.lat + rng.float(-0.03, 0.03),
      lng: centre.lng + rng.float(-0.03, 0.03),
    });
  }

  const houses: FangHouseRecord[] = [];
  for (const houseType of ['second', 'rent', 'new', 'commercial'] as const) {
    const count = Math.max(1, Math.round(FANG_COUNTS[houseType] * scale));
    for (let i = 0; i < count; i++) {
      const houseId = uniqueId(rng, `${ID_PREFIX[houseType]}_${geo.fangDigit}_`, ids);
      houses.push(generateHouse(rng, houseId, houseType, geo, rng.pick(buildings), rng.pick(agents)));
    }
  }
  return houses;
}

function uniqueId(rng: Rng, prefix: string, taken: Set<string>): string {
  for (;;) {
    const id = prefix + rng.int(1, 9) + rng.digits(7);
    if (!taken.has(id)) {
      taken.add(id);
      return id;
    }
  }
}

function generateHouse(
  rng: Rng,
  houseId: string,
  houseType: FangHouseType,
  geo: CityGeo,
  building: Building,
  agent: FangAgentRecord,
): FangHouseRecord {
  const villa = houseType === 'new' && rng.chance(0.15);
  const bedrooms = villa
    ? rng.int(4, 5)
    : houseType === 'rent'
      ? rng.weighted([
          [1, 35],
          [2, 40],
          [3, 20],
          [4, 5],
        ] as const)
      : rng.weighted([
          [1, 15],
          [2, 35],
          [3, 35],
          [4, 10],
          [5, 5],
        ] as const);
  const halls = bedrooms === 1 ? rng.int(0, 1) : rng.int(1, 2);
  const area = villa ? rng.int(180, 200) : roomArea(rng, bedrooms);
  const buildYear = houseType === 'new' ? rng.int(2025, 2027) : building.buildYear;
  let priceWan: number | null = null;
  let monthlyRent: number | null = null;
  if (houseType === 'rent') {
    // Gross yields of roughly 2% a year.
    monthlyRent = Math.max(
      800,
      Math.round((building.unitPrice * rng.float(0.0016, 0.0021) * area) / 100) * 100,
    );
  } else {
    const premium = houseType === 'new' ? rng.float(1.0, 1.15) : houseType === 'commercial' ? 0.8 : 1;
    const wan = (building.unitPrice * premium * rng.float(0.92, 1.08) * area) / 10_000;
    // Resale asking prices often carry one decimal (862.5万); new homes are quoted in whole 万.
    priceWan =
      houseType === 'second' && rng.chance(0.4) ? Math.round(wan * 10) / 10 : Math.max(20, Math.round(wan));
  }
  const price = priceWan === null ? null : Math.round(priceWan * 10_000);
  const amenities: Amenity[] = [];
  if (rng.chance(0.45)) amenities.push('METRO');
  if (rng.chance(0.3)) amenities.push('SCHOOL');
  if (rng.chance(0.2)) amenities.push('HOSPITAL');
  const floorTotal = rng.chance(0.3) ? rng.int(4, 7) : rng.int(11, 34);
  return {
    houseId,
    cityId: geo.cityId,
    houseType,
    buildingName: building.name,
    district: building.district.name,
    districtCode: building.district.code,
    districtFull: building.district.fullName,
    subdistrict: building.subdistrict,
    bedrooms,
    halls,
    villa,
    priceWan,
    price,
    monthlyRent,
    unitPrice: price === null ? null : Math.round(price / area),
    area,
    decoration: rng.weighted<Decoration>(
      houseType === 'new'
        ? [
            ['FULL', 50],
            ['ROUGH', 50],
          ]
        : [
            ['FULL', 50],
            ['SIMPLE', 35],
            ['ROUGH', 15],
          ],
    ),
    amenities,
    publishTime: chinaDateTime(listingMoment(rng)),
    hot: rng.int(0, 9_999),
    floorLevel: rng.pick(['低层', '中层', '高层'] as const),
    floorTotal,
    orientation: rng.pick(['南', '南北', '东南', '西南', '东', '西', '北']),
    buildYear,
    hasElevator: floorTotal > 7 || rng.chance(0.1),
    lat: round6(building.lat + rng.float(-0.002, 0.002)),
    lng: round6(building.lng + rng.float(-0.002, 0.002)),
    photoCount: rng.int(3, 6),
    agent,
    wire: { supportAsString: rng.chance(0.2) },
  };
}
