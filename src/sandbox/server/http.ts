import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Fault } from '../types.js';
import { type Answer, JSON_TYPE, jsonAnswer, type ProviderApi } from './answer.js';
import type { CallLog } from './calls.js';
import type { Delays } from './delays.js';
import { type FaultBook, trimSlash } from './faults.js';
import { mangleJson } from './wrong-types.js';

/**
 * One simulated upstream on its own port: records the call, waits the configured latency, then
 * answers, or misbehaves as a fault rule says. `/__sandbox/*` mirrors the controls over HTTP.
 */

export interface SharedState {
  faults: FaultBook;
  calls: CallLog;
  latencyMs: number;
  /** Ended by close(): pending delays and trickles stop at once. */
  delays: Delays;
}

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

const SLOW_CHUNK_BYTES = 64;
const HUGE_CHUNK = Buffer.alloc(64 * 1024, 'x');
const NGINX_502 =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

export async function startProviderServer(
  api: ProviderApi,
  state: SharedState,
  host: string,
  port: number,
  handleControl: (req: IncomingMessage, res: ServerResponse, path: string, url: URL) => void,
): Promise<RunningServer> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const path = trimSlash(url.pathname);
    if (path === '/__sandbox' || path.startsWith('/__sandbox/')) {
      handleControl(req, res, path, url);
      return;
    }
    req.resume();
    handleCall(api, state, req, res, path, url.searchParams).catch((error: unknown) => {
      if (!res.headersSent) send(res, jsonAnswer(500, JSON.stringify({ sandboxError: String(error) })));
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 5_000;
  server.listen(port, host);
  await once(server, 'listening');
  const address = server.address() as AddressInfo;
  const hostText = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${hostText}:${address.port}`,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Hung ('timeout') and kept-alive sockets would hold close() forever.
      server.closeAllConnections();
      await closed;
    },
  };
}

async function handleCall(
  api: ProviderApi,
  state: SharedState,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  query: URLSearchParams,
): Promise<void> {
  const id = api.callId(path, query);
  const call = state.calls.record({ provider: api.provider, path, id, at: Date.now(), answeredAt: null });
  const fault = state.faults.take(api.provider, path, id);
  if (fault?.kind === 'timeout') return;
  if (fault?.kind === 'reset') {
    req.socket.destroy();
    return;
  }
  if (!(await state.delays.sleep(state.latencyMs))) return;
  if (fault?.kind === 'delay' && !(await state.delays.sleep(fault.ms))) return;
  if (fault?.kind === 'slowBody') {
    await trickle(res, api.answer(path, query), fault.chunkDelayMs, state.delays);
    return;
  }
  if (fault?.kind === 'hugeBody') {
    await sendHuge(res, api.hugeBodyFrame(path), fault.bytes);
    return;
  }
  send(res, fault ? faultAnswer(api, fault, path, query) : api.answer(path, query));
  call.answeredAt = Date.now();
}

function faultAnswer(api: ProviderApi, fault: Fault, path: string, query: URLSearchParams): Answer {
  switch (fault.kind) {
    case 'status':
      return api.statusAnswer(fault.status, path);
    case 'businessCode':
      return api.businessAnswer(fault.code, fault.httpStatus, path);
    case 'html':
      return { status: 502, contentType: 'text/html', body: NGINX_502 };
    case 'malformedJson': {
      const body = Buffer.from(api.answer(path, query).body);
      return { status: 200, contentType: JSON_TYPE, body: body.subarray(0, Math.floor(body.length / 2)) };
    }
    case 'renameField': {
      const real = api.answer(path, query);
      try {
        return {
          ...real,
          body: JSON.stringify(renameKeys(JSON.parse(real.body.toString()), fault.from, fault.to)),
        };
      } catch {
        return real;
      }
    }
    case 'wrongTypes': {
      const real = api.answer(path, query);
      try {
        return { ...real, body: JSON.stringify(mangleJson(JSON.parse(real.body.toString()))) };
      } catch {
        return real;
      }
    }
    default:
      return api.answer(path, query);
  }
}

function send(res: ServerResponse, answer: Answer): void {
  res.writeHead(answer.status, {
    'content-type': answer.contentType,
    'content-length': Buffer.byteLength(answer.body),
  });
  res.end(answer.body);
}

/** Headers at once, then the real body a few bytes at a time, until done or the client leaves. */
async function trickle(res: ServerResponse, answer: Answer, delayMs: number, delays: Delays): Promise<void> {
  const body = Buffer.from(answer.body);
  res.writeHead(answer.status, { 'content-type': answer.contentType, 'content-length': body.length });
  res.flushHeaders();
  for (let offset = 0; offset < body.length; offset += SLOW_CHUNK_BYTES) {
    if (res.destroyed || !(await delays.sleep(delayMs)) || res.destroyed) return;
    res.write(body.subarray(offset, offset + SLOW_CHUNK_BYTES));
  }
  res.end();
}

/** A syntactically valid body of exactly `bytes` bytes (when the frame fits), streamed. */
async function sendHuge(
  res: ServerResponse,
  frame: { prefix: string; suffix: string },
  bytes: number,
): Promise<void> {
  const prefix = Buffer.from(frame.prefix);
  const suffix = Buffer.from(frame.suffix);
  let padding = Math.max(0, bytes - prefix.length - suffix.length);
  res.writeHead(200, {
    'content-type': JSON_TYPE,
    'content-length': prefix.length + padding + suffix.length,
  });
  res.write(prefix);
  while (padding > 0 && !res.destroyed) {
    const chunk = padding >= HUGE_CHUNK.length ? HUGE_CHUNK : HUGE_CHUNK.subarray(0, padding);
    padding -= chunk.length;
    // The client may stop reading once its own limit is hit: wait for room or the end.
    if (!res.write(chunk)) await drainOrClose(res);
  }
  if (!res.destroyed) res.end(suffix);
}

function drainOrClose(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

function renameKeys(json: unknown, from: string, to: string): unknown {
  if (Array.isArray(json)) return json.map((item) => renameKeys(item, from, to));
  if (json === null || typeof json !== 'object') return json;
  return Object.fromEntries(
    Object.entries(json).map(([key, value]) => [key === from ? to : key, renameKeys(value, from, to)]),
  );
}
