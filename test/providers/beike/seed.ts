import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Listing } from '../../../src/domain/listing.js';

const SEEDS = '/work/shared/seeds';

/** The JSON answer printed in seed 000 (Beike detail), exactly as the vendor shows it. */
export function seedDetailBody(): string {
  const file = readdirSync(SEEDS).find((name) => name.startsWith('000_'));
  if (!file) throw new Error('seed 000 is missing');
  const text = readFileSync(join(SEEDS, file), 'utf8');
  const start = text.indexOf('{\n"code"');
  const end = text.lastIndexOf('}', text.indexOf('💡 Note:', start));
  if (start < 0 || end < start) throw new Error('seed 000 has no JSON answer');
  const body = text.slice(start, end + 1);
  JSON.parse(body);
  return body;
}

/** Seed 000 normalised, written out by hand from the seed text. */
export const SEED_LISTING: Omit<Listing, 'fetchedAt'> = {
  provider: 'BEIKE',
  sourceId: '101127449675',
  isDetail: true,
  cityId: '110000',
  listingType: 'RESALE',
  title: '双裕花园西区 1室1厅 63.4平米',
  url: 'https://m.ke.com/bj/ershoufang/101127449675.html',
  totalPrice: 2_350_000,
  unitPrice: 37_067,
  monthlyRent: null,
  area: 63.4,
  layout: { bedrooms: 1, livingRooms: 1, bathrooms: null, text: '1室1厅' },
  floor: { text: '顶层(共4层)', level: 'TOP', total: 4 },
  orientations: ['SOUTH'],
  decoration: 'FULL',
  hasElevator: false,
  builtYear: 2003,
  listedAt: '2024-11-05',
  tags: ['满五年', '随时可看', '房主自荐'],
  amenities: [],
  photos: [
    {
      url: 'http://ke-image.ljcdn.com/hdic-frame/standard_adc2f732-b0e3-4046-b580-06e34ccc1a75.png.1440x1080.jpg?from=ke.com',
      caption: '户型',
      isFloorPlan: true,
    },
  ],
  community: {
    sourceId: '1111027379646',
    name: '双裕花园西区',
    district: '顺义区',
    // The wording read through the GB/T 2260 table.
    districtId: '110113',
    subdistrict: '后沙峪',
    averageUnitPrice: null,
  },
  agent: {
    provider: 'BEIKE',
    sourceId: '1000000010081720',
    name: '张忠良',
    title: '房源维护人',
    phone: null,
    company: null,
    credentials: [
      {
        name: '从业人员工作牌',
        number: null,
        imageUrl: 'https://img.ljcdn.com/ehr-personnel/202004111008285365UW0QVPQ.jpg',
      },
      {
        name: '全国房地产经纪人协理证',
        number: '30620191011100002734',
        imageUrl: 'https://image1.ljcdn.com/ehr-personnel/20190108180804890B5IW0ZJU.png',
      },
      {
        name: '费率',
        number: null,
        imageUrl: 'https://img.ljcdn.com/ehr-personnel/a810ff7a-e7f0-42fc-a508-96f51c6f94b0.jpg',
      },
      {
        name: '营业执照',
        number: null,
        imageUrl: 'https://img.ljcdn.com/ehr-personnel/20240813183721981NR3TQWSP.jpg',
      },
      {
        name: '经纪备案',
        number: null,
        imageUrl: 'https://img.ljcdn.com/ehr-personnel/20240507173107450KNIGTHDT.jpg',
      },
    ],
  },
  downPayment: 450_000,
  monthlyPayment: 9_500,
  address: null,
  location: null,
  description: null,
  isActive: true,
};
