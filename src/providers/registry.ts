import type { ProviderName } from '../domain/listing.js';
import { type TransportOptions, type UpstreamEvent, UpstreamTransport } from '../http/transport.js';
import type { Logger } from '../logger.js';
import { createBeikeProvider } from './beike/index.js';
import { type FangFlavourName, fangFlavour } from './fang/flavours.js';
import { createFangProvider } from './fang/index.js';
import type { ListingProvider } from './provider.js';

/** Credentials and base URLs actually used: the configured ones, or the sandbox's. */
export interface ProviderEndpoints {
  beike: { baseUrl: string; token: string } | null;
  fang: { baseUrl: string; key: string; secret: string } | null;
}

/** How to reach one provider and how hard to use it (README, Configuration). */
export interface ProviderSettings {
  timeoutMs: number;
  deadlineMs: number;
  ratePerSecond: number;
  dailyBudget: number | null;
}

/** The settings the providers are built from; the configuration hands them over as they are. */
export interface ProvidersSettings {
  beike: ProviderSettings | null;
  fang: (ProviderSettings & { pageSize: number; flavour: FangFlavourName }) | null;
  retry: TransportOptions['retry'];
  circuit: TransportOptions['circuit'];
  connections: number;
  maxBodyBytes: number;
}

/**
 * Builds one transport (one connection pool, one pacing bucket, one budget, one circuit) and one
 * adapter per configured provider.
 */
export function createProviders(
  config: ProvidersSettings,
  endpoints: ProviderEndpoints,
  logger: Logger,
  onEvent?: (event: UpstreamEvent) => void,
  /** Each client's share of a daily budget, and who the call is for (CLIENT_DAILY_SHARE). */
  dailyShare?: TransportOptions['dailyShare'],
  /** Where pacing, budgets and circuits are kept (this process, or Redis for several replicas). */
  state?: TransportOptions['state'],
  /** The allowance of the work under way (a watch run), asked before each attempt. */
  allowance?: TransportOptions['allowance'],
): Map<ProviderName, ListingProvider> {
  const providers = new Map<ProviderName, ListingProvider>();
  const common = (provider: ProviderName, settings: ProviderSettings) =>
    ({
      provider,
      baseUrl: '',
      secrets: [],
      timeoutMs: settings.timeoutMs,
      deadlineMs: settings.deadlineMs,
      maxBodyBytes: config.maxBodyBytes,
      retry: config.retry,
      rate: { perSecond: settings.ratePerSecond, burst: Math.max(1, Math.ceil(settings.ratePerSecond)) },
      dailyBudget: settings.dailyBudget,
      ...(dailyShare ? { dailyShare } : {}),
      ...(state ? { state } : {}),
      ...(allowance ? { allowance } : {}),
      circuit: config.circuit,
      connections: config.connections,
      // The transport names the provider on each line itself; the adapters bind their own child.
      logger,
      onEvent,
    }) satisfies TransportOptions;

  if (config.beike && endpoints.beike) {
    const { baseUrl, token } = endpoints.beike;
    const transport = new UpstreamTransport({ ...common('BEIKE', config.beike), baseUrl, secrets: [token] });
    providers.set('BEIKE', createBeikeProvider({ transport, token, logger }));
  }
  if (config.fang && endpoints.fang) {
    const { baseUrl, key, secret } = endpoints.fang;
    const transport = new UpstreamTransport({
      ...common('FANG', config.fang),
      baseUrl,
      secrets: [key, secret],
    });
    providers.set(
      'FANG',
      createFangProvider({
        transport,
        key,
        secret,
        searchPageSize: config.fang.pageSize,
        flavour: fangFlavour(config.fang.flavour),
        logger,
      }),
    );
  }
  return providers;
}
