import { createHash, timingSafeEqual } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { FangHouseRecord, SandboxData } from '../data/records.js';
import { type Answer, jsonAnswer, type ProviderApi } from '../server/answer.js';
import type { CallLimits } from '../server/limits.js';
import { detailHouse, searchHouse } from './houses.js';
import { type FangSearch, parseSearch, resultKey, searchHouses } from './query.js';

/**
 * Fang in both flavours at once. The official open platform (seed 004): signed item_search /
 * item_get under /fang/, failures as an HTTP status with `{ error_response: { code, msg, sub_code } }`,
 * except "no such house", which is HTTP 200. The reseller onebound (slug ftx): /ftx/item_search and
 * /ftx/item_get with `item_id`, key and secret as plain parameters, `page` instead of `page_num`,
 * its generic envelope (`items` / `item`, `error_code` "0000", numbers often as strings) and its
 * error codes, always at HTTP 200. onebound bills every parameter it is sent, so it refuses the
 * other flavour's spellings here, to hold the gateway to one spelling.
 */

export const FANG_PATHS = { search: '/fang/item_search', item: '/fang/item_get' } as const;
export const ONEBOUND_PATHS = { search: '/ftx/item_search', item: '/ftx/item_get' } as const;
export type FangFlavourPaths = typeof FANG_PATHS | typeof ONEBOUND_PATHS;
export const FANG_FLAVOUR_PATHS = { 'open-platform': FANG_PATHS, onebound: ONEBOUND_PATHS } as const;

const API_OF_PATH: Record<string, { api: 'item_search' | 'item_get'; onebound: boolean }> = {
  [FANG_PATHS.search]: { api: 'item_search', onebound: false },
  [FANG_PATHS.item]: { api: 'item_get', onebound: false },
  [ONEBOUND_PATHS.search]: { api: 'item_search', onebound: true },
  [ONEBOUND_PATHS.item]: { api: 'item_get', onebound: true },
};

/** onebound's codes for the canonical failures (4004/4005 auth, 4008/4013 rate, 4016 balance). */
const ONEBOUND_CODE: Record<string, string> = {
  invalid_signature: '4005',
  no_permission: '4004',
  rate_limited: '4013',
  quota_exceeded: '4016',
  invalid_parameter: '4000',
  item_not_found: '2000',
  internal_error: '5000',
  service_unavailable: '5000',
  upstream_timeout: '5000',
};

/** What onebound's ftx endpoints take; anything else (another flavour's spelling) is refused. */
const ONEBOUND_PARAMS: Record<'item_search' | 'item_get', ReadonlySet<string>> = {
  item_search: new Set([
    'key',
    'secret',
    'q',
    'region',
    'house_type',
    'house_style',
    'price_min',
    'price_max',
    'area_min',
    'area_max',
    'decoration',
    'support',
    'sort_type',
    'page',
    'page_size',
    'cache',
    'result_type',
  ]),
  item_get: new Set(['key', 'secret', 'item_id', 'cache', 'result_type']),
};

interface FangError {
  status: number;
  code: number | string;
  msg: string;
  subCode: string;
}

/** The canonical failures, by sub_code. */
const ERRORS: Record<string, FangError> = {
  invalid_signature: { status: 401, code: 401, msg: 'invalid sign', subCode: 'invalid_signature' },
  rate_limited: {
    status: 403,
    code: 403,
    msg: '调用频率超限 (rate limit exceeded)',
    subCode: 'rate_limited',
  },
  quota_exceeded: {
    status: 403,
    code: 403,
    msg: '今日调用次数已用完 (daily quota exceeded)',
    subCode: 'quota_exceeded',
  },
  no_permission: {
    status: 403,
    code: 403,
    msg: '没有该接口的调用权限 (no permission)',
    subCode: 'no_permission',
  },
  invalid_parameter: { status: 400, code: 400, msg: 'invalid parameter', subCode: 'invalid_parameter' },
  item_not_found: { status: 200, code: 404, msg: '房源不存在 (item not found)', subCode: 'item_not_found' },
  internal_error: { status: 500, code: 500, msg: '系统错误 (internal error)', subCode: 'internal_error' },
  bad_gateway: { status: 502, code: 502, msg: '服务暂不可用 (bad gateway)', subCode: 'service_unavailable' },
  service_unavailable: {
    status: 503,
    code: 503,
    msg: '服务暂不可用 (service unavailable)',
    subCode: 'service_unavailable',
  },
  upstream_timeout: {
    status: 504,
    code: 504,
    msg: '上游超时 (upstream timeout)',
    subCode: 'upstream_timeout',
  },
};
const SUB_CODE_OF_CODE: Record<number, string> = {
  400: 'invalid_parameter',
  401: 'invalid_signature',
  403: 'no_permission',
  404: 'item_not_found',
  429: 'rate_limited',
  500: 'internal_error',
  502: 'bad_gateway',
  503: 'service_unavailable',
  504: 'upstream_timeout',
};

function errorAnswer(error: FangError, status = error.status, msg = error.msg): Answer {
  return jsonAnswer(
    status,
    JSON.stringify({ error_response: { code: error.code, msg, sub_code: error.subCode } }),
  );
}

/** onebound answers its failures at HTTP 200 (unless a fault asks for a status) with its envelope. */
function oneboundError(error: FangError, status = 200, msg = error.msg, code?: string): Answer {
  return jsonAnswer(
    status,
    JSON.stringify({
      error: error.subCode,
      reason: msg,
      error_code: code ?? ONEBOUND_CODE[error.subCode] ?? String(error.code),
      items: null,
    }),
  );
}

const isOnebound = (path: string | undefined) => !!path && API_OF_PATH[path]?.onebound === true;

/** The server side of the signature: sorted non-empty params but sign, secret appended, MD5. */
export function expectedSign(query: URLSearchParams, secret: string): string {
  const pairs = [...query.entries()]
    .filter(([name, value]) => name !== 'sign' && value !== '')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const base = pairs.map(([name, value]) => `${name}${value}`).join('') + secret;
  return createHash('md5').update(base, 'utf8').digest('hex');
}

export function createFangApi(
  data: SandboxData,
  key: string,
  secret: string,
  limits: CallLimits,
): ProviderApi {
  const keyBytes = Buffer.from(key);
  const byCity = new Map<string, FangHouseRecord[]>();
  for (const house of data.fang.houses) {
    const list = byCity.get(house.cityId) ?? [];
    list.push(house);
    byCity.set(house.cityId, list);
  }
  const results = new LRUCache<string, FangHouseRecord[]>({ max: 500 });
  const pages = new LRUCache<string, string>({ max: 2_000 });
  const houseJson = new LRUCache<string, string>({ max: 50_000 });
  const detailJson = new LRUCache<string, string>({ max: 20_000 });

  const secretBytes = Buffer.from(secret);
  const same = (text: string | null, expected: Buffer) => {
    const given = Buffer.from(text ?? '');
    return given.length === expected.length && timingSafeEqual(given, expected);
  };

  /** onebound: key and secret as plain parameters. */
  function keyAndSecret(query: URLSearchParams): boolean {
    return same(query.get('key'), keyBytes) && same(query.get('secret'), secretBytes);
  }

  function signed(query: URLSearchParams): boolean {
    const given = Buffer.from(query.get('key') ?? '');
    if (given.length !== keyBytes.length || !timingSafeEqual(given, keyBytes)) return false;
    const sign = Buffer.from((query.get('sign') ?? '').toLowerCase());
    const expected = Buffer.from(expectedSign(query, secret));
    return sign.length === expected.length && timingSafeEqual(sign, expected);
  }

  function search(s: FangSearch, onebound: boolean): Answer {
    const key = resultKey(s);
    const pageKey = `${key}|${s.pageNum}|${s.pageSize}|${onebound}`;
    let body = pages.get(pageKey);
    if (body === undefined) {
      let found = results.get(key);
      if (!found) {
        found = searchHouses(byCity.get(s.cityId) ?? [], s);
        results.set(key, found);
      }
      const start = (s.pageNum - 1) * s.pageSize;
      const page = found.slice(start, start + s.pageSize);
      const houses = page.map((house) => {
        const cacheKey = `${onebound}|${house.houseId}`;
        let json = houseJson.get(cacheKey);
        if (json === undefined) {
          json = JSON.stringify(onebound ? oneboundHouse(searchHouse(house)) : searchHouse(house));
          houseJson.set(cacheKey, json);
        }
        return json;
      });
      const hasNext = start + page.length < found.length;
      // onebound mixes strings and numbers in its counts ("real_total_results": "109553", "total_results": 4400).
      body = onebound
        ? `{"items":{"item":[${houses.join(',')}],"page":${s.pageNum},"page_size":"${s.pageSize}","total_results":${found.length},"real_total_results":"${found.length}"},"error":"","reason":"","error_code":"0000","api_info":"today:1 max:10000"}`
        : `{"item_search_response":{"houses":{"house":[${houses.join(',')}],"total":${found.length},"page_num":${s.pageNum},"page_size":${s.pageSize},"has_next":${hasNext}}}}`;
      pages.set(pageKey, body);
    }
    return jsonAnswer(200, body);
  }

  function item(query: URLSearchParams, onebound: boolean): Answer {
    const idParam = onebound ? 'item_id' : 'house_id';
    const houseId = query.get(idParam) ?? '';
    if (houseId === '') {
      const msg = `invalid parameter: ${idParam} is required`;
      return onebound
        ? oneboundError(ERRORS.invalid_parameter!, 200, msg)
        : errorAnswer(ERRORS.invalid_parameter!, 400, msg);
    }
    const house = data.fang.byId.get(houseId);
    if (!house) return onebound ? oneboundError(ERRORS.item_not_found!) : errorAnswer(ERRORS.item_not_found!);
    const cacheKey = `${onebound}|${houseId}`;
    let body = detailJson.get(cacheKey);
    if (body === undefined) {
      body = onebound
        ? JSON.stringify({
            item: oneboundHouse(detailHouse(house)),
            error: '',
            reason: '',
            error_code: '0000',
          })
        : JSON.stringify({ item_get_response: { house: detailHouse(house) } });
      detailJson.set(cacheKey, body);
    }
    return jsonAnswer(200, body);
  }

  function answerOnebound(api: 'item_search' | 'item_get', query: URLSearchParams): Answer {
    if (!keyAndSecret(query)) return oneboundError(ERRORS.invalid_signature!, 200, 'key or secret is wrong');
    const invalid = (msg: string) =>
      oneboundError(ERRORS.invalid_parameter!, 200, `参数错误 (invalid parameter): ${msg}`);
    const extra = [...new Set(query.keys())].filter((name) => !ONEBOUND_PARAMS[api].has(name));
    if (extra.length > 0) return invalid(`unknown parameter ${extra.join(',')} (billed all the same)`);
    const resultType = query.get('result_type');
    if (resultType && resultType !== 'json') return invalid('result_type: only json is served');
    const limit = limits.check();
    if (limit === 'quota') return oneboundError(ERRORS.quota_exceeded!);
    if (limit === 'rate') return oneboundError(ERRORS.rate_limited!);
    if (api === 'item_get') return item(query, true);
    const parsed = parseSearch(query, 'page');
    if (!parsed.ok) return invalid(`${parsed.param} ${parsed.reason}`);
    return search(parsed.search, true);
  }

  return {
    provider: 'fang',
    callId(path, query) {
      if (path === FANG_PATHS.item) return query.get('house_id') || null;
      return path === ONEBOUND_PATHS.item ? query.get('item_id') || null : null;
    },
    answer(path, query) {
      const route = API_OF_PATH[path];
      if (route?.onebound) return answerOnebound(route.api, query);
      const api = route?.api;
      if (!api) {
        return jsonAnswer(
          404,
          JSON.stringify({ error_response: { code: 400, msg: 'unknown api', sub_code: 'invalid_api' } }),
        );
      }
      if (!signed(query)) return errorAnswer(ERRORS.invalid_signature!);
      const invalid = (msg: string) =>
        errorAnswer(ERRORS.invalid_parameter!, 400, `invalid parameter: ${msg}`);
      if (query.get('api_name') !== api) return invalid(`api_name must be ${api}`);
      const resultType = query.get('result_type');
      if (resultType && resultType !== 'json') return invalid('result_type: only json is served');
      const limit = limits.check();
      if (limit === 'quota') return errorAnswer(ERRORS.quota_exceeded!);
      if (limit === 'rate') return errorAnswer(ERRORS.rate_limited!);
      if (api === 'item_get') return item(query, false);
      const parsed = parseSearch(query, 'page_num');
      if (!parsed.ok) return invalid(`${parsed.param} ${parsed.reason}`);
      return search(parsed.search, false);
    },
    statusAnswer(status, path) {
      const error = ERRORS[SUB_CODE_OF_CODE[status] ?? 'internal_error']!;
      if (isOnebound(path)) return oneboundError(error, status);
      return errorAnswer({ ...error, code: status }, status);
    },
    businessAnswer(code, httpStatus, path) {
      const known = typeof code === 'string' ? ERRORS[code] : ERRORS[SUB_CODE_OF_CODE[code] ?? ''];
      const error: FangError = known ?? { status: 200, code, msg: 'error', subCode: String(code) };
      if (isOnebound(path)) {
        // A canonical name gets onebound's code for it; a bare code is sent as it is.
        const oneboundCode = typeof code === 'string' && known ? undefined : String(code);
        return oneboundError(error, httpStatus ?? 200, error.msg, oneboundCode);
      }
      // A named sub_code keeps its usual status; a bare code comes as HTTP 200 with an error body.
      const status = httpStatus ?? (typeof code === 'string' && known ? known.status : 200);
      return errorAnswer(typeof code === 'number' ? { ...error, code } : error, status);
    },
    hugeBodyFrame(path) {
      if (isOnebound(path)) {
        return {
          prefix: '{"items":{"item":[],"total_results":0,"padding":"',
          suffix: '"},"error_code":"0000"}',
        };
      }
      return {
        prefix: '{"item_search_response":{"houses":{"house":[],"total":0,"has_next":false,"padding":"',
        suffix: '"}}}',
      };
    },
  };
}

/** onebound names the house id `item_id`; the other fields are assumed to be the seed's. */
function oneboundHouse(house: Record<string, unknown>): Record<string, unknown> {
  const { house_id, ...rest } = house;
  return { item_id: house_id, ...rest };
}
