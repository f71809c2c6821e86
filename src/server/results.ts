import { type ExecutionResult, GraphQLError } from 'graphql';

/** Reading and making GraphQL results, shared by the plugins. */

/** The results of a response: one, or several (a batch). Streams (subscriptions, @defer) are left out: this API has none. */
export function singleResults(result: unknown): ExecutionResult[] {
  if (result === null || typeof result !== 'object' || Symbol.asyncIterator in result) return [];
  return Array.isArray(result) ? (result as ExecutionResult[]) : [result as ExecutionResult];
}

export function errorCode(error: { extensions?: Record<string, unknown> }): string {
  const code = error.extensions?.code;
  return typeof code === 'string' ? code : 'NONE';
}

/** A request refused for its shape or cost: HTTP 400, the limit and the measure in the extensions. */
export function limitError(code: string, message: string, details: Record<string, number>): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...details, http: { status: 400, spec: true } } });
}
