import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { ALICE_KEY, gql } from '../watches/support.js';

/**
 * Every rule of a search filter, where a filter is an argument: `search(filter:)` and a watch's
 * `input.filter`. Each bad filter is BAD_USER_INPUT naming the field to change, with the rule's
 * own words, and calls no provider; the good neighbour of each passes.
 */

let gw: TestGateway;
beforeAll(async () => {
  gw = await startGateway({
    API_KEYS: `alice:${ALICE_KEY}`,
    HISTORY_ENABLED: '1',
    SANDBOX_COLLECT_CALLS: '0',
  });
});
afterAll(() => gw.close());
beforeEach(() => gw.app.sandbox!.calls.reset());

const BEIJING = { cityId: '110000' };

/** [what is wrong, the filter, the field named, words of the message] */
const BAD: [string, Record<string, unknown>, string, string][] = [
  ['an unknown city', { cityId: '999999' }, 'cityId', 'is not a supported city'],
  [
    'a keyword over 50 characters',
    { ...BEIJING, keyword: 'x'.repeat(51) },
    'keyword',
    'at most 50 characters',
  ],
  ['no provider', { ...BEIJING, providers: [] }, 'providers', 'at least one provider'],
  ['0 bedrooms', { ...BEIJING, bedrooms: [0] }, 'bedrooms.0', 'must be 1 to 5'],
  ['6 bedrooms', { ...BEIJING, bedrooms: [2, 6] }, 'bedrooms.1', 'must be 1 to 5'],
  ['six bedroom counts', { ...BEIJING, bedrooms: [1, 2, 3, 4, 5, 5] }, 'bedrooms', '<=5 items'],
  ['a negative price', { ...BEIJING, priceMin: -1 }, 'priceMin', 'must not be negative'],
  ['an absurd price', { ...BEIJING, priceMax: 1e13 }, 'priceMax', 'is too large'],
  ['a negative area', { ...BEIJING, areaMin: -5 }, 'areaMin', 'must not be negative'],
  [
    'prices the wrong way round',
    { ...BEIJING, priceMin: 2e6, priceMax: 1e6 },
    'priceMin',
    'must not exceed priceMax',
  ],
  [
    'areas the wrong way round',
    { ...BEIJING, areaMin: 90, areaMax: 60 },
    'areaMin',
    'must not exceed areaMax',
  ],
  ['no district', { ...BEIJING, districtIds: [] }, 'districtIds', 'at least one district'],
  ['a district name, not a code', { ...BEIJING, districtIds: ['朝阳区'] }, 'districtIds.0', 'GB/T 2260'],
  ['21 districts', { ...BEIJING, districtIds: Array(21).fill('110105') }, 'districtIds', 'at most 20'],
  [
    'a district of another city',
    { ...BEIJING, districtIds: ['310115'] },
    'districtIds',
    'not a district of city',
  ],
  [
    'a keyword error before a range error',
    { ...BEIJING, keyword: 'x'.repeat(51), priceMin: 2, priceMax: 1 },
    'keyword',
    'at most 50',
  ],
];

const GOOD: Record<string, unknown>[] = [
  { ...BEIJING, keyword: ` ${'x'.repeat(50)} ` },
  { ...BEIJING, providers: ['BEIKE'] },
  { ...BEIJING, bedrooms: [1, 5] },
  { ...BEIJING, priceMin: 0, priceMax: 0, areaMin: 60, areaMax: 60 },
  { ...BEIJING, districtIds: ['110105', '110108'] },
];

const SEARCH = 'query($f: SearchFilter!, $n: Int) { search(filter: $f, first: $n) { totalCount } }';
const CREATE = 'mutation($i: WatchInput!) { createWatch(input: $i) { watch { id } } }';

describe('search(filter:)', () => {
  it.each(BAD)('refuses %s, naming the field, calling nothing', async (_, filter, field, words) => {
    const answer = await gql(gw.url, ALICE_KEY, SEARCH, { f: filter });
    expect(answer.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      argument: `filter.${field}`,
    });
    expect(answer.errors?.[0]?.message).toContain(words);
    expect(gw.app.sandbox!.calls.count()).toBe(0);
  });

  it('names the filter before `first` when both are wrong, and `first` alone when only it is', async () => {
    const both = await gql(gw.url, ALICE_KEY, SEARCH, { f: { cityId: '999999' }, n: 0 });
    expect(both.errors?.[0]?.extensions).toMatchObject({ argument: 'filter.cityId' });
    const first = await gql(gw.url, ALICE_KEY, SEARCH, { f: BEIJING, n: 0 });
    expect(first.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'first' });
  });

  it.each(GOOD)('accepts %o', async (filter) => {
    const answer = await gql(gw.url, ALICE_KEY, SEARCH, { f: filter, n: 1 });
    expect(answer.errors).toBeUndefined();
  });

  it('searches with the keyword trimmed, as one blank-padded word is the same search', async () => {
    const padded = await gql(gw.url, ALICE_KEY, SEARCH, { f: { ...BEIJING, keyword: '  花园 ' }, n: 5 });
    const bare = await gql(gw.url, ALICE_KEY, SEARCH, { f: { ...BEIJING, keyword: '花园' }, n: 5 });
    expect(padded.errors).toBeUndefined();
    expect(padded.data).toEqual(bare.data);
  });
});

describe("a watch's input.filter", () => {
  it.each(BAD)('refuses %s, naming the field', async (_, filter, field, words) => {
    const answer = await gql(gw.url, ALICE_KEY, CREATE, { i: { filter, newListings: false } });
    expect(answer.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      argument: `input.filter.${field}`,
    });
    expect(answer.errors?.[0]?.message).toContain(words);
  });
});
