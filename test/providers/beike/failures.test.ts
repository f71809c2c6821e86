import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { UpstreamError } from '../../../src/http/errors.js';
import { BEIKE_PATHS, type Fault, type Sandbox, startSandbox } from '../../../src/sandbox/index.js';
import { memoryLogger } from '../../support/logs.js';
import { beikeAgainst, type ProviderHarness as Harness } from '../../support/providers.js';
import { searchQuery } from '../../support/search-query.js';

const { detail: DETAIL, search: SEARCH, communities: COMMUNITIES } = BEIKE_PATHS;
const SEED = { sourceId: '101127449675', cityId: '110000' };
const SEARCH_QUERY = searchQuery();

let sandbox: Sandbox;
const logs = memoryLogger();
const harnesses: Harness[] = [];
/** Every error any test saw, to search for the token at the end. */
const seenErrors: unknown[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({});
});
afterEach(() => {
  sandbox.faults.clear();
  sandbox.calls.reset();
});
afterAll(async () => {
  await Promise.all(harnesses.map((h) => h.provider.close()));
  await sandbox?.close();
});

function beike(options: Parameters<typeof beikeAgainst>[1] = {}) {
  const harness = beikeAgainst(sandbox, { ...options, logger: logs.logger });
  harnesses.push(harness);
  return harness.provider;
}

async function failureOf(promise: Promise<unknown>): Promise<UpstreamError> {
  try {
    await promise;
  } catch (error) {
    seenErrors.push(error);
    if (error instanceof UpstreamError) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

const detailCalls = () => sandbox.calls.count({ provider: 'beike', path: DETAIL });

describe('Beike business codes over the wire', () => {
  const cases: [number | string, number | undefined, string, boolean, number][] = [
    [100, undefined, 'UPSTREAM_AUTH_FAILED', false, 1],
    [300, undefined, 'UPSTREAM_AUTH_FAILED', false, 1],
    [600, 403, 'UPSTREAM_AUTH_FAILED', false, 1],
    ['601', undefined, 'UPSTREAM_AUTH_FAILED', false, 1],
    [301, undefined, 'UPSTREAM_UNAVAILABLE', true, 3],
    [302, 429, 'UPSTREAM_RATE_LIMITED', true, 3],
    ['303', undefined, 'UPSTREAM_QUOTA_EXHAUSTED', false, 1],
    [400, 400, 'UPSTREAM_BAD_REQUEST', false, 1],
    [500, 500, 'UPSTREAM_UNAVAILABLE', true, 3],
    [999, undefined, 'UPSTREAM_BAD_RESPONSE', false, 1],
  ];
  it.each(cases)(
    'code %s (HTTP %s) → %s, retryable %s, %i attempt(s)',
    async (code, httpStatus, expected, retryable, attempts) => {
      sandbox.faults.add({
        provider: 'beike',
        path: DETAIL,
        fault: { kind: 'businessCode', code, ...(httpStatus ? { httpStatus } : {}) },
      });
      const error = await failureOf(beike().getListing(SEED));
      expect(error).toMatchObject({
        code: expected,
        retryable,
        provider: 'BEIKE',
        upstreamCode: Number(code),
        attempts,
      });
      expect(detailCalls()).toBe(attempts);
    },
  );

  it('recovers when a retryable code clears up', async () => {
    sandbox.faults.add({
      provider: 'beike',
      path: DETAIL,
      times: 2,
      fault: { kind: 'businessCode', code: 301 },
    });
    const listing = await beike().getListing(SEED);
    expect(listing?.totalPrice).toBe(2_350_000);
    expect(detailCalls()).toBe(3);
  });

  it('a wrong token is an auth failure, not retried', async () => {
    const error = await failureOf(beike({ token: 'sbx-wrong-token-0123456789' }).getListing(SEED));
    expect(error).toMatchObject({ code: 'UPSTREAM_AUTH_FAILED', upstreamCode: 100, attempts: 1 });
  });

  it('code 201 on a list is an empty last page', async () => {
    sandbox.faults.add({ provider: 'beike', path: SEARCH, fault: { kind: 'businessCode', code: 201 } });
    expect(await beike().search(SEARCH_QUERY, 0)).toEqual({ listings: [], total: 0, hasMore: false });
  });
});

describe('Beike HTTP failures over the wire', () => {
  it('an HTML 502 without an envelope is unavailable and retried', async () => {
    sandbox.faults.add({ provider: 'beike', path: SEARCH, fault: { kind: 'html' } });
    const error = await failureOf(beike().search(SEARCH_QUERY, 0));
    expect(error).toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
      httpStatus: 502,
      retryable: true,
      attempts: 3,
    });
    expect(sandbox.calls.count({ provider: 'beike', path: SEARCH })).toBe(3);
  });

  it('an error status with an envelope is judged by its code', async () => {
    sandbox.faults.add({ provider: 'beike', path: DETAIL, fault: { kind: 'status', status: 503 } });
    const error = await failureOf(beike().getListing(SEED));
    expect(error).toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
      upstreamCode: 500,
      httpStatus: 503,
      attempts: 3,
    });
  });

  it('truncated JSON is a bad response, not retried', async () => {
    sandbox.faults.add({ provider: 'beike', path: COMMUNITIES, fault: { kind: 'malformedJson' } });
    const error = await failureOf(beike().searchCommunities!({ cityId: '110000', keyword: null }, 0));
    expect(error).toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE', retryable: false, attempts: 1 });
    expect(sandbox.calls.count({ provider: 'beike', path: COMMUNITIES })).toBe(1);
  });

  it('a body over the limit is a bad response', async () => {
    sandbox.faults.add({ provider: 'beike', path: DETAIL, fault: { kind: 'hugeBody', bytes: 200_000 } });
    const error = await failureOf(beike({ maxBodyBytes: 50_000 }).getListing(SEED));
    expect(error).toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE', attempts: 1 });
  });

  it('a hung upstream times out as unavailable after every attempt', async () => {
    sandbox.faults.add({ provider: 'beike', path: DETAIL, fault: { kind: 'timeout' } });
    const error = await failureOf(beike({ timeoutMs: 150 }).getListing(SEED));
    expect(error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', retryable: true, attempts: 3 });
    expect(detailCalls()).toBe(3);
  });

  it('a reset connection is retried and then succeeds', async () => {
    sandbox.faults.add({ provider: 'beike', path: DETAIL, times: 1, fault: { kind: 'reset' } });
    expect((await beike().getListing(SEED))?.sourceId).toBe('101127449675');
    expect(detailCalls()).toBe(2);
  });
});

describe('Beike drifted bodies (wrong types) over the wire', () => {
  const mangled: Fault = { kind: 'wrongTypes' };

  it('a detail still comes through with its id, drifted fields null, and a warning naming them', async () => {
    const before = logs.lines.length;
    sandbox.faults.add({ provider: 'beike', path: DETAIL, fault: mangled });
    const listing = await beike().getListing(SEED);
    expect(listing?.sourceId).toBe('101127449675');
    expect(listing?.cityId).toBe('110000');
    expect(listing?.agent?.sourceId).toBe('1000000010081720');
    expect(listing?.totalPrice).toBeNull();
    const warning = logs.lines
      .slice(before)
      .map((line) => JSON.parse(line) as { msg: string; problems?: { field: string }[]; level: number })
      .find((entry) => entry.msg === 'provider fields failed to decode');
    expect(warning?.level).toBe(40);
    expect(warning?.problems?.map((p) => p.field)).toContain('basicInfo.price');
  });

  it('a search page keeps every listing', async () => {
    sandbox.faults.add({ provider: 'beike', path: SEARCH, fault: mangled });
    const page = await beike().search(SEARCH_QUERY, 0);
    expect(page.listings).toHaveLength(20);
    expect(page.listings.every((l) => /^\d{12}$/.test(l.sourceId))).toBe(true);
    expect(page.listings.every((l) => l.url?.startsWith('https://m.ke.com/bj/ershoufang/'))).toBe(true);
  });

  it('a community page keeps every community', async () => {
    sandbox.faults.add({ provider: 'beike', path: COMMUNITIES, fault: mangled });
    const page = await beike().searchCommunities!({ cityId: '110000', keyword: null }, 0);
    expect(page.communities).toHaveLength(20);
    expect(page.communities.every((c) => c.cityId === '110000')).toBe(true);
  });
});

describe('Beike: the token stays secret', () => {
  it('appears in no error and no log line', () => {
    expect(seenErrors.length).toBeGreaterThan(10);
    for (const token of [sandbox.credentials.beikeToken, 'sbx-wrong-token-0123456789']) {
      for (const error of seenErrors) {
        const e = error as Error;
        expect(`${e.message}\n${e.stack}\n${JSON.stringify(e)}`).not.toContain(token);
      }
      expect(logs.text()).not.toContain(token);
    }
  });
});
