import type { Caller } from './clients.js';

/**
 * One HTTP exchange from the first hook to execution, and the client it was admitted for: the
 * access plugin records the client, the cost plugin reads it.
 */

const callers = new WeakMap<object, Caller>();

/**
 * What identifies one HTTP exchange from the first hook to execution: the Node request (later
 * plugins may replace the fetch Request, e.g. to replay a body they read), else the Request.
 */
export function exchangeOf(context: { req?: unknown; request?: Request }): object | null {
  const req = context.req;
  return typeof req === 'object' && req !== null ? req : (context.request ?? null);
}

export function admitCaller(context: { req?: unknown; request?: Request }, caller: Caller): void {
  const exchange = exchangeOf(context);
  if (exchange) callers.set(exchange, caller);
}

/** The client an exchange was admitted for (given the GraphQL context); null if none was recorded. */
export function callerOf(context: { req?: unknown; request?: Request }): Caller | null {
  const exchange = exchangeOf(context);
  return exchange ? (callers.get(exchange) ?? null) : null;
}
