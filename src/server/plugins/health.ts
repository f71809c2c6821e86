import { type Plugin, useReadinessCheck } from 'graphql-yoga';
import type { ProviderName } from '../../domain/listing.js';
import type { ProviderHealth } from '../../providers/provider.js';

export interface Readiness {
  ready: boolean;
  draining: boolean;
  providers: Partial<Record<ProviderName, ProviderHealth>>;
}

export interface ReadinessSources {
  providers: () => ReadonlyMap<ProviderName, { health(): ProviderHealth }>;
  draining: () => boolean;
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
  return { ready: reachable && !draining, draining, providers };
}

/** What `/health` says: the process answers. Readiness, which depends on more, is `/ready`. */
export const LIVENESS_BODY = JSON.stringify({ status: 'ok' });

/**
 * `GET /health`, the liveness probe: 200 with a small JSON body whenever the process answers.
 * Yoga's own health check answers it with an empty body; this gives the answer a body a person or
 * a probe can read, and keeps it out of caches.
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

/** `GET /ready`: 200 or 503 with the Readiness as JSON. */
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
