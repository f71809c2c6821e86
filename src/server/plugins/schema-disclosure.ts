import { type ExecutionResult, GraphQLError, NoSchemaIntrospectionCustomRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * How much of the schema a stranger can learn: in production, introspection is refused and error
 * messages stop suggesting field, argument, type and enum names ("Did you mean …?").
 */
export function useSchemaDisclosure(options: { introspection: boolean; fieldSuggestions: boolean }): Plugin {
  return {
    onValidate({ addValidationRule }) {
      if (!options.introspection) addValidationRule(NoSchemaIntrospectionCustomRule);
      if (options.fieldSuggestions) return;
      return ({ valid, result, setResult }) => {
        if (!valid) setResult(result.map(withoutSuggestion));
      };
    },
    onExecute() {
      if (options.fieldSuggestions) return;
      return {
        // Variable coercion errors ("Did you mean the enum value …?") come from execution.
        onExecuteDone({ result, setResult }) {
          if (Symbol.asyncIterator in result) return;
          const single = result as ExecutionResult;
          if (single.errors?.some((e) => SUGGESTION.test(e.message))) {
            setResult({ ...single, errors: single.errors.map(withoutSuggestion) });
          }
        },
      };
    },
  };
}

const SUGGESTION = /\s*Did you mean .*$/s;

function withoutSuggestion<E extends Error>(error: E): E | GraphQLError {
  if (!(error instanceof GraphQLError) || !SUGGESTION.test(error.message)) return error;
  return new GraphQLError(error.message.replace(SUGGESTION, ''), {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: error.extensions,
  });
}
