import type { TransportOptions } from '../../src/http/transport.js';
import { silentLogger } from '../../src/logger.js';

/**
 * Transport options for tests: fast retries, pacing and the circuit out of the way, no daily
 * budget, deterministic jitter. Override what a test varies.
 */
export function transportOptions(
  baseUrl: string,
  overrides: Partial<TransportOptions> = {},
): TransportOptions {
  return {
    provider: 'FANG',
    baseUrl,
    secrets: [],
    timeoutMs: 2000,
    deadlineMs: 10_000,
    maxBodyBytes: 64 * 1024,
    retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 1000 },
    rate: { perSecond: 1000, burst: 1000 },
    dailyBudget: null,
    circuit: { failureThreshold: 100, openMs: 1000 },
    connections: 4,
    logger: silentLogger,
    random: () => 0.5,
    ...overrides,
  };
}
