import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

/**
 * Debian's Chromium (`apt-get install chromium`; .ci/run installs it) driven by playwright-core.
 * On CI a missing browser fails the browser tests; elsewhere they are skipped.
 */
export const CHROMIUM = '/usr/bin/chromium';
export const HAS_CHROMIUM = existsSync(CHROMIUM);

if (!HAS_CHROMIUM && (process.env.CI === 'true' || process.env.CI === '1')) {
  throw new Error(
    `${CHROMIUM} is missing: the browser tests need Debian's Chromium ` +
      '(apt-get install -y --no-install-recommends chromium; .ci/run does this).',
  );
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** A headless Chromium on a fresh profile, with the flags that keep it off the closed network. */
export async function openBrowser(): Promise<Browser> {
  const profile = await mkdtemp(join(tmpdir(), 'listing-graph-chromium-'));
  // --user-data-dir is playwright's to set: a persistent context on a fresh directory.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 1000 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
