import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from '../../logger.js';
import type { Metrics } from '../metrics.js';
import {
  currentRequestScope,
  newRequestScope,
  type RequestScope,
  requestIdFrom,
  runInRequestScope,
} from '../request-scope.js';
import { errorCode, singleResults } from '../results.js';

const OPERATION_NAME = /^\s*(?:query|mutation|subscription)\s+([A-Za-z_][A-Za-z0-9_]*)/m;

/** Scraped every few seconds: one info line each would drown the requests people care about. */
const PROBE_PATHS = new Set(['/health', '/ready', '/metrics']);

export interface RequestLogOptions {
  logger: Logger;
  metrics: Metrics | null;
}

/**
 * Wraps the HTTP listener: gives each request an id (the client's `x-request-id` when it is a
 * plain token, else a new one; returned in the same header), runs it in its own RequestScope, and
 * when the response is done writes one log line and the HTTP duration metric. Only the path is
 * logged: a GET's query string carries the client's document and variables.
 */
export function withRequestLog(listener: RequestListener, options: RequestLogOptions): RequestListener {
  const { logger, metrics } = options;
  return (req, res) => {
    const scope = newRequestScope(requestIdFrom(req.headers['x-request-id']));
    res.setHeader('x-request-id', scope.id);
    const startedAt = performance.now();
    res.once('close', () => {
      const durationMs = performance.now() - startedAt;
      const path = pathOf(req);
      const method = req.method ?? 'GET';
      metrics?.observeHttp(method, path, res.statusCode, durationMs / 1000);
      // Refusals are logged in aggregate (RefusalLog): a flood of them must not write a line each.
      const level =
        scope.refusal !== null || PROBE_PATHS.has(path) ? 'debug' : res.statusCode >= 500 ? 'warn' : 'info';
      if (logger.isLevelEnabled(level)) logger[level](logLine(scope, req, res, path, durationMs), 'request');
    });
    runInRequestScope(scope, () => listener(req, res));
  };
}

function logLine(
  scope: RequestScope,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  durationMs: number,
): Record<string, unknown> {
  return {
    reqId: scope.id,
    method: req.method,
    path,
    status: res.statusCode,
    durationMs: Math.round(durationMs * 10) / 10,
    ...(res.writableFinished ? {} : { aborted: true }),
    operation: scope.operation?.name ?? null,
    ...(scope.operation ? { operationType: scope.operation.type } : {}),
    upstreamCalls: scope.upstreamCalls,
    upstreamRetries: scope.upstreamRetries,
    upstreamRefused: scope.upstreamRefused,
    cacheHits: scope.cache.hit,
    cacheMisses: scope.cache.miss,
    cacheShared: scope.cache.shared,
    cacheStale: scope.cache.stale,
    errors: scope.errorCodes.length,
    ...(scope.errorCodes.length > 0 ? { errorCodes: [...new Set(scope.errorCodes)] } : {}),
  };
}

function pathOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const end = url.search(/[?#]/);
  return (end === -1 ? url : url.slice(0, end)).slice(0, 200);
}

/**
 * Puts what only the GraphQL layer knows into the request's scope: the operation's name and
 * type, and the codes of the errors sent back (parse and validation errors included).
 */
export function useRequestScope(): Plugin {
  return {
    // A response-cache hit is answered without execution: the name as written is all there is.
    onParams({ params }) {
      const scope = currentRequestScope();
      if (!scope) return;
      // Unvalidated client input: any JSON value may stand where a string belongs.
      const { operationName, query } = params as { operationName?: unknown; query?: unknown };
      const name =
        typeof operationName === 'string'
          ? operationName
          : typeof query === 'string'
            ? (query.match(OPERATION_NAME)?.[1] ?? null)
            : null;
      if (name !== null) scope.operation = { name: name.slice(0, 100), type: 'unknown' };
    },
    onExecute({ args }) {
      const scope = currentRequestScope();
      if (!scope) return;
      const operation = getOperationAST(args.document, args.operationName);
      scope.operation = { name: operation?.name?.value ?? null, type: operation?.operation ?? 'unknown' };
    },
    onResultProcess({ result }) {
      const scope = currentRequestScope();
      if (!scope) return;
      for (const single of singleResults(result)) {
        for (const error of single.errors ?? []) scope.errorCodes.push(errorCode(error));
      }
    },
  };
}
