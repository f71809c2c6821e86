import type { Config } from '../config.js';
import type { ProviderName } from '../domain/listing.js';
import { type TransportOptions, type UpstreamEvent, UpstreamTransport } from '../http/transport.js';
import type { Logger } from '../logger.js';
import { createBeikeProvider } from './beike/index.js';
import { fangFlavour } from './fang/flavours.js';
import { createFangProvider } from './fang/index.js';
import type { ListingProvider } from './provider.js';

/** Credentials and base URLs actually used: the configured ones, or the sandbox's. */
export interface ProviderEndpoints {
  beike: { baseUrl: string; token: string } | null;
  fang: { baseUrl: string; key: string; secret: string } | null;
}

/**
 * Builds one transport (one connection pool, one pacing bucket, one budget, one circuit) and one
 * adapter per configured provider.
 */
export function createProviders(
  config: Config,
  endpoints: ProviderEndpoints,
  logger: Logger,
  onEvent?: (event: UpstreamEvent) => void,
  /** Names the client an upstream call is made for, to charge its daily share (CLIENT_DAILY_SHARE). */
  payer?: () => string | null,
): Map<ProviderName, ListingProvider> {
  const providers = new Map<ProviderName, ListingProvider>();
  const common = (provider: ProviderName, settings: NonNullable<Config['beike'] | Config['fang']>) =>
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
      ...(payer ? { dailyShare: { fraction: config.security.clientDailyShare, payer } } : {}),
      circuit: config.circuit,
      connections: config.connections,
      logger: logger.child({ provider }),
      onEvent,
    }) satisfies TransportOptions;

  if (config.beike && endpoints.beike) {
    const { baseUrl, token } = endpoints.beike;
    const transport = new UpstreamTransport({ ...common('BEIKE', config.beike), baseUrl, secrets: [token] });
    providers.set(
      'BEIKE',
      createBeikeProvider({ transport, token, logger: logger.child({ provider: 'BEIKE' }) }),
    );
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
        logger: logger.child({ provider: 'FANG' }),
      }),
    );
  }
  return providers;
}
