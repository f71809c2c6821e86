import {
  type CacheEntry,
  isFresh,
  localCache,
  RedisCache,
  type SharedCache,
  type SharedCacheOptions,
} from './cache.js';
import {
  type CircuitPermit,
  type CircuitState,
  type CircuitStateOptions,
  type CircuitStatus,
  type CircuitTicket,
  MemoryCircuitState,
  RedisCircuitState,
} from './circuit.js';
import {
  type ClientMeter,
  type ClientMeterOptions,
  MemoryClientMeter,
  type MeterResult,
  RedisClientMeter,
} from './client-meter.js';
import {
  type BudgetTicket,
  type DailyBudgetOptions,
  MemoryDailyBudget,
  RedisDailyBudget,
  type SharedDailyBudget,
} from './daily-budget.js';
import {
  type DailySharesOptions,
  MemoryDailyShares,
  RedisDailyShares,
  type SharedDailyShares,
  type ShareTicket,
} from './daily-shares.js';
import { MemoryPacer, type Pacer, type PacerOptions, RedisPacer } from './pacer.js';
import type { RedisConnection } from './redis-connection.js';

export { RedisConnection, type RedisSettings, type RedisStatus } from './redis-connection.js';

import { MemoryWorkLock, RedisWorkLock, type WorkLock, type WorkLockOptions } from './work-lock.js';

export type { Codec, Packing } from './packed-cache.js';
export { type Fetched, type FetchSource, SharedFetcher } from './shared-fetch.js';
export type {
  BudgetTicket,
  CacheEntry,
  CircuitPermit,
  CircuitState,
  CircuitStatus,
  CircuitTicket,
  ClientMeter,
  MeterResult,
  Pacer,
  SharedCache,
  SharedCacheOptions,
  SharedDailyBudget,
  SharedDailyShares,
  ShareTicket,
  WorkLock,
};
export { isFresh };

/**
 * Makes the counters, locks and caches of one process. With a Redis connection they are shared
 * by every replica on it; without, they live in this process. Callers hold the interfaces only.
 */
export interface SharedState {
  readonly shared: boolean;
  pacer(options: PacerOptions): Pacer;
  dailyBudget(options: DailyBudgetOptions): SharedDailyBudget;
  dailyShares(options: DailySharesOptions): SharedDailyShares;
  clientMeter(options: ClientMeterOptions): ClientMeter;
  circuit(options: CircuitStateOptions): CircuitState;
  cache<V extends {}>(options: SharedCacheOptions<V>): SharedCache<V>;
  workLock(options: WorkLockOptions): WorkLock;
}

export function sharedState(redis: RedisConnection | null): SharedState {
  if (!redis) {
    // In one process, one name is one counter, as one key is on Redis: asking twice gives the same.
    const made = new Map<string, unknown>();
    const once = <T>(key: string, make: () => T): T => {
      if (!made.has(key)) made.set(key, make());
      return made.get(key) as T;
    };
    return {
      shared: false,
      pacer: (o) => once(`pacer:${o.name}`, () => new MemoryPacer(o)),
      dailyBudget: (o) => once(`budget:${o.name}`, () => new MemoryDailyBudget(o)),
      dailyShares: (o) => once(`share:${o.name}`, () => new MemoryDailyShares(o)),
      clientMeter: (o) => once(`clients:${o.name}:${o.perMinute}`, () => new MemoryClientMeter(o)),
      circuit: (o) => once(`circuit:${o.name}`, () => new MemoryCircuitState(o)),
      cache: <V extends {}>(o: SharedCacheOptions<V>) => once(`cache:${o.name}`, () => localCache<V>(o)),
      workLock: (o) => once(`lock:${o.name}`, () => new MemoryWorkLock()),
    };
  }
  return {
    shared: true,
    pacer: (o) => new RedisPacer(redis, o),
    dailyBudget: (o) => new RedisDailyBudget(redis, o),
    dailyShares: (o) => new RedisDailyShares(redis, o),
    clientMeter: (o) => new RedisClientMeter(redis, o),
    circuit: (o) => new RedisCircuitState(redis, o),
    cache: (o) => new RedisCache(redis, o),
    workLock: (o) => new RedisWorkLock(redis, o),
  };
}
