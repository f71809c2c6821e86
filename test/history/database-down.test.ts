import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, POSTGRES_AVAILABLE, type TestDatabase } from '../support/databases.js';
import { dataOf, startGateway, type TestGateway } from '../support/gateway.js';

/**
 * The database going away mid-load must cost no query anything: the gateway reaches PostgreSQL
 * through a TCP relay of this test's own, and the relay is cut (every connection reset, the port
 * closed) while queries run. The shared server is never touched.
 */

class Relay {
  private readonly sockets = new Set<Socket>();
  private server: Server | null = null;
  port = 0;

  async start(target: { host: string; port: number }): Promise<void> {
    this.server = createServer((client) => {
      const upstream = connect(target.port, target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => {});
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  /** Like a database that stopped: connections reset, new ones refused. */
  async cut(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

describe.runIf(POSTGRES_AVAILABLE)('the database stopping mid-load', { timeout: 300_000 }, () => {
  let database: TestDatabase;
  let relay: Relay;
  let gateway: TestGateway;
  beforeAll(async () => {
    database = await createDatabase();
    relay = new Relay();
    const target = new URL(database.url);
    await relay.start({ host: target.hostname, port: Number(target.port || 5432) });
    const url = new URL(database.url);
    url.port = String(relay.port);
    gateway = await startGateway({
      HISTORY_ENABLED: '1',
      SANDBOX_COLLECT_CALLS: '0',
      // PGlite works on the event loop: on a loaded machine, a write can hold a call past the fast timeouts.
      BEIKE_TIMEOUT_MS: '20000',
      FANG_TIMEOUT_MS: '20000',
      BEIKE_DEADLINE_MS: '60000',
      FANG_DEADLINE_MS: '60000',
      DATABASE_URL: url.toString(),
      CACHE_LIST_TTL_SECONDS: '0',
      CACHE_DETAIL_TTL_SECONDS: '0',
      RESPONSE_CACHE_TTL_SECONDS: '0',
      CLIENT_REQUESTS_PER_MINUTE: '0',
      CLIENT_COST_PER_MINUTE: '0',
    });
  }, 300_000);
  afterAll(async () => {
    await gateway?.close();
    await relay?.cut().catch(() => {});
    await database?.drop();
  });

  it('fails no query and counts the observations it drops', async () => {
    const query = (page: number) =>
      gateway.raw({
        query: `query ($kw: String) { search(filter: { cityId: "110000", keyword: $kw }, first: 50) { edges { node { id totalPrice priceHistory { totalPrice } } } } }`,
        variables: { kw: page % 2 === 0 ? null : '区' },
      });
    // Before: the store works.
    dataOf((await query(0)) as never);
    await gateway.app.history!.flush();
    expect(gateway.app.history!.counts.written).toBeGreaterThan(0);

    const load = Array.from({ length: 40 }, (_, i) => i);
    const results = await Promise.all(
      load.map(async (i) => {
        if (i === 10) await relay.cut();
        return query(i);
      }),
    );
    for (const response of results) {
      expect(response.status).toBe(200);
      expect(response.errors).toBeUndefined();
    }
    await gateway.app.history!.flush();
    const { dropped } = gateway.app.history!.counts;
    expect(dropped.error + dropped.full).toBeGreaterThan(0);

    // And the metric says so.
    const metrics = await (await fetch(gateway.url.replace('/graphql', '/metrics'))).text();
    const line = metrics
      .split('\n')
      .find((l) => l.startsWith('listing_graph_history_observations_dropped_total{reason="error"}'));
    expect(Number(line?.split(' ')[1])).toBeGreaterThan(0);
  });
});
