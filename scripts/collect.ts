import { parseArgs } from 'node:util';
import { startApp } from '../src/app.js';
import { sweep } from '../src/collect/sweep.js';
import { ConfigError, loadConfig } from '../src/config.js';
import { findCity } from '../src/domain/cities.js';
import { createLogger } from '../src/logger.js';

/**
 * npm run collect -- --city 110000 [--district 朝阳区 …] [--max-calls N]
 * Sweeps search pages into the history store within an upstream budget, so that `market` has
 * something to describe. Uses the same configuration as the server (DATABASE_URL, DATA_DIR, keys).
 */

const usage =
  'usage: npm run collect -- --city <cityId> [--district <name>]… [--max-calls <N>] [--type RESALE|RENTAL]';
let args: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    options: {
      city: { type: 'string' },
      district: { type: 'string', multiple: true },
      'max-calls': { type: 'string', default: '100' },
      type: { type: 'string', default: 'RESALE' },
    },
  }).values;
}
try {
  args = parse();
} catch (error) {
  fail((error as Error).message);
}
const city = args.city ?? fail('--city is required');
if (!findCity(city)) fail(`--city: unknown city "${city}"`);
const maxCalls = Number(args['max-calls']);
if (!Number.isInteger(maxCalls) || maxCalls < 1 || maxCalls > 100_000)
  fail('--max-calls must be a whole number from 1 to 100000');
if (args.type !== 'RESALE' && args.type !== 'RENTAL') fail('--type must be RESALE or RENTAL');

let config: ReturnType<typeof loadConfig>;
try {
  // No listener is needed beyond loopback; the sandbox does not sweep by itself here.
  config = loadConfig({ ...process.env, PORT: '0', HOST: '127.0.0.1', SANDBOX_COLLECT_CALLS: '0' });
} catch (error) {
  if (error instanceof ConfigError) fail(`configuration error: ${error.message}`);
  throw error;
}
if (!config.history.enabled) fail('HISTORY_ENABLED is off: there is no store to collect into');

const app = await startApp(config, { logger: createLogger({ level: 'warn', pretty: false }) });
const started = Date.now();
try {
  const result = await sweep(app.store, app.history!, {
    cityId: city,
    ...(args.district ? { districts: args.district } : {}),
    listingType: args.type as 'RESALE' | 'RENTAL',
    maxCalls,
    onProgress: (p) => {
      const width = 30;
      const done = Math.min(width, Math.round((p.calls / p.maxCalls) * width));
      process.stderr.write(
        `\r[${'#'.repeat(done)}${'-'.repeat(width - done)}] ${p.calls}/${p.maxCalls} calls, ${p.listings} listings${p.provider ? ` (${p.provider})` : ''}   `,
      );
    },
  });
  const counts = app.history!.counts;
  process.stderr.write('\n');
  process.stdout.write(
    `${app.sandbox ? 'SANDBOX: ' : ''}collected city ${city}: ${result.calls} upstream calls, ${result.listings} listings read, ` +
      `${result.delisted} found gone, ${counts.written} observations written, ` +
      `${counts.dropped.full + counts.dropped.error + counts.dropped.closed} dropped, ${app.history!.engine}, ` +
      `${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
} finally {
  await app.close();
}

function fail(message: string): never {
  process.stderr.write(`collect: ${message}\n${usage}\n`);
  process.exit(2);
}
