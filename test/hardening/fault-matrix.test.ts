import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { describeCase, FAULT_ENV, FAULT_MATRIX, fangListingOf, runFaultCase } from './fault-matrix.js';

let gw: TestGateway;
let fangListing: string;
const unhandled = vi.fn();
const uncaught = vi.fn();
beforeAll(async () => {
  process.on('unhandledRejection', unhandled);
  process.on('uncaughtException', uncaught);
  gw = await startGateway(FAULT_ENV);
  fangListing = fangListingOf(gw);
});
afterAll(async () => {
  process.off('unhandledRejection', unhandled);
  process.off('uncaughtException', uncaught);
  await gw.close();
});

describe('each provider × each fault the sandbox can inject', () => {
  it.each(FAULT_MATRIX.map((c) => [describeCase(c), c] as const))('%s', async (_name, c) => {
    const provider = c.provider.toUpperCase();
    const other = provider === 'BEIKE' ? 'FANG' : 'BEIKE';
    const { alone, detail, merged, after } = await runFaultCase(gw, c, fangListing);
    for (const { response } of [alone, detail, merged, after]) expect(response.status).toBe(200);

    if ('error' in c.expected) {
      const failure = { code: c.expected.error, provider };
      // Nothing to show: the search is null with the provider's error.
      expect(alone.response.data ?? null).toBeNull();
      expect(alone.response.errors).toEqual([
        expect.objectContaining({ extensions: expect.objectContaining(failure) }),
      ]);
      expect(detail.response.data).toEqual({ listing: null });
      expect(detail.response.errors?.[0]?.extensions).toMatchObject(failure);
      // Partial data: the other provider's listings, and an error naming the failed one.
      expect(merged.response.data?.search?.edges).toHaveLength(4);
      expect(merged.response.data?.search?.edges.every((e) => e.node.provider === other)).toBe(true);
      expect(merged.response.data?.search?.providers).toContainEqual({ provider, state: 'FAILED' });
      expect(merged.response.errors).toEqual([
        expect.objectContaining({ path: ['search'], extensions: expect.objectContaining(failure) }),
      ]);
    } else if ('notFound' in c.expected) {
      expect(alone.response).toMatchObject({ data: { search: { edges: [] } } });
      expect(alone.response.errors).toBeUndefined();
      expect(detail.response.data).toEqual({ listing: null });
      expect(detail.response.errors).toBeUndefined();
      expect(merged.response.errors).toBeUndefined();
      expect(merged.response.data?.search?.edges.every((e) => e.node.provider === other)).toBe(true);
    } else {
      // Damaged fields decode to something or null; ids stay intact and nothing fails.
      expect(alone.response.errors).toBeUndefined();
      expect(alone.response.data?.search?.edges).toHaveLength(3);
      expect(alone.response.data?.search?.edges.every((e) => e.node.provider === provider)).toBe(true);
      expect(detail.response.errors).toBeUndefined();
      expect(detail.response.data?.listing?.sourceId).toBe(
        provider === 'BEIKE' ? '101127449675' : fangListing,
      );
      expect(merged.response.errors).toBeUndefined();
      expect(merged.response.data?.search?.edges).toHaveLength(4);
    }

    // The server keeps answering, through the same pools, once the fault is gone.
    expect(after.response.errors).toBeUndefined();
    expect(after.response.data?.listing?.title).toEqual(expect.any(String));
    expect(unhandled).not.toHaveBeenCalled();
    expect(uncaught).not.toHaveBeenCalled();
  });
});
