import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { REPLICAS_POSSIBLE, replicaWorld } from './replica.js';
import { dataOf, gql, until } from './support.js';

/**
 * A replica's death loses no event and delivers none twice: two gateway processes on one Redis and
 * one PostgreSQL; the receiver hangs on its first request, the replica making it is SIGKILLed
 * mid-attempt, and the survivor sends that event again (same webhook-id) once the dead one's
 * lease ends, and every other event once.
 */

const FILTER = { cityId: '110000', bedrooms: [3], priceMin: 3_000_000, priceMax: 6_000_000 };

const suite = REPLICAS_POSSIBLE ? describe : describe.skip;

interface Request {
  id: string;
  /** The status answered; null while hanging (or cut by the sender's death). */
  status: number | null;
}

/** Hangs on the first request it gets, answers 200 to every other. */
async function hangingReceiver() {
  const requests: Request[] = [];
  const hanging: ServerResponse[] = [];
  const server: Server = createServer(async (req: IncomingMessage, res) => {
    for await (const _ of req);
    const request: Request = { id: String(req.headers['webhook-id'] ?? ''), status: null };
    requests.push(request);
    if (requests.length === 1) {
      hanging.push(res);
      return;
    }
    request.status = 200;
    res.statusCode = 200;
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    requests,
    close: () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const receiver = await hangingReceiver();

const world = replicaWorld({
  LOG_LEVEL: 'debug',
  // One run in the test's span: the scheduled one at creation.
  WATCH_MINUTE_MS: '600000',
  // Longer than the test: only the replica's death can end the hanging attempt.
  WEBHOOK_TIMEOUT_MS: '120000',
  WEBHOOK_SWEEP_MS: '200',
});

afterAll(() => receiver.close());

suite('a replica dies mid-delivery', () => {
  it('the survivor delivers its event with the same webhook-id, and no event twice', async () => {
    const { replicas } = world;
    const [a] = replicas as [(typeof replicas)[0]];
    const id = dataOf(
      await gql(a.url, null, 'mutation($i: WatchInput!) { createWatch(input: $i) { watch { id } } }', {
        i: {
          filter: FILTER,
          newListings: false,
          priceBelow: 1e12,
          intervalMinutes: 60,
          webhookUrl: receiver.url,
        },
      }),
    ).createWatch.watch.id as string;

    // The first request hangs: whichever replica claimed its event is the one to die.
    const hung = await until(() => receiver.requests[0], 90_000);
    const holder = await until(
      () =>
        replicas.find(({ server }) =>
          server.lines.some((l) => l.msg === 'webhook attempt' && l.event === hung.id),
        ),
      10_000,
    );
    const survivor = replicas.find((r) => r !== holder) as (typeof replicas)[0];
    // Killed while its one attempt left hangs: every other event is sent and its outcome recorded
    // first. (A death between a receiver's 200 and its record is another window: that event is sent
    // again, under its one webhook-id, for the receiver to drop: at least once, never lost.)
    const recorded = async () =>
      dataOf(
        await gql(
          survivor.url,
          null,
          'query($id: ID!) { node(id: $id) { ... on Watch { deliveries(first: 100) { webhookId status } events(first: 100) { edges { node { webhookId } } } } } }',
          { id },
        ),
      ).node;
    await until(async () => {
      const { deliveries, events } = await recorded();
      return (
        deliveries.filter((d: { status: number }) => d.status === 200).length === events.edges.length - 1
      );
    }, 60_000);
    holder.server.signalGroup('SIGKILL');
    await holder.server.exit;
    const killedAt = Date.now();

    // The survivor takes the event over once the dead one's lease ends.
    await until(() => receiver.requests.some((r) => r.id === hung.id && r.status === 200), 50_000);
    const takeoverMs = Date.now() - killedAt;

    // Every event of the run delivered: the survivor's view, read until it says so.
    const eventsOf = async () =>
      dataOf(
        await gql(
          survivor.url,
          null,
          'query($id: ID!) { node(id: $id) { ... on Watch { events(first: 100) { edges { node { webhookId } } pageInfo { hasNextPage } } } } }',
          { id },
        ),
      ).node.events;
    const events = await eventsOf();
    expect(events.pageInfo.hasNextPage).toBe(false);
    const ids = events.edges.map((e: { node: { webhookId: string } }) => e.node.webhookId as string);
    expect(ids.length).toBeGreaterThan(1);
    expect(ids).toContain(hung.id);
    const answered = () => receiver.requests.filter((r) => r.status === 200).map((r) => r.id);
    await until(() => new Set(answered()).size === ids.length || null, 30_000);
    // A few more sweeps: nothing is sent again.
    await new Promise((r) => setTimeout(r, 1_500));

    expect(answered().sort()).toEqual([...ids].sort());
    // The hung event: one attempt cut by the death, one taken, both under its one webhook-id.
    expect(receiver.requests.filter((r) => r.id === hung.id).map((r) => r.status)).toEqual([null, 200]);
    expect(receiver.requests).toHaveLength(ids.length + 1);
    console.info('kill-delivery figures', JSON.stringify({ events: ids.length, takeoverMs }));
  }, 240_000);
});
