import fc from 'fast-check';
import { FLOOR_LEVELS, type Listing } from '../../src/domain/listing.js';

/** A normalised resale listing with every deciding field given; override what a test varies. */
export function listing(over: Partial<Listing> = {}): Listing {
  return {
    provider: 'BEIKE',
    sourceId: '101100000001',
    isDetail: true,
    fetchedAt: '2026-11-01T00:00:00.000Z',
    cityId: '330100',
    listingType: 'RESALE',
    title: '绿城嘉园西区 3室2厅 89.4平米',
    url: null,
    totalPrice: 4_200_000,
    unitPrice: 46_980,
    monthlyRent: null,
    area: 89.4,
    layout: { bedrooms: 3, livingRooms: 2, bathrooms: null, text: '3室2厅' },
    floor: { text: '中楼层(共18层)', level: 'MIDDLE', total: 18 },
    orientations: ['SOUTH', 'NORTH'],
    decoration: 'FULL',
    hasElevator: true,
    builtYear: 2008,
    listedAt: '2026-10-01',
    tags: [],
    amenities: [],
    photos: [],
    community: {
      sourceId: '1111020000001',
      name: '绿城嘉园西区',
      district: '西湖区',
      subdistrict: '古荡',
      averageUnitPrice: null,
    },
    agent: null,
    downPayment: null,
    monthlyPayment: null,
    address: null,
    location: null,
    description: null,
    isActive: true,
    ...over,
  };
}

/** The same home as Fang would show it: its wording, its rounding, its price. */
export function fangSide(over: Partial<Listing> = {}): Listing {
  return listing({
    provider: 'FANG',
    sourceId: 'esf_6_12345678',
    title: '绿城嘉园(西区) 3室2厅 89平米',
    totalPrice: 4_150_000,
    area: 89,
    layout: { bedrooms: 3, livingRooms: 2, bathrooms: null, text: '3室2厅' },
    floor: { text: '中层/共18层', level: 'MIDDLE', total: 18 },
    community: {
      sourceId: null,
      name: '绿城嘉园(西区)',
      district: '西湖',
      subdistrict: '古荡',
      averageUnitPrice: null,
    },
    ...over,
  });
}

/** Listings drawn from a small world, so that chance agreements and conflicts both happen. */
const NAMES = ['绿城嘉园西区', '绿城嘉园(西区)', '绿城家园', '绿城嘉园东区', '西溪花园', '西溪花园小区'];
const DISTRICTS = ['西湖区', '西湖', '余杭', null];
export const arbitraryListing = fc
  .record({
    provider: fc.constantFrom('BEIKE' as const, 'FANG' as const),
    sourceId: fc.string({ minLength: 1, maxLength: 6 }),
    name: fc.option(fc.constantFrom(...NAMES), { nil: null }),
    district: fc.constantFrom(...DISTRICTS),
    bedrooms: fc.option(fc.integer({ min: 2, max: 3 }), { nil: null }),
    halls: fc.option(fc.integer({ min: 1, max: 2 }), { nil: null }),
    area: fc.option(
      fc.integer({ min: 880, max: 910 }).map((n) => n / 10),
      { nil: null },
    ),
    price: fc.option(
      fc.integer({ min: 400, max: 440 }).map((n) => n * 10_000),
      { nil: null },
    ),
    level: fc.option(fc.constantFrom(...FLOOR_LEVELS), { nil: null }),
    total: fc.option(fc.constantFrom(18, 24), { nil: null }),
  })
  .map(
    (r): Listing =>
      listing({
        provider: r.provider,
        sourceId: r.sourceId,
        totalPrice: r.price,
        area: r.area,
        layout: { bedrooms: r.bedrooms, livingRooms: r.halls, bathrooms: null, text: null },
        floor: { text: null, level: r.level, total: r.total },
        community: r.name
          ? { sourceId: null, name: r.name, district: r.district, subdistrict: null, averageUnitPrice: null }
          : null,
      }),
  );

export const complete = (l: Listing) =>
  l.community !== null &&
  l.community.district !== null &&
  l.layout?.bedrooms != null &&
  l.area !== null &&
  l.totalPrice !== null &&
  l.floor?.level != null;
