import type { IncomingMessage } from 'node:http';
import { type DocumentNode, getOperationAST, Kind, visit } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { type GraphQLContext, NOTICES_OF_THE_DATA } from '../../schema/context.js';
import type { HistoryStore } from '../../store/history/index.js';
import type { Cached, ListingStore } from '../../store/listing-store.js';
import { varyOnEncoding } from '../compression.js';
import type { Entry, ResponseCache, ResponseCacheOptions } from '../response-cache.js';

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

/** How long an identical request waits for the one already running before running itself. */
const FOLLOW_TIMEOUT_MS = 30_000;

/**
 * Keeps whole answers of queries (response-cache.ts). Freshness is per field read: an entry lives
 * until the earliest moment one of the cached search pages or details it was built from goes
 * stale (never past `ttlMs`). Answers with errors or warnings of a failure (stale data),
 * introspection, batches, and anything not a query are never kept; a warning about the data
 * itself (NOTICES_OF_THE_DATA) is kept with the answer. Identical requests that arrive while the
 * first runs wait for its answer instead of running again.
 *
 * A hit never reaches Yoga: the gateway's listener answers it after the gate (cached-answers.ts),
 * and a miss arrives with its key, made from the body read there. Registered last, it runs after
 * every other plugin's `onRequest`. What a hit skips depends on the body alone
 * (operation limits, persisted operations), except the per-client upstream-cost budget: a hit
 * costs no upstream call.
 */
export function useResponseCache(cache: ResponseCache): Plugin<GraphQLContext> {
  const { now, running } = cache;
  const settings = cache.options;
  const pending = new WeakMap<Request, Pending>();
  const introspective = new WeakMap<DocumentNode, boolean>();

  return {
    async onRequest({ request, endResponse, fetchAPI, serverContext }) {
      // Only a request the listener looked up and missed is kept (cached-answers.ts): batches,
      // GETs, large and non-JSON bodies never are.
      const key = cache.missedKey((serverContext as { req?: IncomingMessage }).req);
      if (key === undefined) return;
      const leader = running.get(key);
      if (leader) {
        const shared = await within(leader, FOLLOW_TIMEOUT_MS);
        if (shared) return endResponse(await answer(fetchAPI, cache, shared, request));
      }
      const state: Pending = { key, freshUntil: now() + settings.ttlMs, cacheable: true, ready: false };
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
      pending.set(request, state);
    },

    onContextBuilding({ context, extendContext }) {
      const state = pending.get(context.request);
      if (state && context.store) extendContext({ store: recordingStore(context.store, state, settings) });
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
        entry = await cache.keep(state.key, body, contentType, state.freshUntil);
        // The client gets the kept bytes, compressed the way later hits will reuse.
        setResponse(await answer(fetchAPI, cache, entry, request, response.headers));
      }
      state.settle?.(entry);
    },
  };
}

type FetchAPI = Parameters<NonNullable<Plugin['onRequest']>>[0]['fetchAPI'];

/** The kept answer, compressed as the request accepts (once per entry and encoding). */
async function answer(
  fetchAPI: FetchAPI,
  cache: ResponseCache,
  entry: Entry,
  request: Request,
  base?: Headers,
): Promise<Response> {
  const headers = new fetchAPI.Headers(base);
  headers.set('content-type', entry.contentType);
  headers.set('vary', varyOnEncoding(headers.get('vary')));
  const { body, encoding } = await cache.encoded(entry, request.headers.get('accept-encoding'));
  if (encoding) headers.set('content-encoding', encoding);
  headers.set('content-length', String(body.byteLength));
  return new fetchAPI.Response(body, { status: 200, headers });
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
