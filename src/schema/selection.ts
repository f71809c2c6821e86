import { GraphQLIncludeDirective, GraphQLSkipDirective, getDirectiveValues } from 'graphql';

/** Whether a selection runs under its @skip and @include, with the request's variables. */
export function isIncluded(
  node: Parameters<typeof getDirectiveValues>[1],
  variables: Record<string, unknown>,
): boolean {
  if (getDirectiveValues(GraphQLSkipDirective, node, variables)?.if === true) return false;
  return getDirectiveValues(GraphQLIncludeDirective, node, variables)?.if !== false;
}
