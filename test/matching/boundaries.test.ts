import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/** What src/matching may read, and who may read the sandbox's ground truth. */

const SRC = join(import.meta.dirname, '../../src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const importsOf = (file: string) =>
  [...readFileSync(file, 'utf8').matchAll(/(?:import|export)[^'"]*from\s+['"]([^'"]+)['"]/g)].map(
    (m) => m[1]!,
  );

describe('boundaries', () => {
  it('src/matching imports only the domain and its name library: no providers, search or I/O', () => {
    const files = sources(join(SRC, 'matching'));
    expect(files.length).toBeGreaterThan(3);
    for (const file of files) {
      for (const spec of importsOf(file)) {
        const allowed = spec === 'pinyin-pro' || spec.startsWith('./') || spec.startsWith('../domain/');
        expect(allowed, `${relative(SRC, file)} imports ${spec}`).toBe(true);
      }
    }
  });

  it('no product code outside the sandbox reads the cross-listing ground truth', () => {
    for (const file of sources(SRC).filter((f) => !relative(SRC, f).startsWith('sandbox'))) {
      expect(readFileSync(file, 'utf8'), relative(SRC, file)).not.toMatch(/crossListingTruth|cross-listings/);
    }
  });
});
