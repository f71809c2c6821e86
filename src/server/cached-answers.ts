import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { CorsPolicy } from './cors.js';
import { currentRequestScope, type RequestScope, runInRequestScope } from './request-scope.js';
import { type Encoded, type Entry, MAX_BODY_BYTES, type ResponseCache } from './response-cache.js';

/**
 * Response-cache hits answered in the node:http listener, once the gate passed, before Yoga: no
 * fetch Request, no plugin chain. A hit sends what the Yoga path sent when it kept the answer:
 * the same bytes (compressed as negotiated), the same headers (Vary, CORS; x-request-id and the
 * HTTP metrics come from the listener around this one). Only a JSON POST with a declared length
 * of at most 32 KB (and within MAX_REQUEST_BYTES) is looked up; its body is read once here, and a
 * miss goes on to Yoga with those bytes and its key (the plugin keeps the answer under it).
 */
export class CachedAnswers {
  readonly #cache: ResponseCache;
  readonly #cors: CorsPolicy;
  readonly #maxBytes: number;

  constructor(cache: ResponseCache, cors: CorsPolicy, maxRequestBytes: number) {
    this.#cache = cache;
    this.#cors = cors;
    this.#maxBytes = Math.min(MAX_BODY_BYTES, maxRequestBytes);
  }

  /** Answers a hit; anything else goes on to `next` (Yoga). */
  serve(req: IncomingMessage, res: ServerResponse, next: RequestListener): void {
    const { headers } = req;
    const length = Number(headers['content-length']);
    if (
      req.method !== 'POST' ||
      !(length > 0 && length <= this.#maxBytes) ||
      headers['content-encoding'] !== undefined ||
      !headers['content-type']?.startsWith('application/json')
    ) {
      next(req, res);
      return;
    }
    // The body's events come in the socket's async context, not the request's: a miss is handed
    // to Yoga back in the request's scope (its log lines, upstream calls and payer).
    const scope = currentRequestScope();
    readBody(req, (body) => {
      (req as IncomingMessage & { body?: Buffer }).body = body;
      const text = body.toString();
      // A batch is several operations: not kept.
      if (text.trimStart().startsWith('[')) {
        inScope(scope, next, req, res);
        return;
      }
      const key = this.#cache.key(headers.accept, text);
      const found = this.#cache.find(key);
      if (found === undefined || found instanceof Promise) {
        this.#cache.noteMiss(req, key);
        if (found === undefined) inScope(scope, next, req, res);
        else
          found.then(
            (entry) => (entry ? this.#send(req, res, entry) : inScope(scope, next, req, res)),
            () => inScope(scope, next, req, res),
          );
        return;
      }
      this.#send(req, res, found);
    });
  }

  #send(req: IncomingMessage, res: ServerResponse, entry: Entry): void {
    const encoded = this.#cache.encoded(entry, req.headers['accept-encoding']);
    if (encoded instanceof Promise) {
      encoded.then(
        (ready) => this.#write(req, res, entry, ready),
        // Compression failing is no reason to bring the process down: this one request is cut.
        () => res.destroy(),
      );
    } else this.#write(req, res, entry, encoded);
  }

  #write(req: IncomingMessage, res: ServerResponse, entry: Entry, { body, encoding }: Encoded): void {
    // Vary as the Yoga path leaves it: the CORS plugin's Origin, then Accept-Encoding.
    const headers = [
      'content-type',
      entry.contentType,
      'content-length',
      String(body.byteLength),
      'vary',
      'Origin, Accept-Encoding',
    ];
    headers.push(...this.#cors.headersFor(req.headers.origin));
    if (encoding) headers.push('content-encoding', encoding);
    res.writeHead(200, headers);
    res.end(body);
  }
}

function inScope(
  scope: RequestScope | undefined,
  next: RequestListener,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  if (scope) runInRequestScope(scope, () => next(req, res));
  else next(req, res);
}

/**
 * The whole body. A client that leaves before sending it all never gets `done` called: there is
 * no one to answer, and the admission slot is freed by the response's close (gate.ts).
 */
function readBody(req: IncomingMessage, done: (body: Buffer) => void): void {
  let first: Buffer | null = null;
  let more: Buffer[] | null = null;
  req.on('data', (chunk: Buffer) => {
    if (first === null) first = chunk;
    else {
      more ??= [first];
      more.push(chunk);
    }
  });
  req.once('end', () => done(more ? Buffer.concat(more) : (first ?? Buffer.alloc(0))));
}
