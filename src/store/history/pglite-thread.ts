import { Worker } from 'node:worker_threads';
import type { PGlite, PGliteQueryOptions, PGliteQueryResults, PGliteTransaction } from 'kysely';

/**
 * PGlite on a thread of its own, shaped as Kysely's PGlite dialect expects. PGlite runs every
 * statement synchronously in WebAssembly on the thread that owns it: on the gateway's thread a
 * batch of observations held the event loop for hundreds of milliseconds under load (bench:
 * burst), stalling `/health` and every query. Here the gateway's thread only posts messages.
 */

/** The messages to and from pglite-worker.mjs. */
export type PgliteRequest = { id: number } & (
  | { op: 'query'; sql: string; params: unknown[]; tx?: number }
  | { op: 'begin' }
  | { op: 'end'; tx: number; commit: boolean }
  | { op: 'close' }
);

export type PgliteReply = { id: number } & (
  | { value: unknown; error?: undefined }
  | { error: Record<string, unknown> }
);

type Command =
  | { op: 'query'; sql: string; params: unknown[]; tx?: number }
  | { op: 'begin' }
  | { op: 'end'; tx: number; commit: boolean }
  | { op: 'close' };

/** A database error from the worker, with its fields (code, detail, constraint, …) as PGlite gave them. */
function rebuild(fields: Record<string, unknown>): Error {
  const error = new Error(String(fields.message ?? 'PGlite failed'));
  Object.assign(error, fields);
  return error;
}

export class PgliteThread implements PGlite {
  readonly waitReady: Promise<void>;
  ready = false;
  closed = false;
  readonly #worker: Worker;
  readonly #waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  #nextId = 1;

  constructor(dataDir: string) {
    this.#worker = new Worker(new URL('./pglite-worker.mjs', import.meta.url), { workerData: { dataDir } });
    // Referenced only while a call is pending: an idle store never keeps the process alive.
    this.#worker.unref();
    this.waitReady = new Promise<void>((resolve, reject) => {
      this.#waiting.set(0, { resolve: () => resolve(), reject });
    }).then(() => {
      this.ready = true;
    });
    this.waitReady.catch(() => {});
    this.#worker.on('message', (reply: PgliteReply) => {
      const waiter = this.#waiting.get(reply.id);
      if (!waiter) return;
      this.#waiting.delete(reply.id);
      if (this.#waiting.size === 0) this.#worker.unref();
      if (reply.error) waiter.reject(rebuild(reply.error));
      else waiter.resolve(reply.value);
    });
    const fail = (error: Error) => {
      this.closed = true;
      for (const waiter of this.#waiting.values()) waiter.reject(error);
      this.#waiting.clear();
    };
    this.#worker.on('error', fail);
    this.#worker.on('exit', (code) => fail(new Error(`the PGlite thread exited (${code})`)));
  }

  #call<T>(command: Command): Promise<T> {
    if (this.closed) return Promise.reject(new Error('PGlite is closed'));
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      this.#waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.#worker.ref();
      this.#worker.postMessage({ id, ...command } satisfies PgliteRequest);
    });
  }

  query<T>(
    sql: string,
    params: unknown[] = [],
    _options?: PGliteQueryOptions,
  ): Promise<PGliteQueryResults<T>> {
    // Kysely always asks for object rows, which is all the worker answers.
    return this.#call({ op: 'query', sql, params });
  }

  async transaction<T>(callback: (tx: PGliteTransaction) => Promise<T>): Promise<T> {
    const txId = await this.#call<number>({ op: 'begin' });
    let ended = false;
    const end = (commit: boolean) => {
      ended = true;
      return this.#call<void>({ op: 'end', tx: txId, commit });
    };
    const tx: PGliteTransaction = {
      query: <R>(sql: string, params: unknown[] = []) =>
        this.#call<PGliteQueryResults<R>>({ op: 'query', sql, params, tx: txId }),
      rollback: () => end(false),
    };
    let result: T;
    try {
      result = await callback(tx);
    } catch (error) {
      if (!ended) await end(false).catch(() => {});
      throw error;
    }
    if (!ended) await end(true);
    return result;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    try {
      await this.#call({ op: 'close' });
    } finally {
      this.closed = true;
      await this.#worker.terminate();
    }
  }
}
