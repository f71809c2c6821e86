import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Fetched, type FetchSource, SharedFetcher } from '../../src/state/index.js';
import { MemoryCache } from '../../src/state/memory-cache.js';
import { MemoryWorkLock } from '../../src/state/work-lock.js';

/** The in-memory fetcher (one process) on a clock the test moves, recording what it reports. */
function fetcher(options: { ttlMs?: number; staleIfErrorMs?: number; maxEntries?: number } = {}) {
  let now = 1_000_000;
  const reported: FetchSource[] = [];
  const store = new MemoryCache<{ n: number }>({
    name: 'test',
    maxEntries: options.maxEntries ?? 100,
    ttlMs: options.ttlMs ?? 1_000,
    staleIfErrorMs: options.staleIfErrorMs ?? 5_000,
    now: () => now,
  });
  const shared = new SharedFetcher(store, new MemoryWorkLock(), { waitMs: 1_000, pollMs: 5, now: () => now });
  const cache = {
    size: () => store.size,
    set: (key: string, value: { n: number }) => store.set(key, value),
    async get(key: string, fetch: () => Promise<{ n: number }>): Promise<Fetched<{ n: number }>> {
      const result = await shared.get(key, fetch);
      reported.push(result.source);
      return result;
    },
  };
  // lru-cache reads the clock at most once per real millisecond: let one pass after moving it.
  const advance = async (ms: number) => {
    now += ms;
    await new Promise((resolve) => setTimeout(resolve, 5));
  };
  return { cache, reported, advance };
}

describe('SharedFetcher in one process', () => {
  it('fetches once, then serves from cache until the TTL passes', async () => {
    const { cache, reported, advance } = fetcher();
    let calls = 0;
    const fetch = async () => ({ n: ++calls });
    expect((await cache.get('k', fetch)).value).toEqual({ n: 1 });
    await advance(999);
    expect((await cache.get('k', fetch)).value).toEqual({ n: 1 });
    await advance(1);
    expect((await cache.get('k', fetch)).value).toEqual({ n: 2 });
    expect(reported).toEqual(['miss', 'hit', 'miss']);
  });

  it('shares one fetch among concurrent callers of a key', async () => {
    const { cache } = fetcher();
    let calls = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const fetch = async () => {
      calls++;
      await gate;
      return { n: calls };
    };
    const all = Promise.all([cache.get('k', fetch), cache.get('k', fetch), cache.get('other', fetch)]);
    release();
    const [a, b, c] = await all;
    expect(calls).toBe(2);
    expect([a.source, b.source, c.source]).toEqual(['miss', 'shared', 'miss']);
    expect(b.value).toBe(a.value);
  });

  it('serves an expired value when the fetch fails, only within the stale window', async () => {
    const { cache, advance } = fetcher({ ttlMs: 1_000, staleIfErrorMs: 5_000 });
    await cache.get('k', async () => ({ n: 1 }));
    const failing = async (): Promise<{ n: number }> => {
      throw new Error('provider down');
    };
    await advance(3_000);
    const stale = await cache.get('k', failing);
    expect(stale).toMatchObject({ value: { n: 1 }, source: 'stale', storedAt: 1_000_000 });
    await advance(3_001);
    await expect(cache.get('k', failing)).rejects.toThrow('provider down');
  });

  it('lets a failure through when nothing is cached, and tries again on the next call', async () => {
    const { cache } = fetcher();
    await expect(cache.get('k', async () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    expect((await cache.get('k', async () => ({ n: 2 }))).source).toBe('miss');
  });

  it('keeps what set() is given; a TTL of 0 keeps nothing', async () => {
    const { cache } = fetcher();
    await cache.set('k', { n: 7 });
    expect((await cache.get('k', async () => ({ n: 8 }))).source).toBe('hit');

    const none = fetcher({ ttlMs: 0, staleIfErrorMs: 0 });
    await none.cache.set('k', { n: 1 });
    expect(none.cache.size()).toBe(0);
    expect((await none.cache.get('k', async () => ({ n: 2 }))).source).toBe('miss');
  });

  it('never holds more than maxEntries, whatever the keys', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.string({ maxLength: 4 }), { maxLength: 60 }), async (keys) => {
        const { cache } = fetcher({ maxEntries: 5 });
        for (const key of keys) await cache.get(key, async () => ({ n: key.length }));
        expect(cache.size()).toBeLessThanOrEqual(5);
        expect(cache.size()).toBe(Math.min(5, new Set(keys).size));
      }),
    );
  });
});
