import type { RequestListener } from 'node:http';
import { useGraphQlJit } from '@envelop/graphql-jit';
import { type DocumentNode, getOperationAST } from 'graphql';
import { createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import type { Logger } from '../logger.js';
import type { GraphQLContext, Mode } from '../schema/context.js';
import { schema } from '../schema/index.js';
import type { SharedState } from '../state/index.js';
import type { HistoryStore } from '../store/history/index.js';
import type { ListingStore } from '../store/listing-store.js';
import type { WatchService } from '../watches/service.js';
import { CachedAnswers } from './cached-answers.js';
import { type Caller, ClientRegistry } from './clients.js';
import type { CompressionObserver } from './compression.js';
import { CorsPolicy } from './cors.js';
import { EXAMPLE_QUERY } from './example-query.js';
import { callerOf } from './exchange.js';
import { Gate } from './gate.js';
import { rawPath } from './graphql-path.js';
import type { EventLoopLag } from './load-shedding.js';
import { useCanonicalPath } from './plugins/canonical-path.js';
import { useCompression } from './plugins/compression.js';
import { useCorsPolicy } from './plugins/cors.js';
import { useCostLimit } from './plugins/cost-limit.js';
import { isGraphiQLPageRequest, useGraphiQLPage } from './plugins/graphiql-page.js';
import { useOperationLimits } from './plugins/operation-limits.js';
import { usePersistedOperations } from './plugins/persisted-operations.js';
import { useResponseCache } from './plugins/response-cache.js';
import { useResponseExtensions } from './plugins/response-extensions.js';
import { useSchemaDisclosure } from './plugins/schema-disclosure.js';
import { useWellFormedStrings } from './plugins/well-formed-strings.js';
import { RefusalLog } from './refusal-log.js';
import { ResponseCache, type ResponseCacheOptions } from './response-cache.js';
import type { SecuritySettings } from './security.js';

const GRAPHQL_ENDPOINT = '/graphql';
/** Served by plugins next to GraphQL; any other path is 404 (canonical-path.ts). */
const OTHER_ROUTES = ['/health', '/ready', '/metrics'];

export interface GatewayOptions {
  store: ListingStore;
  /** The listing history; absent or null: history fields are empty and `market` is unavailable. */
  history?: HistoryStore | null;
  /** Watches; absent or null: the watch fields answer WATCHES_UNAVAILABLE. */
  watches?: WatchService | null;
  mode: Mode;
  logger: Logger;
  graphiql: boolean;
  /** Hardening (README, Security): the gate, CORS, limits. */
  security: SecuritySettings;
  /** Operations plugins (request scope, readiness, metrics), composed in app.ts. */
  plugins?: Plugin[];
  /** Whole answers of queries (README, Performance); absent: no response cache. */
  responseCache?: Omit<ResponseCacheOptions, 'mode' | 'store' | 'onCompressed'>;
  /** Told of each answer compressed (metrics). */
  onCompressed?: CompressionObserver;
  /** Event-loop lag, for load shedding (LOAD_SHED_LAG_MS); absent: never shed. */
  lag?: EventLoopLag;
  /** Where client allowances and whole answers are counted and kept; absent: in this process. */
  state?: SharedState;
}

export type Gateway = YogaServerInstance<Record<string, unknown>, GraphQLContext>;

export interface GatewayServer {
  yoga: Gateway;
  /**
   * The node:http listener: a GraphQL request passes the gate (gate.ts), then a response-cache
   * hit is answered (cached-answers.ts); everything else is Yoga's.
   */
  listener: RequestListener;
}

export function createGateway(options: GatewayOptions): GatewayServer {
  const { store, mode, logger, security } = options;
  const cors = new CorsPolicy(security.corsOrigins);
  const cache = options.responseCache
    ? ResponseCache.create({
        ...options.responseCache,
        mode,
        store,
        ...(options.state ? { state: options.state } : {}),
        ...(options.onCompressed ? { onCompressed: options.onCompressed } : {}),
      })
    : null;
  const yoga = createYoga<Record<string, unknown>, GraphQLContext>({
    schema,
    graphqlEndpoint: GRAPHQL_ENDPOINT,
    landingPage: false,
    logging: {
      debug: (...args) => logger.debug(args.map(String).join(' ')),
      info: (...args) => logger.info(args.map(String).join(' ')),
      warn: (...args) => logger.warn(args.map(String).join(' ')),
      error: (...args) => logger.error({ err: args[0] }, 'graphql error'),
    },
    // Served by useGraphiQLPage, built once; Yoga's own would render 9 MB on every request.
    graphiql: false,
    context: (initial): GraphQLContext => ({
      store,
      history: options.history ?? null,
      mode,
      partialErrors: [],
      notices: [],
      watches: options.watches ?? null,
      owner: ownerOf(callerOf(initial as { req?: unknown; request?: Request })),
      ownerScoped: false,
    }),
    ...yogaLimits(security),
    // Yoga's own form and multipart parsers stay off: only JSON bodies execute (gate.ts).
    multipart: false,
    plugins: [
      // Executes each validated document through code compiled for it (graphql-jit) instead of
      // graphql-js's interpreter: the execution path of every uncached answer, about a quarter less
      // CPU per 20-listing search (README, Performance). Compiled queries are kept per document.
      // Subscriptions run on graphql-js: graphql-jit's subscribe hands `subscribe` resolvers their
      // arguments uncoerced from the variables (watchEvents saw no id).
      useGraphQlJit({}, { enableIf: (args) => !isSubscription(args.document, args.operationName) }),
      useCanonicalPath(GRAPHQL_ENDPOINT, OTHER_ROUTES),
      // Before the guards, as Yoga's own GraphiQL was: the page is public, the API behind it is not.
      ...(options.graphiql
        ? [
            useGraphiQLPage({
              endpoint: GRAPHQL_ENDPOINT,
              title: mode === 'SANDBOX' ? 'listing-graph (SANDBOX: simulated data)' : 'listing-graph',
              defaultQuery: EXAMPLE_QUERY,
            }),
          ]
        : []),
      ...guards(security, cors),
      useResponseExtensions(mode),
      // After the response extensions, so that a refused operation still says its mode.
      costGuard(security, options),
      ...(options.plugins ?? []),
      // Last: a hit is answered only once every request-level check above has passed.
      ...(cache ? [useResponseCache(cache)] : []),
      // After the cache: a hit arrives already compressed, a miss is compressed here once.
      useCompression(options.onCompressed),
    ],
  });
  return { yoga, listener: gatedListener(yoga, security, cors, cache, options) };
}

/**
 * GraphQL requests on exactly the endpoint pass the gate first; preflights (CORS answers them),
 * the public GraphiQL page and every other path go straight to Yoga (canonical-path.ts 404s
 * those it does not serve).
 */
function gatedListener(
  yoga: Gateway,
  security: SecuritySettings,
  cors: CorsPolicy,
  cache: ResponseCache | null,
  { logger, lag, state, graphiql }: GatewayOptions,
): RequestListener {
  const gate = new Gate({
    security,
    registry: registryOf(security, state),
    refusals: refusalLogOf(logger),
    cors,
    ...(lag ? { lag } : {}),
  });
  const answers = cache ? new CachedAnswers(cache, cors, security.maxRequestBytes) : null;
  const admitted: RequestListener = answers ? (req, res) => answers.serve(req, res, yoga) : yoga;
  const failed = (res: Parameters<RequestListener>[1]) => (error: unknown) => {
    logger.error({ err: error }, 'the gate failed');
    if (res.headersSent) return void res.destroy();
    res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
    res.end(
      JSON.stringify({
        errors: [{ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
      }),
    );
  };
  return (req, res) => {
    if (
      req.method === 'OPTIONS' ||
      (req.url !== GRAPHQL_ENDPOINT && rawPath(req.url ?? '') !== GRAPHQL_ENDPOINT) ||
      (graphiql && isGraphiQLPageRequest(req.method, req.headers.accept))
    ) {
      yoga(req, res);
      return;
    }
    const passed = gate.pass(req, res);
    if (passed === true) admitted(req, res);
    else if (passed !== false) passed.then((ok) => ok && admitted(req, res)).catch(failed(res));
  };
}

function isSubscription(document: DocumentNode, operationName: string | null | undefined): boolean {
  return getOperationAST(document, operationName)?.operation === 'subscription';
}

/**
 * Who owns watches: a partner by its API key's name; without keys configured every caller is the
 * one anonymous owner (peer addresses change and are shared behind proxies: no owner to rely on).
 */
function ownerOf(caller: Caller | null): string {
  return caller?.keyed ? `key:${caller.id}` : 'anonymous';
}

/** What Yoga itself enforces: body size, batching, the persisted-document parameter. CORS is ours. */
function yogaLimits(security: SecuritySettings) {
  return {
    maxRequestBodySize: security.maxRequestBytes,
    batching: security.batchLimit > 0 ? { limit: security.batchLimit } : false,
    cors: false as const,
    ...(security.persistedOperations ? { extraParamNames: ['documentId'] } : {}),
  };
}

const registries = new WeakMap<SecuritySettings, ClientRegistry>();
const refusalLogs = new WeakMap<Logger, RefusalLog>();

function refusalLogOf(logger: Logger): RefusalLog {
  let log = refusalLogs.get(logger);
  if (!log) {
    log = new RefusalLog(logger);
    refusalLogs.set(logger, log);
  }
  return log;
}

function registryOf(security: SecuritySettings, state: SharedState | undefined): ClientRegistry {
  let registry = registries.get(security);
  if (!registry) {
    registry = new ClientRegistry(security.clients, security.defaults, state);
    registries.set(security, registry);
  }
  return registry;
}

/**
 * In request order, after the gate (load, body type, admission, client: gate.ts): which origins,
 * which operations, what shape, what the schema tells, what strings.
 */
function guards(security: SecuritySettings, cors: CorsPolicy): Plugin[] {
  return [
    useCorsPolicy(cors),
    ...(security.persistedOperations ? [usePersistedOperations(security.persistedOperations)] : []),
    useOperationLimits(security.limits),
    useSchemaDisclosure(security),
    useWellFormedStrings(),
  ];
}

function costGuard(security: SecuritySettings, { store, logger }: GatewayOptions): Plugin {
  return useCostLimit({
    maxCost: security.limits.maxCost,
    providers: store.providers,
    refusals: refusalLogOf(logger),
  });
}
