import { createRequire } from 'node:module';
import type { Redis, RedisOptions } from 'ioredis';

const require = createRequire(import.meta.url);

/**
 * A new ioredis client, ioredis being loaded on the first: a process without REDIS_URL never
 * loads it, and does not hold its 2 MB of code on the heap. ioredis is CommonJS, so it loads
 * synchronously and callers stay as they are.
 */
export function redisClient(url: string, options: RedisOptions): Redis {
  const { Redis: Client } = require('ioredis') as typeof import('ioredis');
  return new Client(url, options);
}
