import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CallFilter, SandboxProvider } from '../types.js';
import { replyJson } from './answer.js';
import type { SharedState } from './http.js';

/**
 * The controls over HTTP, for a sandbox run in another process:
 * POST /__sandbox/faults (a FaultRule; provider defaults to this server's), DELETE
 * /__sandbox/faults, GET /__sandbox/calls?provider&path&id, DELETE /__sandbox/calls,
 * PUT /__sandbox/latency {"ms": n}. Not recorded as calls.
 */

const MAX_CONTROL_BODY = 64 * 1024;

export function controlHandler(provider: SandboxProvider, state: SharedState) {
  return (req: IncomingMessage, res: ServerResponse, path: string, url: URL): void => {
    const reply = (status: number, body: unknown) => replyJson(res, status, body);
    const route = `${req.method} ${path}`;
    if (route === 'GET /__sandbox/calls') {
      const filter: CallFilter = {};
      const p = url.searchParams;
      if (p.get('provider') === 'beike' || p.get('provider') === 'fang')
        filter.provider = p.get('provider') as SandboxProvider;
      if (p.get('path')) filter.path = p.get('path')!;
      if (p.get('id')) filter.id = p.get('id')!;
      const calls = state.calls.list(filter);
      reply(200, { count: calls.length, calls });
      return;
    }
    if (route === 'DELETE /__sandbox/calls') {
      state.calls.reset();
      reply(200, { ok: true });
      return;
    }
    if (route === 'DELETE /__sandbox/faults') {
      state.faults.clear();
      reply(200, { ok: true });
      return;
    }
    if (route === 'POST /__sandbox/faults' || route === 'PUT /__sandbox/latency') {
      readJson(req)
        .then((body) => {
          if (route === 'PUT /__sandbox/latency') {
            const ms = (body as { ms?: unknown } | null)?.ms;
            if (typeof ms !== 'number' || !Number.isInteger(ms) || ms < 0)
              throw new Error('latency: {"ms": <integer >= 0>}');
            state.latencyMs = ms;
            reply(200, { ok: true, ms });
            return;
          }
          const rule = body && typeof body === 'object' ? { provider, ...body } : body;
          state.faults.add(rule as never);
          reply(201, { ok: true });
        })
        .catch((error: unknown) =>
          reply(400, { error: error instanceof Error ? error.message : String(error) }),
        );
      return;
    }
    reply(404, { error: `unknown control ${route}` });
  };
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_CONTROL_BODY) throw new Error('control body too large');
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new Error('control body is not JSON');
  }
}
