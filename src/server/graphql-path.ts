import type { IncomingMessage } from 'node:http';

/** True when this request is addressed to the GraphQL endpoint itself (exact, raw path). */
export function isGraphQLPath(endpoint: string, url: URL, serverContext: unknown): boolean {
  return rawPathOf(url, serverContext) === endpoint;
}

/**
 * The path as the client wrote it on the request line, query string cut off. Without a Node
 * request (yoga.fetch in-process), the parsed URL's path, which is already as strict.
 */
export function rawPathOf(url: URL, serverContext: unknown): string {
  const raw = (serverContext as { req?: IncomingMessage } | undefined)?.req?.url;
  if (typeof raw !== 'string') return url.pathname;
  const end = raw.search(/[?#]/);
  return end === -1 ? raw : raw.slice(0, end);
}
