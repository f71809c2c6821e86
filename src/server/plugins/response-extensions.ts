import { type ExecutionResult, GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GraphQLContext, Mode } from '../../schema/context.js';
import { singleResults } from '../results.js';

/**
 * Adds what resolvers collected beside their data: errors that accompany partial results, notices
 * (stale data), and the mode, so that a sandbox answer can never pass for a live one. The mode and
 * a code go on every answer, including those refused before execution (parse, validation,
 * variables): a client can always branch on `extensions.code`.
 */
export function useResponseExtensions(mode: Mode): Plugin<GraphQLContext> {
  return {
    onExecute() {
      return {
        onExecuteDone({ result, setResult, args }) {
          if (Symbol.asyncIterator in result) return;
          const ctx = args.contextValue as GraphQLContext;
          const single = result as ExecutionResult;
          const errors = [...(single.errors ?? []), ...ctx.partialErrors];
          setResult({
            ...single,
            ...(errors.length > 0 ? { errors } : {}),
            extensions: {
              ...single.extensions,
              mode,
              ...(ctx.notices.length > 0 ? { warnings: ctx.notices } : {}),
            },
          });
        },
      };
    },
    onResultProcess({ result, setResult }) {
      const singles = singleResults(result);
      if (singles.length === 0) return;
      const completed = singles.map((single) => ({
        ...single,
        ...(single.errors ? { errors: single.errors.map(withCode) } : {}),
        extensions: { ...single.extensions, mode },
      }));
      setResult(Array.isArray(result) ? completed : (completed[0] as ExecutionResult));
    },
  };
}

/** graphql-js's wording for a variable that fails coercion: `Variable "$sort" got invalid value …`. */
const VARIABLE_ERROR = /^Variable "\$([_A-Za-z][_0-9A-Za-z]*)"/;

/**
 * The code an error without one gets: a variable that fails coercion is the client's input
 * (BAD_USER_INPUT, naming the variable); anything else raised during execution is the server's.
 */
export function withCode(error: GraphQLError): GraphQLError {
  if (typeof error.extensions?.code === 'string') return error;
  const variable = VARIABLE_ERROR.exec(error.message)?.[1];
  const extensions = variable
    ? { ...error.extensions, code: 'BAD_USER_INPUT', argument: `$${variable}`, variable }
    : { ...error.extensions, code: error.path ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST' };
  return new GraphQLError(error.message, {
    nodes: error.nodes ?? null,
    source: error.source ?? null,
    positions: error.positions ?? null,
    path: error.path ?? null,
    originalError: error.originalError ?? null,
    extensions,
  });
}
