import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BEIKE_PATHS, type CallFilter } from '../../src/sandbox/index.js';
import { schema } from '../../src/schema/index.js';
import { pagesFor, ROOT_FIELD_COSTS } from '../../src/server/upstream-cost.js';
import { GATEWAY_FANG_PATHS, startGateway, type TestGateway } from '../support/gateway.js';

/**
 * The cost model in upstream calls, checked against the sandbox's own call count: where the model
 * says "up to N", an empty cache shows N calls; one call over the limit is refused with none.
 * Page sizes: Beike 20, Fang 50 (FANG_PAGE_SIZE default).
 */

const LIMIT = 6;
let gw: TestGateway;
beforeAll(async () => {
  gw = await startGateway({ QUERY_MAX_COST: String(LIMIT), BATCH_LIMIT: '3', QUERY_MAX_ALIASES: '20' });
});
afterAll(() => gw.close());
beforeEach(() => {
  gw.app.store.clear();
  gw.app.sandbox!.calls.reset();
});

const calls = (filter: CallFilter = {}) => gw.app.sandbox!.calls.count(filter);

// Collapsing off: these pin the pages themselves (the collapse's own reads are priced below).
const stubSearch = (first: number, city = '110000') =>
  `search(filter: {cityId: "${city}"}, first: ${first}, collapseDuplicates: false) { edges { node { id provider title totalPrice area } } }`;
const fangAgents = (first: number) =>
  `search(filter: {cityId: "110000", providers: [FANG]}, first: ${first}) { edges { node { title agent { name } } } }`;

async function expectRefused(query: string, cost: number, variables?: Record<string, unknown>) {
  const response = await gw.raw({ query, variables });
  expect(response.status).toBe(400);
  expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'COST_LIMIT_EXCEEDED', cost, limit: LIMIT });
  expect(response.errors?.[0]?.message).toContain(`${cost} upstream calls`);
  expect(response.errors?.[0]?.message).toContain(`${LIMIT}`);
  expect(calls()).toBe(0);
}

describe('the cost of an operation in upstream calls', () => {
  it('a stub-only search costs its search pages, and makes exactly those calls', async () => {
    // Beike: 30 listings span 2 pages of 20; Fang: 1 page of 50. Three calls, no detail.
    const response = await gw.raw({ query: `{ ${stubSearch(30)} }` });
    expect(response.errors).toBeUndefined();
    expect(calls({ provider: 'beike', path: BEIKE_PATHS.search })).toBe(2);
    expect(calls({ provider: 'fang', path: GATEWAY_FANG_PATHS.search })).toBe(1);
    expect(calls()).toBe(3);
  });

  it('collapsing duplicates adds the detail reads a page may spend, and the pages before a cursor', async () => {
    const collapsed = (first: number, after?: string) =>
      `{ search(filter: {cityId: "110000"}, first: ${first}${after ? `, after: "${after}"` : ''}) { pageInfo { endCursor } edges { node { id } } } }`;
    // 2 listings: a Beike page, a Fang page and at most 2 detail reads: 4, and never more calls.
    const response = (await gw.raw({ query: collapsed(2) })) as {
      errors?: unknown;
      data?: { search: { pageInfo: { endCursor: string } } };
    };
    expect(response.errors).toBeUndefined();
    expect(calls()).toBeLessThanOrEqual(4);
    // 3 listings: 2 pages and 3 reads, 5.
    gw.app.sandbox!.calls.reset();
    expect((await gw.raw({ query: collapsed(3) })).errors).toBeUndefined();
    // From a cursor 40 Beike listings in: its 2 earlier pages more (from the cache if it still has them).
    const cursor = Buffer.from(JSON.stringify({ v: 1, f: 'x', o: { BEIKE: 40, FANG: 0 } })).toString(
      'base64url',
    );
    await expectRefused(collapsed(2, cursor), 2 + 2 + 2 + 2);
  });

  it('aliases each count: three such searches cost 9', async () => {
    await expectRefused(
      `{ a: ${stubSearch(30)} b: ${stubSearch(30, '310000')} c: ${stubSearch(30, '440100')} }`,
      9,
    );
  });

  it('a field the stub lacks adds a detail call per listing, and the model is exact on a cold cache', async () => {
    // One Fang search page and five item_get calls: 6, the limit.
    const response = await gw.raw({ query: `{ ${fangAgents(5)} }` });
    expect(response.errors).toBeUndefined();
    expect(calls({ provider: 'fang', path: GATEWAY_FANG_PATHS.search })).toBe(1);
    expect(calls({ provider: 'fang', path: GATEWAY_FANG_PATHS.item })).toBe(5);
    await gw.app.store.clear();
    gw.app.sandbox!.calls.reset();
    await expectRefused(`{ ${fangAgents(6)} }`, 7);
  });

  it("judges stub fields per provider: Fang's stub carries decoration, Beike's does not", async () => {
    const decoration = (provider: string) =>
      `{ search(filter: {cityId: "110000", providers: [${provider}]}, first: 6) { edges { node { decoration } } } }`;
    const fang = await gw.raw({ query: decoration('FANG') });
    expect(fang.errors).toBeUndefined();
    expect(calls()).toBe(1);
    gw.app.sandbox!.calls.reset();
    await expectRefused(decoration('BEIKE'), 1 + 6);
  });

  it('reads fields through fragments, and honours @skip and @include', async () => {
    const query = `query($skip: Boolean!) {
      search(filter: {cityId: "110000", providers: [FANG]}, first: 6) { ...Edges }
    }
    fragment Edges on SearchConnection { edges { node { ... on Listing { title ...Agent @skip(if: $skip) } } } }
    fragment Agent on Listing { agent { name } }`;
    await expectRefused(query, 7, { skip: false });
    const skipped = await gw.raw({ query, variables: { skip: true } });
    expect(skipped.errors).toBeUndefined();
    expect(calls()).toBe(1);
    // A cost is remembered per document and variables (cost-limit.ts): the same document with the
    // first variables again is refused again, not let through on the cost of the last ones.
    gw.app.sandbox!.calls.reset();
    await expectRefused(query, 7, { skip: false });
  });

  it('takes `first` from variables, and counts one page more when resuming from a cursor', async () => {
    const query = `query($first: Int, $after: String) {
      search(filter: {cityId: "110000", providers: [FANG]}, first: $first, after: $after) { edges { node { title community { builtYear } } } }
    }`;
    // 6 listings from the start: 1 Fang page (its stubs carry the community) and one community-list
    // lookup per listing: 7.
    await expectRefused(query, 7, { first: 6 });
    // 5: 1 page and 5 lookups, within the limit; from a cursor, one page more at worst: 7.
    const fromStart = await gw.raw({ query, variables: { first: 5 } });
    expect(fromStart.errors).toBeUndefined();
    gw.app.sandbox!.calls.reset();
    await expectRefused(query, 7, { first: 5, after: 'any-cursor' });
  });

  it("a community's reference fields (name, cityId, subdistrict) cost no lookup, and make none", async () => {
    const query = `{ search(filter: {cityId: "110000", providers: [FANG]}, first: 6) {
      edges { node { title community { name cityId subdistrict } } } } }`;
    const response = (await gw.raw({ query })) as {
      errors?: unknown;
      data?: { search: { edges: { node: { community: { cityId: string | null } | null } }[] } };
    };
    expect(response.errors).toBeUndefined();
    const communities = response.data!.search.edges.map((e) => e.node.community).filter((c) => c !== null);
    expect(communities.length).toBeGreaterThan(0);
    for (const c of communities) expect(c.cityId).toBe('110000');
    expect(calls({ provider: 'beike', path: BEIKE_PATHS.communities })).toBe(0);
    expect(calls()).toBe(1);
  });

  it("a Beike listing's community lookup, started from its stub, is still one call per community", async () => {
    // 2 listings: 1 Beike page, 2 details, 2 community lookups: 5, within the limit.
    const query = `{ search(filter: {cityId: "110000", providers: [BEIKE]}, first: 2) {
      edges { node { title community { name builtYear averageUnitPrice } } } } }`;
    const response = (await gw.raw({ query })) as {
      errors?: unknown;
      data?: { search: { edges: { node: { community: { name: string } | null } }[] } };
    };
    expect(response.errors).toBeUndefined();
    const names = new Set(
      response.data!.search.edges.flatMap((e) => (e.node.community ? [e.node.community.name] : [])),
    );
    expect(names.size).toBeGreaterThan(0);
    expect(calls({ provider: 'beike', path: BEIKE_PATHS.communities })).toBe(names.size);
    expect(calls()).toBeLessThanOrEqual(5);
  });

  it('checks the range of `first` before the cost, with its own message (issue 11)', async () => {
    const query =
      'query($first: Int) { search(filter: {cityId: "110000"}, first: $first) { edges { node { title } } } }';
    for (const first of [1000, 121, 0]) {
      const response = await gw.raw({ query, variables: { first } });
      expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'first' });
      expect(response.errors?.[0]?.message).toBe('first: must be 1 to 50');
    }
    const literal = await gw.raw({ query: `{ ${stubSearch(1000)} }` });
    expect(literal.errors?.[0]?.message).toBe('first: must be 1 to 50');
    expect(calls()).toBe(0);
  });

  it('node costs 1 and nodes 1 per id; listing 1; communities its pages; cities nothing', async () => {
    const ids = Array.from({ length: 7 }, (_, i) =>
      Buffer.from(`Listing:FANG::esf_1_${i}`).toString('base64url'),
    );
    await expectRefused('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', 7, { ids });
    await expectRefused(`{ nodes(ids: ${JSON.stringify(ids)}) { id } }`, 7);
    await expectRefused(
      '{ communities(cityId: "110000", first: 50) { edges { node { name } } } a: listing(provider: FANG, sourceId: "esf_1_1") { id } b: listing(provider: FANG, sourceId: "esf_1_2") { id } c: listing(provider: FANG, sourceId: "esf_1_3") { id } d: node(id: "TGlzdGluZzpGQU5HOjplc2ZfMV8x") { id } }',
      3 + 3 + 1,
    );
    const free = await gw.raw({ query: '{ cities { id } service { mode } }' });
    expect(free.errors).toBeUndefined();
    expect(calls()).toBe(0);
  });

  it('adds up the operations of one batched request', async () => {
    const response = await fetch(gw.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify([
        { query: `{ ${stubSearch(30)} }` },
        { query: `{ ${stubSearch(30, '310000')} }` },
        { query: '{ listing(provider: FANG, sourceId: "esf_1_1") { id } }' },
      ]),
    });
    const results = (await response.json()) as { errors?: { extensions?: { code?: string } }[] }[];
    expect(results).toHaveLength(3);
    const refusedOnes = results.filter((r) => r.errors?.[0]?.extensions?.code === 'COST_LIMIT_EXCEEDED');
    expect(refusedOnes).toHaveLength(1);
    expect(calls()).toBeLessThanOrEqual(LIMIT);
  });

  it('costs nothing for an operation that cannot run (bad variables), which then fails as usual', async () => {
    const response = await gw.raw({
      query:
        'query($first: Int!) { search(filter: {cityId: "110000"}, first: $first) { edges { node { agent { name } } } } }',
      variables: { first: 'many' },
    });
    expect(response.errors?.[0]?.message).toContain('$first');
    expect(calls()).toBe(0);
  });
});

describe('the per-client upstream-call budget', () => {
  it('refuses with 429 and Retry-After once spent, and a cost above the whole budget with COST_LIMIT_EXCEEDED', async () => {
    const budgeted = await startGateway({ CLIENT_COST_PER_MINUTE: '10' });
    const agents = (first: number, city: string) =>
      `{ search(filter: {cityId: "${city}", providers: [FANG]}, first: ${first}) { edges { node { agent { name } } } } }`;
    try {
      const send = (query: string) => budgeted.raw({ query });
      // 6 calls, then 6 more: the budget of 10 is overdrawn (each request within its worst case).
      expect((await send(agents(5, '110000'))).errors).toBeUndefined();
      expect((await send(agents(5, '330100'))).errors).toBeUndefined();
      const before = budgeted.app.sandbox!.calls.count();
      expect(before).toBe(12);
      const response = await fetch(budgeted.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
        body: JSON.stringify({ query: agents(5, '310000') }),
      });
      expect(response.status).toBe(429);
      const retryAfter = Number(response.headers.get('retry-after'));
      expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
      const body = (await response.json()) as { errors: { extensions: Record<string, unknown> }[] };
      expect(body.errors[0]?.extensions).toMatchObject({
        code: 'RATE_LIMITED',
        cost: 6,
        retryAfterSeconds: retryAfter,
      });
      expect(budgeted.app.sandbox!.calls.count()).toBe(before);
      const tooBig = await send(agents(10, '440100'));
      expect(tooBig.errors?.[0]?.extensions).toMatchObject({
        code: 'COST_LIMIT_EXCEEDED',
        cost: 11,
        limit: 10,
      });
      // A free operation still runs.
      expect((await send('{ cities { id } }')).errors).toBeUndefined();
    } finally {
      await budgeted.close();
    }
  });
});

describe('the per-client budget is charged what a request actually called', () => {
  it('a cached answer costs nothing: paging back over cached pages never runs out (issue 11)', async () => {
    // No whole-answer cache: each repeat executes and is served by the listing caches.
    const budgeted = await startGateway({ CLIENT_COST_PER_MINUTE: '10', RESPONSE_CACHE_TTL_SECONDS: '0' });
    const agents = `{ search(filter: {cityId: "110000", providers: [FANG]}, first: 5) { edges { node { agent { name } } } } }`;
    try {
      // Worst case 6, actually 6 the first time: 4 left. Then served from cache: 0 each time
      // (charged at the worst case, the second would already have been refused).
      expect((await budgeted.raw({ query: agents })).errors).toBeUndefined();
      const before = budgeted.app.sandbox!.calls.count();
      expect(before).toBe(6);
      for (let i = 0; i < 5; i++) {
        const again = await budgeted.raw({ query: agents });
        expect(again.errors, `repeat ${i}`).toBeUndefined();
      }
      expect(budgeted.app.sandbox!.calls.count()).toBe(before);
      // Real calls still spend it: 6 more overdraw the 4 left, and the next is refused.
      expect((await budgeted.raw({ query: agents.replace('110000', '310000') })).errors).toBeUndefined();
      const spent = await budgeted.raw({ query: agents.replace('110000', '440300') });
      expect(spent.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED' });
    } finally {
      await budgeted.close();
    }
  });
});

describe('the model', () => {
  it('has a rule for every Query field, so a new field cannot slip through uncosted', () => {
    expect(Object.keys(ROOT_FIELD_COSTS).sort()).toEqual(
      Object.keys(schema.getQueryType()!.getFields()).sort(),
    );
  });

  it.each([
    [20, 20, false, 1],
    [21, 20, false, 2],
    [50, 50, false, 1],
    [1, 20, true, 1],
    [20, 20, true, 2],
    [41, 20, true, 3],
    [0, 20, false, 0],
  ])('pagesFor(first %i, size %i, resumed %s) = %i', (first, size, resumed, pages) => {
    expect(pagesFor(first, size, resumed)).toBe(pages);
  });
});
