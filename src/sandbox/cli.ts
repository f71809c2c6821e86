import { parseArgs } from 'node:util';
import { startSandbox } from './index.js';

/**
 * Runs the sandbox alone: `npx tsx src/sandbox/cli.ts [--seed n] [--scale n] [--latency ms]
 * [--beike-port n] [--fang-port n] [--host h]`. Credentials come from BEIKE_TOKEN, FANG_KEY and
 * FANG_SECRET when set (so a gateway started with the same environment matches), random otherwise.
 * They are sandbox credentials: printing them is the point.
 */

const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    scale: { type: 'string' },
    latency: { type: 'string' },
    host: { type: 'string' },
    'beike-port': { type: 'string' },
    'fang-port': { type: 'string' },
  },
});

const num = (text: string | undefined, fallback?: number): number | undefined => {
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isFinite(n)) throw new Error(`not a number: ${text}`);
  return n;
};

const credentials = {
  ...(process.env.BEIKE_TOKEN ? { beikeToken: process.env.BEIKE_TOKEN } : {}),
  ...(process.env.FANG_KEY ? { fangKey: process.env.FANG_KEY } : {}),
  ...(process.env.FANG_SECRET ? { fangSecret: process.env.FANG_SECRET } : {}),
};

const sandbox = await startSandbox({
  seed: num(values.seed ?? process.env.SANDBOX_SEED),
  scale: num(values.scale),
  latencyMs: num(values.latency ?? process.env.SANDBOX_LATENCY_MS),
  host: values.host,
  ports: { beike: num(values['beike-port'], 0), fang: num(values['fang-port'], 0) },
  credentials,
});

const { beike, fang } = {
  beike: sandbox.data.beike.listings.length,
  fang: sandbox.data.fang.houses.length,
};
process.stdout.write(
  [
    `sandbox up: ${beike} Beike listings, ${fang} Fang houses`,
    `BEIKE_BASE_URL=${sandbox.beikeUrl}`,
    `BEIKE_TOKEN=${sandbox.credentials.beikeToken}`,
    `FANG_BASE_URL=${sandbox.fangUrl}`,
    `FANG_KEY=${sandbox.credentials.fangKey}`,
    `FANG_SECRET=${sandbox.credentials.fangSecret}`,
    'controls: POST|DELETE /__sandbox/faults, GET|DELETE /__sandbox/calls, PUT /__sandbox/latency',
    '',
  ].join('\n'),
);

const stop = (signal: NodeJS.Signals) => {
  sandbox.close().then(
    () => {
      process.stdout.write(`sandbox stopped (${signal})\n`);
      process.exit(0);
    },
    () => process.exit(1),
  );
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
