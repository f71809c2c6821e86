import {
  type ArgumentNode,
  type DocumentNode,
  GraphQLError,
  Kind,
  valueFromASTUntyped,
  visit,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * Every string that reaches a resolver must be well-formed Unicode. The GraphQL lexer already
 * refuses lone surrogates in the document, but JSON variables carry any UTF-16 code units, and a
 * lone surrogate cannot be percent-encoded for a provider (encodeURIComponent throws). So every
 * argument of every field and directive, variables substituted, input objects and lists walked,
 * is checked before execution: BAD_USER_INPUT naming the argument, and no resolver runs.
 */
export function useWellFormedStrings(): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const bad = illFormedArgument(args.document, (args.variableValues ?? {}) as Record<string, unknown>);
      if (bad) {
        setResultAndStopExecution({
          errors: [
            new GraphQLError(
              `Argument "${bad}" is not well-formed Unicode (it holds a lone surrogate); send valid UTF-16/UTF-8 text.`,
              { extensions: { code: 'BAD_USER_INPUT', argument: bad, http: { status: 400 } } },
            ),
          ],
        });
      }
    },
  };
}

/** `field(arg.path)` of the first argument holding an ill-formed string, or null. */
export function illFormedArgument(document: DocumentNode, variables: Record<string, unknown>): string | null {
  // Once a document's literals are known good (a walk found nothing), only the variables can bring
  // a lone surrogate: the walk over every argument then runs again only to name the argument of a
  // bad variable, not on every request. Documents are kept by Yoga's parse cache, one object each.
  const variablesClean = illFormedPath(variables) === null;
  if (variablesClean && cleanDocuments.has(document)) return null;
  const found = walkArguments(document, variables);
  if (found === null && variablesClean) cleanDocuments.add(document);
  return found;
}

const cleanDocuments = new WeakSet<DocumentNode>();

function walkArguments(document: DocumentNode, variables: Record<string, unknown>): string | null {
  let found: string | null = null;
  const check = (owner: string, node: ArgumentNode) => {
    if (found !== null) return;
    const where = illFormedPath(valueFromASTUntyped(node.value, variables));
    if (where !== null) found = `${owner}(${node.name.value}${where})`;
  };
  visit(document, {
    Field(node) {
      for (const arg of node.arguments ?? []) check(node.name.value, arg);
    },
    Directive(node) {
      for (const arg of node.arguments ?? []) check(`@${node.name.value}`, arg);
    },
  });
  if (found !== null) return found;
  // A variable no argument uses never reaches a resolver, but it is input all the same.
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    for (const variable of definition.variableDefinitions ?? []) {
      const name = variable.variable.name.value;
      const where = illFormedPath(variables[name]);
      if (where !== null) return `$${name}${where}`;
    }
  }
  return null;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** '' when `value` itself is an ill-formed string, '.a[2].b' for one inside, null when all are well-formed. */
function illFormedPath(value: unknown, depth = 0): string | null {
  if (typeof value === 'string') return LONE_SURROGATE.test(value) ? '' : null;
  if (depth > 32 || value === null || typeof value !== 'object') return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const inner = illFormedPath(value[i], depth + 1);
      if (inner !== null) return `[${i}]${inner}`;
    }
    return null;
  }
  for (const [key, item] of Object.entries(value)) {
    const inner = illFormedPath(item, depth + 1);
    if (inner !== null) return `.${key}${inner}`;
  }
  return null;
}
