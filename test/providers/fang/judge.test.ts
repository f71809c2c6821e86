import { describe, expect, it } from 'vitest';
import type { UpstreamError } from '../../../src/http/errors.js';
import type { UpstreamResponse } from '../../../src/http/transport.js';
import { judgeItem, judgeSearch } from '../../../src/providers/fang/judge.js';

const answer = (
  status: number,
  body: unknown,
  headers: UpstreamResponse['headers'] = {},
): UpstreamResponse => ({
  status,
  headers,
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

function errorOf(verdict: ReturnType<typeof judgeSearch> | ReturnType<typeof judgeItem>): UpstreamError {
  if (verdict.ok) throw new Error('expected a failure');
  return verdict.error;
}

const house = { house_id: 'esf_1', house_name: 'A 3室2厅', price: 860 };

describe('decoding the seed envelope', () => {
  it('reads houses, total and has_next (numbers and booleans as strings too)', () => {
    const verdict = judgeSearch(
      answer(200, {
        item_search_response: { houses: { house: [house, house], total: '132', has_next: 'true' } },
      }),
    );
    expect(verdict).toEqual({ ok: true, value: { houses: [house, house], total: 132, hasNext: true } });
  });

  it('accepts a single house object and a missing list', () => {
    expect(judgeSearch(answer(200, { item_search_response: { houses: { house, total: 1 } } }))).toEqual({
      ok: true,
      value: { houses: [house], total: 1, hasNext: null },
    });
    expect(
      judgeSearch(answer(200, { item_search_response: { houses: { total: 0, has_next: false } } })),
    ).toEqual({
      ok: true,
      value: { houses: [], total: 0, hasNext: false },
    });
  });

  it('reads item_get, and an empty house as not found', () => {
    expect(judgeItem(answer(200, { item_get_response: { house } }))).toEqual({ ok: true, value: house });
    expect(judgeItem(answer(200, { item_get_response: { house: null } }))).toEqual({ ok: true, value: null });
    expect(judgeItem(answer(200, { item_get_response: {} }))).toEqual({ ok: true, value: null });
  });

  it('rejects a house without id as a bad response', () => {
    const error = errorOf(judgeItem(answer(200, { item_get_response: { house: { house_name: 'x' } } })));
    expect(error.code).toBe('UPSTREAM_BAD_RESPONSE');
    expect(error.retryable).toBe(false);
  });
});

describe("decoding onebound's generic envelope", () => {
  it('reads items with numbers as strings and derives has_next from the paging', () => {
    const body = {
      items: { item: [house], page: '2', page_size: '20', total_results: '41' },
      error: '',
      reason: '',
      error_code: '0000',
    };
    expect(judgeSearch(answer(200, body))).toEqual({
      ok: true,
      value: { houses: [house], total: 41, hasNext: true },
    });
    const last = { ...body, items: { ...body.items, page: '3' } };
    expect(judgeSearch(answer(200, last))).toMatchObject({ ok: true, value: { hasNext: false } });
  });

  it('reads item, with num_iid as the id', () => {
    const item = { num_iid: 778899, title: 'B' };
    expect(judgeItem(answer(200, { item, error_code: '0000' }))).toEqual({ ok: true, value: item });
  });

  it('classifies a non-"0000" error_code by its reason', () => {
    const error = errorOf(
      judgeSearch(answer(200, { error: 'error', reason: '调用频率超限', error_code: '4013', items: null })),
    );
    expect(error.code).toBe('UPSTREAM_RATE_LIMITED');
    expect(error.retryable).toBe(true);
    expect(error.upstreamCode).toBe('4013');
  });

  it('reads a "no such item" reason as not found', () => {
    expect(
      judgeItem(answer(200, { error: 'item-not-found', reason: '宝贝不存在', error_code: '2000' })),
    ).toEqual({
      ok: true,
      value: null,
    });
  });
});

describe('classification', () => {
  const fangError = (sub_code: string | undefined, code: number | string, msg = 'error') => ({
    error_response: { code, msg, ...(sub_code ? { sub_code } : {}) },
  });

  it.each([
    [401, 'invalid_signature', 401, 'UPSTREAM_AUTH_FAILED', false],
    [403, 'rate_limited', 403, 'UPSTREAM_RATE_LIMITED', true],
    [403, 'quota_exceeded', 403, 'UPSTREAM_QUOTA_EXHAUSTED', false],
    [403, 'no_permission', 403, 'UPSTREAM_AUTH_FAILED', false],
    [400, 'invalid_parameter', 400, 'UPSTREAM_BAD_REQUEST', false],
    [200, 'rate_limited', 403, 'UPSTREAM_RATE_LIMITED', true],
    [200, 'quota_exceeded', 403, 'UPSTREAM_QUOTA_EXHAUSTED', false],
    [200, 'invalid_signature', 401, 'UPSTREAM_AUTH_FAILED', false],
    [200, 'invalid_parameter', 400, 'UPSTREAM_BAD_REQUEST', false],
    [504, 'upstream_timeout', 504, 'UPSTREAM_UNAVAILABLE', true],
  ] as const)('HTTP %i sub_code %s → %s', (status, subCode, code, expected, retryable) => {
    const error = errorOf(judgeSearch(answer(status, fangError(subCode, code))));
    expect(error.code).toBe(expected);
    expect(error.retryable).toBe(retryable);
    expect(error.upstreamCode).toBe(subCode);
    expect(error.httpStatus).toBe(status);
    expect(error.provider).toBe('FANG');
  });

  it.each([
    ['调用频率超限', 'UPSTREAM_RATE_LIMITED'],
    ['Rate limit exceeded', 'UPSTREAM_RATE_LIMITED'],
    ['今日调用次数已用完', 'UPSTREAM_QUOTA_EXHAUSTED'],
    ['daily quota exceeded', 'UPSTREAM_QUOTA_EXHAUSTED'],
    ['IP不在白名单', 'UPSTREAM_AUTH_FAILED'],
    ['forbidden', 'UPSTREAM_AUTH_FAILED'],
  ])('HTTP 403 without sub_code, msg %s → %s', (msg, expected) => {
    expect(errorOf(judgeSearch(answer(403, fangError(undefined, 403, msg)))).code).toBe(expected);
  });

  it('falls back to the HTTP status when the body is no envelope', () => {
    expect(errorOf(judgeSearch(answer(401, 'Unauthorized'))).code).toBe('UPSTREAM_AUTH_FAILED');
    expect(errorOf(judgeSearch(answer(403, '<html>Forbidden</html>'))).code).toBe('UPSTREAM_AUTH_FAILED');
    expect(errorOf(judgeSearch(answer(400, ''))).code).toBe('UPSTREAM_BAD_REQUEST');
    const timeout = errorOf(judgeSearch(answer(504, '<html>Gateway Timeout</html>')));
    expect([timeout.code, timeout.retryable]).toEqual(['UPSTREAM_UNAVAILABLE', true]);
    const busy = errorOf(judgeItem(answer(502, '')));
    expect([busy.code, busy.retryable]).toEqual(['UPSTREAM_UNAVAILABLE', true]);
    expect(errorOf(judgeItem(answer(404, 'Not Found'))).code).toBe('UPSTREAM_BAD_REQUEST');
  });

  it('falls back to the numeric code when sub_code and msg say nothing', () => {
    expect(errorOf(judgeSearch(answer(200, fangError(undefined, '401', 'x')))).code).toBe(
      'UPSTREAM_AUTH_FAILED',
    );
    expect(errorOf(judgeSearch(answer(200, fangError(undefined, 500, 'x')))).code).toBe(
      'UPSTREAM_UNAVAILABLE',
    );
    expect(errorOf(judgeSearch(answer(200, fangError(undefined, 7, 'x')))).code).toBe(
      'UPSTREAM_BAD_RESPONSE',
    );
  });

  it('answers null for item_not_found (HTTP 200, code 404) and an empty page for a search', () => {
    const notFound = fangError('item_not_found', 404, 'house not found');
    expect(judgeItem(answer(200, notFound))).toEqual({ ok: true, value: null });
    expect(judgeSearch(answer(200, notFound))).toEqual({
      ok: true,
      value: { houses: [], total: 0, hasNext: false },
    });
  });

  it('takes retryAfterSeconds from a Retry-After header', () => {
    const error = errorOf(judgeSearch(answer(403, fangError('rate_limited', 403), { 'retry-after': '7' })));
    expect(error.retryAfterSeconds).toBe(7);
  });

  it("never copies Fang's msg into the error message", () => {
    const echo = fangError('invalid_signature', 401, 'bad sign for key=fang_api_89abcdef');
    const error = errorOf(judgeSearch(answer(401, echo)));
    expect(error.message).not.toContain('fang_api_89abcdef');
    expect(JSON.stringify({ ...error })).not.toContain('fang_api_89abcdef');
  });

  it.each([
    ['not JSON', '{"item_search_response": '],
    ['HTML', '<html><body>502</body></html>'],
    ['an unknown envelope', '{"data": []}'],
    ['a JSON array', '[]'],
    ['wrong types', '{"item_search_response": {"houses": "many"}}'],
  ])('a 200 with %s is a bad response, not retried', (_, body) => {
    const error = errorOf(judgeSearch(answer(200, body)));
    expect([error.code, error.retryable]).toEqual(['UPSTREAM_BAD_RESPONSE', false]);
  });
});
