import { readFileSync, writeFileSync } from 'node:fs';
import { printSortedSchema } from '../src/schema/index.js';

/** Writes schema/schema.graphql; with --check, fails instead when the committed file is stale. */
const target = new URL('../schema/schema.graphql', import.meta.url);
const printed = printSortedSchema();

if (process.argv.includes('--check')) {
  let committed = '';
  try {
    committed = readFileSync(target, 'utf8');
  } catch {}
  if (committed !== printed) {
    process.stderr.write('schema/schema.graphql is stale: run `npm run schema:print` and commit it.\n');
    process.exit(1);
  }
} else {
  writeFileSync(target, printed);
}
