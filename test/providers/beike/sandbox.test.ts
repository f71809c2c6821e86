import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Listing, SearchQuery } from '../../../src/domain/listing.js';
import { UpstreamError } from '../../../src/http/errors.js';
import { decodeCommunity } from '../../../src/providers/beike/decoder.js';
import { normaliseCommunity } from '../../../src/providers/beike/normaliser.js';
import { resaleCondition } from '../../../src/providers/beike/params.js';
import { DecodeReport } from '../../../src/providers/decode.js';
import type { ListingProvider } from '../../../src/providers/provider.js';
import {
  BEIKE_PATHS,
  type BeikeListingRecord,
  type Sandbox,
  startSandbox,
} from '../../../src/sandbox/index.js';
import { type MemoryLogger, memoryLogger } from '../../support/logs.js';
import { beikeAgainst, FIXED_NOW } from '../../support/providers.js';
import { searchQuery } from '../../support/search-query.js';
import { SEED_LISTING } from './seed.js';

const { detail: DETAIL, search: SEARCH, communities: COMMUNITIES } = BEIKE_PATHS;
const BEIJING = '110000';

/** The whole suite against both spellings of the resale list: app v4 snake_case (the sandbox's default) and camelCase. */
describe.each(['v4', 'camel'] as const)('resale list spelled %s', (spelling) => {
  let sandbox: Sandbox;
  let logs: MemoryLogger;
  let beike: ListingProvider;

  beforeAll(async () => {
    sandbox = await startSandbox({ beikeList: spelling });
    logs = memoryLogger();
    beike = beikeAgainst(sandbox, { logger: logs.logger }).provider;
  });
  afterAll(async () => {
    await beike?.close();
    await sandbox?.close();
  });
  beforeEach(() => sandbox.calls.reset());

  const query = (over: Partial<SearchQuery> = {}) => searchQuery({ cityId: BEIJING, ...over });

  async function allPages(q: SearchQuery): Promise<{ listings: Listing[]; totals: (number | null)[] }> {
    const listings: Listing[] = [];
    const totals: (number | null)[] = [];
    for (let page = 0; page < 50; page++) {
      const result = await beike.search(q, page);
      listings.push(...result.listings);
      totals.push(result.total);
      if (!result.hasMore) break;
    }
    return { listings, totals };
  }

  const cityListings = (cityId = BEIJING) => sandbox.data.beike.listings.filter((l) => l.cityId === cityId);

  describe('Beike adapter against the sandbox: detail', () => {
    it('normalises seed 000 exactly as the seed reads', async () => {
      const listing = await beike.getListing({ sourceId: '101127449675', cityId: BEIJING });
      expect(listing).toEqual({ ...SEED_LISTING, fetchedAt: FIXED_NOW.toISOString() });
      expect(sandbox.calls.count({ provider: 'beike', path: DETAIL, id: '101127449675' })).toBe(1);
    });

    it('normalises a generated listing in the model units', async () => {
      const record = cityListings('440300').find((l) => l.wire.colon === '：') as BeikeListingRecord;
      expect(record).toBeDefined();
      const listing = await beike.getListing({ sourceId: record.houseCode, cityId: '440300' });
      expect(listing).toMatchObject({
        provider: 'BEIKE',
        sourceId: record.houseCode,
        isDetail: true,
        cityId: '440300',
        url: `https://m.ke.com/sz/ershoufang/${record.houseCode}.html`,
        totalPrice: record.price,
        unitPrice: record.unitPrice,
        area: record.area,
        layout: { bedrooms: record.bedrooms, livingRooms: record.halls, bathrooms: null },
        floor: { text: `${record.floorLevel}(共${record.floorTotal}层)`, total: record.floorTotal },
        decoration: record.decoration,
        hasElevator: record.hasElevator,
        builtYear: record.builtYear,
        listedAt: record.listedAt,
        tags: [...record.tags],
        amenities: [...record.amenities],
        community: {
          sourceId: record.communityId,
          name: record.communityName,
          district: record.districtFull,
          subdistrict: record.subdistrict,
        },
        downPayment: Math.round(record.downPaymentWan * 10_000),
        monthlyPayment: record.monthlyPayment,
        isActive: true,
      });
      expect(listing?.agent).toMatchObject({ sourceId: record.agent.agentUcid, name: record.agent.name });
      expect(listing?.agent?.credentials).toContainEqual({
        name: '全国房地产经纪人协理证',
        number: record.agent.certCode,
        imageUrl: record.agent.licencePath,
      });
      expect(listing?.photos.filter((p) => p.isFloorPlan)).toHaveLength(1);
      expect(listing?.photos.length).toBeGreaterThan(3);
    });

    it('answers null for a listing Beike does not have (code 201), after one call', async () => {
      expect(await beike.getListing({ sourceId: '999999999999', cityId: BEIJING })).toBeNull();
      // The seed listing asked in the wrong city is not found either.
      expect(await beike.getListing({ sourceId: '101127449675', cityId: '310000' })).toBeNull();
      expect(sandbox.calls.count({ provider: 'beike', path: DETAIL })).toBe(2);
    });

    it('refuses a detail without a city before calling', async () => {
      await expect(beike.getListing({ sourceId: '101127449675', cityId: null })).rejects.toSatisfy(
        (error) => error instanceof Error && !(error instanceof UpstreamError),
      );
      expect(sandbox.calls.count()).toBe(0);
    });
  });

  describe('Beike adapter against the sandbox: search', () => {
    it.each([
      [
        'decoration SIMPLE (de2)',
        { decoration: 'SIMPLE' },
        (l: BeikeListingRecord) => l.decoration === 'SIMPLE',
        'de2',
      ],
      [
        'decoration ROUGH (de3)',
        { decoration: 'ROUGH' },
        (l: BeikeListingRecord) => l.decoration === 'ROUGH',
        'de3',
      ],
      [
        'METRO (su1)',
        { amenities: ['METRO'] },
        (l: BeikeListingRecord) => l.amenities.includes('METRO'),
        'su1',
      ],
      ['five bedrooms or more (l6)', { bedrooms: [5] }, (l: BeikeListingRecord) => l.bedrooms >= 5, 'l6'],
    ] as const)('applies %s upstream', async (_name, filter, keep, token) => {
      const { listings } = await allPages(query(filter as Partial<SearchQuery>));
      const expected = cityListings().filter(keep);
      expect(expected.length).toBeGreaterThan(0);
      expect(listings.map((l) => l.sourceId).sort()).toEqual(expected.map((l) => l.houseCode).sort());
      expect(resaleCondition(query(filter as Partial<SearchQuery>))).toBe(token);
    });

    it('pages by 20 through an unfiltered city, stubs matching the records', async () => {
      const { listings, totals } = await allPages(query());
      const expected = cityListings();
      expect(totals[0]).toBe(expected.length);
      expect(listings).toHaveLength(expected.length);
      expect(new Set(listings.map((l) => l.sourceId)).size).toBe(expected.length);
      expect(sandbox.calls.count({ provider: 'beike', path: SEARCH })).toBe(Math.ceil(expected.length / 20));

      const byCode = new Map(expected.map((r) => [r.houseCode, r]));
      for (const listing of listings) {
        const record = byCode.get(listing.sourceId)!;
        expect(listing).toMatchObject({
          isDetail: false,
          cityId: BEIJING,
          listingType: 'RESALE',
          title: record.title,
          url: `https://m.ke.com/bj/ershoufang/${record.houseCode}.html`,
          totalPrice: record.price,
          unitPrice: record.unitPrice,
          monthlyRent: null,
          area: record.area,
          layout: { bedrooms: record.bedrooms, livingRooms: record.halls },
          tags: [...record.tags],
        });
      }
    });

    it('honours bedrooms, price and area ranges, full decoration and the price sort', async () => {
      const q = query({
        bedrooms: [2, 3],
        priceMin: 3_000_000,
        priceMax: 8_000_000,
        areaMin: 60,
        decoration: 'FULL',
        sort: 'PRICE_ASC',
      });
      const { listings, totals } = await allPages(q);
      const expected = cityListings().filter(
        (r) =>
          (r.bedrooms === 2 || r.bedrooms === 3) &&
          r.price >= 3_000_000 &&
          r.price <= 8_000_000 &&
          r.area >= 60 &&
          r.decoration === 'FULL',
      );
      expect(expected.length).toBeGreaterThan(20);
      expect(totals[0]).toBe(expected.length);
      expect(listings.map((l) => l.sourceId).sort()).toEqual(expected.map((r) => r.houseCode).sort());
      const prices = listings.map((l) => l.totalPrice as number);
      expect(prices).toEqual([...prices].sort((a, b) => a - b));
    });

    it('treats 5 bedrooms as five or more', async () => {
      const { listings } = await allPages(query({ bedrooms: [5] }));
      expect(listings.length).toBe(cityListings().filter((r) => r.bedrooms >= 5).length);
      expect(listings.every((l) => (l.layout?.bedrooms ?? 0) >= 5)).toBe(true);
    });

    const sorts: [SearchQuery['sort'], (r: BeikeListingRecord) => number | string, 1 | -1][] = [
      ['NEWEST', (r) => r.listedAt, -1],
      ['PRICE_DESC', (r) => r.price, -1],
      ['UNIT_PRICE_ASC', (r) => r.unitPrice, 1],
      ['UNIT_PRICE_DESC', (r) => r.unitPrice, -1],
      ['AREA_ASC', (r) => r.area, 1],
      ['AREA_DESC', (r) => r.area, -1],
    ];
    it.each(sorts)('sort %s gives the first page in that order', async (sort, key, direction) => {
      const page = await beike.search(query({ sort }), 0);
      const expectedKeys = cityListings()
        .map(key)
        .sort((a, b) => (a < b ? -direction : a > b ? direction : 0))
        .slice(0, 20);
      const byCode = new Map(cityListings().map((r) => [r.houseCode, r]));
      expect(page.listings.map((l) => key(byCode.get(l.sourceId)!))).toEqual(expectedKeys);
    });

    it('finds by keyword', async () => {
      const name = cityListings().find((r) => r.houseCode !== '101127449675')!.communityName;
      const { listings } = await allPages(query({ keyword: name }));
      const expected = cityListings().filter((r) =>
        [r.title, r.communityName, r.districtFull, r.subdistrict].some((h) => h.includes(name)),
      );
      expect(listings.map((l) => l.sourceId).sort()).toEqual(expected.map((r) => r.houseCode).sort());
    });
  });

  describe('Beike adapter: the reachable limit of paging (about 2,000)', () => {
    it('stops at 2,000 results: the last reachable page says no more, the next makes no call', async () => {
      sandbox.calls.reset();
      const last = await beike.search(query(), 99);
      expect(last.hasMore).toBe(false);
      expect(sandbox.calls.count({ provider: 'beike', path: SEARCH })).toBe(1);
      expect(await beike.search(query(), 100)).toEqual({ listings: [], total: null, hasMore: false });
      expect(sandbox.calls.count({ provider: 'beike', path: SEARCH })).toBe(1);
    });
  });

  describe('Beike adapter against the sandbox: communities', () => {
    it('pages through a city and maps the averages and position', async () => {
      const expected = sandbox.data.beike.communities.filter((c) => c.cityId === BEIJING);
      const first = await beike.searchCommunities!({ cityId: BEIJING, keyword: null }, 0);
      const second = await beike.searchCommunities!({ cityId: BEIJING, keyword: null }, 1);
      expect(first.total).toBe(expected.length);
      expect(first.communities).toHaveLength(20);
      expect(first.hasMore).toBe(expected.length > 20);
      const ids = [...first.communities, ...second.communities].map((c) => c.sourceId);
      expect(new Set(ids).size).toBe(Math.min(40, expected.length));
      expect(sandbox.calls.count({ provider: 'beike', path: COMMUNITIES })).toBe(2);

      const seed = [...first.communities, ...second.communities].find((c) => c.sourceId === '1111027379646');
      const record = expected.find((c) => c.communityId === '1111027379646')!;
      expect(seed ?? (await findCommunity(record.name))).toMatchObject({
        provider: 'BEIKE',
        cityId: BEIJING,
        name: record.name,
        district: record.district,
        averageUnitPrice: record.averageUnitPrice,
        buildingType: record.buildingType,
        builtYear: record.builtYear,
        location: { latitude: record.lat, longitude: record.lng },
        coverUrl: record.coverPic,
        fetchedAt: FIXED_NOW.toISOString(),
      });
    });

    it('reads lng/lat from list items, and empty averages and build year as unknown, not zero', async () => {
      const counts = new Map<string, number>();
      for (const l of cityListings()) counts.set(l.communityId, (counts.get(l.communityId) ?? 0) + 1);
      const communities = [];
      for (let page = 0; page < 50; page++) {
        const result = await beike.searchCommunities!({ cityId: BEIJING, keyword: null }, page);
        communities.push(...result.communities);
        if (!result.hasMore) break;
      }
      const listed = communities.filter((c) => counts.has(c.sourceId));
      expect(listed.length).toBeGreaterThan(20);
      // The generated communities all have listings; an item with empty averages, decoded alone:
      const report = new DecodeReport('BEIKE', 'communities');
      const raw = decodeCommunity(
        {
          community_id: '1111000000001',
          community_name: '某小区',
          avg_unit_price: '',
          ershoufang_avg_unit_price: '',
          building_finish_year: '',
          neo_desc: '在售12套 在租3套',
          lng: 116.4,
          lat: 39.9,
        },
        report,
      );
      expect(normaliseCommunity(raw!, BEIJING, FIXED_NOW)).toMatchObject({
        averageUnitPrice: null,
        resaleAverageUnitPrice: null,
        builtYear: null,
        resaleListingCount: 12,
        location: { latitude: 39.9, longitude: 116.4 },
      });
      expect(report.problems).toEqual([]);
      for (const c of listed) {
        const record = sandbox.data.beike.communities.find((r) => r.communityId === c.sourceId)!;
        expect(c.location).toEqual({ latitude: record.lat, longitude: record.lng });
        expect(c.resaleListingCount).toBe(counts.get(c.sourceId));
        expect(c.subdistrict).toBe(record.subdistrict);
      }
    });

    async function findCommunity(keyword: string) {
      const page = await beike.searchCommunities!({ cityId: BEIJING, keyword }, 0);
      return page.communities.find((c) => c.name === keyword);
    }

    it('filters by keyword', async () => {
      const page = await beike.searchCommunities!({ cityId: BEIJING, keyword: '双裕' }, 0);
      const expected = sandbox.data.beike.communities.filter(
        (c) =>
          c.cityId === BEIJING && [c.name, c.districtFull, c.subdistrict].some((h) => h.includes('双裕')),
      );
      expect(page.communities.map((c) => c.name)).toContain('双裕花园西区');
      expect(page.communities.map((c) => c.sourceId).sort()).toEqual(
        expected.map((c) => c.communityId).sort(),
      );
      expect(beike.rules.communities?.pageSize).toBe(20);
    });
  });

  describe('Beike adapter: the token', () => {
    it('never appears in a log line, even at trace', async () => {
      // Calls of its own, a refused one among them, so that it has lines to read when it runs alone.
      sandbox.faults.add({
        provider: 'beike',
        path: DETAIL,
        times: 1,
        fault: { kind: 'businessCode', code: 100 },
      });
      await expect(beike.getListing({ sourceId: '101127449675', cityId: BEIJING })).rejects.toThrow(
        UpstreamError,
      );
      await beike.search(query(), 0);
      expect(logs.text()).toContain('upstream attempt');
      expect(logs.text()).not.toContain(sandbox.credentials.beikeToken);
    });
  });
});
