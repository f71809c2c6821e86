import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEARCH_EVERY_FIELD } from '../../bench/documents.js';
import { dataOf, startGateway, type TestGateway } from '../support/gateway.js';

/**
 * Warm listing and community fields answer synchronously from the caches in memory
 * (ListingStore.peekDetail, the kept community merges); cold ones through the DataLoader and the
 * community-list fetch. Both ways must give the same answer, field for field.
 */

const body = (cityId: string) => ({
  query: SEARCH_EVERY_FIELD,
  variables: { filter: { cityId }, first: 20 },
});

describe('every field of a search page, cold then warm (response cache off)', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({ RESPONSE_CACHE_MAX_ENTRIES: '0' });
  }, 60_000);
  afterAll(() => gw.close());

  it('answers the same from the caches in memory as through the provider reads, and calls nothing', async () => {
    for (const cityId of ['110000', '310000']) {
      gw.app.sandbox!.calls.reset();
      const cold = await gw.raw(body(cityId));
      const coldCalls = gw.app.sandbox!.calls.count();
      // Details and community pages were read: the cold answer went the loader's way.
      expect(coldCalls).toBeGreaterThan(2);
      const coldData = dataOf(cold) as { search: { edges: { node: Record<string, unknown> }[] } };
      expect(coldData.search.edges).toHaveLength(20);
      // The detail-only fields are there (not the stubs' nulls) and communities were merged.
      expect(coldData.search.edges.some((e) => e.node.description !== null)).toBe(true);
      expect(
        coldData.search.edges.some(
          (e) => (e.node.community as { resaleListingCount?: unknown } | null)?.resaleListingCount != null,
        ),
      ).toBe(true);

      gw.app.sandbox!.calls.reset();
      const warm = await gw.raw(body(cityId));
      expect(gw.app.sandbox!.calls.count()).toBe(0);
      expect(warm.errors).toBeUndefined();
      expect(warm.data).toEqual(cold.data);
      // Executed again, not a cached answer: a third time is the same too.
      expect((await gw.raw(body(cityId))).data).toEqual(cold.data);
    }
  }, 120_000);
});
