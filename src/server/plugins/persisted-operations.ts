import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * An optional allow-list of operations. Only the listed documents run; a client names one by
 * `documentId` (the GraphQL-over-HTTP persisted documents proposal), by
 * `extensions.persistedQuery.sha256Hash` (Apollo's form), or sends its text in full.
 *
 * The file is a JSON object, id → document (what GraphQL Codegen's `persistedDocuments` writes).
 * Every document can also be named by the SHA-256 hex of its text. Yoga must accept the
 * `documentId` parameter (`extraParamNames`).
 */
export function usePersistedOperations(operations: ReadonlyMap<string, string>): Plugin {
  const documents = new Set(operations.values());
  return {
    onParams({ params, setParams }) {
      // Malformed params are left to Yoga's own checks, which answer 400.
      if (params === null || typeof params !== 'object') return;
      const raw = params as unknown as Record<string, unknown>;
      const id = requestedId(raw);
      if (id !== null) {
        const document = operations.get(id);
        if (document === undefined) throw refusal('PERSISTED_OPERATION_NOT_FOUND', 'Unknown operation id.');
        setParams({ ...params, query: document, documentId: undefined } as typeof params);
        return;
      }
      if (typeof raw.query === 'string' && !documents.has(raw.query)) {
        throw refusal(
          'PERSISTED_OPERATION_REQUIRED',
          'This server only runs its listed operations: send documentId or one of their texts.',
        );
      }
    },
  };
}

function requestedId(params: Record<string, unknown>): string | null {
  if (typeof params.documentId === 'string') return params.documentId;
  const extensions = params.extensions as { persistedQuery?: { sha256Hash?: unknown } } | null | undefined;
  const hash = extensions?.persistedQuery?.sha256Hash;
  return typeof hash === 'string' ? hash : null;
}

function refusal(code: string, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code, http: { status: 400, spec: true } } });
}
