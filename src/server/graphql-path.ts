import type { IncomingMessage } from 'node:http';

/**
 * The path as the client wrote it on the request line, query string and fragment cut off: the
 * one string every exact-path check compares (before any URL normalising).
 */
export function rawPath(target: string): string {
  const end = target.search(/[?#]/);
  return end === -1 ? target : target.slice(0, end);
}

/** As rawPath; without a Node request (yoga.fetch in-process), the parsed URL's path, already as strict. */
export function rawPathOf(url: URL, serverContext: unknown): string {
  const raw = (serverContext as { req?: IncomingMessage } | undefined)?.req?.url;
  return typeof raw === 'string' ? rawPath(raw) : url.pathname;
}
