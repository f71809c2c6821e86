import type { Plugin } from 'graphql-yoga';

/**
 * Cross-origin access, decided here rather than by Yoga's default (which reflects any origin with
 * credentials). Keys travel in headers, never cookies, so credentials are never allowed:
 * - '*': any origin may read, without credentials (development's default);
 * - a list: exactly the listed origins are echoed back; `null` (sandboxed frames, file: pages)
 *   only when listed; an empty list (production's default) allows no cross-origin access.
 * Every response carries `Vary: Origin`, so a shared cache never serves one origin's answer to another.
 */
export function useCorsPolicy(origins: '*' | readonly string[]): Plugin {
  const listed = new Set(origins === '*' ? [] : origins);
  const allowedOrigin = (origin: string | null): string | null => {
    if (origin === null) return null;
    if (origins === '*') return '*';
    return listed.has(origin) ? origin : null;
  };
  return {
    onRequest({ request, endResponse, fetchAPI }) {
      if (request.method !== 'OPTIONS') return;
      const headers: Record<string, string> = { 'content-length': '0' };
      if (allowedOrigin(request.headers.get('origin')) !== null) {
        headers['access-control-allow-methods'] = 'GET, POST';
        headers['access-control-allow-headers'] =
          'accept, authorization, content-type, x-api-key, x-request-id';
        headers['access-control-max-age'] = '600';
      }
      endResponse(new fetchAPI.Response(null, { status: 204, headers }));
    },
    onResponse({ request, response }) {
      response.headers.append('vary', 'Origin');
      const allowed = allowedOrigin(request.headers.get('origin'));
      if (allowed === null) return;
      response.headers.set('access-control-allow-origin', allowed);
      response.headers.set('access-control-expose-headers', 'retry-after, x-request-id');
    },
  };
}
