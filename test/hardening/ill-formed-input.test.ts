import fc from 'fast-check';
import { parse } from 'graphql';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type UpstreamEvent, UpstreamTransport } from '../../src/http/transport.js';
import { illFormedArgument } from '../../src/server/plugins/well-formed-strings.js';
import { rejection, startUpstream, testJudge } from '../http/upstream.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { transportOptions } from '../support/transport.js';

/**
 * Finding 2 of the security probe: `keyword: "a\ud800"` sent twice opened both circuits and spent
 * budget while no call reached a provider (encodeURIComponent threw inside the retry loop).
 */

const SEARCH = `query S($filter: SearchFilter!) { search(filter: $filter, first: 3) { edges { node { id } } } }`;
const COMMUNITIES = `query C($city: String!, $keyword: String) { communities(cityId: $city, keyword: $keyword, first: 3) { edges { node { id } } } }`;

interface Answer {
  status: number;
  body: { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

async function post(gw: TestGateway, query: string, variables: Record<string, unknown>): Promise<Answer> {
  const response = await fetch(gw.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    // JSON.stringify writes a lone surrogate as the escape \ud800, exactly as the probe sent it.
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

function health(gw: TestGateway) {
  return Object.fromEntries([...gw.app.providers].map(([name, p]) => [name, p.health()]));
}

describe('lone surrogates at the schema boundary (the real server on loopback)', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    // One counted failure would open a circuit: the probe's two requests are more than enough.
    gw = await startGateway({
      CIRCUIT_FAILURE_THRESHOLD: '1',
      CLIENT_REQUESTS_PER_MINUTE: '0',
      CLIENT_COST_PER_MINUTE: '0',
    });
  });
  afterAll(() => gw.close());
  beforeEach(() => gw.app.sandbox!.calls.reset());

  it('search(filter: { keyword: "a\\ud800" }) twice: BAD_USER_INPUT naming the argument, circuits closed, budget untouched', async () => {
    const before = health(gw);
    for (let i = 0; i < 2; i++) {
      const answer = await post(gw, SEARCH, { filter: { cityId: '110000', keyword: 'a\ud800' } });
      expect(answer.status).toBe(400);
      expect(answer.body.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        argument: 'search(filter.keyword)',
      });
    }
    expect(health(gw)).toEqual(before);
    expect(health(gw).BEIKE?.circuit).toBe('closed');
    expect(health(gw).FANG?.circuit).toBe('closed');
    expect(gw.app.sandbox!.calls.count()).toBe(0);
    // Others are still served.
    const ok = await post(gw, SEARCH, { filter: { cityId: '110000' } });
    expect(ok.body.errors).toBeUndefined();
  });

  it('communities(keyword:), a low surrogate alone, and a literal in the document are refused too', async () => {
    const before = health(gw);
    const communities = await post(gw, COMMUNITIES, { city: '110000', keyword: '\udc00x' });
    expect(communities.body.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      argument: 'communities(keyword)',
    });
    const literal = await post(
      gw,
      '{ search(filter: { cityId: "110000", keyword: "a\\ud800" }) { totalCount } }',
      {},
    );
    expect(literal.status).toBe(400);
    expect(literal.body.errors?.length).toBeGreaterThan(0);
    expect(health(gw)).toEqual(before);
    expect(gw.app.sandbox!.calls.count()).toBe(0);
  });

  it('names nested input fields, list items and unused variables', () => {
    const doc = parse(
      'query($f: SearchFilter!, $ids: [ID!]!, $x: String) { search(filter: $f) { totalCount } nodes(ids: $ids) { id } }',
    );
    expect(illFormedArgument(doc, { f: { cityId: '1', keyword: 'ok' }, ids: ['a', 'b\ud83d'] })).toBe(
      'nodes(ids[1])',
    );
    expect(illFormedArgument(doc, { f: { cityId: '\ud83d' }, ids: [] })).toBe('search(filter.cityId)');
    expect(illFormedArgument(doc, { f: { cityId: '1' }, ids: [], x: '\udfff' })).toBe('$x');
    // A well-formed pair (an emoji) is fine.
    expect(illFormedArgument(doc, { f: { cityId: '1', keyword: '😀' }, ids: ['😀'] })).toBeNull();
  });

  it('property: no string in any string argument opens a circuit or spends budget without a call reaching the sandbox', async () => {
    const unit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
    const anyString = fc.oneof(
      fc.array(unit, { maxLength: 12 }).map((units) => units.join('')),
      fc.string({ unit: 'binary', maxLength: 12 }),
      fc.constantFrom('a\ud800', '\udc00', '\ud800\ud800', '%', '%E0%A4%A', '\u0000', '😀', '望京'),
    );
    const operations: ((s: string) => { query: string; variables: Record<string, unknown> })[] = [
      (s) => ({ query: SEARCH, variables: { filter: { cityId: '110000', keyword: s } } }),
      (s) => ({ query: SEARCH, variables: { filter: { cityId: s } } }),
      (s) => ({ query: COMMUNITIES, variables: { city: '110000', keyword: s } }),
      (s) => ({ query: COMMUNITIES, variables: { city: s } }),
      (s) => ({
        query:
          'query L($p: Provider!, $s: String!, $c: String) { listing(provider: $p, sourceId: $s, cityId: $c) { id } }',
        variables: { p: 'FANG', s, c: '110000' },
      }),
      (s) => ({
        query:
          'query L($s: String!, $c: String) { listing(provider: BEIKE, sourceId: "101127449675", cityId: $c) { id } x: listing(provider: BEIKE, sourceId: $s, cityId: "110000") { id } }',
        variables: { s, c: s },
      }),
      (s) => ({ query: 'query N($id: ID!) { node(id: $id) { id } }', variables: { id: s } }),
      (s) => ({ query: 'query N($ids: [ID!]!) { nodes(ids: $ids) { id } }', variables: { ids: [s] } }),
      (s) => ({
        query: SEARCH.replace('first: 3', 'first: 3, after: $after').replace(
          '($filter: SearchFilter!)',
          '($filter: SearchFilter!, $after: String)',
        ),
        variables: { filter: { cityId: '110000' }, after: s },
      }),
    ];
    const spent = () =>
      [...gw.app.providers].map(([name, p]) => ({ name, budget: p.health().budgetRemaining ?? 0 }));
    const start = spent();
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: operations.length - 1 }), anyString, async (which, s) => {
        const { query, variables } = operations[which]!(s);
        const answer = await post(gw, query, variables);
        expect(answer.status).toBeLessThan(500);
        for (const [name, provider] of gw.app.providers) {
          expect(provider.health().circuit, name).toBe('closed');
        }
      }),
      { numRuns: 120 },
    );
    // Budget spent by each provider = calls the sandbox received from it, over the whole run.
    for (const { name, budget } of spent()) {
      const initial = start.find((s) => s.name === name)!.budget;
      const received = gw.app.sandbox!.calls.count({ provider: name === 'BEIKE' ? 'beike' : 'fang' });
      expect(initial - budget, name).toBe(received);
    }
  }, 120_000);
});

describe('an error while building a provider request (transport, a real loopback upstream)', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('is not retried, not counted by the breaker or the budget, and not reported as the provider being down', async () => {
    const upstream = await startUpstream((_req, res) => res.end('{"ok":1}'));
    const events: UpstreamEvent[] = [];
    const transport = new UpstreamTransport(
      transportOptions(upstream.baseUrl, {
        dailyBudget: 10,
        circuit: { failureThreshold: 1, openMs: 60_000 },
        onEvent: (event) => events.push(event),
      }),
    );
    cleanups.push(
      () => upstream.close(),
      () => transport.close(),
    );
    for (let i = 0; i < 3; i++) {
      const error = await rejection(
        transport.request({ endpoint: 'search', path: '/s', query: { q: 'a\ud800' } }, testJudge),
      );
      expect(error.code).toBe('UPSTREAM_BAD_REQUEST');
      expect(error.retryable).toBe(false);
      expect(error.attempts).toBe(0);
    }
    expect(upstream.hits).toHaveLength(0);
    expect(transport.circuitState).toBe('closed');
    expect(transport.budgetRemaining).toBe(10);
    expect(events.map((e) => [e.sent, e.willRetry, e.outcome])).toEqual([
      [false, false, 'UPSTREAM_BAD_REQUEST'],
      [false, false, 'UPSTREAM_BAD_REQUEST'],
      [false, false, 'UPSTREAM_BAD_REQUEST'],
    ]);
    // And a good request right after goes out and is counted.
    expect(await transport.request({ endpoint: 'search', path: '/s', query: { q: 'a' } }, testJudge)).toBe(1);
    expect(transport.budgetRemaining).toBe(9);
  });
});
