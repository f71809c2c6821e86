import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { findCity } from '../../src/domain/cities.js';
import { startGateway, type TestGateway } from '../support/gateway.js';

/**
 * Random and hostile documents, variables, cursors and ids. Whatever comes in: never a 5xx, never
 * a crash or an unhandled rejection, and never an upstream call for input that is invalid.
 */

const RUNS = 60;

let gw: TestGateway;
const unhandled = vi.fn();
beforeAll(async () => {
  process.on('unhandledRejection', unhandled);
  // Rate limits off: a 429 would hide what the input itself does.
  gw = await startGateway({ CLIENT_REQUESTS_PER_MINUTE: '0', CLIENT_COST_PER_MINUTE: '0' });
});
afterAll(async () => {
  process.off('unhandledRejection', unhandled);
  // Still answering after everything.
  expect((await gw.raw({ query: '{ service { mode } }' })).data).toEqual({ service: { mode: 'SANDBOX' } });
  expect(unhandled).not.toHaveBeenCalled();
  await gw.close();
});
beforeEach(() => gw.app.sandbox!.calls.reset());

interface Answer {
  status: number;
  body: { data?: unknown; errors?: { extensions?: { code?: string; argument?: string } }[] } | null;
}

async function send(body: string, contentType = 'application/json'): Promise<Answer> {
  const response = await fetch(gw.url, {
    method: 'POST',
    headers: { 'content-type': contentType, accept: 'application/graphql-response+json' },
    body,
  });
  const text = await response.text();
  let parsed: Answer['body'] = null;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Some refusals (e.g. an unsupported media type) have no JSON body; the status still counts.
  }
  return { status: response.status, body: parsed };
}

/** An invalid request: refused with an input error, below 500, and no provider was called. */
function expectRefusedWithoutCalls(answer: Answer, argument?: string) {
  expect(answer.status).toBeLessThan(500);
  const errors = answer.body?.errors ?? [];
  expect(errors.length).toBeGreaterThan(0);
  expect(errors.every((e) => !e.extensions?.code?.startsWith('UPSTREAM_'))).toBe(true);
  if (argument) expect(errors.some((e) => e.extensions?.argument === argument)).toBe(true);
  expect(gw.app.sandbox!.calls.count()).toBe(0);
}

const b64 = (text: string) => Buffer.from(text).toString('base64url');

const TOKENS = [
  '{',
  '}',
  '(',
  ')',
  '[',
  ']',
  ':',
  '...',
  '@include(if: true)',
  '@skip(if: $x)',
  '$x',
  '$first',
  'query',
  'fragment F on Listing',
  '...F',
  'on',
  'search',
  'listing',
  'node',
  'nodes',
  'communities',
  'edges',
  'cursor',
  'title',
  'agent',
  'filter:',
  'cityId:',
  '"110000"',
  'first:',
  '1e999',
  '-1',
  '2147483648',
  'null',
  'true',
  '"\\u0000"',
  '"""',
  '#',
  '\n',
  'a:',
  '__schema',
  '__typename',
  'provider: BEIKE',
  'sourceId:',
  '"101127449675"',
  'ids:',
  'after:',
  '"',
  '\\',
  '\u{1F600}',
  'subscription',
  'mutation',
];

const hostileDocument = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'grapheme', maxLength: 100 }),
  fc.array(fc.constantFrom(...TOKENS), { maxLength: 60 }).map((t) => t.join(' ')),
  fc.integer({ min: 1, max: 3000 }).map((n) => `${'{ a '.repeat(n)}${'}'.repeat(n)}`),
  fc
    .integer({ min: 1, max: 500 })
    .map((n) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: cities { id }`).join(' ')} }`),
  fc.integer({ min: 1, max: 500 }).map((n) => `{ cities ${'@include(if: true) '.repeat(n)} { id } }`),
);

describe('bad input', () => {
  it('random and hostile documents: never a 5xx, and a request refused as a whole calls no provider', async () => {
    await fc.assert(
      fc.asyncProperty(
        hostileDocument,
        fc.option(fc.jsonValue({ maxDepth: 3 })),
        async (query, variables) => {
          gw.app.sandbox!.calls.reset();
          const answer = await send(JSON.stringify({ query, variables }));
          expect(answer.status).toBeLessThan(500);
          if (answer.body?.data === undefined) expect(gw.app.sandbox!.calls.count()).toBe(0);
        },
      ),
      { numRuns: RUNS * 2 },
    );
  });

  it('random bodies and media types: never a 5xx, never a call', async () => {
    const body = fc.oneof(
      fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
      fc.string({ maxLength: 200 }),
      fc
        .record({ query: fc.jsonValue({ maxDepth: 2 }), variables: fc.jsonValue({ maxDepth: 2 }) })
        .map((v) => JSON.stringify(v)),
    );
    const contentType = fc.constantFrom(
      'application/json',
      'application/graphql',
      'application/x-www-form-urlencoded',
      'text/plain',
      'multipart/form-data; boundary=x',
      'application/json; charset=latin1',
    );
    await fc.assert(
      fc.asyncProperty(body, contentType, async (text, type) => {
        gw.app.sandbox!.calls.reset();
        const answer = await send(text, type);
        expect(answer.status).toBeLessThan(500);
        expect(gw.app.sandbox!.calls.count()).toBe(0);
      }),
      { numRuns: RUNS },
    );
  });

  it('hostile search variables: refused without a call', async () => {
    const invalidCity = fc.string({ maxLength: 20 }).filter((s) => findCity(s) === undefined);
    const anything = fc.jsonValue({ maxDepth: 2 });
    // Each filter has at least one invalid part; the others may be valid or garbage.
    const filter = fc.oneof(
      fc.record({ cityId: invalidCity, keyword: fc.option(fc.string({ maxLength: 80 })) }),
      fc.record({
        cityId: fc.constant('110000'),
        bedrooms: fc.array(
          fc.integer().filter((n) => n < 1 || n > 5),
          { minLength: 1 },
        ),
      }),
      fc.record({
        cityId: fc.constant('110000'),
        priceMin: fc.double({ max: -Number.MIN_VALUE, noNaN: true }),
      }),
      fc.record({
        cityId: fc.constant('110000'),
        priceMin: fc.double({ min: 1e6, max: 1e9, noNaN: true }),
        priceMax: fc.constant(1),
      }),
      fc.record({
        cityId: fc.constant('110000'),
        keyword: fc.string({ minLength: 51, maxLength: 300 }).filter((s) => s.trim().length > 50),
      }),
      fc.record({ cityId: fc.constant('110000'), providers: fc.constant([]) }),
      fc.record({ cityId: fc.constant('110000'), listingType: fc.string() }),
      fc.record({ cityId: anything }),
      anything,
    );
    const first = fc.oneof(
      fc.integer({ min: -1e6, max: 0 }),
      fc.integer({ min: 51, max: 110 }),
      fc.constant(20),
    );
    await fc.assert(
      fc.asyncProperty(filter, first, async (f, n) => {
        gw.app.sandbox!.calls.reset();
        const answer = await send(
          JSON.stringify({
            query:
              'query($f: SearchFilter!, $n: Int) { search(filter: $f, first: $n) { edges { node { title agent { name } } } } }',
            variables: { f, n },
          }),
        );
        expectRefusedWithoutCalls(answer);
      }),
      { numRuns: RUNS },
    );
  });

  it('forged and random cursors: BAD_USER_INPUT on `after`, without a call', async () => {
    const cursor = fc.oneof(
      fc.string({ maxLength: 100 }),
      fc.base64String({ maxLength: 200 }),
      fc.jsonValue({ maxDepth: 3 }).map((v) => b64(JSON.stringify(v))),
      fc
        .record({
          v: fc.constantFrom(1, 2, '1'),
          f: fc.string({ minLength: 16, maxLength: 16 }),
          o: fc.dictionary(
            fc.constantFrom('BEIKE', 'FANG', 'X'),
            fc.oneof(fc.integer(), fc.double(), fc.string()),
          ),
        })
        .map((v) => b64(JSON.stringify(v))),
      fc.integer({ min: 513, max: 4000 }).map((n) => 'A'.repeat(n)),
    );
    await fc.assert(
      fc.asyncProperty(cursor, async (after) => {
        gw.app.sandbox!.calls.reset();
        const answer = await send(
          JSON.stringify({
            query:
              'query($a: String) { search(filter: {cityId: "110000"}, first: 5, after: $a) { edges { cursor } } }',
            variables: { a: after },
          }),
        );
        expectRefusedWithoutCalls(answer, 'after');
      }),
      { numRuns: RUNS },
    );
  });

  it('forged and random ids: BAD_USER_INPUT, without a call', async () => {
    const badChar = fc.constantFrom(' ', '%', '/', '.', '\u00e9', '"', '\n', ':');
    const sourceId = fc.string({ maxLength: 70 });
    const forged = fc.oneof(
      // Not base64url at all.
      fc.tuple(fc.string({ maxLength: 40 }), badChar).map(([s, c]) => `${s}${c}`),
      // No type name.
      fc
        .string({ maxLength: 60 })
        .filter((s) => !/^[A-Z][A-Za-z]*:/.test(s))
        .map(b64),
      // A provider that is not one.
      fc
        .tuple(
          fc.string({ maxLength: 10 }).filter((p) => p !== 'BEIKE' && p !== 'FANG'),
          sourceId,
        )
        .map(([p, s]) => b64(`Listing:${p}::${s}`)),
      // A Beike listing without a 6-digit city, a Fang one with a city.
      fc
        .tuple(
          fc.string({ maxLength: 8 }).filter((c) => !/^\d{6}$/.test(c)),
          sourceId,
        )
        .map(([c, s]) => b64(`Listing:BEIKE:${c}:${s}`)),
      fc
        .tuple(fc.string({ minLength: 1, maxLength: 8 }), sourceId)
        .map(([c, s]) => b64(`Listing:FANG:${c}:${s}`)),
      // A source id with a character no provider uses, or too long.
      fc.tuple(fc.string({ maxLength: 30 }), badChar).map(([s, c]) => b64(`Listing:FANG::${s}${c}`)),
      fc.string({ minLength: 65, maxLength: 100 }).map((s) => b64(`Listing:FANG::${'x'.repeat(65)}${s}`)),
    );
    await fc.assert(
      fc.asyncProperty(forged, fc.array(forged, { minLength: 1, maxLength: 5 }), async (id, ids) => {
        gw.app.sandbox!.calls.reset();
        expectRefusedWithoutCalls(
          await send(
            JSON.stringify({
              query: 'query($id: ID!) { node(id: $id) { id ... on Listing { agent { name } } } }',
              variables: { id },
            }),
          ),
          'id',
        );
        expectRefusedWithoutCalls(
          await send(
            JSON.stringify({ query: 'query($ids: [ID!]!) { nodes(ids: $ids) { id } }', variables: { ids } }),
          ),
        );
      }),
      { numRuns: RUNS },
    );
  });

  it('hostile listing arguments: refused without a call', async () => {
    const args = fc.oneof(
      // A source id no provider issues.
      fc.record({
        provider: fc.constantFrom('BEIKE', 'FANG'),
        sourceId: fc.oneof(
          fc.constant(''),
          fc.string({ minLength: 65, maxLength: 200 }),
          fc.string().map((s) => `${s} `),
        ),
        cityId: fc.constant('110000'),
      }),
      // Beike needs a known city.
      fc.record({
        provider: fc.constant('BEIKE'),
        sourceId: fc.constant('101127449675'),
        cityId: fc.option(
          fc.string({ maxLength: 10 }).filter((c) => findCity(c) === undefined),
          { nil: null },
        ),
      }),
      // Not a provider, or not a string.
      fc.record({ provider: fc.string(), sourceId: fc.jsonValue(), cityId: fc.jsonValue() }),
    );
    await fc.assert(
      fc.asyncProperty(args, async (variables) => {
        gw.app.sandbox!.calls.reset();
        const answer = await send(
          JSON.stringify({
            query:
              'query($provider: Provider!, $sourceId: String!, $cityId: String) { listing(provider: $provider, sourceId: $sourceId, cityId: $cityId) { title agent { name } } }',
            variables,
          }),
        );
        expectRefusedWithoutCalls(answer);
      }),
      { numRuns: RUNS },
    );
  });
});
