import { request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/index.js';
import { startSandbox } from '../../src/sandbox/index.js';
import { beikeUrl, DETAIL, fangUrl, get, type Json, LIST } from './helpers.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterEach(() => {
  sandbox.faults.clear();
  sandbox.calls.reset();
  sandbox.setLatency(0);
});
afterAll(() => sandbox.close());

const SEED = '101127449675';
const seedDetail = () => beikeUrl(sandbox, DETAIL, { cityId: '110000', houseCode: SEED });
const otherDetail = () => {
  const listing = sandbox.data.beike.listings.find((l) => l.cityId === '110000' && l.houseCode !== SEED)!;
  return {
    code: listing.houseCode,
    url: beikeUrl(sandbox, DETAIL, { cityId: '110000', houseCode: listing.houseCode }),
  };
};

describe('faults', () => {
  it('timeout: accepts and never answers, until the client gives up', async () => {
    sandbox.faults.add({ provider: 'beike', fault: { kind: 'timeout' } });
    await expect(get(seedDetail(), 300)).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(sandbox.calls.count({ id: SEED })).toBe(1);
  });

  it('reset: destroys the socket without answering', async () => {
    sandbox.faults.add({ provider: 'beike', times: 1, fault: { kind: 'reset' } });
    await expect(get(seedDetail())).rejects.toThrow();
    // `times` used up: the next call is answered normally.
    expect((await get(seedDetail())).status).toBe(200);
  });

  it('slowBody: headers first, the real body trickled', async () => {
    sandbox.faults.add({ provider: 'beike', fault: { kind: 'slowBody', chunkDelayMs: 200 } });
    const res = await request(seedDetail(), { signal: AbortSignal.timeout(500) });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-length']).toBe('6042');
    await expect(res.body.text()).rejects.toMatchObject({ name: 'TimeoutError' });

    sandbox.faults.clear();
    sandbox.faults.add({ provider: 'beike', fault: { kind: 'slowBody', chunkDelayMs: 5 } });
    const wrongToken = await get(beikeUrl(sandbox, DETAIL, { cityId: '110000', houseCode: SEED }, 'x'));
    expect((wrongToken.json as Json).code).toBe(100);
  });

  it('delay: the real answer, late', async () => {
    sandbox.faults.add({ provider: 'beike', fault: { kind: 'delay', ms: 600 } });
    await expect(get(seedDetail(), 100)).rejects.toMatchObject({ name: 'TimeoutError' });
    const late = await get(seedDetail());
    expect((late.json as Json).data.basicInfo.houseCode).toBe(SEED);
  });

  it('status: a provider-typical failure body', async () => {
    sandbox.faults.add({ provider: 'beike', times: 1, fault: { kind: 'status', status: 503 } });
    sandbox.faults.add({ provider: 'fang', times: 1, fault: { kind: 'status', status: 504 } });
    const beike = await get(seedDetail());
    expect(beike.status).toBe(503);
    expect(beike.json).toMatchObject({ code: 500, data: null });
    const fang = await get(fangUrl(sandbox, 'item_search', { region: '110000', q: '北京' }));
    expect(fang.status).toBe(504);
    expect((fang.json as Json).error_response).toMatchObject({ code: 504 });
  });

  it('businessCode: Beike envelope code (number or string), Fang error_response', async () => {
    sandbox.faults.add({ provider: 'beike', times: 1, fault: { kind: 'businessCode', code: 301 } });
    sandbox.faults.add({
      provider: 'beike',
      times: 1,
      fault: { kind: 'businessCode', code: '302', httpStatus: 429 },
    });
    sandbox.faults.add({ provider: 'fang', times: 1, fault: { kind: 'businessCode', code: 'rate_limited' } });
    sandbox.faults.add({ provider: 'fang', times: 1, fault: { kind: 'businessCode', code: 500 } });
    const first = await get(seedDetail());
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ code: 301, data: null });
    const second = await get(seedDetail());
    expect(second.status).toBe(429);
    expect(second.json).toMatchObject({ code: '302', message: 'rate limit exceeded', data: null });
    const rate = await get(fangUrl(sandbox, 'item_search', { region: '110000', q: '北京' }));
    expect(rate.status).toBe(403);
    expect((rate.json as Json).error_response).toMatchObject({ code: 403, sub_code: 'rate_limited' });
    const internal = await get(fangUrl(sandbox, 'item_search', { region: '110000', q: '北京' }));
    expect(internal.status).toBe(200);
    expect((internal.json as Json).error_response).toMatchObject({ code: 500, sub_code: 'internal_error' });
  });

  it('malformedJson: 200 with a truncated body', async () => {
    sandbox.faults.add({ provider: 'beike', fault: { kind: 'malformedJson' } });
    const reply = await get(seedDetail());
    expect(reply.status).toBe(200);
    expect(reply.json).toBeUndefined();
    expect(reply.text.startsWith('{\n"code": 0,')).toBe(true);
  });

  it('html: 502 with an nginx error page', async () => {
    sandbox.faults.add({ provider: 'fang', fault: { kind: 'html' } });
    const res = await request(fangUrl(sandbox, 'item_search', { region: '110000', q: '北京' }));
    expect(res.statusCode).toBe(502);
    expect(res.headers['content-type']).toContain('text/html');
    expect(await res.body.text()).toContain('<center>nginx</center>');
  });

  it('hugeBody: 200 with valid JSON of exactly that size', async () => {
    const bytes = 10 * 1024 * 1024;
    sandbox.faults.add({ provider: 'beike', fault: { kind: 'hugeBody', bytes } });
    const res = await request(beikeUrl(sandbox, LIST, { cityId: '110000' }));
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-length']).toBe(String(bytes));
    const text = await res.body.text();
    expect(Buffer.byteLength(text)).toBe(bytes);
    expect((JSON.parse(text) as Json).code).toBe(0);
  });

  it('wrongTypes: the envelope and ids intact, the fields of the wrong type', async () => {
    const { code, url } = otherDetail();
    sandbox.faults.add({ provider: 'beike', path: DETAIL, fault: { kind: 'wrongTypes' } });
    const detail = (await get(url)).json as Json;
    expect(detail.code).toBe(0);
    expect(detail.data.basicInfo.houseCode).toBe(code);
    expect(typeof detail.data.basicInfo.price).not.toBe('number');
    expect(typeof detail.data.basicInfo.area).not.toBe('number');
    expect(typeof detail.data.infoList).toBe('number');

    sandbox.faults.add({ provider: 'fang', fault: { kind: 'wrongTypes' } });
    const houses = (
      (await get(fangUrl(sandbox, 'item_search', { region: '110000', q: '北京' }))).json as Json
    ).item_search_response.houses;
    expect(houses.house.length).toBe(20);
    for (const house of houses.house) {
      expect(house.house_id).toMatch(/^esf_/);
      expect(typeof house.price).not.toBe('number');
    }
  });

  it('applies to the given path and id only', async () => {
    const { code, url } = otherDetail();
    sandbox.faults.add({ provider: 'beike', path: DETAIL, id: code, fault: { kind: 'status', status: 500 } });
    expect((await get(url)).status).toBe(500);
    expect((await get(seedDetail())).status).toBe(200);
    expect((await get(beikeUrl(sandbox, LIST, { cityId: '110000' }))).status).toBe(200);
    expect((await get(fangUrl(sandbox, 'item_search', { region: '110000', q: '北京' }))).status).toBe(200);
  });
});

describe('calls, latency, limits and controls', () => {
  it('counts calls by provider, path and id, without credentials', async () => {
    const { code, url } = otherDetail();
    await get(url);
    await get(url);
    await get(seedDetail());
    await get(beikeUrl(sandbox, LIST, { cityId: '110000' }));
    await get(fangUrl(sandbox, 'item_get', { house_id: 'zf_1_12345678' }));
    expect(sandbox.calls.count()).toBe(5);
    expect(sandbox.calls.count({ provider: 'beike' })).toBe(4);
    expect(sandbox.calls.count({ path: DETAIL })).toBe(3);
    expect(sandbox.calls.count({ path: DETAIL, id: code })).toBe(2);
    expect(sandbox.calls.count({ provider: 'fang', id: 'zf_1_12345678' })).toBe(1);
    expect(sandbox.calls.list().find((c) => c.path === LIST)?.id).toBeNull();
    const text = JSON.stringify(sandbox.calls.list());
    expect(text).not.toContain(sandbox.credentials.beikeToken);
    expect(text).not.toContain(sandbox.credentials.fangKey);
  });

  it('mirrors the controls over HTTP, uncounted', async () => {
    const post = await request(`${sandbox.fangUrl}/__sandbox/faults`, {
      method: 'POST',
      body: JSON.stringify({ path: '/fang/item_search', times: 1, fault: { kind: 'status', status: 502 } }),
    });
    expect(post.statusCode).toBe(201);
    await post.body.dump();
    expect((await get(fangUrl(sandbox, 'item_search', { region: '110000', q: '北京' }))).status).toBe(502);
    expect((await get(fangUrl(sandbox, 'item_search', { region: '110000', q: '北京' }))).status).toBe(200);

    const bad = await request(`${sandbox.beikeUrl}/__sandbox/faults`, {
      method: 'POST',
      body: JSON.stringify({ fault: { kind: 'explode' } }),
    });
    expect(bad.statusCode).toBe(400);
    await bad.body.dump();

    const calls = (await get(`${sandbox.beikeUrl}/__sandbox/calls?provider=fang`)).json as Json;
    expect(calls.count).toBe(2);
    await (await request(`${sandbox.beikeUrl}/__sandbox/calls`, { method: 'DELETE' })).body.dump();
    expect(sandbox.calls.count()).toBe(0);

    const latency = await request(`${sandbox.beikeUrl}/__sandbox/latency`, {
      method: 'PUT',
      body: '{"ms":600}',
    });
    expect(latency.statusCode).toBe(200);
    await latency.body.dump();
    await expect(get(seedDetail(), 100)).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  it('simulates the providers’ own rate limit and daily quota', async () => {
    const limited = await startSandbox({ rateLimitPerSecond: { beike: 2 }, dailyQuota: { fang: 1 } });
    try {
      const url = beikeUrl(limited, DETAIL, { cityId: '110000', houseCode: SEED });
      const codes: unknown[] = [];
      for (let i = 0; i < 4; i++) codes.push(((await get(url)).json as Json).code);
      expect(codes[0]).toBe(0);
      expect(codes).toContain(302);
      const first = await get(fangUrl(limited, 'item_search', { region: '110000', q: '北京' }));
      const second = await get(fangUrl(limited, 'item_search', { region: '110000', q: '北京' }));
      expect(first.status).toBe(200);
      expect(second.status).toBe(403);
      expect((second.json as Json).error_response.sub_code).toBe('quota_exceeded');
    } finally {
      await limited.close();
    }
  });

  it('close() returns promptly with a hung timeout socket open', async () => {
    const other = await startSandbox({ scale: 0.1 });
    other.faults.add({ provider: 'beike', fault: { kind: 'timeout' } });
    other.faults.add({ provider: 'fang', fault: { kind: 'slowBody', chunkDelayMs: 60_000 } });
    const hung = get(beikeUrl(other, DETAIL, { cityId: '110000', houseCode: SEED })).catch((e: unknown) => e);
    const trickling = request(fangUrl(other, 'item_search', { region: '110000', q: '北京' }))
      .then(
        (res) => res.body.text(),
        (e: unknown) => e,
      )
      .catch((e: unknown) => e);
    // Both calls have arrived (a loaded machine may take more than a moment).
    for (let waited = 0; other.calls.count() < 2 && waited < 5_000; waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(other.calls.count()).toBe(2);
    const started = Date.now();
    await other.close();
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(await hung).toBeInstanceOf(Error);
    expect(await trickling).toBeInstanceOf(Error);
  });
});
