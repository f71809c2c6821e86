import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';
import ts from 'typescript';

/**
 * The layers of src/, top to bottom (README, Layout). A module may import its own layer or any
 * layer below it, never one above. Configuration belongs to the composition root: it reads the
 * environment into the settings each layer declares (so it may import their types and file
 * parsers), and no layer imports it. Matching is pure: it imports only the domain. The sandbox stands beside the
 * product: only the composition root imports it, and it imports nothing but the domain.
 */
export const LAYERS = [
  { name: 'entry', owns: ['main.ts'] },
  { name: 'composition', owns: ['app.ts', 'config.ts'] },
  { name: 'server', owns: ['server/'] },
  { name: 'schema', owns: ['schema/'] },
  { name: 'services', owns: ['search/', 'market/', 'collect/', 'watches/'] },
  { name: 'matching', owns: ['matching/'] },
  { name: 'store', owns: ['store/'] },
  { name: 'providers', owns: ['providers/'] },
  { name: 'http', owns: ['http/'] },
  // Counters, locks and caches, each in memory with a Redis twin: the transport paces and budgets
  // through them, the store and the response cache keep data in them.
  { name: 'state', owns: ['state/'] },
  { name: 'logger', owns: ['logger.ts', 'stdout-destination.ts'] },
  { name: 'domain', owns: ['domain/'] },
] as const;

const SANDBOX = 'sandbox/';
/** Each yoga plugin stands alone; what two of them share lives in a server/ module. */
const PLUGINS = 'server/plugins/';
/** Who may import the sandbox. */
const SANDBOX_IMPORTERS = new Set(['app.ts']);

export interface ImportEdge {
  /** Paths relative to src/, e.g. "http/transport.ts". */
  from: string;
  to: string;
}

/** Every import of a src/ module by another, type-only and re-exports included. */
export function importGraph(srcDir: string): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const file of tsFiles(srcDir)) {
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName } of info.importedFiles) {
      if (!fileName.startsWith('.')) continue;
      const target = join(dirname(file), fileName).replace(/\.js$/, '.ts');
      edges.push({ from: toPosix(relative(srcDir, file)), to: toPosix(relative(srcDir, target)) });
    }
  }
  return edges;
}

export function layerOf(path: string): number {
  return LAYERS.findIndex((layer) => layer.owns.some((owned) => path === owned || path.startsWith(owned)));
}

/** One line per import against the order, naming both files. */
export function violations(edges: readonly ImportEdge[]): string[] {
  const found: string[] = [];
  for (const { from, to } of edges) {
    const fromSandbox = from.startsWith(SANDBOX);
    const toSandbox = to.startsWith(SANDBOX);
    if (fromSandbox && toSandbox) continue;
    if (toSandbox) {
      if (!SANDBOX_IMPORTERS.has(from))
        found.push(`${from} imports ${to}: only app.ts may import the sandbox`);
      continue;
    }
    if (fromSandbox) {
      if (!to.startsWith('domain/')) found.push(`${from} imports ${to}: the sandbox imports only the domain`);
      continue;
    }
    const a = layerOf(from);
    const b = layerOf(to);
    if (from.startsWith(PLUGINS) && to.startsWith(PLUGINS)) {
      found.push(`${from} imports ${to}: a server plugin shares through server/, not another plugin`);
      continue;
    }
    if (from.startsWith('matching/') && !to.startsWith('matching/') && !to.startsWith('domain/')) {
      found.push(`${from} imports ${to}: matching is pure and imports only the domain`);
      continue;
    }
    if (a === -1) found.push(`${from} is in no layer (add it to LAYERS in test/support/import-graph.ts)`);
    else if (b === -1) found.push(`${to} (imported by ${from}) is in no layer`);
    else if (b < a) {
      found.push(`${from} (${LAYERS[a]?.name}) imports ${to} (${LAYERS[b]?.name}): imports point down only`);
    }
  }
  return [...new Set(found)];
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

function toPosix(path: string): string {
  return path.split(/[\\/]/).join(posix.sep);
}
