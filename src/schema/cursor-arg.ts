import { CursorError, decodeCursor, type SearchCursor } from '../search/cursor.js';
import { badUserInput } from './errors.js';

/** The `after` argument of a connection: null when absent, BAD_USER_INPUT when it is not ours. */
export function afterCursor(after: string | null | undefined, fingerprint: string): SearchCursor | null {
  if (after == null) return null;
  try {
    return decodeCursor(after, fingerprint);
  } catch (error) {
    if (error instanceof CursorError) throw badUserInput('after', error.message);
    throw error;
  }
}
