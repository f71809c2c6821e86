// PGlite's home thread (see pglite-thread.ts). Plain JavaScript: on Node 20 a worker thread does not
// get tsx's loader, so this file runs as it is, from source and from the build alike.
//
// PGlite, a whole PostgreSQL in WebAssembly, runs each statement synchronously: here it blocks this
// thread, never the gateway's event loop. PGlite's own lock orders the statements; a transaction
// holds it from `begin` to `end`.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';

// PostgreSQL's default 128 MB of shared buffers is WebAssembly memory here, never given back: the
// history's pages are files, and the kernel caches those anyway (README, Performance: memory).
const startParams = [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'];

// `node pglite-worker.mjs --init <dir>`: creating a database (initdb) leaves ~430 MB of WebAssembly
// memory and file-system bundle behind that nothing frees; a process of its own gives it all back.
if (!parentPort && process.argv[2] === '--init') {
  const created = new PGlite(process.argv[3], { startParams });
  await created.waitReady;
  await created.close();
  process.exit(0);
}

const port = parentPort;
if (!port) throw new Error('pglite-worker.mjs runs as a worker thread');
const { dataDir } = workerData;
if (dataDir !== 'memory' && !existsSync(join(dataDir, 'PG_VERSION'))) {
  await promisify(execFile)(process.execPath, [fileURLToPath(import.meta.url), '--init', dataDir]);
}
const pglite = dataDir === 'memory' ? new PGlite({ startParams }) : new PGlite(dataDir, { startParams });

/** @type {Map<number, { tx: unknown, end: (commit: boolean) => void, done: Promise<void> }>} */
const transactions = new Map();
let nextTx = 1;
/** Thrown inside a transaction's callback to make PGlite roll it back; not an error to report. */
const ROLLBACK = Symbol('rollback');

/** What crosses the thread: the message, and a database error's plain fields (code, detail, …). */
function plainError(error) {
  if (!(error instanceof Error)) return { message: String(error) };
  const fields = { message: error.message, name: error.name };
  for (const [key, value] of Object.entries(error)) {
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) fields[key] = value;
  }
  return fields;
}

async function handle(request) {
  switch (request.op) {
    case 'query': {
      const target = request.tx === undefined ? pglite : transactions.get(request.tx)?.tx;
      if (!target) throw new Error(`no open transaction ${request.tx}`);
      const { rows, affectedRows, fields } = await target.query(request.sql, request.params, {
        rowMode: 'object',
      });
      return { rows, affectedRows, fields };
    }
    case 'begin': {
      const id = nextTx++;
      let end = () => {};
      const decided = new Promise((commit, rollback) => {
        end = (yes) => (yes ? commit() : rollback(ROLLBACK));
      });
      const open = { tx: null, end, done: Promise.resolve() };
      return new Promise((begun, failed) => {
        open.done = pglite
          .transaction(async (tx) => {
            open.tx = tx;
            transactions.set(id, open);
            begun(id);
            await decided;
          })
          .finally(() => transactions.delete(id));
        // Once begun, the outcome is reported by `end`; before, it fails `begin` itself.
        open.done.catch(failed);
      });
    }
    case 'end': {
      const open = transactions.get(request.tx);
      if (!open) throw new Error(`no open transaction ${request.tx}`);
      open.end(request.commit);
      try {
        await open.done;
      } catch (error) {
        if (error !== ROLLBACK) throw error;
      }
      return null;
    }
    case 'close':
      await pglite.close();
      return null;
    default:
      throw new Error(`unknown operation ${request.op}`);
  }
}

port.on('message', (request) => {
  handle(request).then(
    (value) => port.postMessage({ id: request.id, value }),
    (error) => port.postMessage({ id: request.id, error: plainError(error) }),
  );
});

pglite.waitReady.then(
  () => port.postMessage({ id: 0, value: null }),
  (error) => port.postMessage({ id: 0, error: plainError(error) }),
);
