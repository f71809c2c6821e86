import { UpstreamTransport } from '../../src/http/transport.js';
import type { Logger } from '../../src/logger.js';
import { silentLogger } from '../../src/logger.js';
import { createBeikeProvider } from '../../src/providers/beike/index.js';
import type { FangFlavour } from '../../src/providers/fang/flavours.js';
import { createFangProvider } from '../../src/providers/fang/index.js';
import type { ListingProvider } from '../../src/providers/provider.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { transportOptions } from './transport.js';

/** The clock the adapters are given, so that `fetchedAt` is known. */
export const FIXED_NOW = new Date('2026-01-02T03:04:05.000Z');

export interface ProviderHarness {
  provider: ListingProvider;
  transport: UpstreamTransport;
}

export interface HarnessOptions {
  logger?: Logger;
  timeoutMs?: number;
  maxBodyBytes?: number;
  maxAttempts?: number;
  now?: () => Date;
}

/** Fast retries; pacing and the circuit out of the way, so that faults reach the adapter as they are. */
function transportFor(
  name: 'BEIKE' | 'FANG',
  baseUrl: string,
  secrets: string[],
  options: HarnessOptions,
): UpstreamTransport {
  return new UpstreamTransport(
    transportOptions(baseUrl, {
      provider: name,
      secrets,
      timeoutMs: options.timeoutMs ?? (name === 'BEIKE' ? 5_000 : 2_000),
      deadlineMs: 15_000,
      maxBodyBytes: options.maxBodyBytes ?? 4 * 1024 * 1024,
      retry: { maxAttempts: options.maxAttempts ?? 3, baseDelayMs: 5, maxDelayMs: 20 },
      rate: { perSecond: 10_000, burst: 10_000 },
      circuit: { failureThreshold: 1_000, openMs: 1_000 },
      logger: options.logger ?? silentLogger,
    }),
  );
}

/** A real transport with fast retries against the sandbox's Beike, and the adapter on top. */
export function beikeAgainst(
  sandbox: Sandbox,
  options: HarnessOptions & { token?: string } = {},
): ProviderHarness {
  const token = options.token ?? sandbox.credentials.beikeToken;
  const transport = transportFor('BEIKE', sandbox.beikeUrl, [token], options);
  const provider = createBeikeProvider({
    transport,
    token,
    logger: options.logger ?? silentLogger,
    now: options.now ?? (() => FIXED_NOW),
  });
  return { provider, transport };
}

/** The same for Fang, at `baseUrl` (the sandbox's unless said), with the sandbox's key and secret unless said. */
export function fangAgainst(
  sandbox: { fangUrl: string; credentials: { fangKey: string; fangSecret: string } },
  options: HarnessOptions & {
    key?: string;
    secret?: string;
    pageSize?: number;
    baseUrl?: string;
    flavour?: FangFlavour;
  } = {},
): ProviderHarness {
  const key = options.key ?? sandbox.credentials.fangKey;
  const secret = options.secret ?? sandbox.credentials.fangSecret;
  const transport = transportFor('FANG', options.baseUrl ?? sandbox.fangUrl, [key, secret], options);
  const provider = createFangProvider({
    transport,
    key,
    secret,
    logger: options.logger ?? silentLogger,
    ...(options.now ? { now: options.now } : {}),
    ...(options.pageSize ? { searchPageSize: options.pageSize } : {}),
    ...(options.flavour ? { flavour: options.flavour } : {}),
  });
  return { provider, transport };
}
