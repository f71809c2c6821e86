import { randomUUID, timingSafeEqual } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { findCity } from '../../domain/cities.js';
import type { BeikeCommunityRecord, BeikeListingRecord, SandboxData } from '../data/records.js';
import { SEED_DETAIL_BODY, SEED_LISTING } from '../data/seed-listing.js';
import { stableHex } from '../random.js';
import { type Answer, jsonAnswer, type ProviderApi } from '../server/answer.js';
import type { CallLimits } from '../server/limits.js';
import type { BeikeListSpelling } from '../types.js';
import { type BeikeCondition, beikeDistrictId, parseCondition } from './condition.js';
import { detailData } from './detail.js';
import { BEIKE_PAGE_SIZE, listItemJson, searchListings } from './search.js';

/**
 * Just One API's Beike endpoints. Every answer is HTTP 200 with the envelope
 * `{ code, data, message, recordTime, requestId }`; the envelope's code decides.
 * Bodies are built from memoised JSON text: only the envelope's time and id change per call.
 */

export const BEIKE_PATHS = {
  detail: '/api/beike/ershoufang/detail/v1',
  search: '/api/beike/get-ershoufang-list/v1',
  communities: '/api/beike/community/list/v1',
} as const;

const MESSAGES: Record<number, string> = {
  0: 'success',
  100: 'invalid or inactive token',
  201: 'content not found',
  300: 'API invalid',
  301: 'collection failed, please retry',
  302: 'rate limit exceeded',
  303: 'daily quota exceeded',
  400: 'invalid parameters',
  500: 'internal server error',
  600: 'permission denied',
  601: 'insufficient balance',
};

const CITY_ID = /^\d{6}$/;
const COUNT = /^\d+$/;

export interface BeikeApi extends ProviderApi {
  /** How many detail bodies were serialised so far (a warm detail is served from memory). */
  serialisations(): number;
}

export function createBeikeApi(
  data: SandboxData,
  token: string,
  limits: CallLimits,
  spelling: BeikeListSpelling = 'v4',
): BeikeApi {
  const tokenBytes = Buffer.from(token);
  const byCity = new Map<string, BeikeListingRecord[]>();
  for (const listing of data.beike.listings) {
    const list = byCity.get(listing.cityId) ?? [];
    list.push(listing);
    byCity.set(listing.cityId, list);
  }
  const detailJson = new LRUCache<string, string>({ max: 20_000 });
  const itemJson = new LRUCache<string, string>({ max: 50_000 });
  const results = new LRUCache<string, BeikeListingRecord[]>({ max: 500 });
  const pages = new LRUCache<string, string>({ max: 2_000 });
  const communityPages = new LRUCache<string, string>({ max: 1_000 });
  let communityIndex: Map<string, CommunityRow[]> | null = null;
  let serialised = 0;

  function envelope(code: number | string, dataJson: string | null, message?: string): string {
    const text = message ?? MESSAGES[Number(code)] ?? 'error';
    return `{"code":${JSON.stringify(code)},"data":${dataJson ?? 'null'},"message":${JSON.stringify(text)},"recordTime":"${new Date().toISOString()}","requestId":"${randomUUID()}"}`;
  }
  const fail = (code: number, message?: string, status = 200): Answer =>
    jsonAnswer(status, envelope(code, null, message));

  function authorised(query: URLSearchParams): boolean {
    const given = Buffer.from(query.get('token') ?? '');
    return given.length === tokenBytes.length && timingSafeEqual(given, tokenBytes);
  }

  function detail(query: URLSearchParams): Answer {
    const cityId = query.get('cityId') ?? '';
    const houseCode = query.get('houseCode') ?? '';
    if (!CITY_ID.test(cityId)) return fail(400, 'invalid parameters: cityId');
    if (!/^\d+$/.test(houseCode)) return fail(400, 'invalid parameters: houseCode');
    const listing = data.beike.byHouseCode.get(houseCode);
    if (!listing || listing.cityId !== cityId) return fail(201);
    // Seed 000 is served exactly as the seed shows it, envelope included.
    if (houseCode === SEED_LISTING.houseCode) return jsonAnswer(200, SEED_DETAIL_BODY);
    let json = detailJson.get(houseCode);
    if (json === undefined) {
      json = JSON.stringify(detailData(listing));
      serialised++;
      detailJson.set(houseCode, json);
    }
    return jsonAnswer(200, envelope(0, json));
  }

  function search(query: URLSearchParams): Answer {
    const cityId = query.get('cityId') ?? '';
    const offsetText = query.get('offset') || '0';
    if (!CITY_ID.test(cityId)) return fail(400, 'invalid parameters: cityId');
    if (!COUNT.test(offsetText) || Number(offsetText) % BEIKE_PAGE_SIZE !== 0) {
      return fail(400, `invalid parameters: offset must be a non-negative multiple of ${BEIKE_PAGE_SIZE}`);
    }
    const parsed = parseCondition(query.get('condition') ?? '');
    if (!parsed.ok) return fail(400, `invalid parameters: condition (${parsed.reason})`);
    const resultKey = `${cityId}|${canonical(parsed.condition)}`;
    const pageKey = `${resultKey}|${offsetText}`;
    let json = pages.get(pageKey);
    if (json === undefined) {
      let found = results.get(resultKey);
      if (!found) {
        found = searchListings(byCity.get(cityId) ?? [], parsed.condition);
        results.set(resultKey, found);
      }
      const offset = Number(offsetText);
      const page = found.slice(offset, offset + BEIKE_PAGE_SIZE);
      const items = page.map((listing) => {
        let item = itemJson.get(listing.houseCode);
        if (item === undefined) {
          item = listItemJson(listing, spelling);
          itemJson.set(listing.houseCode, item);
        }
        return item;
      });
      const hasMore = offset + page.length < found.length;
      const requestId = stableHex(pageKey, 32);
      json =
        spelling === 'v4'
          ? `{"request_id":"${requestId}","errno":0,"error":"","cost":12,"data":{"total_count":${found.length},"has_more_data":${hasMore ? 1 : 0},"list":[${items.join(',')}]}}`
          : `{"errno":0,"error":"","request_id":"${requestId}","data":{"hasMoreData":${hasMore ? 1 : 0},"totalCount":${found.length},"returnCount":${page.length},"list":[${items.join(',')}]}}`;
      pages.set(pageKey, json);
    }
    return jsonAnswer(200, envelope(0, json));
  }

  function communities(query: URLSearchParams): Answer {
    const cityId = query.get('cityId') ?? '';
    const offsetText = query.get('limitOffset') || '0';
    const condition = query.get('condition') ?? '';
    if (!CITY_ID.test(cityId)) return fail(400, 'invalid parameters: cityId');
    if (!COUNT.test(offsetText)) return fail(400, 'invalid parameters: limitOffset');
    if (condition !== '' && !condition.startsWith('rs')) return fail(400, 'invalid parameters: condition');
    const pageKey = `${cityId}|${condition}|${offsetText}`;
    let json = communityPages.get(pageKey);
    if (json === undefined) {
      communityIndex ??= indexCommunities(data);
      const parsed = parseCondition(condition);
      const keyword = parsed.ok ? (parsed.condition.keyword ?? '').toLowerCase() : '';
      const rows = (communityIndex.get(cityId) ?? []).filter(
        (row) =>
          keyword === '' ||
          [row.community.name, row.community.districtFull, row.community.subdistrict].some((h) =>
            h.toLowerCase().includes(keyword),
          ),
      );
      const offset = Number(offsetText);
      const page = rows.slice(offset, offset + BEIKE_PAGE_SIZE);
      json = JSON.stringify({
        has_more_data: offset + page.length < rows.length,
        total_count: rows.length,
        list: page.map(communityItem),
      });
      communityPages.set(pageKey, json);
    }
    // The community endpoint is where the string-typed code ("0") is seen.
    return jsonAnswer(200, envelope('0', json));
  }

  return {
    provider: 'beike',
    serialisations: () => serialised,
    callId(path, query) {
      return path === BEIKE_PATHS.detail ? query.get('houseCode') || null : null;
    },
    answer(path, query) {
      const route =
        path === BEIKE_PATHS.detail
          ? detail
          : path === BEIKE_PATHS.search
            ? search
            : path === BEIKE_PATHS.communities
              ? communities
              : null;
      if (!route) return fail(300, 'API invalid', 404);
      if (!authorised(query)) return fail(100);
      const limit = limits.check();
      if (limit === 'quota') return fail(303);
      if (limit === 'rate') return fail(302);
      return route(query);
    },
    statusAnswer(status) {
      // The newer spec pairs HTTP failures with the envelope; 429 carries the rate-limit code.
      return fail(status === 429 ? 302 : 500, undefined, status);
    },
    businessAnswer(code, httpStatus = 200) {
      return jsonAnswer(httpStatus, envelope(code, null));
    },
    hugeBodyFrame() {
      return { prefix: '{"code":0,"data":{"list":[],"padding":"', suffix: '"},"message":"success"}' };
    },
  };
}

function canonical(c: BeikeCondition): string {
  return JSON.stringify([
    c.bedrooms,
    c.priceWan,
    c.area,
    c.overFiveYears,
    [...c.decorations].sort(),
    c.nearMetro,
    c.elevator,
    c.sort,
    c.keyword,
  ]);
}

interface CommunityRow {
  community: BeikeCommunityRecord;
  count: number;
  averageUnitPrice: number;
}

/** Communities per city with their resale counts, most listings first (ties by id). */
function indexCommunities(data: SandboxData): Map<string, CommunityRow[]> {
  const totals = new Map<string, { count: number; sum: number }>();
  for (const listing of data.beike.listings) {
    const total = totals.get(listing.communityId) ?? { count: 0, sum: 0 };
    total.count++;
    total.sum += listing.unitPrice;
    totals.set(listing.communityId, total);
  }
  const index = new Map<string, CommunityRow[]>();
  for (const community of data.beike.communities) {
    const total = totals.get(community.communityId) ?? { count: 0, sum: 0 };
    const rows = index.get(community.cityId) ?? [];
    rows.push({
      community,
      count: total.count,
      averageUnitPrice: total.count > 0 ? Math.round(total.sum / total.count) : community.averageUnitPrice,
    });
    index.set(community.cityId, rows);
  }
  for (const rows of index.values()) {
    rows.sort((a, b) =>
      b.count !== a.count ? b.count - a.count : a.community.communityId < b.community.communityId ? -1 : 1,
    );
  }
  return index;
}

/**
 * A community/list item as public code shows it (providers.md, Evidence 2026-12): `lng`/`lat`
 * (`point_*` are the detail's), `district_id`, `bizcircle_*`, `city_name`, `neo_desc`; the averages
 * and the build year empty ("") where Beike has none.
 */
function communityItem({ community: c, count, averageUnitPrice }: CommunityRow) {
  const known = count > 0;
  return {
    community_id: c.communityId,
    community_name: c.name,
    city_id: Number(c.cityId),
    city_name: findCity(c.cityId)?.name ?? '',
    district_id: beikeDistrictId(c.cityId, c.districtFull),
    district_name: c.district,
    bizcircle_id: stableDigits(`bizcircle:${c.cityId}:${c.subdistrict}`, 9),
    bizcircle_name: c.subdistrict,
    avg_unit_price: known ? c.averageUnitPrice : '',
    ershoufang_avg_unit_price: known ? averageUnitPrice : '',
    ershoufang_source_count: count,
    neo_desc: `在售${count}套 在租0套`,
    building_type: c.buildingType,
    building_finish_year: known ? c.builtYear : '',
    lng: c.lng,
    lat: c.lat,
    cover_pic: c.coverPic,
  };
}

/** A fixed digit string for a name (ids the generated data does not carry). */
function stableDigits(text: string, length: number): string {
  return String(Number.parseInt(stableHex(text, 12), 16))
    .slice(0, length)
    .padStart(length, '1');
}
