import { type ChildProcess, spawn } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { FAST_ENV } from './gateway.js';
import type { LogLine } from './logs.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Polls until `find` returns something: log lines are written when the response closes. */
export async function eventually<T>(
  find: () => T | undefined | Promise<T | undefined>,
  what: string,
  timeoutMs = 5_000,
): Promise<T> {
  const giveUpAt = Date.now() + timeoutMs;
  for (;;) {
    const found = await find();
    if (found !== undefined) return found;
    if (Date.now() > giveUpAt) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export interface RunningServer {
  child: ChildProcess;
  lines: LogLine[];
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** http://127.0.0.1:port, once listening. */
  base(timeoutMs?: number): Promise<string>;
  /** SIGTERM to the whole process group, as systemd, Kubernetes and `docker stop` do. */
  signalGroup(signal?: NodeJS.Signals): void;
}

/**
 * The real entry point in a process group of its own (`detached`), JSON logs on stdout. `command`
 * defaults to what `npm start` runs.
 */
export function spawnServer(
  env: Record<string, string>,
  command: [string, string[]] = [process.execPath, ['--import', 'tsx', 'src/main.ts']],
): RunningServer {
  const child = spawn(command[0], command[1], {
    cwd: ROOT,
    env: { ...process.env, ...FAST_ENV, LOG_PRETTY: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const lines: LogLine[] = [];
  let pending = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    pending += chunk;
    const complete = pending.split('\n');
    pending = complete.pop() ?? '';
    for (const line of complete) if (line.startsWith('{')) lines.push(JSON.parse(line) as LogLine);
  });
  child.stderr?.resume();
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const base = async (timeoutMs = 30_000) => {
    const started = await eventually(
      () => lines.find((l) => typeof l.url === 'string' && l.msg.includes('listening')),
      'the listening line',
      timeoutMs,
    );
    return String(started.url)
      .replace(/\/graphql$/, '')
      .replace('localhost', '127.0.0.1');
  };
  const signalGroup = (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.pid !== undefined) process.kill(-child.pid, signal);
  };
  return { child, lines, exit, base, signalGroup };
}

/** Ends every process still running in the groups of these servers (a test that failed midway). */
export function killGroups(servers: RunningServer[]): void {
  for (const server of servers) {
    try {
      if (server.child.pid !== undefined) process.kill(-server.child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A connection on which bytes are written by hand: a request can be sent in pieces. */
export async function rawConnection(base: string): Promise<{
  socket: Socket;
  send(text: string): void;
  /** The first response, or 'cut' when the connection closes without one. */
  response: Promise<RawResponse | 'cut'>;
}> {
  const { hostname, port } = new URL(base);
  const socket = connect(Number(port), hostname);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  let received = '';
  socket.setEncoding('utf8').on('data', (chunk: string) => {
    received += chunk;
  });
  const response = new Promise<RawResponse | 'cut'>((resolve) => {
    const done = () => resolve(parseResponse(received) ?? 'cut');
    socket.once('close', done);
    socket.once('error', () => undefined);
  });
  return { socket, send: (text) => socket.write(text), response };
}

function parseResponse(text: string): RawResponse | null {
  const end = text.indexOf('\r\n\r\n');
  if (end === -1) return null;
  const [statusLine = '', ...headerLines] = text.slice(0, end).split('\r\n');
  const status = Number(statusLine.split(' ')[1]);
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status, headers, body: text.slice(end + 4) };
}

/** An HTTP/1.1 POST of one GraphQL query, as bytes. */
export function graphqlRequest(host: string, query: string, extraHeaders = ''): string {
  const body = JSON.stringify({ query });
  return (
    `POST /graphql HTTP/1.1\r\nhost: ${host}\r\ncontent-type: application/json\r\n` +
    `accept: application/graphql-response+json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
    `${extraHeaders}\r\n${body}`
  );
}
