import type { Plugin } from 'graphql-yoga';
import { CORS_EXPOSED_HEADERS, type CorsPolicy } from '../cors.js';

/** The policy (cors.ts) on Yoga's answers, and the preflights. */
export function useCorsPolicy(policy: CorsPolicy): Plugin {
  return {
    onRequest({ request, endResponse, fetchAPI }) {
      if (request.method !== 'OPTIONS') return;
      const headers: Record<string, string> = { 'content-length': '0' };
      if (policy.allowedOrigin(request.headers.get('origin')) !== null) {
        headers['access-control-allow-methods'] = 'GET, POST';
        headers['access-control-allow-headers'] =
          'accept, authorization, content-type, x-api-key, x-request-id';
        headers['access-control-max-age'] = '600';
      }
      endResponse(new fetchAPI.Response(null, { status: 204, headers }));
    },
    onResponse({ request, response }) {
      response.headers.append('vary', 'Origin');
      const allowed = policy.allowedOrigin(request.headers.get('origin'));
      if (allowed === null) return;
      response.headers.set('access-control-allow-origin', allowed);
      response.headers.set('access-control-expose-headers', CORS_EXPOSED_HEADERS);
    },
  };
}
