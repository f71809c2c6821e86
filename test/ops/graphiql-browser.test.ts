import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, HAS_CHROMIUM, openBrowser } from '../support/browser.js';
import { startGateway, type TestGateway } from '../support/gateway.js';

/** GraphiQL in a real browser (test/support/browser.ts). */
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));

interface SearchAnswer {
  data: {
    service: { mode: string };
    search: { edges: { node: { title: string; provider: string; totalPrice: number } }[] };
  };
  errors?: unknown[];
}

describe.skipIf(!HAS_CHROMIUM)('GraphiQL in Chromium', () => {
  let gw: TestGateway;
  let browser: Browser;
  let context: BrowserContext;

  beforeAll(async () => {
    gw = await startGateway({ NODE_ENV: 'development' });
    browser = await openBrowser();
    context = browser.context;
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await gw?.close();
  });

  it('opens with the example query, runs it, and shows listings in the result pane', async () => {
    const page = context.pages()[0] ?? (await context.newPage());
    const offSite: string[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (!['127.0.0.1', 'localhost'].includes(url.hostname) && !['data:', 'blob:'].includes(url.protocol)) {
        offSite.push(request.url());
      }
    });

    const refused: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) refused.push(message.text());
    });
    const loaded = await page.goto(gw.url, { waitUntil: 'load' });
    // The 9 MB page comes compressed, as the browser asked, under its Content-Security-Policy.
    const headers = loaded?.headers() ?? {};
    expect(headers['content-encoding']).toBe('br');
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(Number(headers['content-length'])).toBeLessThan(2.5 * 1024 * 1024);
    const editor = page.locator('.graphiql-query-editor');
    await expect.poll(() => editor.innerText(), { timeout: 20_000 }).toContain('BeijingTwoBedrooms');

    const answer = page.waitForResponse(
      (r) =>
        r.url().startsWith(gw.url) &&
        r.request().method() === 'POST' &&
        /search/.test(r.request().postData() ?? ''),
      { timeout: 20_000 },
    );
    await page.locator('.graphiql-execute-button').click();
    const json = (await (await answer).json()) as SearchAnswer;
    expect(json.errors).toBeUndefined();
    expect(json.data.service.mode).toBe('SANDBOX');
    const listings = json.data.search.edges.map((e) => e.node);
    expect(listings).toHaveLength(10);

    // What a person sees: the answer rendered in the result pane, listings and all.
    const pane = page.locator('.graphiql-response');
    await expect.poll(() => pane.innerText(), { timeout: 20_000 }).toContain('"edges"');
    // The editor renders spaces as no-break spaces.
    const shown = (await pane.innerText()).replace(/\u00a0/g, ' ');
    expect(shown).toContain('"SANDBOX"');
    expect(shown).toContain(listings[0]!.title);

    await mkdir(ARTIFACTS, { recursive: true });
    const screenshot = join(ARTIFACTS, 'graphiql.png');
    const png = await page.screenshot({ path: screenshot, fullPage: true });
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.length).toBeGreaterThan(10_000);
    expect(offSite).toEqual([]);
    expect(refused).toEqual([]);
  }, 60_000);
});
