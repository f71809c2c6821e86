import type { ExecutionArgs, ExecutionResult } from 'graphql';
import type { App } from '../src/app.js';
import { compressSync } from '../src/server/compression.js';
import { REQUEST_HEADERS } from './documents.js';

/**
 * Where one uncached request's time goes, stage by stage, measured in the gateway's own process
 * one request at a time (nothing else running): the whole GraphQL path in Yoga without a socket
 * (`yoga.fetch`: plugins, parse and validation caches, execution, serialisation, compression),
 * and three of its stages alone: executing the parsed document through the gateway's own envelop
 * (its execute hooks, graphql-jit's compiled query, the resolvers on the warm caches), serialising
 * the result, and compressing it as an answer for one request is compressed. The rest of the
 * whole path is Yoga's request handling. Each figure is the median of batches, in milliseconds of
 * wall time on an idle process (≈ its main thread's CPU).
 */
export interface Anatomy {
  wholeMs: number;
  executeMs: number;
  serialiseMs: number;
  compressMs: number;
  answerBytes: number;
  compressedBytes: number;
}

const BATCHES = 7;
const PER_BATCH = 40;

export async function requestAnatomy(app: App, body: string): Promise<Anatomy> {
  const params = JSON.parse(body) as { query: string; variables?: Record<string, unknown> };
  const fetchOptions = { method: 'POST', headers: REQUEST_HEADERS, body };
  const url = 'http://localhost/graphql';
  const whole = async () => {
    const response = await app.gateway.fetch(url, fetchOptions);
    await response.arrayBuffer();
  };
  const document = app.gateway.getEnveloped({}).parse(params.query);
  let result: ExecutionResult | null = null;
  const execute = async () => {
    // A request of its own each time, as Yoga makes one: the cost limit counts per request.
    const enveloped = app.gateway.getEnveloped({ request: new Request(url, fetchOptions), params });
    const args: ExecutionArgs = {
      schema: enveloped.schema,
      document,
      contextValue: await enveloped.contextFactory(),
      variableValues: params.variables ?? {},
    };
    result = (await enveloped.execute(args)) as ExecutionResult;
    if (result.errors?.length) throw new Error(`the anatomy's query failed: ${result.errors[0]!.message}`);
  };
  await execute();
  const bytes = Buffer.from(JSON.stringify(result));
  const compressed = compressSync(bytes, 'br', 'each');
  return {
    wholeMs: await timed(whole),
    executeMs: await timed(execute),
    serialiseMs: await timed(() => JSON.stringify(result)),
    compressMs: await timed(() => compressSync(bytes, 'br', 'each')),
    answerBytes: bytes.byteLength,
    compressedBytes: compressed.byteLength,
  };
}

/** Median over batches of the mean time per run, after a batch that warms up. */
async function timed(run: () => unknown): Promise<number> {
  const perRun: number[] = [];
  for (let batch = 0; batch <= BATCHES; batch++) {
    const started = performance.now();
    for (let i = 0; i < PER_BATCH; i++) await run();
    if (batch > 0) perRun.push((performance.now() - started) / PER_BATCH);
  }
  perRun.sort((a, b) => a - b);
  return perRun[Math.floor(perRun.length / 2)]!;
}
