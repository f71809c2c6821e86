import {
  CircuitBreaker,
  type CircuitOptions,
  type CircuitPermit,
  type CircuitStatus,
} from './circuit-breaker.js';
import type { RedisConnection } from './redis-connection.js';

export type { CircuitOptions, CircuitPermit, CircuitStatus };

/** What a caller holds while its call is out; `null` permit: rejected, try again later. */
export type CircuitTicket =
  | { permit: CircuitPermit; retryAfterMs: 0 }
  | { permit: null; retryAfterMs: number };

/**
 * One provider's circuit: consecutive "unavailable" outcomes open it for `openMs`, then exactly
 * one probe goes out; its outcome closes or reopens it. Shared, every replica backs off together.
 */
export interface CircuitState {
  /** As this process last saw it (for /ready and metrics; costs no call). */
  status(): CircuitStatus;
  acquire(): Promise<CircuitTicket>;
  recordSuccess(ticket: CircuitTicket): Promise<void>;
  recordFailure(ticket: CircuitTicket): Promise<void>;
  /** The call was given up without an outcome: a probe's slot is freed for the next caller. */
  release(ticket: CircuitTicket): Promise<void>;
}

export interface CircuitStateOptions extends CircuitOptions {
  /** A bounded name: the provider. */
  name: string;
  now?: () => number;
}

/** One process: the circuit breaker itself. */
export class MemoryCircuitState implements CircuitState {
  readonly #breaker: CircuitBreaker;
  readonly #now: () => number;

  constructor(options: CircuitStateOptions) {
    this.#breaker = new CircuitBreaker(options);
    this.#now = options.now ?? Date.now;
  }

  status(): CircuitStatus {
    return this.#breaker.state;
  }

  async acquire(): Promise<CircuitTicket> {
    const now = this.#now();
    const permit = this.#breaker.tryAcquire(now);
    if (permit) return { permit, retryAfterMs: 0 };
    return { permit: null, retryAfterMs: Math.max(1, this.#breaker.retryAfterMs(now)) };
  }

  async recordSuccess(ticket: CircuitTicket): Promise<void> {
    if (ticket.permit) this.#breaker.recordSuccess(ticket.permit);
  }

  async recordFailure(ticket: CircuitTicket): Promise<void> {
    if (ticket.permit) this.#breaker.recordFailure(ticket.permit, this.#now());
  }

  async release(ticket: CircuitTicket): Promise<void> {
    if (ticket.permit) this.#breaker.release(ticket.permit);
  }
}

// KEYS: the state hash (failures, openUntil), the probe slot. Time is Redis's, shared by all.
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local openUntil = tonumber(redis.call('HGET', KEYS[1], 'openUntil') or '0')
if openUntil == 0 then return {1, 0} end
if now < openUntil then return {0, openUntil - now} end
if redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[1]) then return {2, 0} end
return {0, tonumber(ARGV[1])}
`;

// ARGV: outcome (success, failure, release), permit (normal, probe), threshold, openMs, ttl ms.
const RECORD = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local openUntil = tonumber(redis.call('HGET', KEYS[1], 'openUntil') or '0')
local outcome, permit = ARGV[1], ARGV[2]
if outcome == 'release' then
  if permit == 'probe' then redis.call('DEL', KEYS[2]) return 1 end
  return 0
end
if outcome == 'success' then
  if permit == 'probe' or openUntil == 0 then
    redis.call('HSET', KEYS[1], 'openUntil', 0, 'failures', 0)
    redis.call('DEL', KEYS[2])
  end
  return 0
end
if permit == 'probe' then
  redis.call('HSET', KEYS[1], 'openUntil', now + tonumber(ARGV[4]), 'failures', 0)
  redis.call('DEL', KEYS[2])
elseif openUntil == 0 then
  if redis.call('HINCRBY', KEYS[1], 'failures', 1) >= tonumber(ARGV[3]) then
    redis.call('HSET', KEYS[1], 'openUntil', now + tonumber(ARGV[4]), 'failures', 0)
  end
end
redis.call('PEXPIRE', KEYS[1], ARGV[5])
if tonumber(redis.call('HGET', KEYS[1], 'openUntil') or '0') > 0 then return 1 end
return 0
`;

const PERMITS = [null, 'normal', 'probe'] as const;
const STATUSES: readonly CircuitStatus[] = ['open', 'closed', 'half_open'];
const STATE_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * Several replicas: the circuit lives in Redis, so one replica's failures open it for all and
 * only one replica probes. While Redis cannot answer, this replica's own breaker decides alone.
 */
export class RedisCircuitState implements CircuitState {
  readonly #redis: RedisConnection;
  readonly #options: CircuitStateOptions;
  readonly #keys: [string, string];
  readonly #local: MemoryCircuitState;
  readonly #localTickets = new WeakSet<CircuitTicket>();
  #status: CircuitStatus = 'closed';

  constructor(redis: RedisConnection, options: CircuitStateOptions) {
    this.#redis = redis;
    this.#options = options;
    this.#keys = [redis.key('circuit', options.name), redis.key('circuit', options.name, 'probe')];
    this.#local = new MemoryCircuitState(options);
  }

  status(): CircuitStatus {
    return this.#status;
  }

  async acquire(): Promise<CircuitTicket> {
    const result = await this.#redis.attempt(
      'circuit',
      (client) => client.eval(ACQUIRE, 2, ...this.#keys, this.#options.openMs) as Promise<[number, number]>,
    );
    if (!result.ok) {
      const ticket = await this.#local.acquire();
      this.#localTickets.add(ticket);
      this.#status = this.#local.status();
      return ticket;
    }
    const [code, retryAfterMs] = result.value;
    this.#status = STATUSES[code] ?? 'open';
    const permit = PERMITS[code] ?? null;
    return permit ? { permit, retryAfterMs: 0 } : { permit: null, retryAfterMs: Math.max(1, retryAfterMs) };
  }

  recordSuccess(ticket: CircuitTicket): Promise<void> {
    return this.#record('success', ticket);
  }

  recordFailure(ticket: CircuitTicket): Promise<void> {
    return this.#record('failure', ticket);
  }

  release(ticket: CircuitTicket): Promise<void> {
    return this.#record('release', ticket);
  }

  async #record(outcome: 'success' | 'failure' | 'release', ticket: CircuitTicket): Promise<void> {
    if (!ticket.permit) return;
    const local = this.#localTickets.has(ticket);
    if (!local) {
      const { failureThreshold, openMs } = this.#options;
      const result = await this.#redis.attempt(
        'circuit',
        (client) =>
          client.eval(
            RECORD,
            2,
            ...this.#keys,
            outcome,
            ticket.permit!,
            failureThreshold,
            openMs,
            STATE_TTL_MS,
          ) as Promise<number>,
      );
      if (result.ok) {
        this.#status = result.value === 1 ? 'open' : 'closed';
        return;
      }
    }
    // Redis gone: the outcome still teaches this replica's own breaker.
    const localTicket = local ? ticket : { permit: 'normal' as const, retryAfterMs: 0 as const };
    if (outcome === 'success') await this.#local.recordSuccess(localTicket);
    else if (outcome === 'failure') await this.#local.recordFailure(localTicket);
    else await this.#local.release(localTicket);
    this.#status = this.#local.status();
  }
}
