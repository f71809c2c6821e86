import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/process.js';
import { deleteKeys, redisUp, SHARED_REDIS_URL, testPrefix } from '../support/redis.js';

const run = promisify(execFile);
const dirs: string[] = [];
const prefix = testPrefix();
afterAll(async () => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  if (redisUp) await deleteKeys(prefix);
});

/** Starts the whole app in a process of its own and says which of the Redis libraries it loaded. */
async function loadedBy(env: Record<string, string>): Promise<{ ioredis: boolean; bullmq: boolean }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'listing-graph-loading-'));
  dirs.push(dataDir);
  const probe = join(ROOT, 'test/support/redis-stack-probe.ts');
  const { stdout } = await run(process.execPath, ['--import', 'tsx', probe], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'error', DATA_DIR: dataDir, ...env },
    timeout: 90_000,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as { ioredis: boolean; bullmq: boolean };
}

describe('the Redis stack (ioredis, BullMQ) is loaded only with REDIS_URL', () => {
  it('a process without Redis loads neither', async () => {
    expect(await loadedBy({})).toEqual({ ioredis: false, bullmq: false });
  }, 120_000);

  it.skipIf(!redisUp)(
    'a process with Redis loads both',
    async () => {
      expect(await loadedBy({ REDIS_URL: SHARED_REDIS_URL, REDIS_KEY_PREFIX: prefix })).toEqual({
        ioredis: true,
        bullmq: true,
      });
    },
    120_000,
  );
});
