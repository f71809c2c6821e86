import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { UpstreamEvent } from '../http/transport.js';
import type { CacheSource } from '../store/listing-store.js';

/**
 * What one HTTP request did, gathered while it runs. It lives in AsyncLocalStorage because the
 * transport and the caches report from deep inside resolvers, where no GraphQL context reaches;
 * their hooks fire in the async context of the request that made the call. A request that joins
 * another's in-flight fetch counts a shared cache result, not an upstream call: the call is the
 * other request's.
 */
export interface RequestScope {
  readonly id: string;
  /** The admitted client (its daily shares are charged for this request's upstream calls). */
  client: string | null;
  /** Why the request was refused before execution (logged in aggregate, not line by line). */
  refusal: string | null;
  operation: { name: string | null; type: string } | null;
  /** Attempts that reached a provider (each is paid for), retries included. */
  upstreamCalls: number;
  /** Attempts refused locally: circuit open, budget spent, no rate slot. */
  upstreamRefused: number;
  upstreamRetries: number;
  cache: Record<CacheSource, number>;
  errorCodes: string[];
}

const storage = new AsyncLocalStorage<RequestScope>();

export function newRequestScope(id: string): RequestScope {
  return {
    id,
    client: null,
    refusal: null,
    operation: null,
    upstreamCalls: 0,
    upstreamRefused: 0,
    upstreamRetries: 0,
    cache: { hit: 0, miss: 0, shared: 0, stale: 0 },
    errorCodes: [],
  };
}

export function runInRequestScope<T>(scope: RequestScope, fn: () => T): T {
  return storage.run(scope, fn);
}

export function currentRequestScope(): RequestScope | undefined {
  return storage.getStore();
}

/**
 * A client's id is kept when it is a plain token (it ends up in log lines and a response header,
 * so nothing that could forge a log field or a header); otherwise a fresh one is made.
 */
export function requestIdFrom(header: string | string[] | undefined): string {
  const given = Array.isArray(header) ? header[0] : header;
  return given && /^[A-Za-z0-9._:-]{1,128}$/.test(given) ? given : randomUUID();
}

export function recordUpstreamEvent(event: UpstreamEvent): void {
  const scope = storage.getStore();
  if (!scope) return;
  if (event.sent) scope.upstreamCalls++;
  else scope.upstreamRefused++;
  if (event.willRetry) scope.upstreamRetries++;
}

/** The client whose daily shares pay for upstream calls made now; null outside a request. */
export function currentPayer(): string | null {
  return storage.getStore()?.client ?? null;
}

export function recordCacheResult(_cache: string, source: CacheSource): void {
  const scope = storage.getStore();
  if (scope) scope.cache[source]++;
}

/** For pino's mixin: every line logged while serving a request carries its id. */
export function requestLogFields(): { reqId?: string } {
  const scope = storage.getStore();
  return scope ? { reqId: scope.id } : {};
}
