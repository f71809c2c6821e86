import type { Plugin } from 'graphql-yoga';
import { isGraphQLPath } from '../graphql-path.js';
import { type EventLoopLag, overloadedResponse } from '../load-shedding.js';
import type { RefusalLog } from '../refusal-log.js';

/**
 * While the event loop lags past `maxLagMs`, new GraphQL requests get 503 with Retry-After before
 * their body is read, so the work already admitted finishes and the probes (`/health`, `/ready`,
 * answered before this plugin) stay fast: an orchestrator must not restart a busy but healthy
 * instance. Requests already running are not cut.
 */
export function useLoadShedding(options: {
  endpoint: string;
  lag: EventLoopLag;
  maxLagMs: number;
  refusals: RefusalLog;
}): Plugin {
  const { endpoint, lag, maxLagMs, refusals } = options;
  return {
    onRequest({ request, url, serverContext, endResponse, fetchAPI }) {
      if (lag.lagMs <= maxLagMs || request.method === 'OPTIONS') return;
      if (!isGraphQLPath(endpoint, url, serverContext)) return;
      refusals.note('OVERLOADED', { lagMs: Math.round(lag.lagMs) }, 'shedding load: event loop lagging');
      endResponse(overloadedResponse(fetchAPI));
    },
  };
}
