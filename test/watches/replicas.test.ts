import { describe, expect, it } from 'vitest';
import { REPLICAS_POSSIBLE, replicaWorld } from './replica.js';
import { dataOf, gql, subscribe, until } from './support.js';

/**
 * Two gateway processes on one Redis and one PostgreSQL, both talking to one simulated provider
 * world: watches run once per interval between them (BullMQ job schedulers), and a subscriber on
 * one replica hears the events of a run made on the other (Redis pub/sub).
 */

const MINUTE_MS = 3_000;
const FILTER = { cityId: '110000', bedrooms: [3] };

const suite = REPLICAS_POSSIBLE ? describe : describe.skip;

const world = replicaWorld({ LOG_LEVEL: 'info', WATCH_MINUTE_MS: String(MINUTE_MS) });

suite('watches on two replicas', () => {
  it('run once per interval between them, and a subscriber on one hears a run made on the other', async () => {
    const { sandbox, replicas } = world;
    const [a, b] = replicas as [(typeof replicas)[0], (typeof replicas)[0]];
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const reply = await gql(
        a.url,
        null,
        'mutation($i: WatchInput!) { createWatch(input: $i) { watch { id } } }',
        {
          i: { filter: FILTER, intervalMinutes: 1, delistings: true },
        },
      );
      ids.push(dataOf(reply).createWatch.watch.id);
    }
    const started = Date.now();
    const runs = async (url: string) =>
      Promise.all(
        ids.map(
          async (id) =>
            dataOf(
              await gql(url, null, 'query($id: ID!) { node(id: $id) { ... on Watch { runCount } } }', { id }),
            ).node.runCount as number,
        ),
      );
    // Several intervals go by while the world moves.
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, MINUTE_MS));
      sandbox.world.advance(1);
    }
    const counts = await runs(b.url);
    const intervals = (Date.now() - started) / MINUTE_MS;
    for (const count of counts) {
      // One run at creation and one per interval since; both replicas taking each would double it.
      expect(count).toBeGreaterThanOrEqual(Math.floor(intervals) - 1);
      expect(count).toBeLessThanOrEqual(Math.ceil(intervals) + 1);
    }

    // Now only runs made on demand on replica B: a long interval keeps the scheduler out of it.
    const [id] = ids as [string];
    dataOf(
      await gql(
        a.url,
        null,
        'mutation($id: ID!, $i: WatchInput!) { updateWatch(id: $id, input: $i) { id } }',
        {
          id,
          i: { filter: FILTER, intervalMinutes: 600, delistings: true },
        },
      ),
    );
    // A run the old schedule had already started (or queued just before the update) may still end
    // after it; wait until no run has been counted for two old intervals, so that every event the
    // stream hears below comes from the on-demand runs.
    const runCountOf = async () => (await runs(b.url))[0] as number;
    const updated = Date.now();
    let quietSince = updated;
    let lastCount = await runCountOf();
    while (Date.now() - quietSince < 2 * MINUTE_MS) {
      await new Promise((r) => setTimeout(r, 250));
      const count = await runCountOf();
      if (count !== lastCount) {
        expect(Date.now() - updated, 'runs go on at the old interval after the update').toBeLessThan(
          8 * MINUTE_MS,
        );
        quietSince = Date.now();
        lastCount = count;
      }
    }
    const stream = subscribe(
      a.url,
      null,
      'subscription($id: ID!) { watchEvents(watchId: $id) { id kind } }',
      { id },
    );
    await stream.ready;
    expect(stream.status).toBe(200);
    await new Promise((r) => setTimeout(r, 500));
    const eventsOf = async () =>
      dataOf(
        await gql(
          a.url,
          null,
          'query($id: ID!) { node(id: $id) { ... on Watch { events(first: 100) { edges { node { id } } } } } }',
          {
            id,
          },
        ),
      ).node.events.edges.map((e: { node: { id: string } }) => e.node.id) as string[];
    const before = new Set(await eventsOf());
    let produced: string[] = [];
    for (let day = 0; day < 20 && produced.length === 0; day++) {
      sandbox.world.advance(1);
      dataOf(await gql(b.url, null, 'mutation($id: ID!) { runWatch(id: $id) { id } }', { id }));
      produced = (await eventsOf()).filter((e) => !before.has(e));
    }
    expect(produced.length).toBeGreaterThan(0);
    await until(() => stream.events.length >= produced.length, 10_000);
    await stream.close();
    expect(stream.events.map((e) => e.data?.watchEvents?.id).sort()).toEqual([...produced].sort());
  }, 120_000);
});
