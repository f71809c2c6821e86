import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, POSTGRES_AVAILABLE, type TestDatabase } from '../support/databases.js';
import { startGateway } from '../support/gateway.js';
import { dataOf, gql, subscribe, until, webhookReceiver } from './support.js';

/**
 * Events are stored before they are sent: a gateway stopped with deliveries still due hands them
 * to the next one on the same database, under the same webhook-id, and each is taken once.
 */
const suite = POSTGRES_AVAILABLE ? describe : describe.skip;

let database: TestDatabase;
let accepting = false;
const receiver = await webhookReceiver(() => (accepting ? 200 : 503));

beforeAll(async () => {
  if (POSTGRES_AVAILABLE) database = await createDatabase();
});

afterAll(async () => {
  await receiver.close();
  await database?.drop();
});

suite('a restart', () => {
  it('loses no event and delivers none twice', async () => {
    const env = {
      HISTORY_ENABLED: '1',
      DATABASE_URL: database.url,
      SANDBOX_COLLECT_CALLS: '0',
      WEBHOOK_SWEEP_MS: '50',
      WEBHOOK_RETRY_DELAYS_MS: '300,300,300',
    };
    const first = await startGateway(env);
    const created = dataOf(
      await gql(
        first.url,
        null,
        'mutation($i: WatchInput!) { createWatch(input: $i) { watch { id } webhookSecret } }',
        {
          // Every match is below: the baseline run stores one PRICE_BELOW per match.
          i: {
            filter: { cityId: '110000', bedrooms: [3], priceMin: 3_000_000, priceMax: 6_000_000 },
            priceBelow: 1e12,
            webhookUrl: receiver.url,
          },
        },
      ),
    ).createWatch;
    receiver.setSecret(created.webhookSecret);
    // The first attempts fail; the gateway stops before any retry succeeds.
    await until(() => receiver.received.length >= 1);
    const stream = subscribe(first.url, null, 'subscription($id: ID!) { watchEvents(watchId: $id) { id } }', {
      id: created.watch.id,
    });
    await stream.ready;
    await new Promise((r) => setTimeout(r, 300));
    await first.close();
    // The open subscription was ended by the server, cleanly, not cut at the shutdown deadline.
    await stream.ended;
    expect(stream.texts.some((t) => t.startsWith('event: complete'))).toBe(true);

    accepting = true;
    const second = await startGateway(env);
    try {
      const events = async () =>
        dataOf(
          await gql(
            second.url,
            null,
            'query($id: ID!) { node(id: $id) { ... on Watch { events(first: 100) { edges { node { webhookId } } } } } }',
            {
              id: created.watch.id,
            },
          ),
        ).node.events.edges.map((e: { node: { webhookId: string } }) => e.node.webhookId) as string[];
      const stored = await events();
      expect(stored.length).toBeGreaterThan(5);
      await until(() => {
        const taken = new Set(receiver.received.map((r) => r.id));
        return stored.every((id) => taken.has(id)) || null;
      }, 30_000);
      // A moment for any second delivery that should not happen.
      await new Promise((r) => setTimeout(r, 1_000));
      expect(receiver.received.every((r) => r.verified)).toBe(true);
      // Every stored event arrived, under its own id, and none was taken twice with 200.
      const log = dataOf(
        await gql(
          second.url,
          null,
          'query($id: ID!) { node(id: $id) { ... on Watch { deliveries(first: 100) { webhookId status } } } }',
          {
            id: created.watch.id,
          },
        ),
      ).node.deliveries as { webhookId: string; status: number }[];
      const okIds = log.filter((d) => d.status === 200).map((d) => d.webhookId);
      expect(okIds.sort()).toEqual([...stored].sort());
      expect(new Set(receiver.received.map((r) => r.id))).toEqual(new Set(stored));
    } finally {
      await second.close();
    }
  }, 180_000);
});
