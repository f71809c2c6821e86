import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import type { SecurityConfig } from '../config.js';
import type { ListingStore } from '../loaders/listing-store.js';
import type { Logger } from '../logger.js';
import type { GraphQLContext, Mode } from '../schema/context.js';
import { schema } from '../schema/index.js';
import type { HistoryStore } from '../store/history/index.js';
import { ClientRegistry } from './clients.js';
import { EXAMPLE_QUERY } from './example-query.js';
import { useClientAccess } from './plugins/client-access.js';
import { useCostLimit } from './plugins/cost-limit.js';
import { useOperationLimits } from './plugins/operation-limits.js';
import { usePersistedOperations } from './plugins/persisted-operations.js';
import { type ResponseCacheOptions, useResponseCache } from './plugins/response-cache.js';
import { useResponseExtensions } from './plugins/response-extensions.js';
import { useSchemaDisclosure } from './plugins/schema-disclosure.js';

const GRAPHQL_ENDPOINT = '/graphql';

export interface GatewayOptions {
  store: ListingStore;
  /** The listing history; absent or null: history fields are empty and `market` is unavailable. */
  history?: HistoryStore | null;
  mode: Mode;
  logger: Logger;
  graphiql: boolean;
  /** Hardening (README, Security); absent: none of it (library use of the schema alone). */
  security?: SecurityConfig;
  /** Operations plugins (request scope, readiness, metrics), composed in app.ts. */
  plugins?: Plugin[];
  /** Whole answers of queries (README, Performance); absent: no response cache. */
  responseCache?: Omit<ResponseCacheOptions, 'mode' | 'store'>;
}

export type Gateway = YogaServerInstance<Record<string, unknown>, GraphQLContext>;

export function createGateway(options: GatewayOptions): Gateway {
  const { store, mode, logger, security } = options;
  return createYoga<Record<string, unknown>, GraphQLContext>({
    schema,
    graphqlEndpoint: GRAPHQL_ENDPOINT,
    landingPage: false,
    logging: {
      debug: (...args) => logger.debug(args.map(String).join(' ')),
      info: (...args) => logger.info(args.map(String).join(' ')),
      warn: (...args) => logger.warn(args.map(String).join(' ')),
      error: (...args) => logger.error({ err: args[0] }, 'graphql error'),
    },
    graphiql: options.graphiql
      ? {
          title: mode === 'SANDBOX' ? 'listing-graph (SANDBOX: simulated data)' : 'listing-graph',
          defaultQuery: EXAMPLE_QUERY,
        }
      : false,
    // GraphiQL's scripts come inlined from the package, not from a CDN: it works offline, behind
    // firewalls and in mainland China, where the default CDN is often unreachable.
    renderGraphiQL,
    context: (): GraphQLContext => ({
      store,
      history: options.history ?? null,
      mode,
      partialErrors: [],
      notices: [],
    }),
    ...(security ? yogaLimits(security) : {}),
    plugins: [
      ...(security ? guards(security, options) : []),
      useResponseExtensions(mode),
      // After the response extensions, so that a refused operation still says its mode.
      ...(security ? [costGuard(security, options)] : []),
      ...(options.plugins ?? []),
      // Last: a hit is answered only once every request-level check above has passed.
      ...(options.responseCache
        ? [useResponseCache({ ...options.responseCache, mode, store, endpoint: GRAPHQL_ENDPOINT })]
        : []),
    ],
  });
}

/** What Yoga itself enforces: body size, batching, CORS, the persisted-document parameter. */
function yogaLimits(security: SecurityConfig) {
  return {
    maxRequestBodySize: security.maxRequestBytes,
    batching: security.batchLimit > 0 ? { limit: security.batchLimit } : false,
    ...(security.corsOrigins ? { cors: { origin: security.corsOrigins } } : {}),
    ...(security.persistedOperations ? { extraParamNames: ['documentId'] } : {}),
  };
}

const registries = new WeakMap<SecurityConfig, ClientRegistry>();

function registryOf(security: SecurityConfig): ClientRegistry {
  let registry = registries.get(security);
  if (!registry) {
    registry = new ClientRegistry(security.clients, security.defaults);
    registries.set(security, registry);
  }
  return registry;
}

/** In request order: who calls, which operations, what shape, what the schema tells. */
function guards(security: SecurityConfig, { logger }: GatewayOptions): Plugin[] {
  return [
    useClientAccess(registryOf(security), GRAPHQL_ENDPOINT, logger),
    ...(security.persistedOperations ? [usePersistedOperations(security.persistedOperations)] : []),
    useOperationLimits(security.limits),
    useSchemaDisclosure(security),
  ];
}

function costGuard(security: SecurityConfig, { store, logger }: GatewayOptions): Plugin {
  return useCostLimit({
    maxCost: security.limits.maxCost,
    providers: store.providers,
    registry: registryOf(security),
    logger,
  });
}
