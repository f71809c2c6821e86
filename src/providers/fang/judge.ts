import type { UpstreamErrorCode } from '../../http/errors.js';
import type { Judge, UpstreamResponse, Verdict } from '../../http/transport.js';
import { type FailureWording, failure as failed, parseJson } from '../judging.js';
import {
  type Decoded,
  decodeError,
  decodeItem,
  decodeSearch,
  type FangErrorBody,
  type RawHouse,
  type RawSearchPage,
} from './decoder.js';
import { FANG_FLAVOUR_TABLE, type FangErrorOutcome, type FangFlavour } from './flavours.js';

/**
 * Turns one Fang answer into a value or a classified UpstreamError. Fang reports failures either
 * as an HTTP status (400, 401, 403, 504) or as HTTP 200 with an error envelope; both go through
 * the same classification. "No such house" is not a failure: item_get answers null.
 */

type ErrorOutcome = { kind: 'error'; code: UpstreamErrorCode; retryable: boolean };
type Outcome = { kind: 'notFound' } | ErrorOutcome;

const fail = (code: UpstreamErrorCode, retryable: boolean): ErrorOutcome => ({
  kind: 'error',
  code,
  retryable,
});
const NOT_FOUND: Outcome = { kind: 'notFound' };
const AUTH = fail('UPSTREAM_AUTH_FAILED', false);
const RATE = fail('UPSTREAM_RATE_LIMITED', true);
const QUOTA = fail('UPSTREAM_QUOTA_EXHAUSTED', false);
const BAD_REQUEST = fail('UPSTREAM_BAD_REQUEST', false);
const UNAVAILABLE = fail('UPSTREAM_UNAVAILABLE', true);
const BAD_RESPONSE = fail('UPSTREAM_BAD_RESPONSE', false);

/**
 * Words of sub_code or msg, in priority order: "调用频率超限" is a rate limit even though it is a
 * 403 like a missing permission. Real Fang wording is unconfirmed; the sandbox's sub_codes are
 * invalid_signature, rate_limited, quota_exceeded, no_permission, invalid_parameter, item_not_found.
 */
const WORDS: [RegExp, Outcome][] = [
  [/not[_\s-]?found|不存在|已删除/i, NOT_FOUND],
  [/(^|[^a-z])rate|frequen|too[_\s-]?many|qps|频率|频繁|限流/i, RATE],
  [/quota|balance|limit[_\s-]?exceeded|次数|额度|余额/i, QUOTA],
  [/sign|key|auth|permission|forbidden|denied|签名|密钥|权限|授权|白名单/i, AUTH],
  [/param|参数/i, BAD_REQUEST],
  [/timeout|unavailable|internal|busy|gateway|超时|繁忙|不可用|系统错误/i, UNAVAILABLE],
];

function byStatus(status: number): Outcome | null {
  if (status === 400) return BAD_REQUEST;
  if (status === 401) return AUTH;
  // A 403 that says nothing more is a missing permission, never worth retrying.
  if (status === 403) return AUTH;
  if (status === 404) return NOT_FOUND;
  if (status === 429) return RATE;
  if (status >= 500 && status <= 599) return UNAVAILABLE;
  return null;
}

/** `codes`: the flavour's own error codes, which win over wording and status. */
export function classify(
  httpStatus: number,
  error: FangErrorBody | null,
  codes: Readonly<Record<string, FangErrorOutcome>> = {},
): Outcome {
  const own = error?.code ? codes[error.code.trim()] : undefined;
  if (own) return fail(own.code, own.retryable);
  for (const text of [error?.subCode, error?.message]) {
    if (!text) continue;
    const match = WORDS.find(([pattern]) => pattern.test(text));
    if (match) return match[1];
  }
  const code = Number(error?.code);
  const byCode = error?.code && Number.isInteger(code) ? byStatus(code) : null;
  if (byCode) return byCode;
  if (httpStatus >= 200 && httpStatus < 300) return BAD_RESPONSE;
  // An HTTP 404 without an envelope is a wrong path, not a missing house.
  if (httpStatus === 404 && !error) return BAD_REQUEST;
  return byStatus(httpStatus) ?? BAD_RESPONSE;
}

const WORDING: FailureWording = {
  provider: 'FANG',
  label: 'Fang',
  rejects: 'the credentials or the signature',
};

function judge<T>(
  response: UpstreamResponse,
  decode: (json: unknown) => Decoded<T>,
  notFound: T,
  endpoint: string,
  codes: Readonly<Record<string, FangErrorOutcome>>,
): Verdict<T> {
  const json = parseJson(response.body);
  const is2xx = response.status >= 200 && response.status < 300;
  let errorBody: FangErrorBody | null = null;
  if (is2xx) {
    if (json === undefined) return failure(BAD_RESPONSE, response, null, `${endpoint}: not JSON`);
    const decoded = decode(json);
    if (decoded.kind === 'ok') return { ok: true, value: decoded.value };
    if (decoded.kind === 'unusable')
      return failure(BAD_RESPONSE, response, null, `${endpoint}: ${decoded.reason}`);
    errorBody = decoded.error;
  } else if (json !== undefined) {
    errorBody = decodeError(json);
  }
  const outcome = classify(response.status, errorBody, codes);
  if (outcome.kind === 'notFound') return { ok: true, value: notFound };
  return failure(outcome, response, errorBody, endpoint);
}

function failure(
  outcome: ErrorOutcome,
  response: UpstreamResponse,
  errorBody: FangErrorBody | null,
  detail: string,
): Verdict<never> {
  return failed(WORDING, outcome, response, detail, errorBody?.subCode ?? errorBody?.code ?? response.status);
}

export interface FangJudges {
  search: Judge<RawSearchPage>;
  item: Judge<RawHouse | null>;
}

export function fangJudges(flavour: FangFlavour): FangJudges {
  const codes = flavour.errorCodes;
  return {
    search: (response) =>
      judge(response, decodeSearch, { houses: [], total: 0, hasNext: false }, 'item_search', codes),
    item: (response) => judge(response, decodeItem, null, 'item_get', codes),
  };
}

const openPlatform = fangJudges(FANG_FLAVOUR_TABLE['open-platform']);
export const judgeSearch = openPlatform.search;
export const judgeItem = openPlatform.item;
