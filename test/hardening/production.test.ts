import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../support/gateway.js';

const TYPO_FIELD = '{ listin(provider: BEIKE, sourceId: "1") { id } }';
const TYPO_ENUM = {
  query: 'query($p: Provider!) { listing(provider: $p, sourceId: "x", cityId: "110000") { id } }',
  variables: { p: 'BEIK' },
};

describe('production settings (NODE_ENV=production)', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({
      NODE_ENV: 'production',
      CORS_ORIGINS: 'https://partner.example, https://app.example',
      REQUEST_MAX_BYTES: '2048',
      BATCH_LIMIT: '2',
    });
  });
  afterAll(() => gw.close());

  it('refuses introspection', async () => {
    const response = await gw.raw({ query: '{ __schema { queryType { name } } }' });
    expect(response.status).toBe(400);
    expect(response.errors?.[0]?.message).toMatch(/introspection has been disabled/);
    const type = await gw.raw({ query: '{ __type(name: "Listing") { fields { name } } }' });
    expect(type.errors?.[0]?.message).toMatch(/introspection has been disabled/);
    // __typename is not introspection of the schema.
    expect((await gw.raw({ query: '{ __typename }' })).data).toEqual({ __typename: 'Query' });
  });

  it('serves no GraphiQL', async () => {
    const response = await fetch(gw.url, { headers: { accept: 'text/html' } });
    expect(await response.text()).not.toMatch(/graphiql/i);
  });

  it('suggests no field, argument or enum names', async () => {
    const field = await gw.raw({ query: TYPO_FIELD });
    expect(field.errors?.[0]?.message).toBe('Cannot query field "listin" on type "Query".');
    const value = await gw.raw(TYPO_ENUM);
    expect(value.errors?.[0]?.message).toContain('Variable "$p" got invalid value "BEIK"');
    expect(value.errors?.[0]?.message).not.toMatch(/Did you mean|BEIKE/);
  });

  it('answers CORS only for the listed origins', async () => {
    const preflight = (origin: string) =>
      fetch(gw.url, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type',
        },
      });
    const allowed = await preflight('https://partner.example');
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://partner.example');
    const other = await preflight('https://evil.example');
    expect(other.headers.get('access-control-allow-origin')).not.toBe('https://evil.example');
    expect(other.headers.get('access-control-allow-origin')).not.toBe('*');
  });

  it('refuses a body over the size limit with 413', async () => {
    const response = await fetch(gw.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify({ query: '{ cities { id } }', variables: { padding: 'x'.repeat(3000) } }),
    });
    expect(response.status).toBe(413);
    expect(gw.app.sandbox!.calls.count()).toBe(0);
  });

  it('runs batches up to the limit and refuses larger ones', async () => {
    const batch = (n: number) =>
      fetch(gw.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
        body: JSON.stringify(Array.from({ length: n }, () => ({ query: '{ service { mode } }' }))),
      });
    const two = await batch(2);
    expect(two.status).toBe(200);
    expect(await two.json()).toEqual([
      expect.objectContaining({ data: { service: { mode: 'SANDBOX' } } }),
      expect.objectContaining({ data: { service: { mode: 'SANDBOX' } } }),
    ]);
    expect((await batch(3)).status).toBe(413);
  });
});

describe('development defaults', () => {
  it('keep introspection and suggestions, and have batching off', async () => {
    const gw = await startGateway({ NODE_ENV: 'development' });
    try {
      expect((await gw.raw({ query: '{ __schema { queryType { name } } }' })).errors).toBeUndefined();
      expect((await gw.raw({ query: TYPO_FIELD })).errors?.[0]?.message).toMatch(/Did you mean "listing"/);
      // Variables are coerced by graphql-jit's compiled code, whose message names the variable and
      // its type but suggests no value; suggestions for typos in the document itself remain.
      expect((await gw.raw(TYPO_ENUM)).errors?.[0]?.message).toMatch(
        /Variable "\$p" got invalid value "BEIK"; Expected type Provider/,
      );
      const batch = await gw.raw([{ query: '{ __typename }' }]);
      expect(batch.status).toBe(400);
    } finally {
      await gw.close();
    }
  });
});

describe('persisted operations', () => {
  const LISTED = '{ listing(provider: BEIKE, sourceId: "101127449675", cityId: "110000") { title } }';
  let gw: TestGateway;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'persisted-'));
    const file = join(dir, 'operations.json');
    writeFileSync(file, JSON.stringify({ seedTitle: LISTED }));
    gw = await startGateway({ PERSISTED_OPERATIONS_FILE: file });
  });
  afterAll(() => gw.close());

  const title = { listing: { title: '双裕花园西区 1室1厅 63.4平米' } };

  it('runs a listed operation by id, by SHA-256 (Apollo form) or by its text', async () => {
    expect((await gw.raw({ documentId: 'seedTitle' })).data).toEqual(title);
    const sha256Hash = createHash('sha256').update(LISTED).digest('hex');
    expect((await gw.raw({ extensions: { persistedQuery: { version: 1, sha256Hash } } })).data).toEqual(
      title,
    );
    expect((await gw.raw({ query: LISTED })).data).toEqual(title);
  });

  it('refuses anything else before it runs', async () => {
    gw.app.sandbox!.calls.reset();
    const other = await gw.raw({
      query: '{ listing(provider: BEIKE, sourceId: "101127449676", cityId: "110000") { title } }',
    });
    expect(other.status).toBe(400);
    expect(other.errors?.[0]?.extensions?.code).toBe('PERSISTED_OPERATION_REQUIRED');
    const unknown = await gw.raw({ documentId: 'nope' });
    expect(unknown.status).toBe(400);
    expect(unknown.errors?.[0]?.extensions?.code).toBe('PERSISTED_OPERATION_NOT_FOUND');
    expect(gw.app.sandbox!.calls.count()).toBe(0);
  });
});
