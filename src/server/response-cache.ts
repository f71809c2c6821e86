import type { Mode } from '../schema/context.js';
import { type CacheEntry, isFresh, type SharedCache, type SharedState, sharedState } from '../state/index.js';
import type { ListingStore } from '../store/listing-store.js';
import {
  COMPRESS_MIN_BYTES,
  type CompressionObserver,
  compress,
  type Encoding,
  negotiate,
} from './compression.js';

export interface ResponseCacheOptions {
  /** The longest an answer is kept; 0 turns the cache off. */
  ttlMs: number;
  /** Answers kept; 0 turns the cache off. */
  maxEntries: number;
  /** Freshness of what an answer is read from (the store's TTLs): an answer never outlives its data. */
  listTtlMs: number;
  detailTtlMs: number;
  mode: Mode;
  /** The store the answers are read from: clearing it clears them too. */
  store?: ListingStore;
  now?: () => number;
  onCompressed?: CompressionObserver;
  /** Where answers are kept: this process (default) or Redis, shared by every replica. */
  state?: SharedState;
}

/** An answer as Redis keeps it: text, so that it travels there and back as it is. */
interface StoredAnswer {
  /** The body's bytes, base64. */
  body: string;
  contentType: string;
}

/**
 * An answer as this process keeps it: the bytes alone. Base64 text of every kept answer doubled
 * the cache's memory (on the heap, beside the bytes); it is made only when an answer goes to Redis.
 */
class KeptAnswer {
  constructor(
    readonly bytes: Uint8Array<ArrayBuffer>,
    readonly contentType: string,
  ) {}

  toJSON(): StoredAnswer {
    const { buffer, byteOffset, byteLength } = this.bytes;
    return {
      body: Buffer.from(buffer, byteOffset, byteLength).toString('base64'),
      contentType: this.contentType,
    };
  }
}

/** One kept answer as this process sends it. */
export interface Entry {
  body: Uint8Array<ArrayBuffer>;
  contentType: string;
  /** The body compressed, per encoding, made at most once: the first request that asked for it. */
  encoded: Partial<Record<Encoding, Uint8Array<ArrayBuffer>>>;
}

/** What goes on the wire for one request: the bytes, and their encoding (null: as they are). */
export interface Encoded {
  body: Uint8Array<ArrayBuffer>;
  encoding: Encoding | null;
}

/** Larger bodies are not kept (nor are their keys): the cache's memory must not depend on clients. */
export const MAX_BODY_BYTES = 32_768;

/**
 * Whole answers of queries, as the bytes that were sent, keyed by everything that shapes them:
 * the request body (document, operation name, variables, extensions), the Accept header and the
 * mode. The node:http listener answers hits before Yoga (cached-answers.ts); the Yoga plugin
 * (plugins/response-cache.ts) keeps what misses execute.
 */
export class ResponseCache {
  readonly options: ResponseCacheOptions;
  readonly now: () => number;
  /** Identical requests that arrived while the first runs wait for its answer. */
  readonly running = new Map<string, Promise<Entry | null>>();
  readonly #entries: SharedCache<StoredAnswer | KeptAnswer>;
  /** The bytes and compressed copies of an answer held in this process, made once per stored answer. */
  readonly #decoded = new WeakMap<StoredAnswer | KeptAnswer, Entry>();
  readonly #prefix: string;
  /** Requests that missed before Yoga (cached-answers.ts), by their Node request: their keys. */
  readonly #misses = new WeakMap<object, string>();

  /** null when the options turn it off. */
  static create(options: ResponseCacheOptions): ResponseCache | null {
    return options.ttlMs > 0 && options.maxEntries > 0 ? new ResponseCache(options) : null;
  }

  private constructor(options: ResponseCacheOptions) {
    this.options = options;
    this.now = options.now ?? Date.now;
    this.#prefix = `${options.mode}\n`;
    // An answer is stored as if fetched `ttlMs` before it stops being fresh: it expires (in this
    // process and on Redis, by TTL) exactly at its own freshness, never listed nor scanned.
    this.#entries = (options.state ?? sharedState(null)).cache<StoredAnswer | KeptAnswer>({
      name: 'response',
      ttlMs: options.ttlMs,
      staleIfErrorMs: 0,
      maxEntries: options.maxEntries,
      now: this.now,
    });
    options.store?.onClear(() => this.#entries.clear());
  }

  key(accept: string | null | undefined, body: string): string {
    return `${this.#prefix}${accept ?? ''}\n${body}`;
  }

  /** Told by the listener that this request missed under `key`: the plugin keeps its answer under it. */
  noteMiss(exchange: object, key: string): void {
    this.#misses.set(exchange, key);
  }

  /** The key a request missed under before Yoga; undefined when the listener did not look it up. */
  missedKey(exchange: object | undefined): string | undefined {
    return exchange === undefined ? undefined : this.#misses.get(exchange);
  }

  /**
   * The fresh answer kept under `key`. Synchronous when this process holds it fresh (every hit
   * without Redis, and Redis's front tier): a hit costs no turn of the event loop.
   */
  find(key: string): Entry | undefined | Promise<Entry | undefined> {
    const local = this.#fresh(this.#entries.peek(key));
    if (local || !this.#entries.shared) return local;
    return this.#entries.get(key).then((stored) => this.#fresh(stored));
  }

  async keep(
    key: string,
    body: Uint8Array<ArrayBuffer>,
    contentType: string,
    freshUntil: number,
  ): Promise<Entry> {
    const entry: Entry = { body, contentType, encoded: {} };
    const stored = new KeptAnswer(body, contentType);
    this.#decoded.set(stored, entry);
    await this.#entries.set(key, stored, freshUntil - this.options.ttlMs);
    return entry;
  }

  /** The kept answer as a request accepts it, compressed once per entry and encoding. */
  encoded(entry: Entry, acceptEncoding: string | null | undefined): Encoded | Promise<Encoded> {
    const encoding = entry.body.byteLength >= COMPRESS_MIN_BYTES ? negotiate(acceptEncoding) : null;
    if (!encoding) return { body: entry.body, encoding: null };
    const ready = entry.encoded[encoding];
    if (ready) return { body: ready, encoding };
    return compress(entry.body, encoding, 'kept').then((made) => {
      const body = entry.encoded[encoding] ?? made;
      entry.encoded[encoding] = body;
      this.options.onCompressed?.(encoding);
      return { body, encoding };
    });
  }

  #fresh(stored: CacheEntry<StoredAnswer | KeptAnswer> | undefined): Entry | undefined {
    return stored && isFresh(stored, this.options.ttlMs, this.now()) ? this.#entry(stored.value) : undefined;
  }

  #entry(stored: StoredAnswer | KeptAnswer): Entry {
    let entry = this.#decoded.get(stored);
    if (!entry) {
      const body =
        stored instanceof KeptAnswer ? stored.bytes : new Uint8Array(Buffer.from(stored.body, 'base64'));
      entry = { body, contentType: stored.contentType, encoded: {} };
      this.#decoded.set(stored, entry);
    }
    return entry;
  }
}
