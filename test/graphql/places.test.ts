import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { districtById } from '../../src/domain/districts.js';
import { BEIKE_PATHS } from '../../src/sandbox/index.js';
import { dataOf, type GraphQLResponse, startGateway, type TestGateway } from '../support/gateway.js';

/** Issue 11, part B: one name for each place, communities the same on every path. */

let gw: TestGateway;
beforeAll(async () => {
  gw = await startGateway();
});
afterAll(() => gw.close());
beforeEach(() => {
  gw.app.store.clear();
  gw.app.sandbox!.calls.reset();
});

interface Node {
  provider: string;
  district: { id: string; name: string; cityId: string } | null;
  community: { name: string } | null;
}
interface Search {
  search: {
    edges: { node: Node }[];
    providers: { provider: string; state: string; reason: string | null }[];
  };
}
const search = (filter: string, first = 20) =>
  gw.raw({
    query: `{ search(filter: ${filter}, first: ${first}) {
      edges { node { provider district { id name cityId } community { name } } }
      providers { provider state reason } } }`,
  }) as Promise<GraphQLResponse<Search>>;

describe('districts', () => {
  it('City.districts lists GB/T 2260 codes with full official names', async () => {
    const data = dataOf(await gw.raw({ query: '{ cities { id districts { id name cityId } } }' })) as {
      cities: { id: string; districts: { id: string; name: string; cityId: string }[] }[];
    };
    const beijing = data.cities.find((c) => c.id === '110000');
    expect(beijing?.districts).toContainEqual({ id: '110105', name: '朝阳区', cityId: '110000' });
    const hangzhou = data.cities.find((c) => c.id === '330100');
    expect(hangzhou?.districts).toContainEqual({ id: '330122', name: '桐庐县', cityId: '330100' });
  });

  it('both providers name a district alike (西湖区 vs 西湖 is one GB/T district)', async () => {
    const data = dataOf(await search('{ cityId: "330100" }', 40));
    const byProvider = new Map<string, Set<string>>();
    for (const { node } of data.search.edges) {
      expect(node.district, `${node.provider} ${node.community?.name}`).not.toBeNull();
      expect(node.district).toEqual(
        districtById(node.district!.id) && {
          id: node.district!.id,
          name: districtById(node.district!.id)!.name,
          cityId: '330100',
        },
      );
      const set = byProvider.get(node.provider) ?? new Set();
      set.add(node.district!.name);
      byProvider.set(node.provider, set);
    }
    // Full official names from both, whatever each site printed.
    expect([...byProvider.keys()].sort()).toEqual(['BEIKE', 'FANG']);
    for (const names of byProvider.values()) for (const name of names) expect(name).toMatch(/[区县市]$/);
  });

  it('districtIds narrows both providers upstream: every listing is in the district asked for', async () => {
    const data = dataOf(await search('{ cityId: "110000", districtIds: ["110105"] }', 30));
    expect(data.search.providers.map((p) => p.state)).toEqual(['OK', 'OK']);
    expect(data.search.edges.length).toBeGreaterThan(5);
    expect(new Set(data.search.edges.map((e) => e.node.provider))).toEqual(new Set(['BEIKE', 'FANG']));
    for (const { node } of data.search.edges) expect(node.district?.id).toBe('110105');
  });

  it('a district of another city, or not a code, is BAD_USER_INPUT naming filter.districtIds, and calls nothing', async () => {
    for (const ids of ['["310115"]', '["朝阳区"]', '[]']) {
      const response = await search(`{ cityId: "110000", districtIds: ${ids} }`);
      expect(response.errors?.[0]?.extensions, ids).toMatchObject({
        code: 'BAD_USER_INPUT',
        argument: expect.stringMatching(/^filter\.districtIds/),
      });
    }
    expect(gw.app.sandbox!.calls.count()).toBe(0);
  });

  it('several districts, which no provider takes upstream, are filtered by the gateway', async () => {
    const response = await gw.raw({
      query: `{ search(filter: { cityId: "110000", districtIds: ["110105", "110108"] }, first: 20) {
        edges { node { provider district { id } } } providers { provider state postFiltered } } }`,
    });
    const data = dataOf(response) as {
      search: { edges: { node: Node }[]; providers: { provider: string; postFiltered: string[] }[] };
    };
    expect(data.search.edges.length).toBeGreaterThan(0);
    for (const { node } of data.search.edges) expect(['110105', '110108']).toContain(node.district?.id);
    for (const p of data.search.providers) expect(p.postFiltered).toContain('districtIds');
  });
});

const COMMUNITY_FIELDS =
  'id provider sourceId name district { id name } averageUnitPrice builtYear subdistrict';
interface CommunityView {
  id: string;
  provider: string;
  sourceId: string | null;
  name: string;
  district: { id: string; name: string } | null;
  averageUnitPrice: number | null;
  builtYear: number | null;
}

describe('communities', () => {
  it('listing.community, communities() and node(id) give the same values for the same community', async () => {
    const fromListing = dataOf(
      await gw.raw({
        query: `{ listing(provider: BEIKE, sourceId: "101127449675", cityId: "110000") { community { ${COMMUNITY_FIELDS} } } }`,
      }),
    ) as { listing: { community: CommunityView } };
    const fromList = dataOf(
      await gw.raw({
        query: `{ communities(cityId: "110000", keyword: "双裕花园西区") { edges { node { ${COMMUNITY_FIELDS} } } } }`,
      }),
    ) as { communities: { edges: { node: CommunityView }[] } };
    const listed = fromList.communities.edges.find(
      (e) => e.node.sourceId === fromListing.listing.community.sourceId,
    );
    expect(listed).toBeDefined();
    // The listing says 顺义区 and no average or year; the list says 顺义, 38500 and 2003: one view.
    expect(fromListing.listing.community).toEqual(listed!.node);
    expect(listed!.node.district).toEqual({ id: '110113', name: '顺义区' });
    expect(listed!.node.averageUnitPrice).not.toBeNull();
    expect(listed!.node.builtYear).not.toBeNull();

    const byId = dataOf(
      await gw.raw({
        query: `{ node(id: "${listed!.node.id}") { __typename ... on Community { ${COMMUNITY_FIELDS} } } }`,
      }),
    ) as { node: CommunityView & { __typename: string } };
    expect(byId.node).toEqual({ __typename: 'Community', ...listed!.node });
  });

  it('Community.listings is a merged search within the community', async () => {
    const data = dataOf(
      await gw.raw({
        query: `{ communities(cityId: "110000", first: 1) { edges { node { name district { id }
          listings(first: 10) { edges { node { provider district { id } community { name } } } } } } } }`,
      }),
    ) as {
      communities: {
        edges: {
          node: { name: string; district: { id: string }; listings: { edges: { node: Node }[] } };
        }[];
      };
    };
    const community = data.communities.edges[0]!.node;
    expect(community.listings.edges.length).toBeGreaterThan(0);
    for (const { node } of community.listings.edges) {
      expect(node.community?.name).toContain(community.name);
      expect(node.district?.id).toBe(community.district.id);
    }
    expect(gw.app.sandbox!.calls.count({ path: BEIKE_PATHS.search })).toBeGreaterThan(0);
  });
});
