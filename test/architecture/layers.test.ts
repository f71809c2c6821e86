import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importGraph, LAYERS, layerOf, violations } from '../support/import-graph.js';

const SRC = fileURLToPath(new URL('../../src', import.meta.url));

describe('the import graph of src/', () => {
  const edges = importGraph(SRC);

  it('is read: the composition root reaches every layer', () => {
    expect(edges.length).toBeGreaterThan(100);
    const reached = new Set(edges.map((e) => layerOf(e.to)));
    for (let layer = 1; layer < LAYERS.length; layer++) expect(reached).toContain(layer);
  });

  it('points down only, and only app.ts imports the sandbox', () => {
    expect(violations(edges)).toEqual([]);
  });

  it('names both files of an import that runs back up', () => {
    const upward = { from: 'http/transport.ts', to: 'providers/provider.ts' };
    expect(violations([...edges, upward])).toEqual([
      'http/transport.ts (http) imports providers/provider.ts (providers): imports point down only',
    ]);
  });

  it('refuses a server plugin importing another', () => {
    expect(
      violations([{ from: 'server/plugins/cost-limit.ts', to: 'server/plugins/client-access.ts' }]),
    ).toEqual([
      'server/plugins/cost-limit.ts imports server/plugins/client-access.ts: a server plugin shares through server/, not another plugin',
    ]);
  });

  it('refuses the sandbox anywhere but the composition root', () => {
    expect(violations([{ from: 'server/gateway.ts', to: 'sandbox/index.ts' }])).toEqual([
      'server/gateway.ts imports sandbox/index.ts: only app.ts may import the sandbox',
    ]);
    expect(violations([{ from: 'app.ts', to: 'sandbox/index.ts' }])).toEqual([]);
  });
});
