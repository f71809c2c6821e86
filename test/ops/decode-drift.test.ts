import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Readiness } from '../../src/server/plugins/health.js';
import { GATEWAY_FANG_PATHS, startGateway, type TestGateway } from '../support/gateway.js';
import { OPS_ENV, post, scrape, searchEdges, sumOf } from './support.js';

/** A field the sandbox renames shows up, by provider, endpoint and field, in /metrics and /ready. */

const SEARCH = `query DriftSearch($city: String!, $providers: [Provider!]) {
  search(filter: { cityId: $city, providers: $providers }, first: 10) { edges { node { id title } } }
}`;
const DRIFT = 'listing_graph_decode_drift_total';

let gw: TestGateway;
const base = () => gw.url.replace(/\/graphql$/, '');
beforeAll(async () => {
  gw = await startGateway(OPS_ENV);
});
afterAll(() => gw.close());

describe('decode drift', () => {
  it('counts a field Fang renamed, in /metrics and in the /ready summary', async () => {
    const fang = { provider: 'FANG', endpoint: 'search', field: 'house_name' };
    expect(sumOf(await scrape(base()), DRIFT, fang)).toBe(0);

    gw.app.sandbox!.faults.add({
      provider: 'fang',
      path: GATEWAY_FANG_PATHS.search,
      fault: { kind: 'renameField', from: 'house_name', to: 'houseName' },
    });
    const response = await post(gw.url, SEARCH, { city: '110000', providers: ['FANG'] });
    expect(response.status).toBe(200);
    // The listings still come through, titled by their building.
    expect(searchEdges(response.body)).toHaveLength(10);

    // One item_search page of 50 houses (FANG_PAGE_SIZE), each without its house_name.
    expect(sumOf(await scrape(base()), DRIFT, fang)).toBe(50);
    const ready = (await (await fetch(`${base()}/ready`)).json()) as Readiness;
    expect(ready.ready).toBe(true);
    expect(ready.decodeDrift?.total).toBeGreaterThanOrEqual(50);
    expect(ready.decodeDrift?.top).toContainEqual({ ...fang, count: 50 });
  });

  it('counts a field Beike renamed in its list items', async () => {
    const beike = { provider: 'BEIKE', endpoint: 'search', field: 'title' };
    const before = sumOf(await scrape(base()), DRIFT, beike);
    gw.app.sandbox!.faults.add({
      provider: 'beike',
      path: '/api/beike/get-ershoufang-list/v1',
      fault: { kind: 'renameField', from: 'title', to: 'house_title' },
    });
    const response = await post(gw.url, SEARCH, { city: '310000', providers: ['BEIKE'] });
    expect(response.status).toBe(200);
    expect(sumOf(await scrape(base()), DRIFT, beike) - before).toBeGreaterThanOrEqual(10);
  });
});
