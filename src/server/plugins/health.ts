import { timingSafeEqual } from 'node:crypto';
import type { RequestListener } from 'node:http';
import { type Plugin, useReadinessCheck } from 'graphql-yoga';
import type { ProviderName } from '../../domain/listing.js';
import type { DriftCount } from '../../providers/decode.js';
import type { ProviderHealth } from '../../providers/provider.js';
import type { RedisStatus } from '../../state/index.js';

export type ReadinessStatus = 'ok' | 'degraded' | 'draining';

export interface Readiness {
  ready: boolean;
  status: ReadinessStatus;
  draining: boolean;
  providers: Partial<Record<ProviderName, ProviderHealth>>;
  /** With REDIS_URL: up, or degraded with a fixed reason (the replica then uses its local share). */
  redis?: RedisStatus;
  /** Informational, never a reason to be unready: decode drift since start (see /metrics). */
  decodeDrift?: { total: number; top: DriftCount[] };
}

/** What `/ready` shows a stranger in production: no budgets, no circuit states. */
export type PublicReadiness = Pick<Readiness, 'ready' | 'status'>;

export interface ReadinessSources {
  providers: () => ReadonlyMap<ProviderName, { health(): ProviderHealth }>;
  draining: () => boolean;
  /** true: the details are shown only to a request presenting `token`. */
  production?: boolean;
  /** Shown the details in production with `Authorization: Bearer <token>`; null: nobody. */
  token?: string | null;
  decodeDrift?: () => { total: number; top: DriftCount[] };
  /** The shared-state connection's status; absent: no Redis configured. */
  redis?: () => RedisStatus;
}

/**
 * Ready unless draining: what the instance itself can do decides, not the providers. An open
 * circuit (or a spent budget) makes it *degraded*, still 200: it serves cached answers and the
 * other provider, and an upstream outage that every replica sees must not take every replica out
 * of the load balancer (nor stop the traffic whose next call probes the circuit closed again).
 */
export function readiness(sources: ReadinessSources): Readiness {
  const providers: Readiness['providers'] = {};
  let degraded = false;
  let configured = 0;
  for (const [name, provider] of sources.providers()) {
    const health = provider.health();
    providers[name] = health;
    configured += 1;
    if (health.circuit !== 'closed' || health.budgetRemaining === 0) degraded = true;
  }
  const redis = sources.redis?.();
  // Still ready without Redis: the replica answers on its local share (README, Running several replicas).
  if (redis && redis.state !== 'up') degraded = true;
  const draining = sources.draining();
  // With no provider at all the instance cannot serve anything: that is not ready.
  const ready = !draining && configured > 0;
  const status: ReadinessStatus = draining ? 'draining' : degraded || !ready ? 'degraded' : 'ok';
  const drift = sources.decodeDrift?.();
  return {
    ready,
    status,
    draining,
    providers,
    ...(redis ? { redis } : {}),
    ...(drift ? { decodeDrift: drift } : {}),
  };
}

/** What `/health` says: the process answers. Readiness, which depends on more, is `/ready`. */
export const LIVENESS_BODY = JSON.stringify({ status: 'ok' });

const LIVENESS_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'content-length': String(Buffer.byteLength(LIVENESS_BODY)),
};

/**
 * `GET /health` answered in the node:http listener, ahead of Yoga and every plugin: no fetch
 * Request, no plugin chain, no body read. Under a burst the event loop is shared with a thousand
 * GraphQL requests; the probe must cost the least a turn of the loop can cost, or an orchestrator
 * restarts a busy but healthy instance. Anything else goes on to `listener`.
 */
export function withLiveness(listener: RequestListener): RequestListener {
  return (req, res) => {
    const url = req.url ?? '';
    if (
      (req.method === 'GET' || req.method === 'HEAD') &&
      (url === '/health' || url.startsWith('/health?'))
    ) {
      res.writeHead(200, LIVENESS_HEADERS);
      res.end(req.method === 'HEAD' ? undefined : LIVENESS_BODY);
      return;
    }
    listener(req, res);
  };
}

/**
 * `GET /health` for the gateway used in process (`gateway.fetch`), where no node:http listener
 * runs: 200 with a small JSON body. Yoga's own health check answers it with an empty body; this
 * gives the answer a body a person or a probe can read, and keeps it out of caches.
 */
export function useLiveness(): Plugin {
  return {
    onResponse({ request, response, setResponse, fetchAPI }) {
      // A substring test first: no URL is parsed on the path of every other answer.
      if (response.status !== 200 || !request.url.includes('/health')) return;
      if (new URL(request.url).pathname !== '/health') return;
      setResponse(
        new fetchAPI.Response(LIVENESS_BODY, {
          status: 200,
          headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
        }),
      );
    },
  };
}

/**
 * `GET /ready`: 200, or 503 while draining, with the Readiness as JSON; in production only
 * `{ ready, status }` unless the configured token is presented.
 */
export function useReadiness(sources: ReadinessSources): Plugin {
  const token = sources.token ? Buffer.from(sources.token) : null;
  const mayBeShown = (request: Request): boolean => {
    if (!sources.production) return true;
    const presented = request.headers.get('authorization')?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
    if (!token || !presented) return false;
    const given = Buffer.from(presented);
    return given.length === token.length && timingSafeEqual(given, token);
  };
  return useReadinessCheck({
    endpoint: '/ready',
    check: ({ request, fetchAPI }) => {
      const state = readiness(sources);
      const body: Readiness | PublicReadiness = mayBeShown(request)
        ? state
        : { ready: state.ready, status: state.status };
      return new fetchAPI.Response(JSON.stringify(body), {
        status: state.ready ? 200 : 503,
        headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
      });
    },
  });
}
