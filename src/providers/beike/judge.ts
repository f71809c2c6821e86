import type { Judge, UpstreamResponse, Verdict } from '../../http/transport.js';
import { type Failure, type FailureWording, failure as failed, parseJson } from '../judging.js';
import {
  appAnswerSchema,
  communityPageSchema,
  detailIdSchema,
  envelopeSchema,
  type RawPage,
} from './decoder.js';

/**
 * Turns one Just One API answer into a value or a classified UpstreamError. The usage guide says
 * every answer is HTTP 200 and the body's `code` decides; the newer spec also sends the same
 * envelope with 4xx/5xx. So: an envelope is judged by its code whatever the status, a body
 * without one by the status. Codes 201/202 ("content not found") are an answer, not a failure.
 */

type Outcome = 'ok' | 'notFound' | Failure;

const AUTH: Failure = { code: 'UPSTREAM_AUTH_FAILED', retryable: false };
const UNAVAILABLE: Failure = { code: 'UPSTREAM_UNAVAILABLE', retryable: true };
const BAD_REQUEST: Failure = { code: 'UPSTREAM_BAD_REQUEST', retryable: false };
const BAD_RESPONSE: Failure = { code: 'UPSTREAM_BAD_RESPONSE', retryable: false };

/**
 * Just One API's business codes (providers.md, with the 2026-12 enum
 * `0,100,101,202,300,301,302,303,400,404,500,503,600,601,602`); anything else is an answer we
 * cannot trust.
 */
const BY_CODE: Record<number, Outcome> = {
  0: 'ok',
  100: AUTH, // invalid or inactive token
  101: BAD_RESPONSE, // in the enum, meaning unpublished: never retried
  201: 'notFound', // in the usage guide, no longer in the enum
  202: 'notFound', // in the enum beside or instead of 201: content not found
  300: AUTH, // API invalid (meaning unpublished): not enabled for this token, we assume
  301: UNAVAILABLE, // collection failed, please retry
  302: { code: 'UPSTREAM_RATE_LIMITED', retryable: true },
  303: { code: 'UPSTREAM_QUOTA_EXHAUSTED', retryable: false }, // until tomorrow
  400: BAD_REQUEST,
  404: BAD_RESPONSE, // in the enum, meaning unpublished: never retried
  500: UNAVAILABLE,
  503: UNAVAILABLE, // service unavailable; the vendor's own MCP retries it
  600: AUTH, // permission denied
  601: AUTH, // insufficient balance
  602: { code: 'UPSTREAM_QUOTA_EXHAUSTED', retryable: false }, // the token's spending cap (累计消费上限)
};

export function classifyCode(code: number): Outcome {
  return BY_CODE[code] ?? BAD_RESPONSE;
}

export function classifyStatus(status: number): Failure {
  if (status === 401 || status === 403) return AUTH;
  if (status === 429) return { code: 'UPSTREAM_RATE_LIMITED', retryable: true };
  if (status === 400) return BAD_REQUEST;
  if (status >= 500 && status <= 599) return UNAVAILABLE;
  return BAD_RESPONSE;
}

const WORDING: FailureWording = {
  provider: 'BEIKE',
  label: 'Beike (Just One API)',
  rejects: 'the token or the call',
};

/** What a successful envelope's `data` decodes to, or why it cannot be used. */
type DataVerdict<T> = { ok: true; value: T } | { ok: false; reason: string };

function judge<T>(
  response: UpstreamResponse,
  endpoint: string,
  decodeData: (data: unknown) => DataVerdict<T>,
  notFound: T,
): Verdict<T> {
  const envelope = envelopeSchema.safeParse(parseJson(response.body));
  if (!envelope.success) {
    const is2xx = response.status >= 200 && response.status < 300;
    const reason = is2xx ? 'no envelope' : 'error status';
    return failure(is2xx ? BAD_RESPONSE : classifyStatus(response.status), response, endpoint, reason);
  }
  const { code, data } = envelope.data;
  const outcome = classifyCode(code);
  if (outcome === 'notFound') return { ok: true, value: notFound };
  if (outcome !== 'ok') return failure(outcome, response, endpoint, `code ${code}`, code);
  const decoded = decodeData(data);
  if (decoded.ok) return decoded;
  return failure(BAD_RESPONSE, response, endpoint, decoded.reason, code);
}

function failure(
  outcome: Failure,
  response: UpstreamResponse,
  endpoint: string,
  detail: string,
  businessCode?: number,
): Verdict<never> {
  return failed(WORDING, outcome, response, `${endpoint}: ${detail}`, businessCode ?? response.status);
}

/**
 * The detail's `data`, left whole for the decoder (which records drift in a DecodeReport); only a
 * missing listing id makes it unusable.
 */
export const judgeDetail: Judge<unknown> = (response) =>
  judge(
    response,
    'detail',
    (data) =>
      detailIdSchema.safeParse(data).success
        ? { ok: true, value: data }
        : { ok: false, reason: 'no basicInfo.houseCode' },
    null,
  );

const EMPTY_PAGE: RawPage = { items: [], hasMore: false, total: 0 };

/** A list endpoint's judge: its page decoded from `data`; "not found" is an empty page. */
const listJudge =
  (endpoint: string, decodePage: (data: unknown) => DataVerdict<RawPage>): Judge<RawPage> =>
  (response) =>
    judge(response, endpoint, decodePage, EMPTY_PAGE);

export const judgeResaleList = listJudge('search', (data) => {
  const answer = appAnswerSchema.safeParse(data);
  if (!answer.success) return { ok: false, reason: 'unexpected app answer' };
  if (answer.data.errno !== 0) return { ok: false, reason: `app errno ${answer.data.errno}` };
  const { list, hasMore, total } = answer.data;
  return { ok: true, value: { items: list, hasMore, total } };
});

export const judgeCommunityList = listJudge('communities', (data) => {
  const page = communityPageSchema.safeParse(data);
  if (!page.success) return { ok: false, reason: 'unexpected community page' };
  const { list, has_more_data, total_count } = page.data;
  return { ok: true, value: { items: list, hasMore: has_more_data, total: total_count } };
});
