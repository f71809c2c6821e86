import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { silentLogger } from '../../src/logger.js';
import { RedisConnection } from '../../src/state/redis-connection.js';

export const SHARED_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';

async function answers(url: string): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 1_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/**
 * Whether the Redis tests can run. Without Redis they are skipped with one line, unless
 * REQUIRE_REDIS=1 (CI): then a missing Redis is a failure, not a skip.
 */
export const redisUp = await answers(SHARED_REDIS_URL);
if (!redisUp) {
  if (process.env.REQUIRE_REDIS === '1') {
    throw new Error('REQUIRE_REDIS=1 but Redis does not answer at 127.0.0.1:6379 (or TEST_REDIS_URL)');
  }
  console.warn('Redis not reachable on 127.0.0.1:6379: skipping the shared-state tests on Redis');
}

/** A fresh key prefix per test file run, so concurrent runs never see each other's keys. */
export function testPrefix(): string {
  return `lgtest:${randomBytes(6).toString('hex')}:`;
}

export function connect(
  prefix: string,
  options: {
    url?: string;
    fallbackShare?: number;
    commandTimeoutMs?: number;
    logger?: typeof silentLogger;
  } = {},
): RedisConnection {
  return new RedisConnection(
    {
      url: options.url ?? SHARED_REDIS_URL,
      keyPrefix: prefix,
      commandTimeoutMs: options.commandTimeoutMs ?? 500,
      fallbackShare: options.fallbackShare ?? 0.25,
    },
    options.logger ?? silentLogger,
  );
}

/** Test-time cleanup only (product code never lists keys): deletes every key under `prefix`. */
export async function deleteKeys(prefix: string, url = SHARED_REDIS_URL): Promise<number> {
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) deleted += await client.del(...keys);
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
  return deleted;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** A Redis of the test's own, which it may stop and start again; the shared one is never touched. */
export class PrivateRedis {
  #process: ChildProcess | null = null;
  constructor(
    readonly port: number,
    readonly extraArgs: string[] = [],
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}/0`;
  }

  async start(): Promise<void> {
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        ...this.extraArgs,
      ],
      { stdio: 'ignore' },
    );
    this.#process = child;
    for (let i = 0; i < 100; i += 1) {
      if (await answers(this.url.replace('redis://', `redis://${this.#auth()}`))) return;
      await sleep(50);
    }
    throw new Error(`private redis-server on port ${this.port} did not start`);
  }

  async stop(): Promise<void> {
    const child = this.#process;
    this.#process = null;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  #auth(): string {
    const i = this.extraArgs.indexOf('--requirepass');
    return i >= 0 ? `:${this.extraArgs[i + 1]}@` : '';
  }
}

export async function waitFor(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await sleep(25);
  }
}
