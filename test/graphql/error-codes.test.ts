import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../support/gateway.js';

/**
 * Issue 11: a code on every error and the mode on every answer. Every kind of bad input a client
 * can send, from a broken document to an id of the wrong type, gets `extensions.code`.
 */

let gw: TestGateway;
beforeAll(async () => {
  gw = await startGateway();
});
afterAll(() => gw.close());
beforeEach(() => gw.app.sandbox!.calls.reset());

const id = (text: string) => Buffer.from(text).toString('base64url');
const SEARCH =
  'query($f: SearchFilter!, $s: SearchSort, $n: Int) { search(filter: $f, sort: $s, first: $n) { totalCount } }';

const BAD: [string, unknown, string, Record<string, unknown>?][] = [
  [
    'a document that does not parse',
    { query: '{ search(filter: {cityId: "110000" ' },
    'GRAPHQL_PARSE_FAILED',
  ],
  ['a field that does not exist', { query: '{ nope }' }, 'GRAPHQL_VALIDATION_FAILED'],
  ['a missing required argument', { query: '{ search { totalCount } }' }, 'GRAPHQL_VALIDATION_FAILED'],
  [
    'a bad enum value in variables',
    { query: SEARCH, variables: { f: { cityId: '110000' }, s: 'CHEAPEST' } },
    'BAD_USER_INPUT',
    { variable: 's' },
  ],
  [
    'a wrong type in variables',
    { query: SEARCH, variables: { f: { cityId: '110000' }, n: 'many' } },
    'BAD_USER_INPUT',
    { variable: 'n' },
  ],
  ['a missing required variable', { query: SEARCH, variables: {} }, 'BAD_USER_INPUT', { variable: 'f' }],
  [
    'an unknown field in an input variable',
    { query: SEARCH, variables: { f: { cityId: '110000', town: 'x' } } },
    'BAD_USER_INPUT',
    { variable: 'f' },
  ],
  [
    'first out of range',
    { query: SEARCH, variables: { f: { cityId: '110000' }, n: 1000 } },
    'BAD_USER_INPUT',
    { argument: 'first' },
  ],
  ['an unknown city', { query: SEARCH, variables: { f: { cityId: '999999' } } }, 'BAD_USER_INPUT'],
  ['a malformed node id', { query: '{ node(id: "%%%") { id } }' }, 'BAD_USER_INPUT', { argument: 'id' }],
  [
    'a node id of a type node(id:) cannot read',
    { query: `{ node(id: "${id('City:110000')}") { id } }` },
    'BAD_USER_INPUT',
    { argument: 'id' },
  ],
  [
    'a malformed community id',
    { query: `{ node(id: "${id('Community:nonsense')}") { id } }` },
    'BAD_USER_INPUT',
    { argument: 'id' },
  ],
  [
    'a malformed cursor',
    { query: '{ search(filter: {cityId: "110000"}, after: "x") { totalCount } }' },
    'BAD_USER_INPUT',
  ],
];

describe('every error has a code, every answer the mode', () => {
  it.each(BAD)('%s → %s', async (_name, body, code, extensions = {}) => {
    const response = await gw.raw(body);
    expect(response.errors?.length).toBeGreaterThan(0);
    for (const error of response.errors ?? []) expect(typeof error.extensions?.code).toBe('string');
    expect(response.errors?.[0]?.extensions).toMatchObject({ code, ...extensions });
    expect(response.extensions).toMatchObject({ mode: 'SANDBOX' });
    expect(gw.app.sandbox!.calls.count()).toBe(0);
  });

  it('a bad enum value in variables names the variable in the message too', async () => {
    const response = await gw.raw({ query: SEARCH, variables: { f: { cityId: '110000' }, s: 'CHEAPEST' } });
    expect(response.errors?.[0]?.message).toContain('$s');
  });
});
