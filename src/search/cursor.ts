import { createHash } from 'node:crypto';
import { z } from 'zod';
import { PROVIDERS, type ProviderName } from '../domain/listing.js';
import { canonical } from '../store/canonical.js';

/**
 * A merged-search cursor: how many listings of each provider's own order have been consumed, and
 * a fingerprint of the search it belongs to. Opaque to clients (base64url JSON).
 */
export interface SearchCursor {
  fingerprint: string;
  offsets: Partial<Record<ProviderName, number>>;
  /** Providers that failed for good earlier in this paging: not asked again. */
  dropped?: ProviderName[];
  /** How many pages in a row came back empty at this position because a provider kept failing. */
  emptyRetries?: number;
}

const wire = z.strictObject({
  v: z.literal(1),
  f: z.string().max(64),
  o: z.partialRecord(z.enum(PROVIDERS), z.number().int().min(0).max(1_000_000)),
  d: z.array(z.enum(PROVIDERS)).max(PROVIDERS.length).optional(),
  e: z.number().int().min(1).max(100).optional(),
});

export class CursorError extends Error {
  override readonly name = 'CursorError';
}

export function encodeCursor(cursor: SearchCursor): string {
  const { fingerprint, offsets, dropped, emptyRetries } = cursor;
  const wireCursor = {
    v: 1,
    f: fingerprint,
    o: offsets,
    ...(dropped?.length ? { d: dropped } : {}),
    ...(emptyRetries ? { e: emptyRetries } : {}),
  };
  return Buffer.from(JSON.stringify(wireCursor)).toString('base64url');
}

/** Throws CursorError for anything that is not a cursor of this very search. */
export function decodeCursor(text: string, fingerprint: string): SearchCursor {
  if (text.length > 512 || !/^[A-Za-z0-9_-]+$/.test(text)) throw new CursorError('is not a cursor');
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw new CursorError('is not a cursor');
  }
  const parsed = wire.safeParse(json);
  if (!parsed.success) throw new CursorError('is not a cursor');
  if (parsed.data.f !== fingerprint) {
    throw new CursorError('belongs to a different search (filter, sort or providers changed)');
  }
  const { o: offsets, d: dropped, e: emptyRetries } = parsed.data;
  return {
    fingerprint,
    offsets,
    ...(dropped ? { dropped: [...new Set(dropped)] } : {}),
    ...(emptyRetries ? { emptyRetries } : {}),
  };
}

/** A short digest of whatever defines the result order; cursors only work within it. */
export function fingerprintOf(search: object): string {
  return createHash('sha256').update(canonical(search)).digest('base64url').slice(0, 16);
}

/**
 * The offsets a cursor text holds, without checking which search it belongs to: for the cost
 * model, which prices a page before the search is planned. null when it is not a cursor.
 */
export function peekOffsets(text: string): Partial<Record<ProviderName, number>> | null {
  try {
    return decodeCursor(text, fingerprintFromText(text)).offsets;
  } catch {
    return null;
  }
}

function fingerprintFromText(text: string): string {
  const json = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as { f?: unknown };
  return typeof json.f === 'string' ? json.f : '';
}
