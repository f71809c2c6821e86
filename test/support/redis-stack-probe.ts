import { createRequire } from 'node:module';
import { startApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';

/** Starts the whole app, then prints which of the Redis libraries it has loaded (redis-stack-loading.test.ts). */
const app = await startApp(loadConfig(process.env));
const loaded = Object.keys(createRequire(import.meta.url).cache);
const has = (name: string) => loaded.some((file) => file.includes(`/node_modules/${name}/`));
process.stdout.write(`${JSON.stringify({ ioredis: has('ioredis'), bullmq: has('bullmq') })}\n`);
await app.close();
process.exit(0);
