import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Metrics } from '../metrics.js';
import { errorCode, singleResults } from '../results.js';

/**
 * Serves `GET /metrics` in Prometheus' text format, and times each GraphQL operation and counts
 * the errors sent back by code. HTTP durations are measured one level up, where every response
 * (probes and refusals included) passes.
 */
export function useMetrics(metrics: Metrics): Plugin {
  return {
    async onRequest({ url, request, endResponse, fetchAPI }) {
      if (url.pathname !== '/metrics') return;
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        endResponse(new fetchAPI.Response(null, { status: 405, headers: { allow: 'GET, HEAD' } }));
        return;
      }
      const { contentType, body } = await metrics.render();
      endResponse(new fetchAPI.Response(body, { headers: { 'content-type': contentType } }));
    },
    onExecute({ args }) {
      const startedAt = performance.now();
      const operation = getOperationAST(args.document, args.operationName);
      return {
        onExecuteDone() {
          metrics.observeOperation(
            operation?.name?.value ?? null,
            operation?.operation ?? 'unknown',
            (performance.now() - startedAt) / 1000,
          );
        },
      };
    },
    onResultProcess({ result }) {
      for (const single of singleResults(result)) {
        for (const error of single.errors ?? []) metrics.countError(errorCode(error));
      }
    },
  };
}
