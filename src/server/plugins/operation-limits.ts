import {
  type DefinitionNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLError,
  Kind,
  Lexer,
  type OperationDefinitionNode,
  type SelectionSetNode,
  Source,
  TokenKind,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { limitError } from '../results.js';

/**
 * Limits on the shape of a document, checked as it is parsed: before validation (whose cost grows
 * with the document) and before anything runs. Each refusal has its own stable `extensions.code`
 * and says the limit; none reaches a resolver, so none reaches a provider.
 */
export interface OperationShapeLimits {
  maxCharacters: number;
  maxTokens: number;
  /** Nesting of fields, fragments expanded; introspection (`__schema`, `__type`) is not counted. */
  maxDepth: number;
  /** Aliased fields, fragments expanded. */
  maxAliases: number;
  /** Directive uses, fragments expanded. */
  maxDirectives: number;
}

export interface DocumentShape {
  depth: number;
  aliases: number;
  directives: number;
}

export function useOperationLimits(limits: OperationShapeLimits): Plugin {
  const shapes = new WeakMap<DocumentNode, DocumentShape>();
  return {
    onParse({ params, parseFn, setParseFn }) {
      const text = typeof params.source === 'string' ? params.source : params.source.body;
      if (text.length > limits.maxCharacters) {
        throw limitError(
          'DOCUMENT_TOO_LARGE',
          `The document has ${text.length} characters; the limit is ${limits.maxCharacters}.`,
          { characters: text.length, limit: limits.maxCharacters },
        );
      }
      // Only when the document is really parsed: Yoga's parser cache answers repeats, refusals included.
      setParseFn((source, options) => {
        if (exceedsTokens(text, limits.maxTokens)) {
          throw limitError('TOKEN_LIMIT_EXCEEDED', `The document has more than ${limits.maxTokens} tokens.`, {
            limit: limits.maxTokens,
          });
        }
        return parseFn(source, options);
      });
      return ({ result, replaceParseResult }) => {
        if (!result || result instanceof Error) return;
        let shape = shapes.get(result);
        if (!shape) {
          shape = measureDocument(result);
          shapes.set(result, shape);
        }
        const refusal = checkShape(shape, limits);
        if (refusal) replaceParseResult(refusal);
      };
    },
  };
}

function checkShape(shape: DocumentShape, limits: OperationShapeLimits): GraphQLError | null {
  if (shape.depth > limits.maxDepth) {
    return limitError(
      'DEPTH_LIMIT_EXCEEDED',
      `The operation nests ${shape.depth} levels deep; the limit is ${limits.maxDepth}.`,
      { depth: shape.depth, limit: limits.maxDepth },
    );
  }
  if (shape.aliases > limits.maxAliases) {
    return limitError(
      'ALIAS_LIMIT_EXCEEDED',
      `The operation uses ${shape.aliases} aliases; the limit is ${limits.maxAliases}.`,
      { aliases: shape.aliases, limit: limits.maxAliases },
    );
  }
  if (shape.directives > limits.maxDirectives) {
    return limitError(
      'DIRECTIVE_LIMIT_EXCEEDED',
      `The operation uses ${shape.directives} directives; the limit is ${limits.maxDirectives}.`,
      { directives: shape.directives, limit: limits.maxDirectives },
    );
  }
  return null;
}

/** A refusal of the request as a whole: 400 with application/graphql-response+json, like validation. */
/** Counts no further than the limit: a huge document costs no more than a big one. */
function exceedsTokens(text: string, maxTokens: number): boolean {
  const lexer = new Lexer(new Source(text));
  try {
    for (let n = 0; n <= maxTokens; n++) {
      if (lexer.advance().kind === TokenKind.EOF) return false;
    }
    return true;
  } catch {
    // A syntax error: the parser reports it properly.
    return false;
  }
}

/**
 * The largest depth, alias count and directive count of any operation, with fragments expanded
 * (each fragment measured once, so a fragment bomb is measured, not expanded). Fragment cycles
 * are invalid and count as nothing here; validation rejects them.
 */
export function measureDocument(document: DocumentNode): DocumentShape {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions)
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);

  const memo = new Map<string, DocumentShape>();
  const inProgress = new Set<string>();
  const empty: DocumentShape = { depth: 0, aliases: 0, directives: 0 };

  const fragmentShape = (name: string): DocumentShape => {
    const known = memo.get(name);
    if (known) return known;
    const fragment = fragments.get(name);
    if (!fragment || inProgress.has(name)) return empty;
    inProgress.add(name);
    const own = selectionShape(fragment.selectionSet, false);
    inProgress.delete(name);
    const shape = { ...own, directives: own.directives + (fragment.directives?.length ?? 0) };
    memo.set(name, shape);
    return shape;
  };

  const selectionShape = (set: SelectionSetNode, atRoot: boolean): DocumentShape => {
    let depth = 0;
    let aliases = 0;
    let directives = 0;
    for (const selection of set.selections) {
      directives += selection.directives?.length ?? 0;
      let inner: DocumentShape;
      if (selection.kind === Kind.FIELD) {
        if (atRoot && (selection.name.value === '__schema' || selection.name.value === '__type')) continue;
        if (selection.alias) aliases += 1;
        inner = selection.selectionSet ? selectionShape(selection.selectionSet, false) : empty;
        depth = Math.max(depth, inner.depth + 1);
      } else {
        inner =
          selection.kind === Kind.INLINE_FRAGMENT
            ? selectionShape(selection.selectionSet, atRoot)
            : fragmentShape(selection.name.value);
        depth = Math.max(depth, inner.depth);
      }
      aliases += inner.aliases;
      directives += inner.directives;
    }
    return { depth, aliases, directives };
  };

  let result = empty;
  for (const def of document.definitions as readonly DefinitionNode[]) {
    if (def.kind !== Kind.OPERATION_DEFINITION) continue;
    const shape = operationShape(def, selectionShape);
    result = {
      depth: Math.max(result.depth, shape.depth),
      aliases: Math.max(result.aliases, shape.aliases),
      directives: Math.max(result.directives, shape.directives),
    };
  }
  return result;
}

function operationShape(
  operation: OperationDefinitionNode,
  selectionShape: (set: SelectionSetNode, atRoot: boolean) => DocumentShape,
): DocumentShape {
  const shape = selectionShape(operation.selectionSet, true);
  const variableDirectives = (operation.variableDefinitions ?? []).reduce(
    (n, v) => n + (v.directives?.length ?? 0),
    0,
  );
  return {
    ...shape,
    directives: shape.directives + (operation.directives?.length ?? 0) + variableDirectives,
  };
}
