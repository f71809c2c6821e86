import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkWebhookUrl, isPublicAddress, webhookDispatcher } from '../../src/watches/ssrf.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { dataOf, gql, until } from './support.js';

const WIDER = { cityId: '110000', bedrooms: [3] };

let gw: TestGateway;

beforeAll(async () => {
  gw = await startGateway({
    HISTORY_ENABLED: '1',
    SANDBOX_COLLECT_CALLS: '0',
    CACHE_LIST_TTL_SECONDS: '0',
    CACHE_DETAIL_TTL_SECONDS: '0',
    RESPONSE_CACHE_TTL_SECONDS: '0',
    BEIKE_DAILY_BUDGET: '12',
    FANG_DAILY_BUDGET: '8',
    WATCH_BUDGET_SHARE: '0.5',
    WATCH_MAX_CALLS_PER_RUN: '5',
    WEBHOOK_ALLOW_PRIVATE: '0',
  });
}, 90_000);

afterAll(async () => {
  await gw?.close();
});

describe('the watch runs share of the daily budget', () => {
  it('is never exceeded, counted at the sandbox; deferred runs say so and interactive queries keep the rest', async () => {
    const sandbox = gw.app.sandbox;
    if (!sandbox) throw new Error('sandbox expected');
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const reply = await gql(
        gw.url,
        null,
        'mutation($i: WatchInput!) { createWatch(input: $i) { watch { id } } }',
        {
          i: { filter: WIDER },
        },
      );
      ids.push(dataOf(reply).createWatch.watch.id);
    }
    const state = async (id: string) =>
      dataOf(
        await gql(gw.url, null, 'query($id: ID!) { node(id: $id) { ... on Watch { runCount lastError } } }', {
          id,
        }),
      ).node;
    await until(
      async () => ((await Promise.all(ids.map(state))).every((w) => w.runCount >= 1) ? true : null),
      30_000,
    );
    for (let round = 0; round < 3; round++) {
      for (const id of ids) {
        dataOf(await gql(gw.url, null, 'mutation($id: ID!) { runWatch(id: $id) { id } }', { id }));
      }
    }
    // Each provider's budget × WATCH_BUDGET_SHARE, counted where the calls arrive.
    expect(sandbox.calls.count({ provider: 'beike' })).toBeLessThanOrEqual(6);
    expect(sandbox.calls.count({ provider: 'fang' })).toBeLessThanOrEqual(4);
    expect(sandbox.calls.count()).toBeGreaterThan(0);
    const errors = (await Promise.all(ids.map(state))).map((w) => w.lastError as string | null);
    expect(errors.some((e) => e?.startsWith('Deferred:') && e.includes('WATCH_BUDGET_SHARE'))).toBe(true);

    // A deferred run calls nobody.
    const before = sandbox.calls.count();
    dataOf(await gql(gw.url, null, 'mutation($id: ID!) { runWatch(id: $id) { lastError } }', { id: ids[0] }));
    expect(sandbox.calls.count()).toBe(before);

    // The other half is left to interactive queries.
    const search = await gql(
      gw.url,
      null,
      '{ search(filter: { cityId: "110000" }, first: 5) { edges { node { sourceId } } } }',
    );
    expect(search.errors).toBeUndefined();
    expect(sandbox.calls.count()).toBeGreaterThan(before);
  }, 120_000);
});

describe('the SSRF guard', () => {
  it('refuses webhooks to private or loopback addresses, and http, without WEBHOOK_ALLOW_PRIVATE', async () => {
    for (const url of [
      'http://example.com/hook',
      'https://127.0.0.1/hook',
      'https://[::1]/hook',
      'https://localhost/hook',
      'https://10.1.2.3/hook',
      'https://192.168.0.10/hook',
      'https://169.254.169.254/latest',
      'https://[::ffff:127.0.0.1]/hook',
      'https://user:pw@example.com/hook',
    ]) {
      const reply = await gql(
        gw.url,
        null,
        'mutation($i: WatchInput!) { createWatch(input: $i) { watch { id } } }',
        {
          i: { filter: WIDER, webhookUrl: url },
        },
      );
      expect(reply.errors?.[0]?.extensions, url).toMatchObject({
        code: 'BAD_USER_INPUT',
        argument: 'input.webhookUrl',
      });
    }
  });

  it('judges addresses', () => {
    for (const a of [
      '127.0.0.1',
      '10.0.0.1',
      '172.16.5.4',
      '192.168.1.1',
      '169.254.1.1',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      'fe80::1',
      'fd00::1',
      '::ffff:10.0.0.1',
      '::ffff:7f00:1',
    ]) {
      expect(isPublicAddress(a), a).toBe(false);
    }
    for (const a of ['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])
      expect(isPublicAddress(a), a).toBe(true);
    expect(checkWebhookUrl('https://example.com/hook', false).hostname).toBe('example.com');
    expect(checkWebhookUrl('http://127.0.0.1:8080/hook', true).port).toBe('8080');
  });

  it('checks the address at connect time: a name that resolves to loopback gets nowhere', async () => {
    let reached = 0;
    const server = createServer((_req, res) => {
      reached += 1;
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const guarded = webhookDispatcher(false, 2_000);
    const open = webhookDispatcher(true, 2_000);
    try {
      // The name passes any check made on the URL text; only the connection reveals the address.
      const refused = await request(`http://localhost:${port}/`, { dispatcher: guarded }).catch(
        (e: unknown) => e,
      );
      expect(
        (refused as { code?: string }).code ?? (refused as { cause?: { code?: string } }).cause?.code,
      ).toBe('EADDRNOTPUBLIC');
      expect(reached).toBe(0);
      const allowed = await request(`http://localhost:${port}/`, { dispatcher: open });
      expect(allowed.statusCode).toBe(200);
      await allowed.body.dump();
      expect(reached).toBe(1);
    } finally {
      await guarded.close();
      await open.close();
      await new Promise((r) => server.close(r));
    }
  });
});
