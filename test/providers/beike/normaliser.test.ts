import { describe, expect, it } from 'vitest';
import type { Listing } from '../../../src/domain/listing.js';
import type { UpstreamResponse } from '../../../src/http/transport.js';
import { decodeCommunity, decodeDetail, decodeListItem } from '../../../src/providers/beike/decoder.js';
import { judgeDetail } from '../../../src/providers/beike/judge.js';
import { normaliseCommunity, normaliseHouse } from '../../../src/providers/beike/normaliser.js';
import { DecodeReport } from '../../../src/providers/decode.js';
import { SEED_LISTING, seedDetailBody } from './seed.js';

const NOW = new Date('2026-01-02T03:04:05.000Z');

function detailFrom(body: string, report = new DecodeReport('BEIKE', 'detail')): Listing {
  const response: UpstreamResponse = { status: 200, headers: {}, body };
  const verdict = judgeDetail(response);
  if (!verdict.ok) throw verdict.error;
  const house = decodeDetail(verdict.value, report);
  if (!house) throw new Error('no house');
  return normaliseHouse(house, { report, isDetail: true, now: NOW, fallbackCityId: '110000' });
}

describe('Beike detail normalisation of seed 000', () => {
  it('normalises every field of the seed answer exactly', () => {
    const report = new DecodeReport('BEIKE', 'detail');
    const listing = detailFrom(seedDetailBody(), report);
    expect(listing).toEqual({ ...SEED_LISTING, fetchedAt: '2026-01-02T03:04:05.000Z' });
    expect(report.problems).toEqual([]);
  });

  it('reads labels with ASCII or full-width colons and numbers sent as strings', () => {
    const seed = JSON.parse(seedDetailBody());
    seed.code = '0';
    const basic = seed.data.basicInfo;
    basic.price = '2350000';
    basic.area = '63.4';
    basic.blueprintBedroomNum = '1';
    for (const item of seed.data.infoList) item.name = item.name.replace(':', '：');
    seed.data.infoJumpList[2].sfTotal = '45';
    const listing = detailFrom(JSON.stringify(seed));
    expect(listing.totalPrice).toBe(2_350_000);
    expect(listing.area).toBe(63.4);
    expect(listing.layout?.bedrooms).toBe(1);
    expect(listing.listedAt).toBe('2024-11-05');
    expect(listing.builtYear).toBe(2003);
    expect(listing.downPayment).toBe(450_000);
  });

  it('keeps a listing whose optional fields drifted, nulls them and records each one', () => {
    const seed = JSON.parse(seedDetailBody());
    const basic = seed.data.basicInfo;
    basic.price = { amount: 1 };
    basic.unitPrice = 'n/a';
    basic.isOffSale = 'maybe';
    seed.data.colorTags = 'not a list';
    seed.data.verificationInfo = 42;
    seed.data.basicList = [];
    const report = new DecodeReport('BEIKE', 'detail');
    const listing = detailFrom(JSON.stringify(seed), report);
    expect(listing.sourceId).toBe('101127449675');
    expect(listing.totalPrice).toBeNull();
    // No number, so the 单价 label stands in.
    expect(listing.unitPrice).toBe(37_067);
    expect(listing.isActive).toBeNull();
    expect(listing.tags).toEqual([]);
    expect(listing.agent).toBeNull();
    expect(report.problems.map((p) => p.field).sort()).toEqual(
      [
        'basicInfo.isOffSale',
        'basicInfo.price',
        'basicInfo.unitPrice',
        'colorTags',
        'verificationInfo',
      ].sort(),
    );
  });

  it('marks an off-sale listing inactive and builds the URL from the city when mUrl is absent', () => {
    const seed = JSON.parse(seedDetailBody());
    seed.data.basicInfo.isOffSale = true;
    delete seed.data.basicInfo.mUrl;
    seed.data.basicInfo.cityId = '310000';
    const listing = detailFrom(JSON.stringify(seed));
    expect(listing.isActive).toBe(false);
    expect(listing.url).toBe('https://m.ke.com/sh/ershoufang/101127449675.html');
  });
});

describe('Beike list item normalisation', () => {
  const item = {
    houseCode: '101100000001',
    title: '望京西园 2室1厅 89.5平米',
    desc: '2室1厅/89.5㎡/南北/望京西园',
    priceStr: '512.5万',
    unitPriceStr: '57263元/平',
    price: 5_125_000,
    unitPrice: 57_263,
    area: 89.5,
    blueprintBedroomNum: 2,
    blueprintHallNum: 1,
    communityId: '1111000000001',
    communityName: '望京西园',
    coverPic: 'https://ke-image.ljcdn.com/cover.jpg',
    colorTags: [{ desc: '近地铁' }, { desc: '满五年' }],
  };
  const stub = (raw: unknown, cityId = '110000') => {
    const report = new DecodeReport('BEIKE', 'search');
    const house = decodeListItem(raw, report);
    return {
      listing: house && normaliseHouse(house, { report, isDetail: false, now: NOW, fallbackCityId: cityId }),
      report,
    };
  };

  it('carries the stub fields in yuan and m², with a URL built from the city abbreviation', () => {
    const { listing } = stub(item, '440300');
    expect(listing).toMatchObject({
      sourceId: '101100000001',
      isDetail: false,
      cityId: '440300',
      listingType: 'RESALE',
      title: '望京西园 2室1厅 89.5平米',
      url: 'https://m.ke.com/sz/ershoufang/101100000001.html',
      totalPrice: 5_125_000,
      unitPrice: 57_263,
      monthlyRent: null,
      area: 89.5,
      layout: { bedrooms: 2, livingRooms: 1, bathrooms: null, text: '2室1厅' },
      tags: ['近地铁', '满五年'],
      amenities: ['METRO'],
      photos: [{ url: 'https://ke-image.ljcdn.com/cover.jpg', caption: null, isFloorPlan: false }],
      community: { sourceId: '1111000000001', name: '望京西园' },
    });
  });

  it('falls back to priceStr / unitPriceStr when the numbers are missing or garbled', () => {
    const { listing, report } = stub({ ...item, price: 'garbled', unitPrice: undefined });
    expect(listing?.totalPrice).toBe(5_125_000);
    expect(listing?.unitPrice).toBe(57_263);
    expect(report.problems.map((p) => p.field)).toEqual(['price']);
    expect(stub({ ...item, price: 0 }).listing?.totalPrice).toBe(5_125_000);
    expect(stub({ ...item, price: null, priceStr: '1.2亿' }).listing?.totalPrice).toBe(120_000_000);
  });

  it('drops an item without a houseCode and records it', () => {
    const { listing, report } = stub({ ...item, houseCode: '' });
    expect(listing).toBeNull();
    expect(report.problems).toEqual([{ field: 'houseCode', reason: 'missing' }]);
  });
});

describe('Beike community normalisation', () => {
  it('maps the snake_case community to the domain, 0 prices and 0,0 points as unknown', () => {
    const report = new DecodeReport('BEIKE', 'communities');
    const raw = decodeCommunity(
      {
        community_id: 1111027379646,
        community_name: '双裕花园西区',
        city_id: 110000,
        district_name: '顺义',
        avg_unit_price: '38500',
        ershoufang_avg_unit_price: 0,
        ershoufang_source_count: '12',
        building_type: '板楼',
        building_finish_year: '2003年建成',
        point_lat: 40.08,
        point_lng: '116.55',
        cover_pic: 'https://ke-image.ljcdn.com/c.jpg',
      },
      report,
    );
    expect(raw).not.toBeNull();
    expect(normaliseCommunity(raw!, '999999', NOW)).toEqual({
      provider: 'BEIKE',
      sourceId: '1111027379646',
      cityId: '110000',
      name: '双裕花园西区',
      district: '顺义',
      districtId: '110113',
      subdistrict: null,
      averageUnitPrice: 38_500,
      resaleAverageUnitPrice: null,
      resaleListingCount: 12,
      buildingType: '板楼',
      builtYear: 2003,
      location: { latitude: 40.08, longitude: 116.55 },
      coverUrl: 'https://ke-image.ljcdn.com/c.jpg',
      fetchedAt: '2026-01-02T03:04:05.000Z',
    });
    expect(report.problems).toEqual([]);
    const drifted = decodeCommunity({ community_id: '2', community_name: 'y', city_id: '面议' }, report);
    expect(normaliseCommunity(drifted!, '310000', NOW).cityId).toBe('310000');
    expect(report.problems.map((p) => p.field)).toEqual(['city_id']);
    const noPlace = decodeCommunity(
      { community_id: '1', community_name: 'x', point_lat: 0, point_lng: 0 },
      report,
    );
    expect(normaliseCommunity(noPlace!, '110000', NOW).location).toBeNull();
  });
});
