import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export const ALICE_KEY = 'alice-key-0123456789abcdef';
export const BOB_KEY = 'bob-key-0123456789abcdefgh';

export interface Reply {
  status: number;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
  data?: Record<string, unknown> | null;
  text: string;
}

/** One GraphQL request with an API key; the raw text is kept so tests can search it for secrets. */
export async function gql(
  url: string,
  key: string | null,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<Reply> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json',
      ...(key ? { authorization: `Bearer ${key}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  return { status: response.status, text, ...(JSON.parse(text) as object) };
}

export function dataOf(reply: Reply): Record<string, any> {
  if (reply.errors?.length) throw new Error(`unexpected errors: ${JSON.stringify(reply.errors)}`);
  return reply.data as Record<string, any>;
}

/** A subscription over Server-Sent Events (graphql-sse's distinct-connections mode, Yoga's default). */
export function subscribe(
  url: string,
  key: string | null,
  query: string,
  variables: Record<string, unknown>,
) {
  const controller = new AbortController();
  const events: Record<string, any>[] = [];
  const texts: string[] = [];
  let status = 0;
  const ready = (async () => {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream',
        ...(key ? { authorization: `Bearer ${key}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
      signal: controller.signal,
    });
    status = response.status;
    return response;
  })();
  const done = ready.then(async (response) => {
    const reader = response.body?.getReader();
    if (!reader) return;
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for (;;) {
        const { value, done: end } = await reader.read();
        if (end) return;
        buffer += decoder.decode(value, { stream: true });
        let cut = buffer.indexOf('\n\n');
        while (cut >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          texts.push(block);
          const data = block
            .split('\n')
            .filter((l) => l.startsWith('data:'))
            .map((l) => l.slice(5).trim())
            .join('\n');
          if (data) events.push(JSON.parse(data));
          cut = buffer.indexOf('\n\n');
        }
      }
    } catch {
      // aborted
    }
  });
  return {
    events,
    texts,
    get status() {
      return status;
    },
    ready,
    ended: done,
    close: async () => {
      controller.abort();
      await done.catch(() => undefined);
    },
  };
}

export interface Received {
  id: string;
  timestamp: string;
  body: string;
  verified: boolean;
}

/** A webhook receiver on loopback: verifies each request with standardwebhooks, answers as told. */
export async function webhookReceiver(answer: (n: number, received: Received) => number = () => 200) {
  const received: Received[] = [];
  let secret: string | null = null;
  const server: Server = createServer(async (req: IncomingMessage, res) => {
    let body = '';
    for await (const chunk of req) body += String(chunk);
    const headers = {
      'webhook-id': String(req.headers['webhook-id'] ?? ''),
      'webhook-timestamp': String(req.headers['webhook-timestamp'] ?? ''),
      'webhook-signature': String(req.headers['webhook-signature'] ?? ''),
    };
    let verified = false;
    try {
      if (secret) {
        new Webhook(secret).verify(body, headers);
        verified = true;
      }
    } catch {
      verified = false;
    }
    const entry = { id: headers['webhook-id'], timestamp: headers['webhook-timestamp'], body, verified };
    received.push(entry);
    res.statusCode = answer(received.length, entry);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    setSecret(value: string) {
      secret = value;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export async function until<T>(
  check: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  timeoutMs = 15_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const WATCH_FIELDS = `id name intervalMinutes lastRunAt nextRunAt lastError runCount webhookUrl webhookEnabled
  events(first: 100) { edges { cursor node { id webhookId kind at previousPrice price listing { provider sourceId } } } pageInfo { endCursor hasNextPage } }
  deliveries(first: 100) { webhookId attempt status durationMs error }`;
