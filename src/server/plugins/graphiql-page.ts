import { createHash } from 'node:crypto';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
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
const pages = new Map<string, Page>();

/**
 * GraphiQL, with its scripts inlined from the package rather than a CDN (it works offline, behind
 * firewalls and in mainland China, where the default CDN is often unreachable). The page is 9 MB:
 * it is rendered once, compressed once per encoding off the main thread on first demand, and
 * served from memory. Its Content-Security-Policy allows exactly its own inline scripts (by hash),
 * the blob: workers Monaco starts, and requests to this origin; no site may frame it.
 */
export function useGraphiQLPage(options: GraphiQLPageOptions): Plugin {
  const page = pageFor(options);
  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (url.pathname !== options.endpoint) return;
      if (!isGraphiQLPageRequest(request.method, request.headers.get('accept'))) return;
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

function pageFor(options: GraphiQLPageOptions): Page {
  const key = JSON.stringify([options.title, options.defaultQuery, options.endpoint]);
  let page = pages.get(key);
  if (!page) {
    const html = renderGraphiQL({
      title: options.title,
      defaultQuery: options.defaultQuery,
      endpoint: options.endpoint,
    });
    page = {
      html: new Uint8Array(Buffer.from(html, 'utf8')),
      csp: contentSecurityPolicy(html),
      encoded: new Map(),
    };
    pages.set(key, page);
  }
  return page;
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
