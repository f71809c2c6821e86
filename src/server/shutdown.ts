import type { Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface DrainResult {
  /** Requests still unfinished when the deadline passed: answered 503 when nothing was sent yet, else cut. */
  abandoned: number;
}

/**
 * Bytes that reached the kernel before the drain began (a request on an accepted connection, or a
 * connection still in the listen backlog) must be read before the listener closes: closing it
 * resets every connection still in the backlog, and an accepted connection whose bytes are not
 * yet parsed looks idle and is closed too. Node takes ONE connection from the backlog per turn of
 * the event loop (libuv 1.46+), so under load 30 waiting connections take 30 turns, which can be
 * far more than any fixed wait (a fixed 250 ms cut 35 of 40 requests at load 7-9). So the drain
 * waits for turns, not time: the listener closes once SETTLE_TURNS turns in a row took no new
 * connection (the backlog is empty and the last one's bytes were read), and at least SETTLE_MS
 * has passed, at most SETTLE_CAP_MS when connections never stop arriving.
 */
const SETTLE_MS = 250;
const SETTLE_TURNS = 3;
const SETTLE_CAP_MS = 5_000;
/** After the deadline's 503s, how long their connections get to flush before they are destroyed. */
const FLUSH_MS = 1_000;

const SHUTTING_DOWN_BODY = JSON.stringify({
  errors: [
    {
      message: 'The server is shutting down and could not finish this request; retry it.',
      extensions: { code: 'SHUTTING_DOWN' },
    },
  ],
});

/**
 * Graceful stop of one HTTP server: `/ready` turns false first (a load balancer stops sending) and
 * every response from then on says `Connection: close`, so keep-alive clients reconnect elsewhere;
 * after an optional delay the listener closes and idle connections with it, then every connection
 * that carries a request, even one only partly received, is answered before it closes. At the
 * deadline what is left gets a 503 with `Connection: close` when nothing of its answer was sent yet,
 * and is cut only when its answer was already under way.
 */
export class Drainer {
  readonly #server: Server;
  readonly #inFlight = new Set<ServerResponse>();
  readonly #sockets = new Set<Socket>();
  #accepted = 0;
  #draining = false;

  constructor(server: Server) {
    this.#server = server;
    server.on('connection', (socket: Socket) => {
      this.#accepted++;
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
    });
    server.on('request', (_req, res: ServerResponse) => {
      if (this.#draining) res.setHeader('connection', 'close');
      this.#inFlight.add(res);
      res.once('close', () => {
        this.#inFlight.delete(res);
        if (this.#draining) this.#server.closeIdleConnections();
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
   * listener closes. `deadlineMs`: how long requests already received may take after that.
   */
  async drain({ delayMs, deadlineMs }: { delayMs: number; deadlineMs: number }): Promise<DrainResult> {
    this.#draining = true;
    for (const res of this.#inFlight) if (!res.headersSent) res.setHeader('connection', 'close');
    await sleep(delayMs);
    await this.#settle();
    // Resolves once every connection has closed. Since Node 19 this also closes idle connections:
    // those whose parser has seen no byte of a next request.
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'deadline'>((resolve) => {
      timer = setTimeout(resolve, deadlineMs, 'deadline');
    });
    const outcome = await Promise.race([closed, deadline]);
    clearTimeout(timer);
    if (outcome !== 'deadline') return { abandoned: 0 };

    const abandoned = this.#answerTheRest();
    const flushed = await Promise.race([closed.then(() => true), sleep(FLUSH_MS).then(() => false)]);
    if (!flushed) {
      this.#server.closeAllConnections();
      for (const socket of this.#sockets) socket.destroy();
      await closed;
    }
    return { abandoned };
  }

  /** Until the backlog is empty and what it held is read (see SETTLE_MS). */
  async #settle(): Promise<void> {
    const started = performance.now();
    let seen = this.#accepted;
    let quietTurns = 0;
    for (;;) {
      // One turn of the loop: its poll phase takes at most one waiting connection and reads sockets.
      await new Promise<void>((resolve) => setImmediate(resolve));
      const elapsed = performance.now() - started;
      if (elapsed >= SETTLE_CAP_MS) return;
      if (this.#accepted !== seen) {
        seen = this.#accepted;
        quietTurns = 0;
      } else if (++quietTurns >= SETTLE_TURNS && elapsed >= SETTLE_MS) return;
      // Past the turns that count, wait without spinning the loop.
      if (quietTurns >= SETTLE_TURNS) await sleep(5);
    }
  }

  /** At the deadline: a 503 for every request not yet answered, cut only what was already under way. */
  #answerTheRest(): number {
    let abandoned = 0;
    const answering = new Set<Socket | null>();
    for (const res of this.#inFlight) {
      abandoned++;
      answering.add(res.socket);
      if (res.headersSent) {
        res.socket?.destroy();
        continue;
      }
      res.writeHead(503, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(SHUTTING_DOWN_BODY),
        connection: 'close',
        'retry-after': '1',
      });
      res.end(SHUTTING_DOWN_BODY);
    }
    // Still open, no request handed over: its headers are still arriving.
    for (const socket of this.#sockets) {
      if (answering.has(socket) || socket.destroyed || socket.writableEnded) continue;
      abandoned++;
      socket.end(
        `HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json; charset=utf-8\r\n` +
          `content-length: ${Buffer.byteLength(SHUTTING_DOWN_BODY)}\r\nconnection: close\r\nretry-after: 1\r\n\r\n` +
          SHUTTING_DOWN_BODY,
      );
    }
    return abandoned;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
