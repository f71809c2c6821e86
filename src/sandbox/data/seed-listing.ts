import { readFileSync } from 'node:fs';
import type { BeikeAgentRecord, BeikeCommunityRecord, BeikeListingRecord } from './records.js';

/**
 * Seed 000: the one Beike detail answer seen for real (houseCode 101127449675 in Beijing). Its
 * detail is served as the seed's exact bytes; the records below restate it so that it also shows
 * up, consistently, in Beijing's search results and community list.
 */

export const SEED_DETAIL_BODY: Buffer = readFileSync(
  new URL('../fixtures/beike-detail-101127449675.json.txt', import.meta.url),
);

export const SEED_AGENT: BeikeAgentRecord = {
  agentUcid: '1000000010081720',
  name: '张忠良',
  certCode: '30620191011100002734',
  badgePath: 'https://img.ljcdn.com/ehr-personnel/202004111008285365UW0QVPQ.jpg',
  licencePath: 'https://image1.ljcdn.com/ehr-personnel/20190108180804890B5IW0ZJU.png',
};

export const SEED_COMMUNITY: BeikeCommunityRecord = {
  communityId: '1111027379646',
  cityId: '110000',
  name: '双裕花园西区',
  district: '顺义',
  districtFull: '顺义区',
  subdistrict: '后沙峪',
  buildingType: '板楼',
  builtYear: 2003,
  averageUnitPrice: 38_500,
  lat: 40.110_62,
  lng: 116.545_87,
  coverPic:
    'http://ke-image.ljcdn.com/hdic-frame/standard_adc2f732-b0e3-4046-b580-06e34ccc1a75.png.1440x1080.jpg?from=ke.com',
};

export const SEED_LISTING: BeikeListingRecord = {
  houseCode: '101127449675',
  cityId: '110000',
  communityId: SEED_COMMUNITY.communityId,
  communityName: SEED_COMMUNITY.name,
  district: SEED_COMMUNITY.district,
  districtFull: SEED_COMMUNITY.districtFull,
  subdistrict: SEED_COMMUNITY.subdistrict,
  title: '双裕花园西区 1室1厅 63.4平米',
  price: 2_350_000,
  unitPrice: 37_067,
  area: 63.4,
  bedrooms: 1,
  halls: 1,
  floorLevel: '顶层',
  floorTotal: 4,
  orientation: '南',
  decoration: 'FULL',
  hasElevator: false,
  buildingType: '板楼',
  builtYear: 2003,
  listedAt: '2024-11-05',
  tags: ['满五年', '随时可看', '房主自荐'],
  amenities: [],
  agent: SEED_AGENT,
  url: 'https://m.ke.com/bj/ershoufang/101127449675.html',
  downPaymentWan: 45,
  monthlyPayment: 9_500,
  wire: { numbersAsStrings: false, colon: ':' },
  relevance: 0,
};
