import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execute, GraphQLRequestError, runExamples } from '../../examples/client.js';
import { SearchListingsDocument } from '../../examples/generated/graphql.js';
import { startGateway, type TestGateway } from '../support/gateway.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

let gw: TestGateway;
beforeAll(async () => {
  gw = await startGateway();
});
afterAll(() => gw.close());

describe('the partners’ example client', () => {
  it('pages a search, reads a listing with its agent, and compares two prices', async () => {
    const run = await runExamples(gw.url);
    expect(run.mode).toBe('SANDBOX');

    // Two pages of five, cheapest first, no listing twice.
    expect(run.listings).toHaveLength(10);
    const prices = run.listings.map((e) => e.node.totalPrice ?? Number.POSITIVE_INFINITY);
    expect(prices).toEqual([...prices].sort((a, b) => a - b));
    expect(new Set(run.listings.map((e) => e.node.id)).size).toBe(10);
    for (const { node } of run.listings) {
      expect(node.cityId).toBe('110000');
      expect(node.totalPrice).toBeLessThanOrEqual(8_000_000);
      expect([2, 3]).toContain(node.layout?.bedrooms);
    }

    const beike = run.listings.find((e) => e.node.provider === 'BEIKE')!.node;
    expect(run.withAgent?.id).toBe(beike.id);
    expect(run.withAgent?.agent?.name).toEqual(expect.any(String));

    const [a, b] = run.listings;
    expect(run.comparison.first).toMatchObject({ id: a!.node.id, totalPrice: a!.node.totalPrice });
    expect(run.comparison.second).toMatchObject({ id: b!.node.id, totalPrice: b!.node.totalPrice });
  });

  it('raises the server’s error code when no data comes back', async () => {
    const failure = await execute(gw.url, SearchListingsDocument, { filter: { cityId: '000000' } }).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(GraphQLRequestError);
    expect((failure as GraphQLRequestError).errors[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('runs as a script against a URL', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'examples/client.ts', gw.url],
      { cwd: ROOT, timeout: 30_000 },
    );
    expect(stdout).toContain('SANDBOX');
    expect(stdout).toContain('search: 10 listings over 2 pages');
    expect(stdout).toMatch(/listing with agent: .+ — agent \S+/);
    expect(stdout).toMatch(/compare: .+ ¥[\d,]+ vs .+ ¥[\d,]+/);
  });
});
