import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../support/gateway.js';

/**
 * Finding 6 of the security probe: CORS reflected any Origin with credentials, form and multipart
 * POSTs executed, `Origin: null` was allowed with several origins listed, and no `Vary: Origin`.
 */

const EVIL = 'https://evil.example';
const QUERY = '{ service { mode } }';

function post(gw: TestGateway, headers: Record<string, string>, body: string | FormData) {
  return fetch(gw.url, { method: 'POST', headers: { accept: 'application/json', ...headers }, body });
}

function preflight(gw: TestGateway, origin: string) {
  return fetch(gw.url, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type, authorization',
    },
  });
}

describe('CORS in production, CORS_ORIGINS unset', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({ NODE_ENV: 'production' });
  });
  afterAll(() => gw.close());

  it('allows no cross-origin reading, with or without credentials, and varies by Origin', async () => {
    const response = await post(
      gw,
      { 'content-type': 'application/json', origin: EVIL },
      JSON.stringify({ query: QUERY }),
    );
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    expect(response.headers.get('vary')).toMatch(/\bOrigin\b/);
    const options = await preflight(gw, EVIL);
    expect(options.status).toBe(204);
    expect(options.headers.get('access-control-allow-origin')).toBeNull();
    expect(options.headers.get('access-control-allow-methods')).toBeNull();
    expect((await preflight(gw, 'null')).headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('CORS in development, CORS_ORIGINS unset', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({ NODE_ENV: 'development' });
  });
  afterAll(() => gw.close());

  it('is * without credentials', async () => {
    const response = await post(
      gw,
      { 'content-type': 'application/json', origin: EVIL },
      JSON.stringify({ query: QUERY }),
    );
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    expect(response.headers.get('vary')).toMatch(/\bOrigin\b/);
    const options = await preflight(gw, EVIL);
    expect(options.headers.get('access-control-allow-origin')).toBe('*');
    expect(options.headers.get('access-control-allow-credentials')).toBeNull();
  });
});

describe('CORS_ORIGINS with several origins', () => {
  it('echoes only a listed origin, never null unless listed, never with credentials', async () => {
    const gw = await startGateway({ CORS_ORIGINS: 'https://a.example, https://b.example' });
    try {
      const listed = await preflight(gw, 'https://b.example');
      expect(listed.headers.get('access-control-allow-origin')).toBe('https://b.example');
      expect(listed.headers.get('access-control-allow-credentials')).toBeNull();
      expect(listed.headers.get('vary')).toMatch(/\bOrigin\b/);
      for (const origin of ['null', EVIL, 'https://a.example.evil.example', 'http://a.example']) {
        expect((await preflight(gw, origin)).headers.get('access-control-allow-origin'), origin).toBeNull();
      }
    } finally {
      await gw.close();
    }
    const withNull = await startGateway({ CORS_ORIGINS: 'https://a.example, null' });
    try {
      expect((await preflight(withNull, 'null')).headers.get('access-control-allow-origin')).toBe('null');
    } finally {
      await withNull.close();
    }
  });
});

describe('CSRF: only JSON POSTs execute', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({ NODE_ENV: 'development' });
  });
  afterAll(() => gw.close());

  it.each([
    [
      'form-encoded',
      { 'content-type': 'application/x-www-form-urlencoded' },
      `query=${encodeURIComponent(QUERY)}`,
    ],
    ['text/plain', { 'content-type': 'text/plain' }, JSON.stringify({ query: QUERY })],
    ['no content type', {}, JSON.stringify({ query: QUERY })],
  ])(
    '%s from another site: 415 with a GraphQL-style error and a code, nothing runs',
    async (_name, headers, body) => {
      gw.app.sandbox!.calls.reset();
      const response = await fetch(gw.url, {
        method: 'POST',
        headers: { origin: EVIL, ...headers },
        // fetch adds text/plain to a string body; a Blob without a type sends no content type at all.
        body: 'content-type' in headers ? body : new Blob([body]),
      });
      expect(response.status).toBe(415);
      const json = (await response.json()) as { errors: { message: string; extensions: { code: string } }[] };
      expect(json.errors[0]?.extensions.code).toBe('UNSUPPORTED_MEDIA_TYPE');
      expect(JSON.stringify(json)).not.toContain('SANDBOX');
      expect(gw.app.sandbox!.calls.count()).toBe(0);
    },
  );

  it('multipart: 415', async () => {
    const form = new FormData();
    form.set('operations', JSON.stringify({ query: QUERY }));
    form.set('map', '{}');
    const response = await post(gw, { origin: EVIL }, form);
    expect(response.status).toBe(415);
    expect(
      ((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code,
    ).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('JSON and application/graphql execute', async () => {
    const json = await post(
      gw,
      { 'content-type': 'application/json; charset=utf-8' },
      JSON.stringify({ query: QUERY }),
    );
    expect(await json.json()).toMatchObject({ data: { service: { mode: 'SANDBOX' } } });
    const graphql = await post(gw, { 'content-type': 'application/graphql' }, QUERY);
    expect(graphql.status).toBe(200);
  });
});
