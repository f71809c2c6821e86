import { timingSafeEqual } from 'node:crypto';
import { type Plugin, useReadinessCheck } from 'graphql-yoga';
import type { ProviderName } from '../../domain/listing.js';
import type { DriftCount } from '../../providers/decode.js';
import type { ProviderHealth } from '../../providers/provider.js';

export type ReadinessStatus = 'ok' | 'degraded' | 'draining';

export interface Readiness {
  ready: boolean;
  status: ReadinessStatus;
  draining: boolean;
  providers: Partial<Record<ProviderName, ProviderHealth>>;
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
  const draining = sources.draining();
  // With no provider at all the instance cannot serve anything: that is not ready.
  const ready = !draining && configured > 0;
  const status: ReadinessStatus = draining ? 'draining' : degraded || !ready ? 'degraded' : 'ok';
  const drift = sources.decodeDrift?.();
  return { ready, status, draining, providers, ...(drift ? { decodeDrift: drift } : {}) };
}

/**
 * `GET /ready`: 200, or 503 while draining, with the Readiness as JSON; in production only
 * `{ ready, status }` unless the configured token is presented. (`/health`, the liveness probe,
 * is Yoga's own: 200 whenever the process answers.)
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
