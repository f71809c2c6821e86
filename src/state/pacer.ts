import { performance } from 'node:perf_hooks';
import type { RedisConnection } from './redis-connection.js';
import { type Reservation, TokenBucket } from './token-bucket.js';

export type { Reservation };

/**
 * Paces calls to one provider: `perSecond` with bursts of `burst`. A granted reservation says how
 * long to wait before calling; one refused (the wait would exceed `maxWaitMs`) took nothing.
 */
export interface Pacer {
  reserve(maxWaitMs?: number): Promise<Reservation>;
  /** Gives back the token of a granted reservation that was not used for a call. */
  refund(reservation: Reservation): Promise<void>;
}

export interface PacerOptions {
  /** A bounded name: the provider. */
  name: string;
  perSecond: number;
  burst: number;
}

/** One process: the token bucket itself. */
export class MemoryPacer implements Pacer {
  readonly #bucket: TokenBucket;

  constructor(options: PacerOptions) {
    this.#bucket = new TokenBucket(options.perSecond, options.burst, performance.now());
  }

  async reserve(maxWaitMs = Number.POSITIVE_INFINITY): Promise<Reservation> {
    return this.#bucket.reserve(performance.now(), maxWaitMs);
  }

  async refund(_reservation: Reservation): Promise<void> {
    this.#bucket.refund(performance.now());
  }
}

// The same arithmetic as TokenBucket, in one atomic script, on Redis's clock so that replicas
// with skewed clocks still share one bucket. ARGV: tokens per ms, burst, max wait (-1: none), refund.
const BUCKET = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local maxWait = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1]) or burst
local ts = tonumber(state[2]) or now
if now > ts then
  tokens = math.min(burst, tokens + (now - ts) * rate)
  ts = now
end
local wait = 0
if ARGV[4] == '1' then
  tokens = math.min(burst, tokens + 1)
else
  if tokens < 1 then wait = math.ceil((1 - tokens) / rate) end
  if maxWait >= 0 and wait > maxWait then return {0, wait} end
  tokens = tokens - 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', ts)
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate) + wait + 1000)
return {1, wait}
`;

/**
 * Several replicas: one bucket in Redis. When Redis cannot answer, a local bucket holding
 * `fallbackShare` of the rate and burst paces this replica alone, so N replicas together stay
 * under N x share x rate on top of whatever the shared bucket lets through.
 */
export class RedisPacer implements Pacer {
  readonly #redis: RedisConnection;
  readonly #options: PacerOptions;
  readonly #key: string;
  readonly #local: MemoryPacer;
  /** Reservations the local bucket granted: their refunds go back there, not to Redis. */
  readonly #localGrants = new WeakSet<Reservation>();

  constructor(redis: RedisConnection, options: PacerOptions) {
    this.#redis = redis;
    this.#options = options;
    this.#key = redis.key('pace', options.name);
    const share = redis.fallbackShare;
    this.#local = new MemoryPacer({
      name: options.name,
      perSecond: options.perSecond * share,
      burst: Math.max(1, Math.floor(options.burst * share)),
    });
  }

  async reserve(maxWaitMs = Number.POSITIVE_INFINITY): Promise<Reservation> {
    const result = await this.#run(Number.isFinite(maxWaitMs) ? Math.max(0, Math.floor(maxWaitMs)) : -1, 0);
    if (!result.ok) {
      const reservation = await this.#local.reserve(maxWaitMs);
      this.#localGrants.add(reservation);
      return reservation;
    }
    const [granted, waitMs] = result.value;
    return granted === 1 ? { granted: true, waitMs } : { granted: false, waitMs };
  }

  async refund(reservation: Reservation): Promise<void> {
    if (!reservation.granted) return;
    if (this.#localGrants.has(reservation)) return this.#local.refund(reservation);
    // A lost refund only makes the shared bucket stricter, never looser.
    await this.#run(-1, 1);
  }

  #run(maxWait: number, refund: 0 | 1) {
    return this.#redis.attempt(
      'pacer',
      (client) =>
        client.eval(
          BUCKET,
          1,
          this.#key,
          this.#options.perSecond / 1000,
          this.#options.burst,
          maxWait,
          refund,
        ) as Promise<[number, number]>,
    );
  }
}
