import type { ServerResponse } from 'node:http';
import type { Plugin } from 'graphql-yoga';
import { isGraphQLPath } from '../graphql-path.js';
import { overloadedResponse } from '../load-shedding.js';
import type { RefusalLog } from '../refusal-log.js';

/**
 * At most `maxInFlight` GraphQL requests run at once; the next ones wait their turn (their body
 * not yet read), up to `maxQueued`, and beyond that get 503 OVERLOADED. A burst of a thousand
 * requests arriving together is then started a slice at a time instead of all in one turn of the
 * event loop, so `/health` (answered before this plugin) gets its turn between slices. A slot is
 * freed when the response is closed, whatever happened to it.
 */
export class Admission {
  #inFlight = 0;
  readonly #queue: ((admitted: boolean) => void)[] = [];

  /**
   * `overloaded`: asked when a slot frees; while it says true, the waiting requests are turned
   * away (503) instead of started, so a backlog taken in before the loop fell behind does not
   * keep it behind for as long as the backlog lasts.
   */
  constructor(
    readonly maxInFlight: number,
    readonly maxQueued: number,
    private readonly overloaded: () => boolean = () => false,
  ) {}

  get inFlight(): number {
    return this.#inFlight;
  }

  get queued(): number {
    return this.#queue.length;
  }

  /** Resolves true once admitted; false at once when the queue is full, or later when shed. */
  enter(): Promise<boolean> | boolean {
    if (this.#inFlight < this.maxInFlight) {
      this.#inFlight++;
      return true;
    }
    if (this.#queue.length >= this.maxQueued) return false;
    return new Promise((resolve) => this.#queue.push(resolve));
  }

  /** The slot passes straight to the first one waiting, unless the server is overloaded. */
  leave(): void {
    if (this.#queue.length > 0 && this.overloaded()) {
      // Cheap refusals now, before their bodies are read, rather than seconds of work later.
      for (const waiting of this.#queue.splice(0)) waiting(false);
    }
    const next = this.#queue.shift();
    if (next) next(true);
    else this.#inFlight--;
  }
}

export function useAdmission(options: {
  endpoint: string;
  admission: Admission;
  refusals: RefusalLog;
}): Plugin {
  const { endpoint, admission, refusals } = options;
  return {
    async onRequest({ request, url, serverContext, endResponse, fetchAPI }) {
      if (request.method === 'OPTIONS' || !isGraphQLPath(endpoint, url, serverContext)) return;
      const res = (serverContext as { res?: ServerResponse }).res;
      // Without a Node response (in-process fetch) there is no reliable end to free a slot on.
      if (!res) return;
      const admitted = await admission.enter();
      if (!admitted) {
        refusals.note('OVERLOADED', { queued: admission.queued }, 'shedding load: too many requests waiting');
        endResponse(overloadedResponse(fetchAPI));
        return;
      }
      let freed = false;
      const free = () => {
        if (freed) return;
        freed = true;
        admission.leave();
      };
      res.once('close', free);
      // The client may already be gone while it waited.
      if (res.destroyed || res.writableFinished) free();
    },
  };
}
