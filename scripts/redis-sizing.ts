/**
 * Bytes Redis holds per cached listing detail, for the README's sizing of Redis: fetches real
 * details from the sandbox providers, stores each as the Redis cache does, and asks Redis for
 * MEMORY USAGE. Needs Redis on REDIS_URL (default 127.0.0.1:6379); deletes its own keys.
 *   npx tsx scripts/redis-sizing.ts
 */
import { randomBytes } from 'node:crypto';
import { startApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { type ProviderName, unfilteredSearch } from '../src/domain/listing.js';
import { silentLogger } from '../src/logger.js';
import { RedisCache } from '../src/state/cache.js';
import { RedisConnection } from '../src/state/redis-connection.js';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/0';
const prefix = `lgsizing:${randomBytes(4).toString('hex')}:`;
const app = await startApp(loadConfig({ SANDBOX: '1', PORT: '0', LOG_LEVEL: 'silent' }), {
  logger: silentLogger,
});
const redis = new RedisConnection(
  { url, keyPrefix: prefix, commandTimeoutMs: 2_000, fallbackShare: 0.25 },
  silentLogger,
);
await redis.open();
const cache = new RedisCache<object>(redis, {
  name: 'detail',
  ttlMs: 600_000,
  staleIfErrorMs: 3_600_000,
  maxEntries: 1,
});
const query = unfilteredSearch('110000');
const sizes: Record<string, number[]> = {};
const keys: string[] = [];
for (const provider of ['BEIKE', 'FANG'] as ProviderName[]) {
  const page = await app.store.searchPage(provider, query, 1);
  if (page.value.listings.length === 0) console.log(`${provider}: no listings found`);
  const pageKey = redis.key('cache', 'search', `${provider}|page1`);
  await redis.client.set(pageKey, JSON.stringify({ v: page.value, t: Date.now() }));
  keys.push(pageKey);
  const pageBytes = Number(await redis.client.call('MEMORY', 'USAGE', pageKey, 'SAMPLES', '0'));
  console.log(`${provider}: one search page of ${page.value.listings.length} listings, ${pageBytes} B`);
  for (const stub of page.value.listings.slice(0, 20)) {
    const detail = await app.store.detail({ provider, sourceId: stub.sourceId, cityId: stub.cityId });
    const key = app.store.detailKey({ provider, sourceId: stub.sourceId, cityId: stub.cityId });
    await cache.set(key, { listing: detail.value });
    const redisKey = redis.key('cache', 'detail', key);
    keys.push(redisKey);
    const bytes = Number(await redis.client.call('MEMORY', 'USAGE', redisKey, 'SAMPLES', '0'));
    sizes[provider] = [...(sizes[provider] ?? []), bytes];
  }
}
for (const [provider, list] of Object.entries(sizes)) {
  const mean = Math.round(list.reduce((a, b) => a + b, 0) / list.length);
  console.log(
    `${provider}: ${list.length} details, mean ${mean} B, min ${Math.min(...list)} B, max ${Math.max(...list)} B`,
  );
}
if (keys.length > 0) await redis.client.del(...keys);
await redis.close();
await app.close();
