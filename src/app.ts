import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sweep } from './collect/sweep.js';
import type { Config } from './config.js';
import type { ProviderName } from './domain/listing.js';
import type { UpstreamEvent } from './http/transport.js';
import { createLogger, type Logger } from './logger.js';
import { DecodeDriftTally } from './providers/decode.js';
import type { ListingProvider } from './providers/provider.js';
import { createProviders, type ProviderEndpoints } from './providers/registry.js';
import { type Sandbox, type SandboxCredentials, startSandbox } from './sandbox/index.js';
import { createGateway, type Gateway } from './server/gateway.js';
import { type LivenessListener, startLivenessListener } from './server/liveness-thread.js';
import { EventLoopLag } from './server/load-shedding.js';
import { Metrics } from './server/metrics.js';
import { withOriginFormOnly } from './server/plugins/canonical-path.js';
import { useLiveness, useReadiness, withLiveness } from './server/plugins/health.js';
import { useMetrics } from './server/plugins/metrics.js';
import { useRequestScope, withRequestLog } from './server/plugins/request-log.js';
import {
  currentPayer,
  recordCacheResult,
  recordUpstreamEvent,
  requestLogFields,
} from './server/request-scope.js';
import { Drainer } from './server/shutdown.js';
import { RedisConnection, type SharedState, sharedState } from './state/index.js';
import { HistoryStore } from './store/history/index.js';
import { ListingStore } from './store/listing-store.js';
import { currentRunAllowance, type WatchShare } from './watches/allowance.js';
import { createWatchEventBus } from './watches/bus.js';
import { TimerScheduler, type WatchScheduler } from './watches/scheduler.js';
import { WatchService } from './watches/service.js';

export interface App {
  /** e.g. http://127.0.0.1:4000/graphql */
  url: string;
  gateway: Gateway;
  store: ListingStore;
  /** The listing history (observations, price histories, market figures); null when HISTORY_ENABLED is off. */
  history: HistoryStore | null;
  providers: ReadonlyMap<ProviderName, ListingProvider>;
  /** The embedded simulated providers, in sandbox mode. */
  sandbox: Sandbox | null;
  logger: Logger;
  /** null when METRICS_ENABLED is off. */
  metrics: Metrics | null;
  /** Counters, locks and caches: on Redis with REDIS_URL (shared by every replica), else in this process. */
  state: SharedState;
  /** The shared-state connection; null without REDIS_URL. */
  redis: RedisConnection | null;
  /** Watches and alerts; null when the history store is off (they live in its database). */
  watches: WatchService | null;
  /** `http://host:port/health` of the liveness listener (HEALTH_PORT); null without one. */
  healthUrl: string | null;
  /** True from the start of close(): `/ready` answers 503. */
  readonly draining: boolean;
  /**
   * Graceful: not ready at once, keeps serving for `delayMs` (default 0), closes the listener,
   * lets in-flight requests finish for up to `deadlineMs` (default SHUTDOWN_TIMEOUT_MS), then
   * closes the provider pools and the sandbox.
   */
  close(options?: { delayMs?: number; deadlineMs?: number }): Promise<void>;
}

export interface AppOptions {
  logger?: Logger;
  onUpstreamEvent?: (event: UpstreamEvent) => void;
  /** Sandbox mode: credentials the simulated providers expect (default: random), for secret-leak tests. */
  sandboxCredentials?: Partial<SandboxCredentials>;
}

/**
 * The composition root: the only place that knows about the sandbox. In sandbox mode the simulated
 * providers start on loopback and the adapters talk to them exactly as they would to the real ones.
 */
export async function startApp(config: Config, options: AppOptions = {}): Promise<App> {
  const logger = options.logger ?? createLogger({ ...config.log, mixin: requestLogFields });
  const sandbox = config.sandbox.enabled
    ? await startSandbox({
        seed: config.sandbox.seed,
        latencyMs: config.sandbox.latencyMs,
        ...(options.sandboxCredentials ? { credentials: options.sandboxCredentials } : {}),
      })
    : null;
  const endpoints: ProviderEndpoints = sandbox
    ? {
        beike: { baseUrl: sandbox.beikeUrl, token: sandbox.credentials.beikeToken },
        fang: {
          baseUrl: sandbox.fangUrl,
          key: sandbox.credentials.fangKey,
          secret: sandbox.credentials.fangSecret,
        },
      }
    : {
        beike: config.beike?.token ? { baseUrl: config.beike.baseUrl, token: config.beike.token } : null,
        fang:
          config.fang?.key && config.fang.secret
            ? { baseUrl: config.fang.baseUrl, key: config.fang.key, secret: config.fang.secret }
            : null,
      };
  // Never waits for Redis: down at start, the replica starts on its local share and reconnects.
  const redis = config.redis ? new RedisConnection(config.redis, logger) : null;
  await redis?.open();
  const state = sharedState(redis);
  const drift = new DecodeDriftTally();
  const metrics = config.metrics.enabled
    ? new Metrics({
        providers: () => providers,
        cacheSizes: () => store.sizes,
        decodeDrift: () => drift.counts(),
        ...(redis ? { redisFallbacks: () => redis.fallbacks() } : {}),
      })
    : null;
  const history = config.history.enabled
    ? await HistoryStore.open({
        databaseUrl: config.history.databaseUrl,
        dataDir: config.history.dataDir,
        retentionDays: config.history.retentionDays,
        queue: { capacity: config.history.queueCapacity },
        logger,
        registry: metrics?.registry,
        // In sandbox mode history follows the simulated clock, so it can be checked against the world.
        ...(sandbox ? { now: () => sandbox.world.now() } : {}),
      }).catch(async (error: unknown) => {
        await sandbox?.close();
        await redis?.close();
        throw error;
      })
    : null;
  const upstream = createProviders(
    config,
    endpoints,
    logger,
    (event) => {
      recordUpstreamEvent(event);
      metrics?.recordUpstreamEvent(event);
      options.onUpstreamEvent?.(event);
    },
    // A watch run pays from the watch runs' share (its allowance), not from the share of the client
    // whose request started it (runWatch) or scheduled it.
    {
      fraction: config.security.clientDailyShare,
      payer: () => (currentRunAllowance() ? null : currentPayer()),
    },
    state,
    currentRunAllowance,
  );
  const providers: ReadonlyMap<ProviderName, ListingProvider> = history
    ? new Map([...upstream].map(([name, provider]) => [name, history.observe(provider)]))
    : upstream;
  const store = new ListingStore(
    providers,
    config.cache,
    (cache, source) => {
      recordCacheResult(cache, source);
      metrics?.recordCacheResult(cache, source);
    },
    { state, fetchWaitMs: config.redis?.fetchWaitMs ?? 10_000, pollMs: 25 },
  );
  const watches = history
    ? createWatches(config, history, providers, state, logger, await watchScheduler(config, logger))
    : null;
  const mode = sandbox ? 'SANDBOX' : 'LIVE';
  const server = createServer();
  const drainer = new Drainer(server);
  const lag = config.security.loadShedLagMs > 0 ? new EventLoopLag() : null;
  const { yoga: gateway, listener } = createGateway({
    store,
    history,
    watches,
    mode,
    logger,
    state,
    graphiql: config.security.graphiql,
    security: config.security,
    ...(lag ? { lag } : {}),
    responseCache: {
      ...config.responseCache,
      listTtlMs: config.cache.listTtlMs,
      detailTtlMs: config.cache.detailTtlMs,
    },
    onCompressed: (encoding) => metrics?.countCompression(encoding),
    plugins: [
      useRequestScope(),
      useLiveness(),
      useReadiness({
        providers: () => providers,
        draining: () => drainer.draining,
        production: config.production,
        token: config.security.readyToken,
        decodeDrift: () => drift.summary(),
        ...(redis ? { redis: () => redis.status() } : {}),
      }),
      ...(metrics ? [useMetrics(metrics)] : []),
    ],
  });

  server.on('request', withRequestLog(withLiveness(withOriginFormOnly(listener)), { logger, metrics }));
  await listen(server, config.port, config.host);
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const liveness: LivenessListener | null = config.liveness
    ? await startLivenessListener({
        host: config.host,
        ...config.liveness,
        onError: (error) => logger.error({ err: error }, 'the liveness listener failed'),
      })
    : null;

  // A newcomer's first `market` query finds data: a small sweep of Beijing, in the background.
  const collecting =
    sandbox && history && config.history.sandboxCollectCalls > 0
      ? sweep(store, history, { cityId: '110000', maxCalls: config.history.sandboxCollectCalls }).then(
          (result) => logger.info({ ...result }, 'sandbox start-up sweep done'),
          // A stop during the sweep closes the transports under it: that is no failure to report.
          (error: unknown) =>
            drainer.draining
              ? logger.info('sandbox start-up sweep stopped: shutting down')
              : logger.warn({ err: error }, 'sandbox start-up sweep failed'),
        )
      : null;

  await watches?.start();

  let closing: Promise<void> | null = null;
  return {
    url: `http://${host}:${port}/graphql`,
    healthUrl: liveness ? `http://${host}:${liveness.port}/health` : null,
    gateway,
    store,
    history,
    providers,
    sandbox,
    logger,
    metrics,
    state,
    redis,
    watches,
    get draining() {
      return drainer.draining;
    },
    close: ({ delayMs = 0, deadlineMs = config.shutdown.timeoutMs } = {}) => {
      closing ??= (async () => {
        // Open subscriptions end cleanly now (clients reconnect elsewhere): they would hold the drain.
        watches?.endSubscriptions();
        const { abandoned } = await drainer.drain({ delayMs, deadlineMs });
        if (abandoned > 0) {
          logger.warn(
            { abandoned, deadlineMs },
            'shutdown deadline passed; unfinished requests were answered 503, or cut when already answering',
          );
        }
        await gateway.dispose();
        lag?.close();
        const pools = Promise.all([...providers.values()].map((p) => p.close())).catch((error: unknown) =>
          logger.warn({ err: error }, 'closing the provider pools failed'),
        );
        // A pool closes once its calls end; calls of cut requests may run to their own timeouts.
        if (abandoned === 0) await pools;
        await collecting;
        // Runs under way finish (their events are stored) before the database closes.
        await watches
          ?.close()
          .catch((error: unknown) => logger.warn({ err: error }, 'closing the watches failed'));
        // After the pools: the observations of the last calls are written, then PGlite closes cleanly.
        await history
          ?.close()
          .catch((error: unknown) => logger.warn({ err: error }, 'closing the history store failed'));
        await sandbox?.close();
        await redis?.close();
        drift.close();
        // Last: an orchestrator sees the process alive for as long as it drains.
        await liveness?.close();
      })();
      return closing;
    },
  };
}

/**
 * Watches: the service, its scheduler and its event bus; on Redis when REDIS_URL is set (BullMQ job
 * schedulers, pub/sub, the watch runs' share counted across replicas), in this process otherwise.
 */
function createWatches(
  config: Config,
  history: HistoryStore,
  providers: ReadonlyMap<ProviderName, ListingProvider>,
  state: SharedState,
  logger: Logger,
  scheduler: WatchScheduler,
): WatchService {
  const limits = new Map<ProviderName, number>();
  for (const [name, settings] of [
    ['BEIKE', config.beike],
    ['FANG', config.fang],
  ] as const) {
    if (settings && providers.has(name)) {
      limits.set(name, Math.floor(settings.dailyBudget * config.watches.budgetShare));
    }
  }
  const budgets = new Map(
    [...limits].map(([name, limit]) => [name, state.dailyBudget({ name: `watch-share:${name}`, limit })]),
  );
  const share: WatchShare = {
    limits,
    fraction: config.watches.budgetShare,
    budget: (provider) => budgets.get(provider),
  };
  return new WatchService({
    db: history.db,
    providers,
    cache: config.cache,
    settings: config.watches,
    share,
    bus: createWatchEventBus(config.redis),
    scheduler,
    logger,
  });
}

/** BullMQ is loaded only with Redis: a process without it would hold its 5 MB of code for nothing. */
async function watchScheduler(config: Config, logger: Logger): Promise<WatchScheduler> {
  if (!config.redis) return new TimerScheduler();
  const { BullScheduler } = await import('./watches/bull-scheduler.js');
  return new BullScheduler(config.redis, logger);
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    // A burst of connections must not overflow the accept queue while the loop is busy: dropped
    // SYNs are retried by clients after 1, 3, 7 s, which a liveness probe sees as a hung /health.
    // The kernel caps this at net.core.somaxconn.
    server.listen({ port, host, backlog: 4096 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
