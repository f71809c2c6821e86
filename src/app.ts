import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from './config.js';
import type { ProviderName } from './domain/listing.js';
import type { UpstreamEvent } from './http/transport.js';
import { ListingStore } from './loaders/listing-store.js';
import { createLogger, type Logger } from './logger.js';
import type { ListingProvider } from './providers/provider.js';
import { createProviders, type ProviderEndpoints } from './providers/registry.js';
import { type Sandbox, startSandbox } from './sandbox/index.js';
import { createGateway, type Gateway } from './server/gateway.js';

export interface App {
  /** e.g. http://127.0.0.1:4000/graphql */
  url: string;
  gateway: Gateway;
  store: ListingStore;
  providers: ReadonlyMap<ProviderName, ListingProvider>;
  /** The embedded simulated providers, in sandbox mode. */
  sandbox: Sandbox | null;
  logger: Logger;
  close(): Promise<void>;
}

export interface AppOptions {
  logger?: Logger;
  onUpstreamEvent?: (event: UpstreamEvent) => void;
}

/**
 * The composition root: the only place that knows about the sandbox. In sandbox mode the simulated
 * providers start on loopback and the adapters talk to them exactly as they would to the real ones.
 */
export async function startApp(config: Config, options: AppOptions = {}): Promise<App> {
  const logger = options.logger ?? createLogger(config.log);
  const sandbox = config.sandbox.enabled
    ? await startSandbox({ seed: config.sandbox.seed, latencyMs: config.sandbox.latencyMs })
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
  const providers = createProviders(config, endpoints, logger, options.onUpstreamEvent);
  const store = new ListingStore(providers, config.cache);
  const mode = sandbox ? 'SANDBOX' : 'LIVE';
  const gateway = createGateway({ store, mode, logger, graphiql: !config.production });

  const server = createServer(gateway);
  await listen(server, config.port, config.host);
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;

  let closing: Promise<void> | null = null;
  return {
    url: `http://${host}:${port}/graphql`,
    gateway,
    store,
    providers,
    sandbox,
    logger,
    close: () => {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        await gateway.dispose();
        await Promise.all([...providers.values()].map((p) => p.close()));
        await sandbox?.close();
      })();
      return closing;
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
