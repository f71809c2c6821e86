import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ListingDetailDocument } from '../generated/graphql.js';
import { dataOf, startGateway, type TestGateway } from '../support/gateway.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startGateway();
});
afterAll(() => gw.close());

describe('the seed 000 listing through the whole stack', () => {
  it('comes out normalised in the schema units', async () => {
    const { listing } = dataOf(
      await gw.query(ListingDetailDocument, {
        provider: 'BEIKE',
        sourceId: '101127449675',
        cityId: '110000',
      }),
    );
    expect(listing).toMatchObject({
      provider: 'BEIKE',
      sourceId: '101127449675',
      cityId: '110000',
      listingType: 'RESALE',
      title: '双裕花园西区 1室1厅 63.4平米',
      url: 'https://m.ke.com/bj/ershoufang/101127449675.html',
      totalPrice: 2_350_000,
      unitPrice: 37_067,
      area: 63.4,
      layout: { bedrooms: 1, livingRooms: 1 },
      floor: { level: 'TOP', total: 4 },
      orientations: ['SOUTH'],
      decoration: 'FULL',
      hasElevator: false,
      builtYear: 2003,
      listedAt: '2024-11-05',
      tags: ['满五年', '随时可看', '房主自荐'],
      community: {
        sourceId: '1111027379646',
        name: '双裕花园西区',
        district: { id: '110113', name: '顺义区' },
        subdistrict: '后沙峪',
      },
      downPayment: 450_000,
      monthlyPayment: 9_500,
      isActive: true,
    });
    expect(listing?.agent).toMatchObject({ provider: 'BEIKE', sourceId: '1000000010081720', name: '张忠良' });
    expect(listing?.agent?.credentials).toContainEqual({
      name: '全国房地产经纪人协理证',
      number: '30620191011100002734',
      imageUrl: 'https://image1.ljcdn.com/ehr-personnel/20190108180804890B5IW0ZJU.png',
    });
    expect(listing?.photos.filter((p) => p.isFloorPlan)).toHaveLength(1);
    expect(Date.parse(listing?.fetchedAt ?? '')).toBeGreaterThan(Date.now() - 60_000);
  });

  it('says it is sandbox data in every response', async () => {
    const response = await gw.query(ListingDetailDocument, {
      provider: 'BEIKE',
      sourceId: '101127449675',
      cityId: '110000',
    });
    expect(response.extensions?.mode).toBe('SANDBOX');
  });
});
