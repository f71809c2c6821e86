import type { Plugin } from 'graphql-yoga';
import { isGraphQLPath } from '../graphql-path.js';

/**
 * CSRF prevention: a POST executes only with a body type a browser cannot send cross-site without
 * a CORS preflight (JSON, or `application/graphql`). Form-encoded, multipart, text/plain and
 * untyped bodies, which any web page can send, get 415 before the body is read. GET stays
 * open to queries only (Yoga refuses mutations over GET) and needs no token: no cookie or other
 * ambient credential ever authenticates a request here, so a forged GET carries no one's rights.
 */
const ACCEPTED = new Set(['application/json', 'application/graphql', 'application/graphql-response+json']);

export function useJsonBodiesOnly(endpoint: string): Plugin {
  return {
    onRequest({ request, url, serverContext, endResponse, fetchAPI }) {
      if (request.method !== 'POST' || !isGraphQLPath(endpoint, url, serverContext)) return;
      const type = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase() ?? '';
      if (ACCEPTED.has(type)) return;
      endResponse(
        new fetchAPI.Response(
          JSON.stringify({
            errors: [
              {
                message: 'POST bodies must be JSON: send Content-Type: application/json.',
                extensions: { code: 'UNSUPPORTED_MEDIA_TYPE' },
              },
            ],
          }),
          {
            status: 415,
            headers: { 'content-type': 'application/json; charset=utf-8', 'accept-post': 'application/json' },
          },
        ),
      );
    },
  };
}
