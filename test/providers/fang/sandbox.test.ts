import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Listing, SearchQuery, SearchSort } from '../../../src/domain/listing.js';
import type { UpstreamError } from '../../../src/http/errors.js';
import {
  FANG_FLAVOUR_TABLE,
  FANG_FLAVOURS,
  type FangFlavourName,
} from '../../../src/providers/fang/flavours.js';
import type { ListingProvider } from '../../../src/providers/provider.js';
import {
  FANG_FLAVOUR_PATHS,
  type FangHouseRecord,
  type Sandbox,
  startSandbox,
} from '../../../src/sandbox/index.js';
import { memoryLogger } from '../../support/logs.js';
import { fangAgainst } from '../../support/providers.js';
import { searchQuery } from '../../support/search-query.js';

/**
 * The adapter against the simulated Fang over real HTTP, through a real transport. Expected answers
 * are computed from sandbox.data, never from the adapter's own output.
 */

const MAX_ATTEMPTS = 3;
let sandbox: Sandbox;
const { logger, lines: logLines } = memoryLogger();
const providers: ListingProvider[] = [];

/** The open platform reports a sub_code; onebound its own numeric code (4004/4005 auth, 4013 rate, 4016 balance). */
const ONEBOUND_CODES: Record<string, string> = {
  rate_limited: '4013',
  quota_exceeded: '4016',
  no_permission: '4004',
  invalid_signature: '4005',
  invalid_parameter: '4000',
};
const upstreamCode = (subCode: string) => (flavour === 'onebound' ? ONEBOUND_CODES[subCode] : subCode);

/** The flavour the current describe block speaks (set in its beforeAll). */
let flavour: FangFlavourName = 'open-platform';

function fang(options: { secret?: string; pageSize?: number; timeoutMs?: number } = {}): ListingProvider {
  const { provider } = fangAgainst(sandbox, {
    ...options,
    logger,
    maxAttempts: MAX_ATTEMPTS,
    maxBodyBytes: 2_000_000,
    flavour: FANG_FLAVOUR_TABLE[flavour],
  });
  providers.push(provider);
  return provider;
}

beforeAll(async () => {
  sandbox = await startSandbox();
});

afterAll(async () => {
  await Promise.all(providers.map((p) => p.close()));
  await sandbox.close();
  // Whatever was logged, at trace level and without the logger's redaction, holds no credential.
  const all = logLines.join('\n');
  expect(logLines.length).toBeGreaterThan(20); // the transport's per-attempt debug lines, at least
  expect(all).not.toContain(sandbox.credentials.fangKey);
  expect(all).not.toContain(sandbox.credentials.fangSecret);
});

beforeEach(() => {
  sandbox.faults.clear();
  sandbox.calls.reset();
});

const BEIJING = '110000';
const query = (over: Partial<SearchQuery> = {}) => searchQuery({ cityId: BEIJING, ...over });

const houses = (cityId: string, houseType: FangHouseRecord['houseType']) =>
  sandbox.data.fang.houses.filter((h) => h.cityId === cityId && h.houseType === houseType);
const tieById = (a: FangHouseRecord, b: FangHouseRecord) => (a.houseId < b.houseId ? -1 : 1);
const by =
  (key: (h: FangHouseRecord) => number | string, direction: 1 | -1) =>
  (a: FangHouseRecord, b: FangHouseRecord) => {
    const x = key(a);
    const y = key(b);
    return x < y ? -direction : x > y ? direction : tieById(a, b);
  };

async function allPages(provider: ListingProvider, q: SearchQuery): Promise<Listing[]> {
  const listings: Listing[] = [];
  for (let page = 0; page < 100; page++) {
    const result = await provider.search(q, page);
    listings.push(...result.listings);
    if (!result.hasMore) return listings;
  }
  throw new Error('never ending search');
}

async function failure(promise: Promise<unknown>): Promise<UpstreamError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e as UpstreamError,
  );
  const { fangKey, fangSecret } = sandbox.credentials;
  const text = `${error.message} ${JSON.stringify({ ...error })} ${error.stack ?? ''}`;
  expect(text).not.toContain(fangKey);
  expect(text).not.toContain(fangSecret);
  return error;
}

describe.each(FANG_FLAVOURS)('the %s flavour', (name) => {
  beforeAll(() => {
    flavour = name;
  });

  describe('search', () => {
    it('normalises resale stubs: yuan, m², ISO dates, enums, community', async () => {
      const page = await fang({ pageSize: 50 }).search(query(), 0);
      const expected = houses(BEIJING, 'second').sort(by((h) => h.publishTime, -1));
      expect(page.total).toBe(expected.length);
      expect(page.hasMore).toBe(expected.length > 50);
      expect(page.listings.map((l) => l.sourceId)).toEqual(expected.slice(0, 50).map((h) => h.houseId));
      for (const listing of page.listings) {
        const record = sandbox.data.fang.byId.get(listing.sourceId)!;
        expect(listing).toMatchObject({
          provider: 'FANG',
          isDetail: false,
          cityId: BEIJING,
          listingType: 'RESALE',
          totalPrice: record.price,
          unitPrice: record.unitPrice,
          monthlyRent: null,
          area: record.area,
          layout: { bedrooms: record.bedrooms, livingRooms: record.halls },
          decoration: record.decoration,
          listedAt: record.publishTime.slice(0, 10),
          isActive: true,
          community: {
            sourceId: null,
            name: record.buildingName,
            district: record.district,
            subdistrict: record.subdistrict,
            averageUnitPrice: null,
          },
        });
        expect([...listing.amenities].sort()).toEqual([...record.amenities].sort());
        expect(listing.tags).toHaveLength(record.amenities.length);
        expect(listing.fetchedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
      }
      expect(sandbox.calls.count({ provider: 'fang', path: FANG_FLAVOUR_PATHS[name].search })).toBe(1);
    });

    it('reads rentals: monthly rent in yuan, no total price', async () => {
      const listings = await allPages(fang(), query({ listingType: 'RENTAL' }));
      const expected = houses(BEIJING, 'rent');
      expect(listings).toHaveLength(expected.length);
      for (const listing of listings) {
        const record = sandbox.data.fang.byId.get(listing.sourceId)!;
        expect(listing).toMatchObject({
          listingType: 'RENTAL',
          totalPrice: null,
          monthlyRent: record.monthlyRent,
        });
      }
    });

    it('honours every filter and pages through the whole result without gaps', async () => {
      const q = query({
        bedrooms: [2, 3],
        priceMin: 3_000_000,
        priceMax: 9_000_000,
        areaMin: 60,
        areaMax: 140,
        decoration: 'FULL',
        sort: 'PRICE_ASC',
      });
      const expected = houses(BEIJING, 'second')
        .filter(
          (h) =>
            [2, 3].includes(h.bedrooms) &&
            h.price! >= 3_000_000 &&
            h.price! <= 9_000_000 &&
            h.area >= 60 &&
            h.area <= 140 &&
            h.decoration === 'FULL',
        )
        .sort(by((h) => h.priceWan!, 1));
      expect(expected.length).toBeGreaterThan(5); // the test means something
      const listings = await allPages(fang({ pageSize: 5 }), q);
      expect(listings.map((l) => l.sourceId)).toEqual(expected.map((h) => h.houseId));
      expect(sandbox.calls.count({ path: FANG_FLAVOUR_PATHS[name].search })).toBe(
        Math.ceil(expected.length / 5),
      );
    });

    it('honours amenities, five-or-more bedrooms and the keyword', async () => {
      const withMetro = houses(BEIJING, 'second').filter((h) => h.amenities.includes('METRO'));
      const metro = await allPages(fang(), query({ amenities: ['METRO'] }));
      expect(new Set(metro.map((l) => l.sourceId))).toEqual(new Set(withMetro.map((h) => h.houseId)));
      expect(metro.every((l) => l.amenities.includes('METRO'))).toBe(true);

      const big = await allPages(fang(), query({ bedrooms: [7] }));
      const expectedBig = houses(BEIJING, 'second').filter((h) => h.bedrooms >= 5);
      expect(new Set(big.map((l) => l.sourceId))).toEqual(new Set(expectedBig.map((h) => h.houseId)));

      const building = withMetro[0]!.buildingName;
      const named = await allPages(fang(), query({ keyword: building }));
      const expectedNamed = houses(BEIJING, 'second').filter((h) => h.buildingName.includes(building));
      expect(new Set(named.map((l) => l.sourceId))).toEqual(new Set(expectedNamed.map((h) => h.houseId)));
    });

    it.each([
      ['NEWEST', by((h) => h.publishTime, -1)],
      ['PRICE_DESC', by((h) => h.priceWan!, -1)],
      ['AREA_ASC', by((h) => h.area, 1)],
      ['AREA_DESC', by((h) => h.area, -1)],
    ] as const)('sorts %s', async (sort, compare) => {
      const page = await fang({ pageSize: 30 }).search(query({ sort: sort as SearchSort }), 0);
      const expected = houses(BEIJING, 'second').sort(compare).slice(0, 30);
      expect(page.listings.map((l) => l.sourceId)).toEqual(expected.map((h) => h.houseId));
    });

    it('searches new homes and commercial listings', async () => {
      for (const [listingType, houseType] of [
        ['NEW_HOME', 'new'],
        ['COMMERCIAL', 'commercial'],
      ] as const) {
        const listings = await allPages(fang(), query({ listingType, cityId: '440300' }));
        expect(listings.map((l) => l.sourceId).sort()).toEqual(
          houses('440300', houseType)
            .map((h) => h.houseId)
            .sort(),
        );
        expect(listings.every((l) => l.listingType === listingType && l.cityId === '440300')).toBe(true);
      }
    });
  });

  describe('getListing', () => {
    it('normalises the detail: floor, orientations, photos, agent, location', async () => {
      const record = houses('310000', 'second')[0]!;
      const listing = await fang().getListing({ sourceId: record.houseId, cityId: null });
      expect(listing).toMatchObject({
        sourceId: record.houseId,
        isDetail: true,
        cityId: '310000',
        totalPrice: record.price,
        floor: {
          level: { 低层: 'LOW', 中层: 'MIDDLE', 高层: 'HIGH' }[record.floorLevel],
          total: record.floorTotal,
        },
        builtYear: record.buildYear,
        hasElevator: record.hasElevator,
        location: { latitude: record.lat, longitude: record.lng },
        agent: {
          provider: 'FANG',
          sourceId: record.agent.agentId,
          name: record.agent.name,
          phone: record.agent.phone,
          company: record.agent.company,
          credentials: [],
        },
        url: null,
      });
      expect(listing?.orientations.length).toBeGreaterThan(0);
      expect(listing?.address).toContain(record.buildingName);
      expect(listing?.photos).toHaveLength(record.photoCount + 1);
      expect(listing?.photos.filter((p) => p.isFloorPlan)).toHaveLength(1);
      expect(listing?.photos.every((p) => p.url.startsWith('https://'))).toBe(true);
      expect(sandbox.calls.count({ path: FANG_FLAVOUR_PATHS[name].item, id: record.houseId })).toBe(1);
    });

    it('answers null for a house Fang does not have, in one call', async () => {
      expect(await fang().getListing({ sourceId: 'esf_0_00000000', cityId: null })).toBeNull();
      expect(sandbox.calls.count({ path: FANG_FLAVOUR_PATHS[name].item })).toBe(1);
    });
  });

  describe('failures', () => {
    const house = () => houses(BEIJING, 'second')[1]!.houseId;

    it.each([
      ['rate_limited', 'UPSTREAM_RATE_LIMITED', true, MAX_ATTEMPTS],
      ['quota_exceeded', 'UPSTREAM_QUOTA_EXHAUSTED', false, 1],
      ['no_permission', 'UPSTREAM_AUTH_FAILED', false, 1],
      ['invalid_signature', 'UPSTREAM_AUTH_FAILED', false, 1],
      ['invalid_parameter', 'UPSTREAM_BAD_REQUEST', false, 1],
    ] as const)('sub_code %s → %s (retryable %s, %i calls)', async (code, expected, retryable, calls) => {
      sandbox.faults.add({ provider: 'fang', fault: { kind: 'businessCode', code } });
      const error = await failure(fang().search(query(), 0));
      expect([error.code, error.retryable, error.upstreamCode]).toEqual([
        expected,
        retryable,
        upstreamCode(code),
      ]);
      expect(error.attempts).toBe(calls);
      expect(sandbox.calls.count({ provider: 'fang' })).toBe(calls);
    });

    it('a business error inside HTTP 200 is classified the same way', async () => {
      sandbox.faults.add({
        provider: 'fang',
        fault: { kind: 'businessCode', code: 'quota_exceeded', httpStatus: 200 },
      });
      const error = await failure(fang().getListing({ sourceId: house(), cityId: null }));
      expect([error.code, error.httpStatus]).toEqual(['UPSTREAM_QUOTA_EXHAUSTED', 200]);
      expect(sandbox.calls.count()).toBe(1);
    });

    it.each([504, 502, 500])('HTTP %i is retried, then UPSTREAM_UNAVAILABLE', async (status) => {
      sandbox.faults.add({ provider: 'fang', fault: { kind: 'status', status } });
      const error = await failure(fang().getListing({ sourceId: house(), cityId: null }));
      expect([error.code, error.retryable, error.httpStatus]).toEqual(['UPSTREAM_UNAVAILABLE', true, status]);
      expect(sandbox.calls.count()).toBe(MAX_ATTEMPTS);
    });

    it('recovers when a 504 happens once', async () => {
      sandbox.faults.add({ provider: 'fang', times: 1, fault: { kind: 'status', status: 504 } });
      const listing = await fang().getListing({ sourceId: house(), cityId: null });
      expect(listing?.sourceId).toBe(house());
      expect(sandbox.calls.count()).toBe(2);
    });

    it('an HTML error page is UPSTREAM_UNAVAILABLE, retried', async () => {
      sandbox.faults.add({ provider: 'fang', fault: { kind: 'html' } });
      const error = await failure(fang().search(query(), 0));
      expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
      expect(sandbox.calls.count()).toBe(MAX_ATTEMPTS);
    });

    it('malformed JSON is UPSTREAM_BAD_RESPONSE, not retried', async () => {
      sandbox.faults.add({ provider: 'fang', fault: { kind: 'malformedJson' } });
      const error = await failure(fang().search(query(), 0));
      expect([error.code, error.retryable]).toEqual(['UPSTREAM_BAD_RESPONSE', false]);
      expect(sandbox.calls.count()).toBe(1);
    });

    it('a timeout is UPSTREAM_UNAVAILABLE after every attempt', async () => {
      sandbox.faults.add({ provider: 'fang', fault: { kind: 'timeout' } });
      const error = await failure(fang({ timeoutMs: 150 }).getListing({ sourceId: house(), cityId: null }));
      expect([error.code, error.retryable]).toEqual(['UPSTREAM_UNAVAILABLE', true]);
      expect(sandbox.calls.count()).toBe(MAX_ATTEMPTS);
    });

    it('a wrong secret is UPSTREAM_AUTH_FAILED in one call, and neither credential leaks', async () => {
      const error = await failure(fang({ secret: 'a-wrong-secret-value' }).search(query(), 0));
      expect([error.code, error.upstreamCode]).toEqual([
        'UPSTREAM_AUTH_FAILED',
        upstreamCode('invalid_signature'),
      ]);
      expect(sandbox.calls.count()).toBe(1);
    });

    it('wrong types: the listings still come through with their ids, and the drift is logged', async () => {
      sandbox.faults.add({ provider: 'fang', fault: { kind: 'wrongTypes' } });
      const seenBefore = logLines.length;
      const page = await fang({ pageSize: 10 }).search(query(), 0);
      const expected = houses(BEIJING, 'second').sort(by((h) => h.publishTime, -1));
      expect(page.listings.map((l) => l.sourceId)).toEqual(expected.slice(0, 10).map((h) => h.houseId));
      const warnings = logLines
        .slice(seenBefore)
        .map((line) => JSON.parse(line))
        .filter((l) => l.msg === 'provider fields failed to decode');
      expect(warnings).toHaveLength(1);
      expect(warnings[0].problems.length).toBeGreaterThan(10);

      const detail = await fang().getListing({ sourceId: house(), cityId: BEIJING });
      expect(detail?.sourceId).toBe(house());
    });
  });
});
