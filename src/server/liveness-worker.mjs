// The liveness listener's thread (see liveness-thread.ts). Plain JavaScript: on Node 20 a worker
// thread does not get tsx's loader, so this file runs as it is, from source and from the build alike.
//
// It answers `GET /health` on a port of its own, from its own event loop: a probe never waits
// behind the gateway's connections (Node accepts one connection per turn of a loop, so under a
// burst the main port's accept queue holds a probe for seconds) nor behind its event loop. What it
// reports is whether the gateway's thread still turns: that thread bumps a shared counter every
// `beatMs`; when the counter has not moved for `stallMs`, the answer is 503, and an orchestrator
// restarts a process whose main thread is stuck (a busy loop, a blocked synchronous write) — which
// a timer on that same thread could never report.
import { createServer } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

if (!parentPort) throw new Error('liveness-worker.mjs runs as a worker thread');
const { host, port, stallMs, beatMs, beats } = workerData;
const counter = new Int32Array(beats);

let lastSeen = Atomics.load(counter, 0);
let movedAt = performance.now();
// Sampled on this thread's clock: the gateway's clock is the thing that may have stopped.
setInterval(() => {
  const now = Atomics.load(counter, 0);
  if (now !== lastSeen) {
    lastSeen = now;
    movedAt = performance.now();
  }
}, beatMs);

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };
const OK = JSON.stringify({ status: 'ok' });
const NOT_FOUND = JSON.stringify({
  errors: [{ message: 'Not found: this port answers GET /health only.', extensions: { code: 'NOT_FOUND' } }],
});

const server = createServer((req, res) => {
  const url = req.url ?? '';
  const isHealth = url === '/health' || url.startsWith('/health?');
  const readOnly = req.method === 'GET' || req.method === 'HEAD';
  let status = 404;
  let body = NOT_FOUND;
  if (isHealth && readOnly) {
    const stalledMs = Math.round(performance.now() - movedAt);
    status = stalledMs > stallMs ? 503 : 200;
    body = status === 200 ? OK : JSON.stringify({ status: 'stalled', stalledMs });
  }
  // A request body is never read here: close the connection rather than drain it.
  if (!readOnly) res.setHeader('connection', 'close');
  res.writeHead(status, { ...JSON_HEADERS, 'content-length': Buffer.byteLength(body) });
  res.end(req.method === 'HEAD' ? undefined : body);
});
// A probe sends a few hundred bytes at once; anything slower is not one.
server.headersTimeout = 5_000;
server.requestTimeout = 5_000;
server.keepAliveTimeout = 5_000;

server.once('error', (error) =>
  parentPort.postMessage({ error: { message: error.message, code: error.code } }),
);
server.listen({ host, port }, () => parentPort.postMessage({ port: server.address().port }));

parentPort.on('message', (message) => {
  if (message === 'close') {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  }
});
