import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { ClientRegistry, parseApiKeys } from '../../src/server/clients.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { memoryLogger } from '../support/logs.js';

const ACME_KEY = 'acme-0123456789abcdef-secret';
const BETA_KEY = 'beta-fedcba9876543210-secret';
const FILE_KEY = 'file-key-with-only-its-hash-stored';

const QUERY = JSON.stringify({ query: '{ service { mode } }' });

async function post(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
    body: QUERY,
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as { data?: unknown; errors: { extensions: Record<string, unknown> }[] },
  };
}

describe('API keys', () => {
  let gw: TestGateway;
  const { logger, lines: logLines } = memoryLogger();
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keys-'));
    const file = join(dir, 'keys.json');
    const keySha256 = createHash('sha256').update(FILE_KEY).digest('hex');
    writeFileSync(file, JSON.stringify([{ name: 'filed', keySha256, requestsPerMinute: 100 }]));
    gw = await startGateway(
      { API_KEYS: `acme:${ACME_KEY}:3:100, beta:${BETA_KEY}`, API_KEYS_FILE: file },
      { logger },
    );
  });
  afterAll(() => gw.close());

  it('refuses a request without a key: 401 UNAUTHENTICATED', async () => {
    const response = await post(gw.url);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(response.body.errors[0]?.extensions).toEqual({ code: 'UNAUTHENTICATED' });
  });

  it.each([
    ['a wrong key', { authorization: 'Bearer acme-0123456789abcdef-secreT' }],
    ['a prefix of a key', { 'x-api-key': ACME_KEY.slice(0, -1) }],
    ['a key in the wrong scheme', { authorization: `Basic ${ACME_KEY}` }],
    [
      'the stored hash instead of the key',
      { 'x-api-key': createHash('sha256').update(FILE_KEY).digest('hex') },
    ],
  ])('refuses %s', async (_name, headers) => {
    expect((await post(gw.url, headers)).status).toBe(401);
  });

  it('admits each configured key, as a Bearer token or in X-API-Key', async () => {
    expect((await post(gw.url, { authorization: `Bearer ${BETA_KEY}` })).body.data).toEqual({
      service: { mode: 'SANDBOX' },
    });
    expect((await post(gw.url, { 'x-api-key': BETA_KEY })).status).toBe(200);
    expect((await post(gw.url, { 'x-api-key': FILE_KEY })).status).toBe(200);
  });

  it('holds each client to its own request rate: 429 RATE_LIMITED with Retry-After, others unaffected', async () => {
    const acme = { authorization: `Bearer ${ACME_KEY}` };
    for (let i = 0; i < 3; i++) expect((await post(gw.url, acme)).status).toBe(200);
    const limited = await post(gw.url, acme);
    expect(limited.status).toBe(429);
    // 3 per one-minute window: the next one comes when this window ends.
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(limited.body.errors[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED' });
    expect((await post(gw.url, { 'x-api-key': BETA_KEY })).status).toBe(200);
  });

  it('never logs a key', async () => {
    expect(logLines.length).toBeGreaterThan(0);
    const text = logLines.join('');
    for (const key of [ACME_KEY, BETA_KEY, FILE_KEY, 'acme-0123456789abcdef-secreT']) {
      expect(text).not.toContain(key);
    }
  });
});

describe('anonymous clients (no keys configured)', () => {
  it('are told apart by address and rate-limited each', async () => {
    const gw = await startGateway({ CLIENT_REQUESTS_PER_MINUTE: '2' });
    try {
      expect((await post(gw.url)).status).toBe(200);
      expect((await post(gw.url)).status).toBe(200);
      const limited = await post(gw.url);
      expect(limited.status).toBe(429);
      expect(limited.body.errors[0]?.extensions.code).toBe('RATE_LIMITED');
      // Health and other routes are not GraphQL requests and are not counted.
      expect((await fetch(gw.url.replace('/graphql', '/health'))).status).toBe(200);
    } finally {
      await gw.close();
    }
  });
});

describe('anonymous clients behind a trusted proxy (TRUST_PROXY)', () => {
  // The test's loopback connection plays the proxy; X-Forwarded-For is what the proxy appended.
  const via = (forwardedFor: string) => ({ 'x-forwarded-for': forwardedFor });
  const statuses = async (url: string, headers: Record<string, string>[]) => {
    const out: number[] = [];
    for (const h of headers) out.push((await post(url, h)).status);
    return out;
  };

  it('gives each forwarded client its own budget; a spoofed left-most entry changes nothing', async () => {
    const { logger, lines } = memoryLogger();
    const gw = await startGateway(
      { CLIENT_REQUESTS_PER_MINUTE: '2', TRUST_PROXY: '127.0.0.1, ::1' },
      { logger },
    );
    try {
      const a = via('203.0.113.1');
      expect(await statuses(gw.url, [a, a, a])).toEqual([200, 200, 429]);
      // Same client, pretending to be someone else in the part of the header it writes itself.
      expect(await statuses(gw.url, [via('198.51.100.9, 203.0.113.1')])).toEqual([429]);
      const b = via('203.0.113.2');
      expect(await statuses(gw.url, [b, b])).toEqual([200, 200]);
      const refusal = lines.map((l) => JSON.parse(l)).find((l) => l.refusal === 'RATE_LIMITED');
      expect(refusal?.client).toBe('address:203.0.113.1');
    } finally {
      await gw.close();
    }
  });

  it('answers a malformed or over-long header as from the proxy itself, never failing', async () => {
    const gw = await startGateway({ CLIENT_REQUESTS_PER_MINUTE: '2', TRUST_PROXY: '127.0.0.1' });
    try {
      expect(await statuses(gw.url, [via('not-an-address'), via('203.0.113.1:8080, ')])).toEqual([200, 200]);
      // Both were counted against the proxy's own address, as is a request without the header.
      expect(
        await statuses(gw.url, [{}, via('9'.repeat(2_000)), via(Array(40).fill('203.0.113.3').join(','))]),
      ).toEqual([429, 429, 429]);
      expect(await statuses(gw.url, [via('203.0.113.3')])).toEqual([200]);
    } finally {
      await gw.close();
    }
  });

  it('ignores X-Forwarded-For from a peer that is not trusted', async () => {
    const gw = await startGateway({ CLIENT_REQUESTS_PER_MINUTE: '2', TRUST_PROXY: '10.0.0.0/8' });
    try {
      expect(await statuses(gw.url, [via('203.0.113.1'), via('203.0.113.2'), via('203.0.113.3')])).toEqual([
        200, 200, 429,
      ]);
    } finally {
      await gw.close();
    }
  });

  it('stops start-up on an entry that is not an address or block, naming it', () => {
    expect(() => loadConfig({ SANDBOX: '1', TRUST_PROXY: '127.0.0.1, 10.0.0.0/40' })).toThrow(
      /^TRUST_PROXY entry 10\.0\.0\.0\/40: the prefix must be at most 32$/,
    );
    expect(loadConfig({ SANDBOX: '1' }).security.trustedProxies.entries).toEqual([]);
  });
});

describe('key configuration', () => {
  it.each([
    [{ API_KEYS: 'acme:short' }, /^API_KEYS entry 1 \(acme\): key must be 16/],
    [
      { API_KEYS: `acme:${ACME_KEY}:many` },
      /^API_KEYS entry 1 \(acme\): requestsPerMinute must be a whole number/,
    ],
    [{ API_KEYS: `acme:${ACME_KEY},acme:${BETA_KEY}` }, /^API_KEYS client acme is configured twice/],
    [{ API_KEYS_FILE: '/nonexistent/keys.json' }, /^API_KEYS_FILE cannot be read$/],
  ])('stops start-up with one line naming the variable, never the key (%j)', (env, message) => {
    let error: unknown;
    try {
      loadConfig({ SANDBOX: '1', ...env });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain(ACME_KEY);
    expect((error as Error).message).not.toContain(BETA_KEY);
  });

  it('reads a key file with keys or their SHA-256', () => {
    const clients = parseApiKeys(
      undefined,
      JSON.stringify([
        { name: 'a', key: ACME_KEY, costPerMinute: 50 },
        { name: 'b', keySha256: 'ab'.repeat(32) },
      ]),
    );
    expect(clients.map((c) => [c.name, c.requestsPerMinute, c.costPerMinute])).toEqual([
      ['a', null, 50],
      ['b', null, null],
    ]);
    expect(clients[0]?.keyDigest.toString('hex')).toBe(createHash('sha256').update(ACME_KEY).digest('hex'));
    expect(() =>
      parseApiKeys(undefined, JSON.stringify([{ name: 'c', key: ACME_KEY, keySha256: 'ab'.repeat(32) }])),
    ).toThrow(/exactly one of key, keySha256/);
  });

  it('gives a keyed client its own allowances and the others the defaults', () => {
    const registry = new ClientRegistry(parseApiKeys(`a:${ACME_KEY}:7:70,b:${BETA_KEY}`, undefined), {
      requestsPerMinute: 600,
      costPerMinute: 0,
    });
    const a = registry.identify(ACME_KEY, '10.0.0.1');
    const b = registry.identify(BETA_KEY, '10.0.0.1');
    expect(a.ok && [a.caller.id, a.caller.requests?.perMinute, a.caller.cost?.perMinute]).toEqual([
      'a',
      7,
      70,
    ]);
    expect(b.ok && [b.caller.id, b.caller.requests?.perMinute, b.caller.cost]).toEqual(['b', 600, null]);
    expect(registry.identify(null, '10.0.0.1').ok).toBe(false);
  });
});
