import type { IncomingMessage, ServerResponse } from 'node:http';
import { Admission } from './admission.js';
import { clientAddress, type TrustedProxies } from './client-address.js';
import type { Caller, ClientRegistry } from './clients.js';
import type { CorsPolicy } from './cors.js';
import { admitCaller } from './exchange.js';
import type { EventLoopLag } from './load-shedding.js';
import type { RefusalLog } from './refusal-log.js';
import { currentRequestScope } from './request-scope.js';
import type { SecuritySettings } from './security.js';

/**
 * The one gate every GraphQL request passes, in the node:http listener before Yoga and before the
 * response cache answers (cached-answers.ts), in this order, each answered before the body is read:
 * - load shedding: while the event loop lags past LOAD_SHED_LAG_MS, 503 OVERLOADED with Retry-After,
 *   so the work already admitted finishes and `/health` (answered before the gate) stays fast;
 * - CSRF prevention: a POST body must be of a type no browser sends cross-site without a preflight
 *   (JSON, `application/graphql`), else 415. GET stays open to queries only (Yoga refuses
 *   mutations over GET): no cookie or other ambient credential ever authenticates a request here;
 * - admission: at most MAX_IN_FLIGHT at once, MAX_QUEUED waiting, else 503 OVERLOADED; a slot is
 *   freed when the response closes, whatever happened to it;
 * - access: with API keys configured a key (`Authorization: Bearer` or `X-API-Key`), else 401;
 *   without, the client is its address (the socket peer, or behind TRUST_PROXY the one
 *   X-Forwarded-For names). Then the client's requests per minute, else 429 with Retry-After.
 * The key is never logged nor echoed. Refusals are logged in aggregate (refusal-log.ts).
 */
export interface GateOptions {
  security: SecuritySettings;
  registry: ClientRegistry;
  refusals: RefusalLog;
  cors: CorsPolicy;
  /** Absent: never shed. */
  lag?: EventLoopLag;
}

const ACCEPTED_BODIES = new Set([
  'application/json',
  'application/graphql',
  'application/graphql-response+json',
]);

const OVERLOADED = JSON.stringify({
  errors: [
    {
      message: 'The server is overloaded; try again shortly.',
      extensions: { code: 'OVERLOADED', retryAfterSeconds: 1 },
    },
  ],
});
const NOT_JSON = JSON.stringify({
  errors: [
    {
      message: 'POST bodies must be JSON: send Content-Type: application/json.',
      extensions: { code: 'UNSUPPORTED_MEDIA_TYPE' },
    },
  ],
});
const UNAUTHENTICATED = JSON.stringify({
  errors: [{ message: 'A valid API key is required.', extensions: { code: 'UNAUTHENTICATED' } }],
});

export class Gate {
  readonly #options: GateOptions;
  readonly #maxLagMs: number;
  readonly #admission: Admission | null;
  readonly #trustedProxies: TrustedProxies;

  constructor(options: GateOptions) {
    this.#options = options;
    const { security, lag } = options;
    this.#maxLagMs = lag && security.loadShedLagMs > 0 ? security.loadShedLagMs : Number.POSITIVE_INFINITY;
    this.#admission =
      security.maxInFlight > 0
        ? new Admission(
            security.maxInFlight,
            security.maxQueued,
            lag && security.loadShedLagMs > 0 ? () => lag.lagMs > security.loadShedLagMs : undefined,
          )
        : null;
    this.#trustedProxies = security.trustedProxies;
  }

  /**
   * True once the request may go on (its client recorded for the cost limit and the watches, a
   * slot held until the response closes); false when it was answered here. Synchronous unless a
   * slot must be waited for or a rate counted.
   */
  pass(req: IncomingMessage, res: ServerResponse): boolean | Promise<boolean> {
    const { lag, refusals } = this.#options;
    if (lag && lag.lagMs > this.#maxLagMs) {
      refusals.note('OVERLOADED', { lagMs: Math.round(lag.lagMs) }, 'shedding load: event loop lagging');
      this.#refuse(req, res, 503, OVERLOADED, ['retry-after', '1']);
      return false;
    }
    if (req.method === 'POST' && !ACCEPTED_BODIES.has(mediaType(req.headers['content-type']))) {
      this.#refuse(req, res, 415, NOT_JSON, ['accept-post', 'application/json']);
      return false;
    }
    const admission = this.#admission;
    if (!admission) return this.#identify(req, res);
    const admitted = admission.enter();
    if (admitted === true) return this.#admitted(admission, req, res);
    if (admitted === false) return this.#overloaded(admission, req, res);
    return admitted.then((ok) =>
      ok ? this.#admitted(admission, req, res) : this.#overloaded(admission, req, res),
    );
  }

  #admitted(admission: Admission, req: IncomingMessage, res: ServerResponse): boolean | Promise<boolean> {
    // The client may already be gone while it waited: its 'close' has been or is being emitted.
    if (res.destroyed || res.writableFinished) {
      admission.leave();
      return false;
    }
    res.once('close', this.#leave);
    return this.#identify(req, res);
  }

  /** Made once: a closure per request costs on the path of every hit. */
  readonly #leave = (): void => this.#admission?.leave();

  #overloaded(admission: Admission, req: IncomingMessage, res: ServerResponse): false {
    this.#options.refusals.note(
      'OVERLOADED',
      { queued: admission.queued },
      'shedding load: too many requests waiting',
    );
    this.#refuse(req, res, 503, OVERLOADED, ['retry-after', '1']);
    return false;
  }

  #identify(req: IncomingMessage, res: ServerResponse): boolean | Promise<boolean> {
    const { registry, refusals } = this.#options;
    const forwarded = req.headers['x-forwarded-for'];
    const peer = clientAddress(
      req.socket.remoteAddress,
      Array.isArray(forwarded) ? forwarded.join(', ') : forwarded,
      this.#trustedProxies,
    );
    const identified = registry.identify(registry.keysRequired ? presentedKey(req) : null, peer);
    if (!identified.ok) {
      refusals.note('UNAUTHENTICATED', { peer }, 'refused a request without a valid API key');
      this.#refuse(req, res, 401, UNAUTHENTICATED, ['www-authenticate', 'Bearer realm="listing-graph"']);
      return false;
    }
    const { caller } = identified;
    if (!caller.requests) return this.#admit(req, caller);
    return caller.requests.take(1).then((taken) => {
      if (taken.ok) return this.#admit(req, caller);
      refusals.note('RATE_LIMITED', { client: caller.id }, 'client over its request rate');
      const body = JSON.stringify({
        errors: [
          {
            message: `Too many requests: at most ${caller.requests?.perMinute} per minute.`,
            extensions: { code: 'RATE_LIMITED', retryAfterSeconds: taken.retryAfterSeconds },
          },
        ],
      });
      this.#refuse(req, res, 429, body, ['retry-after', String(taken.retryAfterSeconds)]);
      return false;
    });
  }

  #admit(req: IncomingMessage, caller: Caller): true {
    admitCaller({ req }, caller);
    const scope = currentRequestScope();
    if (scope) scope.client = caller.id;
    return true;
  }

  /** As Yoga's answers are sent: the CORS headers, and Vary as the compression plugin sets it. */
  #refuse(req: IncomingMessage, res: ServerResponse, status: number, body: string, extra: string[]): void {
    const headers = [
      'content-type',
      'application/json; charset=utf-8',
      ...extra,
      'content-length',
      String(Buffer.byteLength(body)),
      'vary',
      'Origin, Accept-Encoding',
    ];
    headers.push(...this.#options.cors.headersFor(req.headers.origin));
    res.writeHead(status, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  }
}

function mediaType(contentType: string | undefined): string {
  if (contentType === undefined) return '';
  // As clients send it, nearly always: nothing to cut or fold.
  if (ACCEPTED_BODIES.has(contentType)) return contentType;
  const end = contentType.indexOf(';');
  return (end === -1 ? contentType : contentType.slice(0, end)).trim().toLowerCase();
}

function presentedKey(req: IncomingMessage): string | null {
  const authorization = req.headers.authorization;
  const bearer = authorization?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
  const apiKey = req.headers['x-api-key'];
  return bearer ?? (typeof apiKey === 'string' ? apiKey.trim() : null);
}
