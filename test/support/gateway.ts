import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { type App, type AppOptions, startApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/logger.js';
import { DEFAULT_FANG_FLAVOUR } from '../../src/providers/fang/flavours.js';
import { FANG_FLAVOUR_PATHS } from '../../src/sandbox/index.js';

/** The sandbox paths the gateway's Fang calls go to (it speaks the default flavour unless FANG_FLAVOUR says otherwise). */
export const GATEWAY_FANG_PATHS = FANG_FLAVOUR_PATHS[DEFAULT_FANG_FLAVOUR];

/** Settings that keep tests fast: no real backoff waits, pacing out of the way. */
export const FAST_ENV: Record<string, string> = {
  SANDBOX: '1',
  PORT: '0',
  HOST: '127.0.0.1',
  NODE_ENV: 'test',
  LOG_LEVEL: 'silent',
  RETRY_BASE_DELAY_MS: '5',
  RETRY_MAX_DELAY_MS: '20',
  BEIKE_RATE_PER_SECOND: '1000',
  FANG_RATE_PER_SECOND: '1000',
  BEIKE_TIMEOUT_MS: '1500',
  FANG_TIMEOUT_MS: '1500',
  BEIKE_DEADLINE_MS: '5000',
  FANG_DEADLINE_MS: '5000',
  CIRCUIT_FAILURE_THRESHOLD: '1000',
  // Test workers share two cores and compile modules as they go: lag spikes there are not
  // overload. The shedding tests turn it back on.
  LOAD_SHED_LAG_MS: '0',
  // The history store (an embedded PostgreSQL) costs seconds to start: the suites about it opt in.
  HISTORY_ENABLED: '0',
};

export interface GraphQLResponse<T> {
  status: number;
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
  extensions?: Record<string, unknown>;
}

export interface TestGateway {
  app: App;
  url: string;
  query<TData, TVars>(
    document: TypedDocumentNode<TData, TVars>,
    variables?: TVars,
  ): Promise<GraphQLResponse<TData>>;
  raw(body: unknown, init?: RequestInit): Promise<GraphQLResponse<unknown>>;
  close(): Promise<void>;
}

export async function startGateway(
  env: Record<string, string> = {},
  options: AppOptions = {},
): Promise<TestGateway> {
  const config = loadConfig({ ...FAST_ENV, ...env });
  const app = await startApp(config, { logger: silentLogger, ...options });
  const raw = async (body: unknown, init: RequestInit = {}) => {
    const response = await fetch(app.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
      ...init,
    });
    const json = (await response.json()) as Omit<GraphQLResponse<unknown>, 'status'>;
    return { status: response.status, ...json };
  };
  return {
    app,
    url: app.url,
    raw,
    query: (document, variables) =>
      raw({ query: print(document), variables }) as Promise<GraphQLResponse<never>>,
    close: () => app.close(),
  };
}

/** Asserts there were no errors and returns the data, so a test reads what it checks. */
export function dataOf<T>(response: GraphQLResponse<T>): T {
  if (response.errors?.length)
    throw new Error(`unexpected GraphQL errors: ${JSON.stringify(response.errors)}`);
  if (!response.data) throw new Error('no data');
  return response.data;
}
