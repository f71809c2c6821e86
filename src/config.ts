import { readFileSync } from 'node:fs';
import { z } from 'zod';
import {
  DEFAULT_FANG_FLAVOUR,
  FANG_FLAVOUR_TABLE,
  FANG_FLAVOURS,
  type FangFlavourName,
} from './providers/fang/flavours.js';
import { parseTrustedProxies } from './server/client-address.js';
import { type ApiClient, parseApiKeys } from './server/clients.js';
import { parsePersistedOperations } from './server/persisted-operations.js';
import type { SecuritySettings } from './server/security.js';
import type { RedisSettings } from './state/redis-connection.js';
import type { WatchSettings } from './watches/service.js';

/**
 * Configuration comes from the environment, parsed once at start-up. The variable names are a
 * public contract (README, Configuration).
 */

const flag = z
  .enum(['1', 'true', 'yes', 'on', '0', 'false', 'no', 'off', ''], {
    error: 'must be 1/true/yes/on or 0/false/no/off',
  })
  .transform((v) => ['1', 'true', 'yes', 'on'].includes(v));

const int = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, `must be a whole number from ${min} to ${max}`)
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

const positive = z
  .string()
  .trim()
  .regex(/^\d+(\.\d+)?$/, 'must be a positive number')
  .transform(Number)
  .pipe(z.number().positive('must be a positive number'));

const httpUrl = z
  .string()
  .trim()
  .pipe(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }))
  .transform((u) => u.replace(/\/+$/, ''));

const secret = z.string().trim().min(1, 'must not be empty').optional();

// The URL may carry a password: the message names the shape, never the value.
const redisUrl = z
  .string()
  .trim()
  .pipe(z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' }));

const share = z
  .string()
  .trim()
  .regex(/^(0?\.\d+|1(\.0+)?)$/, 'must be a fraction above 0 and at most 1, such as 0.25')
  .transform(Number)
  .pipe(z.number().positive('must be a fraction above 0 and at most 1, such as 0.25').max(1));

const envSchema = z.object({
  PORT: int(0, 65535).default(4000),
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_PRETTY: flag.optional(),

  SANDBOX: flag.optional(),
  SANDBOX_SEED: int(0, 2 ** 31 - 1).default(20241105),
  SANDBOX_LATENCY_MS: int(0, 60_000).default(0),

  BEIKE_TOKEN: secret,
  BEIKE_BASE_URL: httpUrl.default('https://api.justoneapi.com'),
  BEIKE_TIMEOUT_MS: int(100, 600_000).default(60_000),
  BEIKE_DEADLINE_MS: int(100, 900_000).default(90_000),
  BEIKE_RATE_PER_SECOND: positive.default(5),
  BEIKE_DAILY_BUDGET: int(0, 100_000_000).default(10_000),

  FANG_KEY: secret,
  FANG_SECRET: secret,
  FANG_FLAVOUR: z.enum(FANG_FLAVOURS).default(DEFAULT_FANG_FLAVOUR),
  /** Default: the flavour's own base URL. */
  FANG_BASE_URL: httpUrl.optional(),
  FANG_TIMEOUT_MS: int(100, 600_000).default(15_000),
  FANG_DEADLINE_MS: int(100, 900_000).default(30_000),
  FANG_RATE_PER_SECOND: positive.default(5),
  FANG_DAILY_BUDGET: int(0, 100_000_000).default(1_000),
  FANG_PAGE_SIZE: int(1, 50).default(50),

  RETRY_MAX_ATTEMPTS: int(1, 10).default(3),
  RETRY_BASE_DELAY_MS: int(0, 60_000).default(1_000),
  RETRY_MAX_DELAY_MS: int(0, 300_000).default(8_000),
  CIRCUIT_FAILURE_THRESHOLD: int(1, 1_000).default(5),
  CIRCUIT_OPEN_MS: int(100, 3_600_000).default(30_000),
  // One every-field search of 20 sends up to 40 calls to one provider at once (details and community
  // lookups): fewer connections queue them into a further round trip.
  UPSTREAM_CONNECTIONS: int(1, 256).default(64),
  UPSTREAM_MAX_BODY_BYTES: int(1_024, 100 * 1024 * 1024).default(4 * 1024 * 1024),

  CACHE_LIST_TTL_SECONDS: int(0, 86_400).default(1_800),
  CACHE_DETAIL_TTL_SECONDS: int(0, 86_400).default(600),
  CACHE_STALE_IF_ERROR_SECONDS: int(0, 604_800).default(3_600),
  CACHE_MAX_ENTRIES: int(1, 10_000_000).default(20_000),

  // Performance: whole answers of queries, kept no longer than the data they were read from.
  RESPONSE_CACHE_TTL_SECONDS: int(0, 86_400).default(300),
  RESPONSE_CACHE_MAX_ENTRIES: int(0, 1_000_000).default(1_000),

  // Hardening: operation limits, client access and production settings (README, Security).
  QUERY_MAX_CHARACTERS: int(100, 1_000_000).default(10_000),
  QUERY_MAX_TOKENS: int(10, 100_000).default(1_000),
  QUERY_MAX_DEPTH: int(1, 100).default(10),
  QUERY_MAX_ALIASES: int(0, 1_000).default(15),
  QUERY_MAX_DIRECTIVES: int(0, 1_000).default(10),
  QUERY_MAX_COST: int(1, 1_000_000).default(120),
  CLIENT_REQUESTS_PER_MINUTE: int(0, 1_000_000_000).default(600),
  // Unset: what the slowest provider's pacing allows in a minute (README, Security).
  CLIENT_COST_PER_MINUTE: int(0, 1_000_000_000).optional(),
  CLIENT_DAILY_SHARE: z
    .string()
    .trim()
    .regex(/^(0(\.\d+)?|1(\.0+)?)$/, 'must be a fraction from 0 to 1, such as 0.25')
    .transform(Number)
    .pipe(z.number().positive('must be more than 0'))
    .default(0.25),
  READY_TOKEN: secret,
  LOAD_SHED_LAG_MS: int(0, 60_000).default(200),
  MAX_IN_FLIGHT: int(0, 100_000).default(128),
  MAX_QUEUED: int(0, 1_000_000).default(2_000),
  API_KEYS: secret,
  API_KEYS_FILE: z.string().trim().min(1, 'must not be empty').optional(),
  INTROSPECTION: flag.optional(),
  GRAPHIQL: flag.optional(),
  FIELD_SUGGESTIONS: flag.optional(),
  CORS_ORIGINS: z
    .string()
    .trim()
    .regex(
      /^(\*|(https?:\/\/[^\s,/]+|null)(\s*,\s*(https?:\/\/[^\s,/]+|null))*)$/,
      'must be * or a comma-separated list of origins such as https://example.com',
    )
    .optional(),
  // Reverse proxies whose X-Forwarded-For is believed (README, Running several replicas).
  TRUST_PROXY: z
    .string()
    .optional()
    .transform((text, ctx) => {
      try {
        return parseTrustedProxies(text);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    }),
  REQUEST_MAX_BYTES: int(1_024, 100 * 1024 * 1024).default(102_400),
  BATCH_LIMIT: int(0, 100).default(0),
  PERSISTED_OPERATIONS_FILE: z.string().trim().min(1, 'must not be empty').optional(),

  // Shared state for several replicas (README, Running several replicas); unset: all in process.
  REDIS_URL: redisUrl.optional(),
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'must be 1 to 64 letters, digits or _ . : -')
    .default('lg:'),
  REDIS_COMMAND_TIMEOUT_MS: int(10, 60_000).default(250),
  REDIS_FALLBACK_SHARE: share.default(0.25),
  REDIS_FETCH_WAIT_MS: int(100, 120_000).default(10_000),

  // Operations: metrics and graceful shutdown.
  METRICS_ENABLED: flag.default(true),
  SHUTDOWN_DELAY_MS: int(0, 600_000).default(0),
  SHUTDOWN_TIMEOUT_MS: int(0, 600_000).default(10_000),
  /** Liveness on a port of its own, answered off the main thread (README, Health); unset: none. */
  HEALTH_PORT: int(0, 65535).optional(),
  LIVENESS_STALL_MS: int(200, 600_000).default(10_000),

  // Storage: the listing history (README, Storage). DATABASE_URL may hold a password: a secret.
  HISTORY_ENABLED: flag.default(true),
  DATABASE_URL: z
    .string()
    .trim()
    .regex(/^postgres(ql)?:\/\/\S+$/, 'must be a postgres:// URL')
    .optional(),
  DATA_DIR: z.string().trim().min(1, 'must not be empty').optional(),
  HISTORY_RETENTION_DAYS: int(1, 36_500).default(730),
  HISTORY_QUEUE_CAPACITY: int(1, 10_000_000).default(20_000),
  /** Sandbox mode: upstream calls of the sweep at start-up (0: none), so `market` has data at once. */
  SANDBOX_COLLECT_CALLS: int(0, 10_000).default(20),

  // Watches and alerts (README, Watches).
  WATCHES_PER_CLIENT: int(1, 100_000).default(50),
  WATCH_MAX_CALLS_PER_RUN: int(1, 10_000).default(60),
  WATCH_BUDGET_SHARE: share.default(0.5),
  /** Default 15; 1 in sandbox mode. */
  WATCH_MIN_INTERVAL_MINUTES: int(1, 10_080).optional(),
  /** The length of one interval minute: tests compress it. */
  WATCH_MINUTE_MS: int(10, 3_600_000).default(60_000),
  /** Events no longer awaiting a webhook attempt are deleted this many days after they were made. */
  WATCH_EVENT_RETENTION_DAYS: int(1, 36_500).default(90),
  /** Default: on in sandbox mode, off otherwise. */
  WEBHOOK_ALLOW_PRIVATE: flag.optional(),
  WEBHOOK_TIMEOUT_MS: int(100, 120_000).default(10_000),
  WEBHOOK_RETRY_DELAYS_MS: z
    .string()
    .trim()
    .regex(
      /^\d{1,9}(\s*,\s*\d{1,9}){0,19}$/,
      'must be up to 20 comma-separated delays in ms, such as 10000,60000',
    )
    .transform((v) => v.split(',').map((d) => Number(d.trim())))
    .default([10_000, 60_000, 300_000, 1_800_000, 7_200_000]),
  WEBHOOK_SWEEP_MS: int(10, 3_600_000).default(10_000),
});

export type Env = z.infer<typeof envSchema>;

export interface ProviderSettings {
  baseUrl: string;
  timeoutMs: number;
  deadlineMs: number;
  ratePerSecond: number;
  dailyBudget: number;
}

export interface Config {
  port: number;
  host: string;
  production: boolean;
  log: { level: string; pretty: boolean };
  /** In sandbox mode the gateway runs against the embedded simulated providers. */
  sandbox: { enabled: boolean; seed: number; latencyMs: number };
  beike: (ProviderSettings & { token: string | undefined }) | null;
  fang:
    | (ProviderSettings & {
        key: string | undefined;
        secret: string | undefined;
        pageSize: number;
        flavour: FangFlavourName;
      })
    | null;
  retry: { maxAttempts: number; baseDelayMs: number; maxDelayMs: number };
  circuit: { failureThreshold: number; openMs: number };
  connections: number;
  maxBodyBytes: number;
  cache: { listTtlMs: number; detailTtlMs: number; staleIfErrorMs: number; maxEntries: number };
  /** Whole answers of queries; 0 in either turns it off. */
  responseCache: { ttlMs: number; maxEntries: number };
  /** Hardening: operation limits, client access, production settings (README, Security). */
  security: SecuritySettings;
  /** Operations: `/metrics`; on SIGTERM, how long to stay up while not ready, then to finish requests. */
  metrics: { enabled: boolean };
  shutdown: { delayMs: number; timeoutMs: number };
  /** `/health` on its own port from a worker thread; null: only the main port's `/health`. */
  liveness: { port: number; stallMs: number } | null;
  /** Shared state on Redis; null keeps every counter, lock and cache in this process. */
  redis: (RedisSettings & { fetchWaitMs: number }) | null;
  /** Watches and alerts; `budgetShare` of each provider's daily budget is theirs at most. */
  watches: WatchSettings & { budgetShare: number };
  /**
   * The listing history. `dataDir` is PGlite's directory ('memory': nothing on disk); sandbox
   * mode keeps its simulated history in memory, or under DATA_DIR/sandbox when DATA_DIR is set.
   */
  history: {
    enabled: boolean;
    databaseUrl: string | undefined;
    dataDir: string;
    retentionDays: number;
    queueCapacity: number;
    /** Sandbox mode: the start-up sweep's upstream calls (0: none). */
    sandboxCollectCalls: number;
  };
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Throws ConfigError with one readable line naming the variable. Values are never echoed: some of
 * these variables are secrets.
 */
export function loadConfig(environment: NodeJS.ProcessEnv = process.env): Config {
  const known = Object.fromEntries(
    Object.keys(envSchema.shape).flatMap((name) => {
      const value = environment[name];
      return value === undefined ? [] : [[name, value]];
    }),
  );
  const parsed = envSchema.safeParse(known);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? 'environment');
    const reason =
      issue?.code === 'invalid_value' && !issue.message.startsWith('must')
        ? `must be one of ${issue.values.join(', ')}`
        : issue?.message;
    throw new ConfigError(`${name} ${reason ?? 'is invalid'}`);
  }
  const env = parsed.data;
  if (Boolean(env.FANG_KEY) !== Boolean(env.FANG_SECRET)) {
    throw new ConfigError(
      'FANG_KEY and FANG_SECRET must be set together (the secret signs every Fang request)',
    );
  }
  if (env.HEALTH_PORT !== undefined && env.HEALTH_PORT !== 0 && env.HEALTH_PORT === env.PORT) {
    throw new ConfigError('HEALTH_PORT must differ from PORT (the probe needs a listener of its own)');
  }
  const hasCredentials = Boolean(env.BEIKE_TOKEN || env.FANG_KEY);
  const sandbox = env.SANDBOX ?? !hasCredentials;
  return {
    port: env.PORT,
    host: env.HOST,
    production: env.NODE_ENV === 'production',
    log: {
      level: env.LOG_LEVEL,
      pretty: env.LOG_PRETTY ?? (env.NODE_ENV === 'development' && process.stdout.isTTY),
    },
    sandbox: { enabled: sandbox, seed: env.SANDBOX_SEED, latencyMs: env.SANDBOX_LATENCY_MS },
    beike:
      sandbox || env.BEIKE_TOKEN
        ? {
            token: env.BEIKE_TOKEN,
            baseUrl: env.BEIKE_BASE_URL,
            timeoutMs: env.BEIKE_TIMEOUT_MS,
            deadlineMs: env.BEIKE_DEADLINE_MS,
            ratePerSecond: env.BEIKE_RATE_PER_SECOND,
            dailyBudget: env.BEIKE_DAILY_BUDGET,
          }
        : null,
    fang:
      sandbox || env.FANG_KEY
        ? {
            key: env.FANG_KEY,
            secret: env.FANG_SECRET,
            baseUrl: env.FANG_BASE_URL ?? FANG_FLAVOUR_TABLE[env.FANG_FLAVOUR].defaultBaseUrl,
            flavour: env.FANG_FLAVOUR,
            timeoutMs: env.FANG_TIMEOUT_MS,
            deadlineMs: env.FANG_DEADLINE_MS,
            ratePerSecond: env.FANG_RATE_PER_SECOND,
            dailyBudget: env.FANG_DAILY_BUDGET,
            pageSize: env.FANG_PAGE_SIZE,
          }
        : null,
    retry: {
      maxAttempts: env.RETRY_MAX_ATTEMPTS,
      baseDelayMs: env.RETRY_BASE_DELAY_MS,
      maxDelayMs: env.RETRY_MAX_DELAY_MS,
    },
    circuit: { failureThreshold: env.CIRCUIT_FAILURE_THRESHOLD, openMs: env.CIRCUIT_OPEN_MS },
    connections: env.UPSTREAM_CONNECTIONS,
    maxBodyBytes: env.UPSTREAM_MAX_BODY_BYTES,
    cache: {
      listTtlMs: env.CACHE_LIST_TTL_SECONDS * 1000,
      detailTtlMs: env.CACHE_DETAIL_TTL_SECONDS * 1000,
      staleIfErrorMs: env.CACHE_STALE_IF_ERROR_SECONDS * 1000,
      maxEntries: env.CACHE_MAX_ENTRIES,
    },
    responseCache: {
      ttlMs: env.RESPONSE_CACHE_TTL_SECONDS * 1000,
      maxEntries: env.RESPONSE_CACHE_MAX_ENTRIES,
    },
    security: securityOf(env),
    metrics: { enabled: env.METRICS_ENABLED },
    shutdown: { delayMs: env.SHUTDOWN_DELAY_MS, timeoutMs: env.SHUTDOWN_TIMEOUT_MS },
    liveness:
      env.HEALTH_PORT === undefined ? null : { port: env.HEALTH_PORT, stallMs: env.LIVENESS_STALL_MS },
    redis: env.REDIS_URL
      ? {
          url: env.REDIS_URL,
          keyPrefix: env.REDIS_KEY_PREFIX,
          commandTimeoutMs: env.REDIS_COMMAND_TIMEOUT_MS,
          fallbackShare: env.REDIS_FALLBACK_SHARE,
          fetchWaitMs: env.REDIS_FETCH_WAIT_MS,
        }
      : null,
    watches: {
      perClient: env.WATCHES_PER_CLIENT,
      maxCallsPerRun: env.WATCH_MAX_CALLS_PER_RUN,
      budgetShare: env.WATCH_BUDGET_SHARE,
      minIntervalMinutes: env.WATCH_MIN_INTERVAL_MINUTES ?? (sandbox ? 1 : 15),
      minuteMs: env.WATCH_MINUTE_MS,
      eventRetentionDays: env.WATCH_EVENT_RETENTION_DAYS,
      webhook: {
        allowPrivate: env.WEBHOOK_ALLOW_PRIVATE ?? sandbox,
        timeoutMs: env.WEBHOOK_TIMEOUT_MS,
        retryDelaysMs: env.WEBHOOK_RETRY_DELAYS_MS,
        sweepMs: env.WEBHOOK_SWEEP_MS,
      },
    },
    history: {
      enabled: env.HISTORY_ENABLED,
      databaseUrl: env.DATABASE_URL,
      dataDir: sandbox ? (env.DATA_DIR ? `${env.DATA_DIR}/sandbox` : 'memory') : (env.DATA_DIR ?? './data'),
      retentionDays: env.HISTORY_RETENTION_DAYS,
      queueCapacity: env.HISTORY_QUEUE_CAPACITY,
      sandboxCollectCalls: env.SANDBOX_COLLECT_CALLS,
    },
  };
}

function securityOf(env: Env): SecuritySettings {
  const open = env.NODE_ENV !== 'production';
  let clients: ApiClient[];
  try {
    clients = parseApiKeys(env.API_KEYS, undefined);
  } catch (error) {
    throw new ConfigError(`API_KEYS ${(error as Error).message}`);
  }
  if (env.API_KEYS_FILE) {
    const text = readConfigFile('API_KEYS_FILE', env.API_KEYS_FILE);
    try {
      clients = parseApiKeys(env.API_KEYS, text);
    } catch (error) {
      throw new ConfigError(`API_KEYS_FILE ${(error as Error).message}`);
    }
  }
  let persistedOperations: ReadonlyMap<string, string> | null = null;
  if (env.PERSISTED_OPERATIONS_FILE) {
    const text = readConfigFile('PERSISTED_OPERATIONS_FILE', env.PERSISTED_OPERATIONS_FILE);
    try {
      persistedOperations = parsePersistedOperations(text);
    } catch (error) {
      throw new ConfigError(`PERSISTED_OPERATIONS_FILE ${(error as Error).message}`);
    }
  }
  const origins = env.CORS_ORIGINS?.split(',').map((o) => o.trim());
  return {
    limits: {
      maxCharacters: env.QUERY_MAX_CHARACTERS,
      maxTokens: env.QUERY_MAX_TOKENS,
      maxDepth: env.QUERY_MAX_DEPTH,
      maxAliases: env.QUERY_MAX_ALIASES,
      maxDirectives: env.QUERY_MAX_DIRECTIVES,
      maxCost: env.QUERY_MAX_COST,
    },
    clients,
    defaults: {
      requestsPerMinute: env.CLIENT_REQUESTS_PER_MINUTE,
      costPerMinute: env.CLIENT_COST_PER_MINUTE ?? pacedCostPerMinute(env),
    },
    introspection: env.INTROSPECTION ?? open,
    graphiql: env.GRAPHIQL ?? open,
    fieldSuggestions: env.FIELD_SUGGESTIONS ?? open,
    corsOrigins: origins?.includes('*') ? '*' : (origins ?? (open ? '*' : [])),
    trustedProxies: env.TRUST_PROXY,
    clientDailyShare: env.CLIENT_DAILY_SHARE,
    readyToken: env.READY_TOKEN ?? null,
    loadShedLagMs: env.LOAD_SHED_LAG_MS,
    maxInFlight: env.MAX_IN_FLIGHT,
    maxQueued: env.MAX_QUEUED,
    production: !open,
    maxRequestBytes: env.REQUEST_MAX_BYTES,
    batchLimit: env.BATCH_LIMIT,
    persistedOperations,
  };
}

/**
 * A client's upstream calls in a minute can never outrun the pacing: the slowest provider's
 * calls per second times 60 (300 with the default 5 per second).
 */
function pacedCostPerMinute(env: Env): number {
  return Math.max(1, Math.floor(Math.min(env.BEIKE_RATE_PER_SECOND, env.FANG_RATE_PER_SECOND) * 60));
}

function readConfigFile(variable: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new ConfigError(`${variable} cannot be read`);
  }
}
