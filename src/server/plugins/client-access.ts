import type { IncomingMessage } from 'node:http';
import type { Plugin } from 'graphql-yoga';
import { clientAddress, type TrustedProxies } from '../client-address.js';
import type { ClientRegistry } from '../clients.js';
import { admitCaller } from '../exchange.js';
import { isGraphQLPath } from '../graphql-path.js';
import type { RefusalLog } from '../refusal-log.js';
import { currentRequestScope } from '../request-scope.js';

/**
 * Who may call, and how often: with API keys configured every GraphQL request must carry one
 * (`Authorization: Bearer <key>` or `X-API-Key: <key>`), else 401 UNAUTHENTICATED; then each
 * client's requests per minute, else 429 RATE_LIMITED with Retry-After. Both answers are made
 * before the body is read. The key is never logged nor echoed. Without keys, a client is its
 * address: the socket peer, or behind a trusted proxy (`TRUST_PROXY`) the one X-Forwarded-For names.
 */

export function useClientAccess(
  registry: ClientRegistry,
  graphqlEndpoint: string,
  refusals: RefusalLog,
  trustedProxies: TrustedProxies,
): Plugin {
  return {
    async onRequest({ request, url, serverContext, endResponse, fetchAPI }) {
      // Preflights carry no credentials by design; CORS answers them.
      if (!isGraphQLPath(graphqlEndpoint, url, serverContext) || request.method === 'OPTIONS') return;
      const socket = (serverContext as { req?: IncomingMessage }).req?.socket;
      const peer = clientAddress(
        socket?.remoteAddress,
        request.headers.get('x-forwarded-for'),
        trustedProxies,
      );
      const identified = registry.identify(presentedKey(request.headers), peer);
      if (!identified.ok) {
        refusals.note('UNAUTHENTICATED', { peer }, 'refused a request without a valid API key');
        endResponse(
          errorResponse(fetchAPI, 401, 'UNAUTHENTICATED', 'A valid API key is required.', {
            'www-authenticate': 'Bearer realm="listing-graph"',
          }),
        );
        return;
      }
      const { caller } = identified;
      const admitted = (await caller.requests?.take(1)) ?? { ok: true };
      if (!admitted.ok) {
        refusals.note('RATE_LIMITED', { client: caller.id }, 'client over its request rate');
        endResponse(
          errorResponse(
            fetchAPI,
            429,
            'RATE_LIMITED',
            `Too many requests: at most ${caller.requests?.perMinute} per minute.`,
            { 'retry-after': String(admitted.retryAfterSeconds) },
            { retryAfterSeconds: admitted.retryAfterSeconds },
          ),
        );
        return;
      }
      admitCaller({ ...serverContext, request }, caller);
      const scope = currentRequestScope();
      if (scope) scope.client = caller.id;
    },
  };
}

function presentedKey(headers: Headers): string | null {
  const authorization = headers.get('authorization');
  const bearer = authorization?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
  return bearer ?? headers.get('x-api-key')?.trim() ?? null;
}

function errorResponse(
  fetchAPI: { Response: typeof Response },
  status: number,
  code: string,
  message: string,
  headers: Record<string, string>,
  extensions: Record<string, unknown> = {},
): Response {
  return new fetchAPI.Response(
    JSON.stringify({ errors: [{ message, extensions: { code, ...extensions } }] }),
    {
      status,
      headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    },
  );
}
