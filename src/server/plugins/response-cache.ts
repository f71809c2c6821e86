import { type DocumentNode, getOperationAST, Kind, visit } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { type GraphQLContext, type Mode, NOTICES_OF_THE_DATA } from '../../schema/context.js';
import { isFresh, type SharedState, sharedState } from '../../state/index.js';
import type { HistoryStore } from '../../store/history/index.js';
import type { Cached, ListingStore } from '../../store/listing-store.js';
import {
  COMPRESS_MIN_BYTES,
  type CompressionObserver,
  compress,
  type Encoding,
  negotiate,
  varyOnEncoding,
} from '../compression.js';

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
  /** Default `/graphql`. */
  endpoint?: string;
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

interface Entry {
  body: Uint8Array<ArrayBuffer>;
  contentType: string;
  expiresAt: number;
  /** The body compressed, per encoding, made at most once: the first request that asked for it. */
  encoded: Partial<Record<Encoding, Uint8Array<ArrayBuffer>>>;
}

/** A request that missed: what it learns while it runs decides whether its answer is kept. */
interface Pending {
  key: string;
  freshUntil: number;
  cacheable: boolean;
  /** Set once execution ended with an answer fit to keep. */
  ready: boolean;
  /** Lets identical requests that arrived meanwhile have the answer too; absent for a follower. */
  settle?: (entry: Entry | null) => void;
}

/** Larger bodies are not kept (nor are their keys): the cache's memory must not depend on clients. */
const MAX_BODY_BYTES = 32_768;
/** How long an identical request waits for the one already running before running itself. */
const FOLLOW_TIMEOUT_MS = 30_000;

/**
 * Whole answers of queries, as the bytes that were sent, keyed by everything that shapes them:
 * the request body (document, operation name, variables, extensions), the Accept header and the
 * mode. A hit skips request parsing, validation, execution and serialisation; identical requests
 * that arrive while the first runs wait for its answer instead of running again.
 *
 * Freshness is per field read: an entry lives until the earliest moment one of the cached search
 * pages or details it was built from goes stale (never past `ttlMs`). Answers with errors or
 * warnings of a failure (stale data), introspection, batches, and anything not a query are never
 * kept; a warning about the data itself (NOTICES_OF_THE_DATA) is kept with the answer.
 *
 * Registered last, it runs after every other plugin's `onRequest` (client identity, request
 * rate). What it skips on a hit depends on the body alone (operation limits, persisted
 * operations), except the per-client upstream-cost budget: a hit costs no upstream call.
 */
export function useResponseCache(options: ResponseCacheOptions): Plugin<GraphQLContext> {
  if (options.ttlMs <= 0 || options.maxEntries <= 0) return {};
  const now = options.now ?? Date.now;
  const endpoint = options.endpoint ?? '/graphql';
  // An answer is stored as if fetched `ttlMs` before it stops being fresh: it expires (in this
  // process and on Redis, by TTL) exactly at its own freshness, never listed nor scanned.
  const entries = (options.state ?? sharedState(null)).cache<StoredAnswer | KeptAnswer>({
    name: 'response',
    ttlMs: options.ttlMs,
    staleIfErrorMs: 0,
    maxEntries: options.maxEntries,
    now,
  });
  /** The bytes and compressed copies of an answer held in this process, made once per stored answer. */
  const decoded = new WeakMap<StoredAnswer | KeptAnswer, Entry>();
  const running = new Map<string, Promise<Entry | null>>();
  const pending = new WeakMap<Request, Pending>();
  const introspective = new WeakMap<DocumentNode, boolean>();
  options.store?.onClear(() => entries.clear());

  const fresh = async (key: string): Promise<Entry | undefined> => {
    const stored = await entries.get(key);
    if (!stored || !isFresh(stored, options.ttlMs, now())) return undefined;
    let entry = decoded.get(stored.value);
    if (!entry) {
      const { value } = stored;
      const body =
        value instanceof KeptAnswer ? value.bytes : new Uint8Array(Buffer.from(value.body, 'base64'));
      const expiresAt = stored.storedAt + options.ttlMs;
      entry = { body, contentType: value.contentType, expiresAt, encoded: {} };
      decoded.set(stored.value, entry);
    }
    return entry;
  };

  return {
    async onRequest({ request, url, setRequest, endResponse, fetchAPI }) {
      if (request.method !== 'POST' || url.pathname !== endpoint) return;
      if (!request.headers.get('content-type')?.startsWith('application/json')) return;
      // Without a length (chunked) the size is unknown until read: Yoga's own limits handle it.
      const length = Number(request.headers.get('content-length') ?? Number.NaN);
      if (!(length <= MAX_BODY_BYTES)) return;

      const bytes = new Uint8Array(await request.arrayBuffer());
      const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
      // A batch is several operations: not kept.
      if (text.trimStart().startsWith('[')) {
        setRequest(replay(fetchAPI, request, bytes));
        return;
      }
      const key = `${options.mode}\n${request.headers.get('accept') ?? ''}\n${text}`;
      const hit = await fresh(key);
      if (hit) return endResponse(await answer(fetchAPI, hit, request, options.onCompressed));

      const leader = running.get(key);
      if (leader) {
        const shared = await within(leader, FOLLOW_TIMEOUT_MS);
        if (shared) return endResponse(await answer(fetchAPI, shared, request, options.onCompressed));
      }
      const state: Pending = { key, freshUntil: now() + options.ttlMs, cacheable: true, ready: false };
      if (!leader) {
        running.set(
          key,
          new Promise<Entry | null>((resolve) => {
            state.settle = (entry) => {
              state.settle = undefined;
              running.delete(key);
              resolve(entry);
            };
          }),
        );
        request.signal.addEventListener('abort', () => state.settle?.(null), { once: true });
      }
      const copy = replay(fetchAPI, request, bytes);
      pending.set(copy, state);
      setRequest(copy);
    },

    onContextBuilding({ context, extendContext }) {
      const state = pending.get(context.request);
      if (state && context.store) extendContext({ store: recordingStore(context.store, state, options) });
      if (state && context.history) extendContext({ history: recordingHistory(context.history, state, now) });
    },

    onExecute({ args }) {
      const ctx = args.contextValue as GraphQLContext & { request: Request };
      const state = pending.get(ctx.request);
      if (!state) return;
      return {
        onExecuteDone({ result }) {
          if (Symbol.asyncIterator in result) return;
          const operation = getOperationAST(args.document, args.operationName);
          state.ready =
            state.cacheable &&
            operation?.operation === 'query' &&
            // The caller's own data (watches) is never served to anyone else.
            !ctx.ownerScoped &&
            !(result.errors?.length || ctx.partialErrors.length) &&
            ctx.notices.every((notice) => NOTICES_OF_THE_DATA.has(notice.code)) &&
            !isIntrospective(args.document, introspective) &&
            state.freshUntil > now();
        },
      };
    },

    async onResponse({ request, response, setResponse, fetchAPI }) {
      const state = pending.get(request);
      if (!state) return;
      pending.delete(request);
      let entry: Entry | null = null;
      const contentType = response.headers.get('content-type');
      if (state.ready && response.status === 200 && contentType && state.freshUntil > now()) {
        const body = new Uint8Array(await response.arrayBuffer());
        entry = { body, contentType, expiresAt: state.freshUntil, encoded: {} };
        const stored = new KeptAnswer(body, contentType);
        decoded.set(stored, entry);
        await entries.set(state.key, stored, state.freshUntil - options.ttlMs);
        // The client gets the kept bytes, compressed the way later hits will reuse.
        setResponse(await answer(fetchAPI, entry, request, options.onCompressed, response.headers));
      }
      state.settle?.(entry);
    },
  };
}

type FetchAPI = Parameters<NonNullable<Plugin['onRequest']>>[0]['fetchAPI'];

/** The kept answer, compressed as the request accepts (once per entry and encoding). */
async function answer(
  fetchAPI: FetchAPI,
  entry: Entry,
  request: Request,
  onCompressed?: CompressionObserver,
  base?: Headers,
): Promise<Response> {
  const headers = new fetchAPI.Headers(base);
  headers.set('content-type', entry.contentType);
  headers.set('vary', varyOnEncoding(headers.get('vary')));
  let body = entry.body;
  const encoding =
    body.byteLength >= COMPRESS_MIN_BYTES ? negotiate(request.headers.get('accept-encoding')) : null;
  if (encoding) {
    let encoded = entry.encoded[encoding];
    if (!encoded) {
      encoded = await compress(body, encoding, 'kept');
      entry.encoded[encoding] = encoded;
      onCompressed?.(encoding);
    }
    body = encoded;
    headers.set('content-encoding', encoding);
  }
  headers.set('content-length', String(body.byteLength));
  return new fetchAPI.Response(body, { status: 200, headers });
}

/** The body was consumed: Yoga reads the same bytes from a copy of the request. */
function replay(fetchAPI: FetchAPI, request: Request, body: Uint8Array<ArrayBuffer>): Request {
  return new fetchAPI.Request(request.url, {
    method: 'POST',
    headers: request.headers,
    body,
    signal: request.signal,
  });
}

/** The promise's value, or null once `ms` have passed. */
function within<T>(promise: Promise<T>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(resolve, ms, null);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The request's view of the store: every read lowers the answer's freshness to that of what was
 * read. An agent looked up by id has no known age, and stale data is never kept.
 */
function recordingStore(
  store: ListingStore,
  state: Pending,
  ttl: Pick<ResponseCacheOptions, 'listTtlMs' | 'detailTtlMs'>,
): ListingStore {
  const note = <V>(result: Cached<V>, ttlMs: number): Cached<V> => {
    if (result.source === 'stale') state.cacheable = false;
    state.freshUntil = Math.min(state.freshUntil, result.storedAt + ttlMs);
    return result;
  };
  const view = Object.create(store) as ListingStore;
  view.detail = async (key) => note(await store.detail(key), ttl.detailTtlMs);
  view.searchPage = async (name, query, page) =>
    note(await store.searchPage(name, query, page), ttl.listTtlMs);
  view.communityPage = async (name, query, page) =>
    note(await store.communityPage(name, query, page), ttl.listTtlMs);
  view.agent = (id) => {
    state.cacheable = false;
    return store.agent(id);
  };
  return view;
}

/** History and market figures move with every observation written: an answer holding them is kept briefly. */
const HISTORY_FRESH_MS = 5_000;

function recordingHistory(history: HistoryStore, state: Pending, now: () => number): HistoryStore {
  const note = () => {
    state.freshUntil = Math.min(state.freshUntil, now() + HISTORY_FRESH_MS);
  };
  const view = Object.create(history) as HistoryStore;
  view.histories = (keys) => {
    note();
    return history.histories(keys);
  };
  view.recorded = (key) => {
    note();
    return history.recorded(key);
  };
  Object.defineProperty(view, 'db', {
    get: () => {
      note();
      return history.db;
    },
  });
  return view;
}

function isIntrospective(document: DocumentNode, memo: WeakMap<DocumentNode, boolean>): boolean {
  let found = memo.get(document);
  if (found === undefined) {
    found = false;
    visit(document, {
      [Kind.FIELD](node) {
        if (node.name.value === '__schema' || node.name.value === '__type') found = true;
      },
    });
    memo.set(document, found);
  }
  return found;
}
