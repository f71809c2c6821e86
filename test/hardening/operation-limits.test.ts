import { parse } from 'graphql';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { measureDocument } from '../../src/server/plugins/operation-limits.js';
import { startGateway, type TestGateway } from '../support/gateway.js';

const LIMITS = {
  QUERY_MAX_DEPTH: '4',
  QUERY_MAX_ALIASES: '2',
  QUERY_MAX_DIRECTIVES: '2',
  QUERY_MAX_TOKENS: '60',
  QUERY_MAX_CHARACTERS: '400',
};

let gw: TestGateway;
beforeAll(async () => {
  gw = await startGateway(LIMITS);
});
afterAll(() => gw.close());
beforeEach(() => {
  gw.app.store.clear();
  gw.app.sandbox!.calls.reset();
});

/** Each document below would call a provider if it ran. */
const refused: [string, string, Record<string, number>][] = [
  [
    'DEPTH_LIMIT_EXCEEDED',
    '{ search(filter: {cityId: "110000"}) { edges { node { layout { text } } } } }',
    { depth: 5, limit: 4 },
  ],
  [
    'DEPTH_LIMIT_EXCEEDED',
    '{ search(filter: {cityId: "110000"}) { ...E } } fragment E on SearchConnection { edges { node { ...L } } } fragment L on Listing { floor { level } }',
    { depth: 5, limit: 4 },
  ],
  [
    'ALIAS_LIMIT_EXCEEDED',
    '{ a: cities { id } b: listing(provider: FANG, sourceId: "esf_1_1") { id } c: listing(provider: FANG, sourceId: "esf_1_2") { id } }',
    { aliases: 3, limit: 2 },
  ],
  [
    'ALIAS_LIMIT_EXCEEDED',
    '{ listing(provider: FANG, sourceId: "esf_1_1") { ...F } } fragment F on Listing { a: id b: title c: area }',
    { aliases: 3, limit: 2 },
  ],
  [
    'DIRECTIVE_LIMIT_EXCEEDED',
    '{ listing(provider: FANG, sourceId: "esf_1_1") { id @include(if: true) title @skip(if: false) area @include(if: true) } }',
    { directives: 3, limit: 2 },
  ],
  [
    'TOKEN_LIMIT_EXCEEDED',
    `{ listing(provider: FANG, sourceId: "esf_1_1") { ${'id '.repeat(60)} } }`,
    { limit: 60 },
  ],
  [
    'DOCUMENT_TOO_LARGE',
    // 56 characters of query and a 400-character comment.
    `{ listing(provider: FANG, sourceId: "esf_1_1") { id } } ${'#'.repeat(400)}`,
    { characters: 456, limit: 400 },
  ],
];

describe('limits on the shape of a document', () => {
  it.each(refused)(
    '%s: refused before validation, with the limit, and no upstream call',
    async (code, query, details) => {
      const response = await gw.raw({ query });
      expect(response.status).toBe(400);
      expect(response.data).toBeUndefined();
      expect(response.errors).toHaveLength(1);
      expect(response.errors?.[0]?.extensions).toEqual({ code, ...details });
      expect(gw.app.sandbox!.calls.count()).toBe(0);
    },
  );

  it('answers 200 with application/json, as the GraphQL-over-HTTP spec asks of request errors there', async () => {
    const [, query] = refused[0]!;
    const response = await gw.raw(
      { query },
      { headers: { 'content-type': 'application/json', accept: 'application/json' } },
    );
    expect(response.status).toBe(200);
    expect(response.errors?.[0]?.extensions?.code).toBe('DEPTH_LIMIT_EXCEEDED');
  });

  it('lets a document at the limits through', async () => {
    const response = await gw.raw({
      query:
        '{ listing(provider: BEIKE, sourceId: "101127449675", cityId: "110000") { a: title b: area floor { level @include(if: true) } } }',
    });
    expect(response.errors).toBeUndefined();
    expect(response.data).toMatchObject({ listing: { a: expect.any(String), b: 63.4 } });
  });

  it('does not count introspection towards the depth (GraphiQL needs it)', async () => {
    const response = await gw.raw({
      query: '{ __schema { queryType { fields { type { ofType { ofType { name } } } } } } }',
    });
    expect(response.errors).toBeUndefined();
  });
});

describe('measureDocument', () => {
  it('measures each operation with fragments expanded, and takes the largest', () => {
    const shape = measureDocument(
      parse(`
        query A { x { y { z } } }
        query B @d { a: x { ...F } }
        fragment F on X { b: y @d { ...G } }
        fragment G on Y { c: z @d }
      `),
    );
    expect(shape).toEqual({ depth: 3, aliases: 3, directives: 3 });
  });

  it('measures a fragment bomb without expanding it', () => {
    const levels = 40;
    const fragments = Array.from(
      { length: levels },
      (_, i) => `fragment F${i} on T { a${i}: x ...F${i + 1} ...F${i + 1} }`,
    ).join('\n');
    const shape = measureDocument(parse(`{ ...F0 } ${fragments} fragment F${levels} on T { y }`));
    expect(shape.aliases).toBeGreaterThan(2 ** 39);
  });

  it('survives a fragment cycle (which validation then rejects)', () => {
    expect(
      measureDocument(parse('{ ...A } fragment A on T { x { ...B } } fragment B on T { y { ...A } }')),
    ).toEqual({ depth: 2, aliases: 0, directives: 0 });
  });
});
