import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import type { Listing } from '../../src/domain/listing.js';
import { isFresh, localCache, RedisCache, type SharedCacheOptions } from '../../src/state/cache.js';
import type { Codec } from '../../src/state/index.js';
import type { RedisConnection } from '../../src/state/redis-connection.js';
import { type DetailValue, detailCodec } from '../../src/store/detail-codec.js';
import { SEED_LISTING } from '../providers/beike/seed.js';
import { connect, deleteKeys, redisUp, testPrefix } from '../support/redis.js';

/** The seed's detail under another id: Chinese text, nested parts, nulls for JSON to carry through. */
function detail(sourceId: string): Listing {
  return { ...SEED_LISTING, sourceId, fetchedAt: '2026-01-02T03:04:05.000Z' };
}

/** The detail codec, counting its decodes: how a test sees whether a read decoded or not. */
function countingCodec(): Codec<DetailValue> & { decodes: number } {
  const codec = {
    decodes: 0,
    encode: detailCodec.encode,
    decode(bytes: Buffer) {
      codec.decodes += 1;
      return detailCodec.decode(bytes);
    },
  };
  return codec;
}

describe('detailCodec', () => {
  it('gives back the detail it packed, an absent key staying absent, and null for no listing', () => {
    const { districtId: _districtId, ...community } = SEED_LISTING.community!;
    const listing = { ...detail('a'), community };
    expect('districtId' in listing.community).toBe(false);
    const back = detailCodec.decode(detailCodec.encode({ listing }));
    expect(back).toStrictEqual({ listing: structuredClone(listing) });
    expect(detailCodec.decode(detailCodec.encode({ listing: null }))).toStrictEqual({ listing: null });
  });

  it('packs into a buffer of its own, of the exact size, outside any shared pool', () => {
    const text = JSON.stringify(detail('b'));
    const bytes = detailCodec.encode({ listing: detail('b') });
    expect(bytes.byteLength).toBe(Buffer.byteLength(text));
    expect(bytes.buffer.byteLength).toBe(bytes.byteLength);
  });
});

/** The same cache semantics, values held as they are or packed: what callers see must not differ. */
describe.each([
  ['as they are', false],
  ['packed', true],
])('a cache in this process, values %s', (_label, packed) => {
  const make = (options: Partial<SharedCacheOptions<DetailValue>> = {}) => {
    let now = 1_000_000;
    const cache = localCache<DetailValue>({
      name: 'detail',
      ttlMs: 60_000,
      staleIfErrorMs: 60_000,
      maxEntries: 3,
      now: () => now,
      ...(packed ? { packing: { codec: detailCodec, decodedEntries: 2 } } : {}),
      ...options,
    });
    // lru-cache reads its clock at most once a millisecond of real time: let one pass.
    const advance = async (ms: number) => {
      now += ms;
      await sleep(5);
    };
    return { cache, advance, now: () => now };
  };

  it('keeps an entry through its TTL and stale window, then forgets it', async () => {
    const { cache, advance, now } = make();
    await cache.set('a', { listing: detail('a') });
    expect(cache.peek('a')?.value).toStrictEqual({ listing: detail('a') });
    await advance(90_000);
    const stale = await cache.get('a');
    expect(stale?.value.listing?.sourceId).toBe('a');
    expect(isFresh(stale!, 60_000, now())).toBe(false);
    await advance(31_000);
    expect(cache.peek('a')).toBeUndefined();
    await cache.set('old', { listing: detail('old') }, now() - 130_000);
    expect(await cache.get('old')).toBeUndefined();
  });

  it('holds at most maxEntries, dropping the least recently used', async () => {
    const { cache } = make();
    for (const id of ['a', 'b', 'c']) await cache.set(id, { listing: detail(id) });
    expect(cache.peek('a')?.value.listing?.sourceId).toBe('a');
    await cache.set('d', { listing: detail('d') });
    expect(cache.size).toBe(3);
    expect(cache.peek('b')).toBeUndefined();
    expect(['a', 'c', 'd'].map((id) => cache.peek(id)?.value.listing?.sourceId)).toEqual(['a', 'c', 'd']);
  });

  it('answers a newer value set under the same key, and nothing after clear', async () => {
    const { cache } = make();
    await cache.set('a', { listing: detail('a') });
    expect(cache.peek('a')?.value.listing?.title).toBe(SEED_LISTING.title);
    await cache.set('a', { listing: { ...detail('a'), title: '新标题' } });
    expect(cache.peek('a')?.value.listing?.title).toBe('新标题');
    cache.clear();
    expect(cache.peek('a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });
});

describe('a packed cache', () => {
  const make = (decodedEntries: number) => {
    const codec = countingCodec();
    const cache = localCache<DetailValue>({
      name: 'detail',
      ttlMs: 60_000,
      staleIfErrorMs: 0,
      maxEntries: 100,
      packing: { codec, decodedEntries },
    });
    return { cache, codec };
  };

  it('answers the recently used from the decoded tier: the same object, no decoding', async () => {
    const { cache, codec } = make(2);
    const listing = detail('a');
    await cache.set('a', { listing });
    expect(cache.peek('a')?.value.listing).toBe(listing);
    expect(cache.peek('a')?.value.listing).toBe(listing);
    expect(codec.decodes).toBe(0);
  });

  it('decodes an entry the decoded tier let go, once, and keeps that copy while it is used', async () => {
    const { cache, codec } = make(2);
    for (const id of ['a', 'b', 'c']) await cache.set(id, { listing: detail(id) });
    const first = cache.peek('a')?.value.listing;
    expect(codec.decodes).toBe(1);
    expect(first).toStrictEqual(detail('a'));
    expect(cache.peek('a')?.value.listing).toBe(first);
    expect(codec.decodes).toBe(1);
  });

  it('keeps no more decoded than asked: reading many decodes each again', async () => {
    const { cache, codec } = make(2);
    const ids = ['a', 'b', 'c', 'd', 'e'];
    for (const id of ids) await cache.set(id, { listing: detail(id) });
    for (const id of ids) cache.peek(id);
    for (const id of ids) cache.peek(id);
    expect(codec.decodes).toBe(10);
  });
});

describe.skipIf(!redisUp)('a packed cache as the front tier of Redis', () => {
  const prefix = testPrefix();
  const connections: RedisConnection[] = [];
  afterAll(async () => {
    await Promise.all(connections.map((c) => c.close()));
    await deleteKeys(prefix);
  });

  it('gives another replica the value, which it then holds packed in front', async () => {
    const replicas = [connect(prefix), connect(prefix)];
    connections.push(...replicas);
    await Promise.all(replicas.map((r) => r.open()));
    const options = {
      name: 'detail',
      ttlMs: 60_000,
      staleIfErrorMs: 0,
      maxEntries: 10,
      packing: { codec: countingCodec(), decodedEntries: 1 },
    };
    const [here, there] = replicas.map((redis) => new RedisCache<DetailValue>(redis, options));
    await here!.set('a', { listing: detail('a') });
    expect(there!.peek('a')).toBeUndefined();
    expect((await there!.get('a'))?.value).toStrictEqual({ listing: detail('a') });
    expect(there!.peek('a')?.value.listing?.sourceId).toBe('a');
    expect(there!.size).toBe(1);
  });
});
