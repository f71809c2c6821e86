import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { growingLru } from '../domain/growing-lru.js';
import { type MeterResult, type SharedState, sharedState } from '../state/index.js';

/**
 * Who is calling, and how much each caller may still do this minute. With API keys configured,
 * a caller is a partner named by its key; without, every client address (client-address.ts) is
 * an anonymous caller with the default allowances. Keys are held only as SHA-256 digests.
 */

export interface ApiClient {
  name: string;
  /** SHA-256 of the key; the key itself is not kept. */
  keyDigest: Buffer;
  /** null: the server-wide default. */
  requestsPerMinute: number | null;
  costPerMinute: number | null;
}

export interface ClientAllowances {
  /** 0 turns the limit off. */
  requestsPerMinute: number;
  costPerMinute: number;
}

export interface Caller {
  /** The partner's name, or `address:<peer>` for an anonymous caller. */
  id: string;
  keyed: boolean;
  requests: Allowance | null;
  cost: Allowance | null;
}

/** What a caller may still do this minute, counted in this process or on Redis for every replica. */
export interface Allowance {
  readonly perMinute: number;
  /** Takes `amount`, or nothing and says in how many whole seconds it would be there. */
  take(amount: number): Promise<MeterResult>;
  /** Adds what a request really spent beyond what it took (negative: gives back); never refused. */
  adjust(amount: number): Promise<void>;
}

const KEY = /^[\x21-\x7e]{16,256}$/;
const NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const allowance = z.number().int().min(0).max(1_000_000_000).nullish();

const fileEntry = z
  .strictObject({
    name: z.string().regex(NAME, 'name must be 1 to 64 letters, digits, _ . -'),
    key: z.string().regex(KEY, 'key must be 16 to 256 printable ASCII characters').optional(),
    keySha256: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, 'keySha256 must be 64 hex digits')
      .optional(),
    requestsPerMinute: allowance,
    costPerMinute: allowance,
  })
  .refine((e) => (e.key === undefined) !== (e.keySha256 === undefined), 'give exactly one of key, keySha256');

const digest = (key: string): Buffer => createHash('sha256').update(key, 'utf8').digest();

/**
 * `API_KEYS`: entries separated by commas or new lines, each `name:key[:requestsPerMinute[:costPerMinute]]`.
 * `API_KEYS_FILE`: a JSON array of `{ name, key | keySha256, requestsPerMinute?, costPerMinute? }`.
 * Errors name the entry, never its key.
 */
export function parseApiKeys(inline: string | undefined, fileText: string | undefined): ApiClient[] {
  const clients: ApiClient[] = [];
  const entries = (inline ?? '')
    .split(/[,\n]/)
    .map((e) => e.trim())
    .filter(Boolean);
  entries.forEach((entry, i) => {
    const [name = '', key = '', requests, cost, ...rest] = entry.split(':');
    const where = `entry ${i + 1}`;
    if (rest.length > 0 || !NAME.test(name)) throw new Error(`${where}: must be name:key[:requests:cost]`);
    if (!KEY.test(key))
      throw new Error(`${where} (${name}): key must be 16 to 256 printable ASCII characters`);
    clients.push({
      name,
      keyDigest: digest(key),
      requestsPerMinute: wholeOrNull(requests, `${where} (${name}): requestsPerMinute`),
      costPerMinute: wholeOrNull(cost, `${where} (${name}): costPerMinute`),
    });
  });
  if (fileText !== undefined) {
    let json: unknown;
    try {
      json = JSON.parse(fileText);
    } catch {
      throw new Error('is not JSON');
    }
    const parsed = z.array(fileEntry).safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`entry ${Number(issue?.path[0] ?? 0) + 1}: ${issue?.message ?? 'is invalid'}`);
    }
    for (const e of parsed.data) {
      clients.push({
        name: e.name,
        keyDigest: e.key !== undefined ? digest(e.key) : Buffer.from(e.keySha256 ?? '', 'hex'),
        requestsPerMinute: e.requestsPerMinute ?? null,
        costPerMinute: e.costPerMinute ?? null,
      });
    }
  }
  const names = new Set<string>();
  for (const c of clients) {
    if (names.has(c.name)) throw new Error(`client ${c.name} is configured twice`);
    names.add(c.name);
  }
  return clients;
}

function wholeOrNull(text: string | undefined, what: string): number | null {
  if (text === undefined || text === '') return null;
  if (!/^\d{1,10}$/.test(text)) throw new Error(`${what} must be a whole number`);
  return Number(text);
}

export type Identification = { ok: true; caller: Caller } | { ok: false };

export class ClientRegistry {
  readonly keysRequired: boolean;
  readonly #clients: ApiClient[];
  readonly #defaults: ClientAllowances;
  readonly #keyed = new Map<string, Caller>();
  /** Anonymous callers by peer address; bounded, so a flood of addresses cannot grow memory. */
  readonly #anonymous = growingLru<string, Caller>(50_000);
  readonly #state: SharedState;

  constructor(clients: ApiClient[], defaults: ClientAllowances, state: SharedState = sharedState(null)) {
    this.#clients = clients;
    this.#defaults = defaults;
    this.keysRequired = clients.length > 0;
    this.#state = state;
  }

  /**
   * With keys configured, the presented key must match one of them. Every configured digest is
   * compared, in constant time, so the time taken says nothing about which key came close.
   */
  identify(presentedKey: string | null, peerAddress: string): Identification {
    if (!this.keysRequired) {
      const id = `address:${peerAddress}`;
      let caller = this.#anonymous.get(id);
      if (!caller) {
        caller = this.#caller(id, false, null, null);
        this.#anonymous.set(id, caller);
      }
      return { ok: true, caller };
    }
    if (presentedKey === null) return { ok: false };
    const presented = digest(presentedKey);
    let match: ApiClient | null = null;
    for (const client of this.#clients) {
      if (timingSafeEqual(presented, client.keyDigest) && match === null) match = client;
    }
    if (!match) return { ok: false };
    let caller = this.#keyed.get(match.name);
    if (!caller) {
      caller = this.#caller(match.name, true, match.requestsPerMinute, match.costPerMinute);
      this.#keyed.set(match.name, caller);
    }
    return { ok: true, caller };
  }

  #caller(id: string, keyed: boolean, requests: number | null, cost: number | null): Caller {
    const perMinuteRequests = requests ?? this.#defaults.requestsPerMinute;
    const perMinuteCost = cost ?? this.#defaults.costPerMinute;
    return {
      id,
      keyed,
      requests: this.#allowance('requests', id, perMinuteRequests),
      cost: this.#allowance('cost', id, perMinuteCost),
    };
  }

  #allowance(name: 'requests' | 'cost', id: string, perMinute: number): Allowance | null {
    if (perMinute <= 0) return null;
    const meter = this.#state.clientMeter({ name, perMinute });
    return {
      perMinute,
      take: (amount) => meter.take(id, amount),
      adjust: (amount) => meter.adjust(id, amount),
    };
  }
}
