import type { ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GraphQLContext, Mode } from '../../schema/context.js';

/**
 * Adds what resolvers collected beside their data: errors that accompany partial results, notices
 * (stale data), and the mode, so that a sandbox answer can never pass for a live one.
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
  };
}
