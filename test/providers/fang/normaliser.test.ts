import { describe, expect, it } from 'vitest';
import { DecodeReport } from '../../../src/providers/decode.js';
import { type NormaliseContext, normaliseHouse } from '../../../src/providers/fang/normaliser.js';

const now = new Date('2026-11-01T08:00:00.000Z');
const context = (over: Partial<NormaliseContext> = {}): NormaliseContext => ({
  report: new DecodeReport('FANG', 'test'),
  isDetail: false,
  now,
  fallbackCityId: null,
  fallbackListingType: null,
  ...over,
});

// The assumed item_get shape of /work/shared/providers.md.
const detail = {
  house_id: 'esf_3_18273645',
  house_name: '望京西园三区 3室2厅 128平米',
  building_name: '望京西园三区',
  region: '北京,朝阳,望京',
  house_type: 'second',
  house_style: '3室2厅',
  price: 860,
  unit_price: 67188,
  area: 128,
  decoration: '精装',
  support: ['地铁房', '学区房'],
  publish_time: '2026-10-08 09:12:00',
  transaction_status: '在售',
  floor: '中层/共18层',
  orientation: '南北',
  build_year: 2004,
  elevator: '有',
  address: '朝阳区望京西园三区',
  longitude: 116.47,
  latitude: 39.99,
  description: '南北通透',
  images: [
    { url: 'https://img.fang.test/1.jpg', type: '实景图' },
    { url: 'https://img.fang.test/2.jpg', type: '户型图' },
  ],
  facilities: ['地铁', '学校', '医院'],
  agent: { agent_id: 'fa_889123', name: '李娜', phone: '400-890-0000 转 1234', company: '房天下' },
};

describe('normaliseHouse', () => {
  it('normalises the item_get sample into yuan, m², ISO dates and enums', () => {
    const ctx = context({ isDetail: true });
    expect(normaliseHouse(detail, ctx)).toEqual({
      provider: 'FANG',
      sourceId: 'esf_3_18273645',
      isDetail: true,
      fetchedAt: '2026-11-01T08:00:00.000Z',
      cityId: '110000',
      listingType: 'RESALE',
      title: '望京西园三区 3室2厅 128平米',
      url: null,
      totalPrice: 8_600_000,
      unitPrice: 67188,
      monthlyRent: null,
      area: 128,
      layout: { bedrooms: 3, livingRooms: 2, bathrooms: null, text: '3室2厅' },
      floor: { text: '中层/共18层', level: 'MIDDLE', total: 18 },
      orientations: ['SOUTH', 'NORTH'],
      decoration: 'FULL',
      hasElevator: true,
      builtYear: 2004,
      listedAt: '2026-10-08',
      tags: ['地铁房', '学区房'],
      amenities: ['METRO', 'SCHOOL'],
      photos: [
        { url: 'https://img.fang.test/1.jpg', caption: '实景图', isFloorPlan: false },
        { url: 'https://img.fang.test/2.jpg', caption: '户型图', isFloorPlan: true },
      ],
      community: {
        sourceId: null,
        name: '望京西园三区',
        district: '朝阳',
        districtId: '110105',
        subdistrict: '望京',
        averageUnitPrice: null,
      },
      agent: {
        provider: 'FANG',
        sourceId: 'fa_889123',
        name: '李娜',
        title: null,
        phone: '400-890-0000 转 1234',
        company: '房天下',
        credentials: [],
      },
      downPayment: null,
      monthlyPayment: null,
      address: '朝阳区望京西园三区',
      location: { latitude: 39.99, longitude: 116.47 },
      description: '南北通透',
      isActive: true,
    });
    expect(ctx.report.problems).toEqual([]);
  });

  it('reads a rental: price is the monthly rent in yuan, no total price', () => {
    const listing = normaliseHouse(
      {
        house_id: 'zf_1',
        house_name: '整租 2室1厅',
        region: '上海市,浦东,陆家嘴',
        house_type: 'rent',
        price: '6500',
        area: '75.5㎡',
        decoration: '简装',
        support: '近地铁,近医院',
        transaction_status: '已租',
        url: 'https://m.fang.test/zf_1.html',
      },
      context(),
    );
    expect(listing).toMatchObject({
      cityId: '310000',
      listingType: 'RENTAL',
      totalPrice: null,
      monthlyRent: 6500,
      unitPrice: null,
      area: 75.5,
      decoration: 'SIMPLE',
      amenities: ['METRO', 'HOSPITAL'],
      tags: ['近地铁', '近医院'],
      isActive: false,
      url: 'https://m.fang.test/zf_1.html',
      community: null,
    });
  });

  it('keeps decimals of 万 and accepts prices written with their unit', () => {
    const listing = normaliseHouse({ house_id: 'x', price: '235.5万', unit_price: '3.7万/㎡' }, context());
    expect(listing?.totalPrice).toBe(2_355_000);
    expect(listing?.unitPrice).toBe(37_000);
  });

  it.each([
    ['new', 'NEW_HOME'],
    ['commercial', 'COMMERCIAL'],
    ['二手房', 'RESALE'],
  ] as const)('house_type %s → %s', (houseType, expected) => {
    expect(normaliseHouse({ house_id: 'x', house_type: houseType }, context())?.listingType).toBe(expected);
  });

  it('falls back to the search context for the city and the listing type', () => {
    const ctx = context({ fallbackCityId: '440100', fallbackListingType: 'RENTAL' });
    const listing = normaliseHouse({ house_id: 'x', house_name: 'y', region: '某地,某区', price: 3000 }, ctx);
    expect(listing).toMatchObject({ cityId: '440100', listingType: 'RENTAL', monthlyRent: 3000 });
  });

  it('reads numbers as strings and onebound field names', () => {
    const listing = normaliseHouse(
      {
        num_iid: 5566,
        title: '广州 天河 3房',
        price: '300',
        area: '89',
        build_year: '2010年建成',
        elevator: 'true',
      },
      context({ isDetail: true }),
    );
    expect(listing).toMatchObject({
      sourceId: '5566',
      title: '广州 天河 3房',
      totalPrice: 3_000_000,
      area: 89,
      builtYear: 2010,
      hasElevator: true,
    });
  });

  it('turns broken optional fields into null, records them, and keeps the listing', () => {
    const ctx = context({ isDetail: true });
    const listing = normaliseHouse(
      {
        ...detail,
        price: 'call us',
        area: { value: 128 },
        publish_time: 'yesterday',
        latitude: 'north',
        images: [{ url: 'https://img.fang.test/ok.jpg', type: '户型图' }, { url: 42 }],
        agent: { name: '无名' },
        transaction_status: '???',
      },
      ctx,
    );
    expect(listing).toMatchObject({
      sourceId: 'esf_3_18273645',
      totalPrice: null,
      area: null,
      listedAt: null,
      location: null,
      agent: null,
      isActive: null,
      photos: [{ url: 'https://img.fang.test/ok.jpg', caption: '户型图', isFloorPlan: true }],
      unitPrice: 67188,
    });
    expect(ctx.report.problems.map((p) => p.field).sort()).toEqual(
      ['agent', 'area', 'images[1]', 'latitude', 'price', 'publish_time', 'transaction_status'].sort(),
    );
  });

  it('drops a house without id and records it', () => {
    const ctx = context();
    expect(normaliseHouse({ house_name: 'no id' }, ctx)).toBeNull();
    expect(ctx.report.problems).toEqual([{ field: 'house_id', reason: 'missing' }]);
  });
});
