import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import type { Plugin } from 'graphql-yoga';
import { compress, type Encoding, negotiate } from '../compression.js';

export interface GraphiQLPageOptions {
  endpoint: string;
  title: string;
  defaultQuery: string;
}

interface Page {
  html: Uint8Array<ArrayBuffer>;
  csp: string;
  encoded: Map<Encoding, Promise<Uint8Array<ArrayBuffer>>>;
}

/** One page per set of options in a process: every gateway of a test run shares it. */
const pages = new Map<string, Promise<Page>>();

/**
 * GraphiQL, with its scripts inlined from the package rather than a CDN (it works offline, behind
 * firewalls and in mainland China, where the default CDN is often unreachable). The page is 9 MB:
 * it is rendered on first demand by a thread of its own (graphiql-worker.mjs: the renderer's 28 MB
 * of script never enter the gateway's heap), compressed once per encoding off the main thread,
 * and served from memory. Its Content-Security-Policy allows exactly its own inline scripts (by hash),
 * the blob: workers Monaco starts, and requests to this origin; no site may frame it.
 */
export function useGraphiQLPage(options: GraphiQLPageOptions): Plugin {
  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (url.pathname !== options.endpoint) return;
      if (!isGraphiQLPageRequest(request.method, request.headers.get('accept'))) return;
      const page = await pageFor(options);
      const encoding = negotiate(request.headers.get('accept-encoding'));
      const body = encoding ? await encodedPage(page, encoding) : page.html;
      const headers: Record<string, string> = {
        'content-type': 'text/html; charset=utf-8',
        'content-length': String(body.byteLength),
        'content-security-policy': page.csp,
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'referrer-policy': 'no-referrer',
        'cache-control': 'no-cache',
        vary: 'Accept, Accept-Encoding',
      };
      if (encoding) headers['content-encoding'] = encoding;
      endResponse(new fetchAPI.Response(request.method === 'HEAD' ? null : body, { status: 200, headers }));
    },
  };
}

/** A browser asking for the page (not a GET query): public, served ahead of the gate. */
export function isGraphiQLPageRequest(
  method: string | undefined,
  accept: string | null | undefined,
): boolean {
  return (method === 'GET' || method === 'HEAD') && accept?.includes('text/html') === true;
}

function pageFor(options: GraphiQLPageOptions): Promise<Page> {
  const key = JSON.stringify([options.title, options.defaultQuery, options.endpoint]);
  let page = pages.get(key);
  if (!page) {
    page = render(options).then((html) => ({
      html,
      csp: contentSecurityPolicy(Buffer.from(html.buffer, html.byteOffset, html.byteLength).toString('utf8')),
      encoded: new Map(),
    }));
    // A failed render is tried again by the next request, not kept.
    page.catch(() => pages.delete(key));
    pages.set(key, page);
  }
  return page;
}

function render(options: GraphiQLPageOptions): Promise<Uint8Array<ArrayBuffer>> {
  const { title, defaultQuery, endpoint } = options;
  const worker = new Worker(new URL('../graphiql-worker.mjs', import.meta.url), {
    workerData: { title, defaultQuery, endpoint },
  });
  return new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the GraphiQL thread exited (${code}) without a page`)));
  });
}

function encodedPage(page: Page, encoding: Encoding): Promise<Uint8Array<ArrayBuffer>> {
  let encoded = page.encoded.get(encoding);
  if (!encoded) {
    encoded = compress(page.html, encoding, 'high');
    page.encoded.set(encoding, encoded);
  }
  return encoded;
}

/** Hashes of the page's inline scripts: no other script can run on it, injected or not. */
export function contentSecurityPolicy(html: string): string {
  const hashes = [...html.matchAll(/<script(?:\s[^>]*)?>([\s\S]*?)<\/script>/gi)]
    .map(([, source = '']) => `'sha256-${createHash('sha256').update(source, 'utf8').digest('base64')}'`)
    .join(' ');
  return [
    "default-src 'none'",
    `script-src ${hashes} blob:`,
    "worker-src 'self' blob:",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
