import { UpstreamTransport } from '../../../src/http/transport.js';
import { createBeikeProvider } from '../../../src/providers/beike/index.js';
import type { ListingProvider } from '../../../src/providers/provider.js';
import type { Sandbox } from '../../../src/sandbox/index.js';
import type { MemoryLogger } from '../../support/memory-logger.js';

export const FIXED_NOW = new Date('2026-01-02T03:04:05.000Z');

export interface Harness {
  provider: ListingProvider;
  transport: UpstreamTransport;
}

/** A real transport with fast retries against the sandbox, and the adapter on top. */
export function beikeAgainst(
  sandbox: Sandbox,
  logs: MemoryLogger,
  options: { token?: string; timeoutMs?: number; maxBodyBytes?: number } = {},
): Harness {
  const token = options.token ?? sandbox.credentials.beikeToken;
  const transport = new UpstreamTransport({
    provider: 'BEIKE',
    baseUrl: sandbox.beikeUrl,
    secrets: [token],
    timeoutMs: options.timeoutMs ?? 5_000,
    deadlineMs: 15_000,
    maxBodyBytes: options.maxBodyBytes ?? 4 * 1024 * 1024,
    retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20 },
    rate: { perSecond: 10_000, burst: 10_000 },
    dailyBudget: null,
    circuit: { failureThreshold: 1_000, openMs: 1_000 },
    connections: 4,
    logger: logs.logger,
  });
  const provider = createBeikeProvider({ transport, token, logger: logs.logger, now: () => FIXED_NOW });
  return { provider, transport };
}
