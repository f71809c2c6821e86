import type { Row, Yardstick } from './report.js';

/**
 * The burst the security probe saw stall the event loop: `count` concurrent cold searches (each a
 * different filter, so neither the response cache nor request coalescing answers them), while a
 * prober in its own process times `/health` every few milliseconds, on the liveness listener
 * (HEALTH_PORT, what an orchestrator's probe is pointed at) and on the main port side by side, and
 * the gateway measures its own event-loop lag. Target: the liveness probe's p99 ≤ 100 ms.
 */

export interface ProbeFigures {
  count: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  failures: number;
  /** The failed probes by HTTP status, or by error for probes that got none. */
  failureKinds: Record<string, number>;
  /** p99 of the probes that were answered 200. */
  answeredP99Ms: number;
}

export interface LagFigures {
  maxMs: number;
  p99Ms: number;
  meanMs: number;
}

export interface BurstFigures {
  searches: {
    count: number;
    ok: number;
    shed: number;
    other: number;
    /** The "other" answers by HTTP status, or by error for requests that got none. */
    otherKinds: Record<string, number>;
    p50Ms: number;
    p99Ms: number;
  };
  /** `/health` on the liveness listener (HEALTH_PORT). */
  health: ProbeFigures;
  /** `/health` on the main port, which shares its accept queue and event loop with the searches. */
  mainHealth: ProbeFigures;
  lag: LagFigures;
}

/** Sends every search at once over fresh connections; counts 200s, 503s (shed) and the rest. */
export async function burst(url: string, bodies: string[]): Promise<BurstFigures['searches']> {
  const latencies: number[] = [];
  let ok = 0;
  let shed = 0;
  let other = 0;
  const otherKinds: Record<string, number> = {};
  const note = (kind: string) => {
    other++;
    otherKinds[kind] = (otherKinds[kind] ?? 0) + 1;
  };
  await Promise.all(
    bodies.map(async (body) => {
      const t0 = performance.now();
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
          body,
        });
        await response.arrayBuffer();
        latencies.push(performance.now() - t0);
        if (response.status === 200) ok++;
        else if (response.status === 503) shed++;
        else note(String(response.status));
      } catch (error) {
        const cause = (error as { cause?: { code?: string } }).cause;
        note(cause?.code ?? (error as Error).name);
      }
    }),
  );
  return {
    count: bodies.length,
    ok,
    shed,
    other,
    otherKinds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}

const PROBE_TIMEOUT_MS = 10_000;

/** In the prober's process: probes each of `urls` (see probe), side by side. */
export function startProbing(urls: string[], intervalMs: number): () => Promise<ProbeFigures[]> {
  const stops = urls.map((url) => probe(url, intervalMs));
  return () => Promise.all(stops.map((stop) => stop()));
}

/**
 * GET `url` every `intervalMs` (not waiting for the previous answer). A probe that fails or times
 * out counts as the timeout in the percentiles: a liveness probe would have seen at least that.
 */
function probe(url: string, intervalMs: number): () => Promise<ProbeFigures> {
  const latencies: number[] = [];
  const answered: number[] = [];
  const pending = new Set<Promise<void>>();
  const failureKinds: Record<string, number> = {};
  let failures = 0;
  const fail = (kind: string) => {
    failures++;
    failureKinds[kind] = (failureKinds[kind] ?? 0) + 1;
    latencies.push(PROBE_TIMEOUT_MS);
  };
  const timer = setInterval(() => {
    const t0 = performance.now();
    const probe = fetch(url, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) })
      .then(async (response) => {
        await response.arrayBuffer();
        if (response.status === 200) {
          latencies.push(performance.now() - t0);
          answered.push(performance.now() - t0);
        } else fail(String(response.status));
      })
      .catch((error: unknown) => {
        const cause = (error as { cause?: { code?: string } }).cause;
        fail(cause?.code ?? (error as Error).name);
      })
      .finally(() => pending.delete(probe));
    pending.add(probe);
  }, intervalMs);
  return async () => {
    clearInterval(timer);
    await Promise.all(pending);
    return {
      count: latencies.length,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      maxMs: Math.max(0, ...latencies),
      failures,
      failureKinds,
      answeredP99Ms: percentile(answered, 99),
    };
  };
}

export function burstReport(figures: BurstFigures, label: string): { row: Row; yardstick: Yardstick } {
  const { searches, health, mainHealth, lag } = figures;
  return {
    row: {
      scenario: `burst: ${searches.count.toLocaleString('en')} cold searches at once${label}`,
      system: 'gateway',
      requestsPerSecond: null,
      p50Ms: searches.p50Ms,
      p99Ms: searches.p99Ms,
      upstreamCallsPerQuery: null,
      peakRssMb: 0,
      vsCeiling: null,
      failures: searches.other,
    },
    yardstick: {
      scenario: `burst${label}`,
      target: '/health p99 ≤ 100 ms during the burst (the liveness listener, HEALTH_PORT)',
      result:
        `liveness /health p99 ${probeSummary(health)}; main-port /health p99 ${probeSummary(mainHealth)}; ` +
        `event-loop lag max ${lag.maxMs.toFixed(0)} ms, p99 ${lag.p99Ms.toFixed(0)} ms; ` +
        `${searches.ok} answered, ${searches.shed} shed (503), ${searches.other} other ${JSON.stringify(searches.otherKinds)}`,
      met: health.p99Ms <= 100 && health.failures === 0,
    },
  };
}

function probeSummary(probes: ProbeFigures): string {
  return (
    `${probes.p99Ms.toFixed(1)} ms (max ${probes.maxMs.toFixed(1)} ms, ${probes.count} probes, ` +
    `${probes.failures} failed ${JSON.stringify(probes.failureKinds)}, p99 of those answered ${probes.answeredP99Ms.toFixed(1)} ms)`
  );
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return (
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN
  );
}
