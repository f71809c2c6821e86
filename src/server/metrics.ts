import { LRUCache } from 'lru-cache';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { ProviderName } from '../domain/listing.js';
import type { CircuitStatus, UpstreamEvent } from '../http/transport.js';
import type { DriftCount } from '../providers/decode.js';
import type { ProviderHealth } from '../providers/provider.js';
import type { CacheSource } from '../store/listing-store.js';

/**
 * The Prometheus registry of one app (not prom-client's global one, so that several apps can run
 * in one process, as tests do). Every label value is bounded: routes, methods and providers are
 * fixed sets; operation names and error codes pass through a BoundedLabel; no ids, no queries.
 */

const PREFIX = 'listing_graph_';
const CIRCUIT_STATES: readonly CircuitStatus[] = ['closed', 'open', 'half_open'];
const ROUTES = new Set(['/graphql', '/health', '/ready', '/metrics']);
const METHODS = new Set(['GET', 'POST', 'OPTIONS', 'HEAD']);
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/**
 * Client-chosen strings (operation names) would let any caller mint time series: the first
 * `limit` well-formed values are kept, anything later or odd-looking becomes "other".
 */
export class BoundedLabel {
  readonly #seen = new Set<string>();

  constructor(
    private readonly limit: number,
    private readonly pattern: RegExp,
  ) {}

  value(raw: string): string {
    if (this.#seen.has(raw)) return raw;
    if (this.#seen.size >= this.limit || !this.pattern.test(raw)) return 'other';
    this.#seen.add(raw);
    return raw;
  }
}

/**
 * Operation names as labels: the `limit` most frequent well-formed names so far keep their own
 * series, every other one is "other". A name that overtakes the least frequent kept one takes its
 * slot (`onEvict` drops the series of the one it replaces), so early callers cannot squat the
 * slots for good. Counts are held for a bounded number of candidates, least recently seen dropped.
 */
export class FrequentLabel {
  readonly #kept = new Map<string, number>();
  readonly #candidates: LRUCache<string, number>;

  constructor(
    private readonly limit: number,
    private readonly pattern: RegExp,
    private readonly onEvict: (label: string) => void = () => {},
    candidates = 10_000,
  ) {
    this.#candidates = new LRUCache({ max: candidates });
  }

  value(raw: string): string {
    const kept = this.#kept.get(raw);
    if (kept !== undefined) {
      this.#kept.set(raw, kept + 1);
      return raw;
    }
    if (!this.pattern.test(raw)) return 'other';
    const count = (this.#candidates.get(raw) ?? 0) + 1;
    if (this.#kept.size < this.limit) {
      this.#candidates.delete(raw);
      this.#kept.set(raw, count);
      return raw;
    }
    let weakest: string | null = null;
    let weakestCount = Number.POSITIVE_INFINITY;
    for (const [name, n] of this.#kept) {
      if (n < weakestCount) {
        weakest = name;
        weakestCount = n;
      }
    }
    if (weakest === null || count <= weakestCount) {
      this.#candidates.set(raw, count);
      return 'other';
    }
    this.#kept.delete(weakest);
    this.#candidates.set(weakest, weakestCount);
    this.onEvict(weakest);
    this.#candidates.delete(raw);
    this.#kept.set(raw, count);
    return raw;
  }
}

export interface MetricsSources {
  providers: () => ReadonlyMap<ProviderName, { health(): ProviderHealth }>;
  cacheSizes: () => Record<string, number>;
  /** Fields that failed to decode (or went missing) since start; bounded by the tally. */
  decodeDrift?: () => readonly DriftCount[];
  /** Redis calls that fell back to local state, per concern; absent: no Redis configured. */
  redisFallbacks?: () => Record<string, number>;
}

export class Metrics {
  readonly registry = new Registry();
  readonly #operations = new FrequentLabel(100, /^[A-Za-z_][A-Za-z0-9_]{0,63}$/, (name) => {
    for (const type of ['query', 'mutation', 'subscription', 'unknown']) {
      this.#operationDuration.remove({ operation: name, type });
    }
  });
  readonly #errorCodes = new BoundedLabel(40, /^[A-Z][A-Z0-9_]{0,47}$/);
  readonly #httpDuration: Histogram<'method' | 'route' | 'status'>;
  readonly #operationDuration: Histogram<'operation' | 'type'>;
  readonly #errors: Counter<'code'>;
  readonly #upstreamCalls: Counter<'provider' | 'endpoint' | 'outcome' | 'sent'>;
  readonly #upstreamDuration: Histogram<'provider' | 'endpoint'>;
  readonly #upstreamRetries: Counter<'provider' | 'endpoint'>;
  readonly #cacheLookups: Counter<'cache' | 'result'>;
  readonly #compressions: Counter<'encoding'>;

  constructor(sources: MetricsSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: PREFIX });
    this.#httpDuration = new Histogram({
      name: `${PREFIX}http_request_duration_seconds`,
      help: 'HTTP requests served, by method, route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.#operationDuration = new Histogram({
      name: `${PREFIX}graphql_operation_duration_seconds`,
      help: 'GraphQL operations executed, by operation name (bounded) and type',
      labelNames: ['operation', 'type'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.#errors = new Counter({
      name: `${PREFIX}graphql_errors_total`,
      help: 'GraphQL errors returned to clients, by extensions.code',
      labelNames: ['code'],
      registers,
    });
    this.#upstreamCalls = new Counter({
      name: `${PREFIX}upstream_calls_total`,
      help: 'Upstream attempts by provider, endpoint and outcome; sent="false" were refused locally (circuit, budget, pacing) and cost nothing',
      labelNames: ['provider', 'endpoint', 'outcome', 'sent'],
      registers,
    });
    this.#upstreamDuration = new Histogram({
      name: `${PREFIX}upstream_call_duration_seconds`,
      help: 'Duration of upstream attempts that were sent',
      labelNames: ['provider', 'endpoint'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.#upstreamRetries = new Counter({
      name: `${PREFIX}upstream_retries_total`,
      help: 'Upstream attempts that failed and were retried',
      labelNames: ['provider', 'endpoint'],
      registers,
    });
    this.#cacheLookups = new Counter({
      name: `${PREFIX}cache_lookups_total`,
      help: 'Cache lookups by cache and result (hit, miss, shared: joined an in-flight fetch, stale: served past its TTL because the provider failed)',
      labelNames: ['cache', 'result'],
      registers,
    });
    new Counter({
      name: `${PREFIX}decode_drift_total`,
      help: 'Provider fields that failed to decode or went missing, by provider, endpoint and field: contract drift',
      labelNames: ['provider', 'endpoint', 'field'],
      registers,
      collect() {
        this.reset();
        for (const { provider, endpoint, field, count } of sources.decodeDrift?.() ?? [])
          this.inc({ provider, endpoint, field }, count);
      },
    });
    this.#compressions = new Counter({
      name: `${PREFIX}http_compressions_total`,
      help: 'Answers compressed on the request path, by encoding (a response-cache hit reuses the bytes its entry kept)',
      labelNames: ['encoding'],
      registers,
    });
    new Gauge({
      name: `${PREFIX}upstream_circuit_state`,
      help: "1 for each provider's current circuit state",
      labelNames: ['provider', 'state'],
      registers,
      collect() {
        for (const [provider, p] of sources.providers()) {
          const { circuit } = p.health();
          for (const state of CIRCUIT_STATES) this.set({ provider, state }, state === circuit ? 1 : 0);
        }
      },
    });
    new Gauge({
      name: `${PREFIX}upstream_budget_remaining`,
      help: 'Calls left today under our own daily budget (China time), per provider',
      labelNames: ['provider'],
      registers,
      collect() {
        for (const [provider, p] of sources.providers()) {
          const { budgetRemaining } = p.health();
          if (budgetRemaining !== null) this.set({ provider }, budgetRemaining);
        }
      },
    });
    if (sources.redisFallbacks) {
      const fallbacks = sources.redisFallbacks;
      new Counter({
        name: `${PREFIX}redis_fallbacks_total`,
        help: 'Shared-state operations answered locally because Redis could not, by concern',
        labelNames: ['concern'],
        registers,
        // Counted by the connection; read out whole at each scrape.
        collect() {
          this.reset();
          for (const [concern, n] of Object.entries(fallbacks())) this.inc({ concern }, n);
        },
      });
    }
    new Gauge({
      name: `${PREFIX}cache_entries`,
      help: 'Entries held, by cache',
      labelNames: ['cache'],
      registers,
      collect() {
        for (const [cache, size] of Object.entries(sources.cacheSizes())) this.set({ cache }, size);
      },
    });
  }

  observeHttp(method: string, path: string, status: number, seconds: number): void {
    this.#httpDuration.observe(
      {
        method: METHODS.has(method) ? method : 'other',
        route: ROUTES.has(path) ? path : 'other',
        status: String(status),
      },
      seconds,
    );
  }

  observeOperation(name: string | null, type: string, seconds: number): void {
    this.#operationDuration.observe(
      { operation: name === null ? 'anonymous' : this.#operations.value(name), type },
      seconds,
    );
  }

  countError(code: string): void {
    this.#errors.inc({ code: this.#errorCodes.value(code) });
  }

  recordUpstreamEvent(event: UpstreamEvent): void {
    const { provider, endpoint } = event;
    this.#upstreamCalls.inc({ provider, endpoint, outcome: event.outcome, sent: String(event.sent) });
    if (event.sent) this.#upstreamDuration.observe({ provider, endpoint }, event.durationMs / 1000);
    if (event.willRetry) this.#upstreamRetries.inc({ provider, endpoint });
  }

  recordCacheResult(cache: string, source: CacheSource): void {
    this.#cacheLookups.inc({ cache, result: source });
  }

  countCompression(encoding: 'br' | 'gzip'): void {
    this.#compressions.inc({ encoding });
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
