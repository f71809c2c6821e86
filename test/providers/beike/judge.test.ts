import { describe, expect, it } from 'vitest';
import type { UpstreamResponse, Verdict } from '../../../src/http/transport.js';
import { judgeCommunityList, judgeDetail, judgeResaleList } from '../../../src/providers/beike/judge.js';

const respond = (
  status: number,
  body: unknown,
  headers: UpstreamResponse['headers'] = {},
): UpstreamResponse => ({
  status,
  headers,
  body: typeof body === 'string' ? body : JSON.stringify(body),
});
const envelope = (code: number | string, data: unknown = null) => ({
  code,
  data,
  message: 'msg',
  recordTime: '2026-01-01T00:00:00Z',
});

function errorOf<T>(verdict: Verdict<T>) {
  if (verdict.ok) throw new Error('expected a failure');
  return verdict.error;
}

describe('Beike judge: business codes', () => {
  const cases: [number | string, string, boolean][] = [
    [100, 'UPSTREAM_AUTH_FAILED', false],
    [300, 'UPSTREAM_AUTH_FAILED', false],
    [600, 'UPSTREAM_AUTH_FAILED', false],
    ['601', 'UPSTREAM_AUTH_FAILED', false],
    [301, 'UPSTREAM_UNAVAILABLE', true],
    ['302', 'UPSTREAM_RATE_LIMITED', true],
    [303, 'UPSTREAM_QUOTA_EXHAUSTED', false],
    [400, 'UPSTREAM_BAD_REQUEST', false],
    [500, 'UPSTREAM_UNAVAILABLE', true],
    [777, 'UPSTREAM_BAD_RESPONSE', false],
    // The 2026-12 enum.
    [503, 'UPSTREAM_UNAVAILABLE', true],
    ['602', 'UPSTREAM_QUOTA_EXHAUSTED', false],
    [101, 'UPSTREAM_BAD_RESPONSE', false],
    [404, 'UPSTREAM_BAD_RESPONSE', false],
  ];
  it.each(cases)('code %s → %s (retryable %s), at HTTP 200 and at a non-200', (code, expected, retryable) => {
    for (const status of [200, 503, 400]) {
      const error = errorOf(judgeDetail(respond(status, envelope(code))));
      expect(error).toMatchObject({
        name: 'UpstreamError',
        code: expected,
        retryable,
        provider: 'BEIKE',
        upstreamCode: Number(code),
        httpStatus: status,
      });
    }
  });

  it('202 (the current enum) is "not found" like 201', () => {
    expect(judgeDetail(respond(200, envelope(202)))).toEqual({ ok: true, value: null });
    expect(judgeDetail(respond(200, envelope('202')))).toEqual({ ok: true, value: null });
  });

  it('201 is "not found": null for a detail, an empty page for the lists', () => {
    expect(judgeDetail(respond(200, envelope(201)))).toEqual({ ok: true, value: null });
    expect(judgeDetail(respond(404, envelope('201')))).toEqual({ ok: true, value: null });
    expect(judgeResaleList(respond(200, envelope(201)))).toEqual({
      ok: true,
      value: { items: [], hasMore: false, total: 0 },
    });
    expect(judgeCommunityList(respond(200, envelope(201))).ok).toBe(true);
  });

  it('takes Retry-After seconds from the header', () => {
    const error = errorOf(judgeDetail(respond(429, envelope(302), { 'retry-after': '7' })));
    expect(error.retryAfterSeconds).toBe(7);
  });

  it("never copies Beike's message into the error", () => {
    const body = { code: 400, data: null, message: 'bad token=SECRET123 in request' };
    const error = errorOf(judgeDetail(respond(200, body)));
    expect(error.message).not.toContain('SECRET123');
    expect(JSON.stringify(error)).not.toContain('SECRET123');
  });
});

describe('Beike judge: HTTP status without an envelope', () => {
  const cases: [number, string, boolean][] = [
    [401, 'UPSTREAM_AUTH_FAILED', false],
    [403, 'UPSTREAM_AUTH_FAILED', false],
    [429, 'UPSTREAM_RATE_LIMITED', true],
    [400, 'UPSTREAM_BAD_REQUEST', false],
    [500, 'UPSTREAM_UNAVAILABLE', true],
    [502, 'UPSTREAM_UNAVAILABLE', true],
    [504, 'UPSTREAM_UNAVAILABLE', true],
    [404, 'UPSTREAM_BAD_RESPONSE', false],
    [302, 'UPSTREAM_BAD_RESPONSE', false],
  ];
  it.each(cases)('HTTP %i → %s (retryable %s)', (status, expected, retryable) => {
    const error = errorOf(judgeResaleList(respond(status, '<html><body>nginx</body></html>')));
    expect(error).toMatchObject({ code: expected, retryable, httpStatus: status, upstreamCode: status });
  });

  it('a 200 that is not an envelope is a bad response, not retried', () => {
    for (const body of ['{"code":0,"data":{"basicInfo"', '<html/>', '[]', '{"data":{}}', '{"code":"abc"}']) {
      expect(errorOf(judgeDetail(respond(200, body)))).toMatchObject({
        code: 'UPSTREAM_BAD_RESPONSE',
        retryable: false,
      });
    }
  });
});

describe('Beike judge: data of a successful envelope', () => {
  it('a detail without basicInfo.houseCode is unusable', () => {
    for (const data of [null, [], { basicInfo: {} }, { basicInfo: { houseCode: '' } }]) {
      expect(errorOf(judgeDetail(respond(200, envelope(0, data)))).code).toBe('UPSTREAM_BAD_RESPONSE');
    }
    const ok = judgeDetail(respond(200, envelope(0, { basicInfo: { houseCode: 101127449675 } })));
    expect(ok.ok).toBe(true);
  });

  it("unwraps the resale list's app answer; a non-zero errno is a bad response", () => {
    const app = (errno: number | string) => ({
      errno,
      error: '',
      request_id: 'r',
      data: { hasMoreData: 1, totalCount: '41', returnCount: 1, list: [{ houseCode: '1' }] },
    });
    expect(judgeResaleList(respond(200, envelope(0, app('0'))))).toEqual({
      ok: true,
      value: { items: [{ houseCode: '1' }], hasMore: 1, total: '41' },
    });
    expect(errorOf(judgeResaleList(respond(200, envelope(0, app(20001))))).code).toBe(
      'UPSTREAM_BAD_RESPONSE',
    );
    expect(errorOf(judgeResaleList(respond(200, envelope(0, ['not', 'an', 'answer'])))).code).toBe(
      'UPSTREAM_BAD_RESPONSE',
    );
  });

  it('reads the app v4 snake_case wrapper too, and takes every wrapper field as optional', () => {
    const v4 = {
      request_id: 'r',
      errno: 0,
      error: '',
      cost: 9,
      data: { total_count: 41, has_more_data: 0, list: [] },
    };
    expect(judgeResaleList(respond(200, envelope(0, v4)))).toEqual({
      ok: true,
      value: { items: [], hasMore: 0, total: 41 },
    });
    // No errno, no counts: success, and the paging falls back on the page's length.
    expect(judgeResaleList(respond(200, envelope(0, { data: { list: [{ house_code: '1' }] } })))).toEqual({
      ok: true,
      value: { items: [{ house_code: '1' }], hasMore: undefined, total: undefined },
    });
    expect(judgeResaleList(respond(200, envelope(0, {})))).toEqual({
      ok: true,
      value: { items: [], hasMore: undefined, total: undefined },
    });
  });

  it('reads the snake_case community page', () => {
    const data = { has_more_data: false, total_count: 3, list: [{ community_id: '1' }] };
    expect(judgeCommunityList(respond(200, envelope(0, data)))).toEqual({
      ok: true,
      value: { items: [{ community_id: '1' }], hasMore: false, total: 3 },
    });
  });
});
