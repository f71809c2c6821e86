import type { Migration, MigrationProvider } from 'kysely/migration';
import * as m0001 from './0001-listing-history.js';
import * as m0002 from './0002-listing-floor.js';
import * as m0003 from './0003-watches.js';
import * as m0004 from './0004-watch-homes.js';

/**
 * Versioned migrations, in order. Imported rather than read from a folder, so that they run the
 * same from `src/` under tsx and from `dist/` after a build.
 */
const MIGRATIONS: Record<string, Migration> = {
  '0001-listing-history': m0001,
  '0002-listing-floor': m0002,
  '0003-watches': m0003,
  '0004-watch-homes': m0004,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};
