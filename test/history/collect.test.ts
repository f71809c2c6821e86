import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataOf, FAST_ENV, startGateway } from '../support/gateway.js';

function run(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/collect.ts', ...args], {
      env: { ...process.env, ...FAST_ENV, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('collection', { timeout: 300_000 }, () => {
  it('npm run collect sweeps within its budget into the store under DATA_DIR, and refuses bad arguments', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lg-collect-'));
    try {
      const bad = await run(['--city', '999999'], { DATA_DIR: dir, HISTORY_ENABLED: '1' });
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('--city: unknown city');
      const ok = await run(['--city', '110000', '--max-calls', '3'], { DATA_DIR: dir, HISTORY_ENABLED: '1' });
      expect(ok.code).toBe(0);
      const summary =
        /collected city 110000: (\d+) upstream calls, (\d+) listings read, \d+ found gone, (\d+) observations written, 0 dropped, pglite/.exec(
          ok.stdout,
        );
      expect(summary, ok.stdout + ok.stderr).not.toBeNull();
      expect(Number(summary![1])).toBe(3);
      expect(Number(summary![3])).toBe(Number(summary![2]));
      expect(ok.stderr).toContain('3/3 calls');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('sandbox mode sweeps at start-up, so the first market query has data', async () => {
    const gateway = await startGateway({ HISTORY_ENABLED: '1', SANDBOX_COLLECT_CALLS: '2' });
    try {
      let active = 0;
      for (let i = 0; i < 100 && active === 0; i++) {
        const response = await gateway.raw({
          query: '{ market(filter: { cityId: "110000" }) { figures { activeListings } } }',
        });
        active = (dataOf(response as never) as { market: { figures: { activeListings: number } } }).market
          .figures.activeListings;
        if (active === 0) await new Promise((r) => setTimeout(r, 200));
      }
      expect(active).toBeGreaterThan(0);
    } finally {
      await gateway.close();
    }
  });
});
