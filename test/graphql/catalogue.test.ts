import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CitiesDocument, CommunitiesDocument, type CommunitiesQuery } from '../generated/graphql.js';
import { dataOf, type GraphQLResponse, startGateway, type TestGateway } from '../support/gateway.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startGateway();
});
afterAll(() => gw.close());

describe('cities, communities and GraphiQL', () => {
  it('lists the supported cities with the providers serving them', async () => {
    const { cities, service } = dataOf(await gw.query(CitiesDocument, {}));
    expect(service).toEqual({ mode: 'SANDBOX', providers: ['BEIKE', 'FANG'] });
    expect(cities.find((c) => c.id === '110000')).toEqual({
      id: '110000',
      name: '北京',
      pinyin: 'Beijing',
      providers: ['BEIKE', 'FANG'],
    });
  });

  it("pages through a city's communities exactly once, with average prices in yuan/m²", async () => {
    const expected = gw.app.sandbox!.data.beike.communities.filter((c) => c.cityId === '310000');
    const seen: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 20; i++) {
      const response: GraphQLResponse<CommunitiesQuery> = await gw.query(CommunitiesDocument, {
        cityId: '310000',
        first: 7,
        after,
      });
      const { communities } = dataOf(response);
      expect(communities.totalCount).toBe(expected.length);
      for (const { node } of communities.edges) {
        seen.push(node.sourceId as string);
        expect(node.averageUnitPrice).toBeGreaterThan(10_000);
      }
      if (!communities.pageInfo.hasNextPage) break;
      after = communities.pageInfo.endCursor ?? null;
    }
    expect([...seen].sort()).toEqual(expected.map((c) => c.communityId).sort());
  });

  it('opens GraphiQL with a ready example search in 北京', async () => {
    const response = await fetch(gw.url, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('BeijingTwoBedrooms');
    expect(html).toContain('110000');
    expect(html).toContain('SANDBOX');
  });
});
