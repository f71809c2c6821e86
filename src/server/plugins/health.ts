import { type Plugin, useReadinessCheck } from 'graphql-yoga';
import type { ProviderName } from '../../domain/listing.js';
import type { DriftCount } from '../../providers/decode.js';
import type { ProviderHealth } from '../../providers/provider.js';

export interface Readiness {
  ready: boolean;
  draining: boolean;
  providers: Partial<Record<ProviderName, ProviderHealth>>;
  /** Informational, never a reason to be unready: decode drift since start (see /metrics). */
  decodeDrift?: { total: number; top: DriftCount[] };
}

export interface ReadinessSources {
  providers: () => ReadonlyMap<ProviderName, { health(): ProviderHealth }>;
  draining: () => boolean;
  decodeDrift?: () => { total: number; top: DriftCount[] };
}

/**
 * Ready when not draining and at least one configured provider is reachable, judged by its
 * circuit (open means repeated failures): a probe must not spend a paid, rate-limited call. In
 * sandbox mode the providers are the sandbox's, so the same rule says whether the sandbox is up.
 * A spent daily budget does not make the server unready: cached listings are still served.
 */
export function readiness(sources: ReadinessSources): Readiness {
  const providers: Readiness['providers'] = {};
  let reachable = false;
  for (const [name, provider] of sources.providers()) {
    const health = provider.health();
    providers[name] = health;
    if (health.circuit !== 'open') reachable = true;
  }
  const draining = sources.draining();
  const drift = sources.decodeDrift?.();
  return { ready: reachable && !draining, draining, providers, ...(drift ? { decodeDrift: drift } : {}) };
}

/**
 * `GET /ready`: 200 or 503 with the Readiness as JSON. (`/health`, the liveness probe, is Yoga's
 * own: 200 whenever the process answers.)
 */
export function useReadiness(sources: ReadinessSources): Plugin {
  return useReadinessCheck({
    endpoint: '/ready',
    check: ({ fetchAPI }) => {
      const state = readiness(sources);
      return new fetchAPI.Response(JSON.stringify(state), {
        status: state.ready ? 200 : 503,
        headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
      });
    },
  });
}
