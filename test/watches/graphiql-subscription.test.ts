import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, HAS_CHROMIUM, openBrowser } from '../support/browser.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { dataOf, gql, until } from './support.js';

/**
 * The README's walk-through in a real browser: a subscription typed into GraphiQL receives the
 * event of a run (test/support/browser.ts).
 */
const FILTER = { cityId: '110000', bedrooms: [3] };

describe.skipIf(!HAS_CHROMIUM)('a watch subscription in GraphiQL', () => {
  let gw: TestGateway;
  let browser: Browser;
  let context: BrowserContext;

  beforeAll(async () => {
    gw = await startGateway({
      NODE_ENV: 'development',
      HISTORY_ENABLED: '1',
      SANDBOX_COLLECT_CALLS: '0',
      CACHE_LIST_TTL_SECONDS: '0',
      CACHE_DETAIL_TTL_SECONDS: '0',
    });
    browser = await openBrowser();
    context = browser.context;
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await gw?.close();
  });

  it('shows the event of a run in the result pane', async () => {
    const id = dataOf(
      await gql(gw.url, null, 'mutation($i: WatchInput!) { createWatch(input: $i) { watch { id } } }', {
        i: { filter: FILTER, delistings: true },
      }),
    ).createWatch.watch.id as string;
    await until(
      async () =>
        dataOf(
          await gql(gw.url, null, 'query($id: ID!) { node(id: $id) { ... on Watch { runCount } } }', { id }),
        ).node.runCount >= 1 || null,
      30_000,
    );

    const page = context.pages()[0] ?? (await context.newPage());
    const subscription = `subscription { watchEvents(watchId: "${id}") { kind listing { sourceId } } }`;
    // GraphiQL opens with the query it kept last: the one a person would have typed.
    await page.addInitScript((query) => {
      localStorage.setItem('graphiql:query', query);
    }, subscription);
    await page.goto(gw.url, { waitUntil: 'load' });
    const editor = page.locator('.graphiql-query-editor');
    await expect.poll(() => editor.innerText(), { timeout: 20_000 }).toContain('watchEvents');
    const streaming = page.waitForRequest(
      (r) => r.url().startsWith(gw.url) && /watchEvents/.test(r.postData() ?? r.url()),
      {
        timeout: 20_000,
      },
    );
    await page.locator('.graphiql-execute-button').click();
    await streaming;
    await new Promise((r) => setTimeout(r, 500));

    // Move the world until a run makes an event.
    const world = gw.app.sandbox?.world;
    if (!world) throw new Error('sandbox world expected');
    let made = 0;
    for (let day = 0; day < 20 && made === 0; day++) {
      world.advance(1);
      dataOf(await gql(gw.url, null, 'mutation($id: ID!) { runWatch(id: $id) { id } }', { id }));
      made = dataOf(
        await gql(
          gw.url,
          null,
          'query($id: ID!) { node(id: $id) { ... on Watch { events { edges { cursor } } } } }',
          { id },
        ),
      ).node.events.edges.length;
    }
    expect(made).toBeGreaterThan(0);
    const pane = page.locator('.graphiql-response');
    await expect.poll(() => pane.innerText(), { timeout: 20_000 }).toContain('watchEvents');
    expect((await pane.innerText()).replace(/\u00a0/g, ' ')).toMatch(
      /"kind": "(NEW_LISTING|DELISTED|PRICE_BELOW|PRICE_DROP)"/,
    );
  }, 120_000);
});
