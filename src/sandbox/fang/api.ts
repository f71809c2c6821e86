import { createHash, timingSafeEqual } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { FangHouseRecord, SandboxData } from '../data/records.js';
import { type Answer, jsonAnswer, type ProviderApi } from '../server/answer.js';
import type { CallLimits } from '../server/limits.js';
import { detailHouse, searchHouse } from './houses.js';
import { type FangSearch, parseSearch, resultKey, searchHouses } from './query.js';

/**
 * Fang's signed item_search / item_get. Failures come as an HTTP status with
 * `{ error_response: { code, msg, sub_code } }`, except "no such house", which is HTTP 200.
 */

export const FANG_PATHS = { search: '/fang/item_search', item: '/fang/item_get' } as const;

const API_OF_PATH: Record<string, string> = {
  [FANG_PATHS.search]: 'item_search',
  [FANG_PATHS.item]: 'item_get',
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

  function signed(query: URLSearchParams): boolean {
    const given = Buffer.from(query.get('key') ?? '');
    if (given.length !== keyBytes.length || !timingSafeEqual(given, keyBytes)) return false;
    const sign = Buffer.from((query.get('sign') ?? '').toLowerCase());
    const expected = Buffer.from(expectedSign(query, secret));
    return sign.length === expected.length && timingSafeEqual(sign, expected);
  }

  function search(s: FangSearch): Answer {
    const key = resultKey(s);
    const pageKey = `${key}|${s.pageNum}|${s.pageSize}`;
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
        let json = houseJson.get(house.houseId);
        if (json === undefined) {
          json = JSON.stringify(searchHouse(house));
          houseJson.set(house.houseId, json);
        }
        return json;
      });
      const hasNext = start + page.length < found.length;
      body = `{"item_search_response":{"houses":{"house":[${houses.join(',')}],"total":${found.length},"page_num":${s.pageNum},"page_size":${s.pageSize},"has_next":${hasNext}}}}`;
      pages.set(pageKey, body);
    }
    return jsonAnswer(200, body);
  }

  function item(query: URLSearchParams): Answer {
    const houseId = query.get('house_id') ?? '';
    if (houseId === '')
      return errorAnswer(ERRORS.invalid_parameter!, 400, 'invalid parameter: house_id is required');
    const house = data.fang.byId.get(houseId);
    if (!house) return errorAnswer(ERRORS.item_not_found!);
    let body = detailJson.get(houseId);
    if (body === undefined) {
      body = JSON.stringify({ item_get_response: { house: detailHouse(house) } });
      detailJson.set(houseId, body);
    }
    return jsonAnswer(200, body);
  }

  return {
    provider: 'fang',
    callId(path, query) {
      return path === FANG_PATHS.item ? query.get('house_id') || null : null;
    },
    answer(path, query) {
      const api = API_OF_PATH[path];
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
      if (api === 'item_get') return item(query);
      const parsed = parseSearch(query);
      if (!parsed.ok) return invalid(`${parsed.param} ${parsed.reason}`);
      return search(parsed.search);
    },
    statusAnswer(status) {
      const error = ERRORS[SUB_CODE_OF_CODE[status] ?? 'internal_error']!;
      return errorAnswer({ ...error, code: status }, status);
    },
    businessAnswer(code, httpStatus) {
      const known = typeof code === 'string' ? ERRORS[code] : ERRORS[SUB_CODE_OF_CODE[code] ?? ''];
      const error: FangError = known ?? { status: 200, code, msg: 'error', subCode: String(code) };
      // A named sub_code keeps its usual status; a bare code comes as HTTP 200 with an error body.
      const status = httpStatus ?? (typeof code === 'string' && known ? known.status : 200);
      return errorAnswer(typeof code === 'number' ? { ...error, code } : error, status);
    },
    hugeBodyFrame() {
      return {
        prefix: '{"item_search_response":{"houses":{"house":[],"total":0,"has_next":false,"padding":"',
        suffix: '"}}}',
      };
    },
  };
}
