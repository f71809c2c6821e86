// Renders the GraphiQL page on a short-lived thread (see plugins/graphiql-page.ts). Plain
// JavaScript: on Node 20 a worker thread does not get tsx's loader, so this file runs as it is.
//
// The renderer's module is 28 MB of script text, held for as long as the module is loaded: on the
// gateway's thread that was a third of its heap, for a page few ever ask for. Here it goes with
// the thread; only the page's bytes come back (transferred, not copied).
import { parentPort, workerData } from 'node:worker_threads';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';

if (!parentPort) throw new Error('graphiql-worker.mjs runs as a worker thread');
const html = new TextEncoder().encode(renderGraphiQL(workerData));
parentPort.postMessage(html, [html.buffer]);
