import type { Server, ServerResponse } from 'node:http';

export interface DrainResult {
  /** Requests still unanswered when the deadline passed; their connections were cut. */
  abandoned: number;
}

/**
 * Graceful stop of one HTTP server: `/ready` turns false first (a load balancer stops sending) and
 * every response from then on says `Connection: close`, so keep-alive clients reconnect elsewhere;
 * after an optional delay the listener closes, requests in flight are answered, and connections
 * still busy at the deadline are cut.
 */
export class Drainer {
  readonly #server: Server;
  readonly #inFlight = new Set<ServerResponse>();
  #draining = false;
  #idle: (() => void) | null = null;

  constructor(server: Server) {
    this.#server = server;
    server.on('request', (_req, res: ServerResponse) => {
      if (this.#draining) res.setHeader('connection', 'close');
      this.#inFlight.add(res);
      res.once('close', () => {
        this.#inFlight.delete(res);
        if (this.#draining) {
          this.#server.closeIdleConnections();
          if (this.#inFlight.size === 0) this.#idle?.();
        }
      });
    });
  }

  get draining(): boolean {
    return this.#draining;
  }

  get inFlight(): number {
    return this.#inFlight.size;
  }

  /**
   * `delayMs`: how long to keep serving while not ready, so that load balancers notice before the
   * listener closes. `deadlineMs`: how long in-flight requests may take after that.
   */
  async drain({ delayMs, deadlineMs }: { delayMs: number; deadlineMs: number }): Promise<DrainResult> {
    this.#draining = true;
    for (const res of this.#inFlight) if (!res.headersSent) res.setHeader('connection', 'close');
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeIdleConnections();
    if (this.#inFlight.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.#idle = resolve;
        timer = setTimeout(resolve, deadlineMs);
      });
      clearTimeout(timer);
    }
    const abandoned = this.#inFlight.size;
    this.#server.closeAllConnections();
    await closed;
    return { abandoned };
  }
}
