/** A real loopback HTTP server playing the provider, and a tiny Judge speaking its dialect. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseRetryAfterSeconds } from '../../src/http/backoff.js';
import { UpstreamError } from '../../src/http/errors.js';
import type { Judge } from '../../src/http/transport.js';

export interface Hit {
  url: string;
  at: number;
}

export interface Upstream {
  baseUrl: string;
  hits: Hit[];
  close(): Promise<void>;
}

export type Handler = (req: IncomingMessage, res: ServerResponse, hitNumber: number) => void;

export async function startUpstream(handler: Handler): Promise<Upstream> {
  const hits: Hit[] = [];
  const server = createServer((req, res) => {
    hits.push({ url: req.url ?? '', at: performance.now() });
    handler(req, res, hits.length);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** {ok} → value, {retry} → retryable UNAVAILABLE, {auth} → AUTH, {rate} → RATE_LIMITED, {quote} → quotes text. */
export const testJudge: Judge<unknown> = (response) => {
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(response.body) as Record<string, unknown>;
  } catch {
    return fail('UPSTREAM_BAD_RESPONSE', 'not JSON', false, response.status);
  }
  if ('ok' in body) return { ok: true, value: body.ok };
  if (body.retry) return fail('UPSTREAM_UNAVAILABLE', 'provider busy', true, response.status);
  if (body.rate) {
    // Reading Retry-After is the judge's part, as in the providers' judges.
    const retryAfterSeconds = parseRetryAfterSeconds(response.headers['retry-after'], Date.now());
    return fail('UPSTREAM_RATE_LIMITED', 'provider rate limit', true, response.status, retryAfterSeconds);
  }
  if (body.auth) return fail('UPSTREAM_AUTH_FAILED', 'bad token', false, response.status);
  // An adapter carelessly quoting the provider's text, which echoes the request.
  if (typeof body.quote === 'string')
    return fail('UPSTREAM_BAD_REQUEST', `provider said: ${body.quote}`, false);
  return fail('UPSTREAM_BAD_RESPONSE', 'unknown answer', false, response.status);
};

function fail(
  code: UpstreamError['code'],
  message: string,
  retryable: boolean,
  httpStatus?: number,
  retryAfterSeconds?: number,
) {
  return {
    ok: false as const,
    error: new UpstreamError(code, message, {
      provider: 'FANG',
      retryable,
      ...(httpStatus ? { httpStatus } : {}),
      ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
    }),
  };
}

/** Settles a promise that must reject, returning the rejection. */
export async function rejection(promise: Promise<unknown>): Promise<UpstreamError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof UpstreamError) return error;
    throw new Error(`expected an UpstreamError, got ${String(error)}`);
  }
  throw new Error('expected a rejection');
}
