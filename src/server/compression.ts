import { promisify } from 'node:util';
import { brotliCompress, brotliCompressSync, constants, gzip, gzipSync } from 'node:zlib';
import { BoundedMemo } from '../domain/memo.js';

export type Encoding = 'br' | 'gzip';

/** Below this an answer goes out as it is: the headers and the CPU would cost more than they save. */
export const COMPRESS_MIN_BYTES = 1_024;

const COMPRESSIBLE = /^(?:application\/(?:graphql-response\+)?json|text\/)/i;

export function compressible(contentType: string | null): boolean {
  return contentType !== null && COMPRESSIBLE.test(contentType);
}

/**
 * The encoding to answer with, from an Accept-Encoding header: brotli when it is at least as
 * welcome as gzip, else gzip, else none. `q=0` refuses a coding; `*` stands for those not named.
 */
export function negotiate(acceptEncoding: string | null | undefined): Encoding | null {
  if (!acceptEncoding) return null;
  // Clients send one of a handful of values, on every request: each is parsed once.
  return negotiated.get(acceptEncoding, () => parseAcceptEncoding(acceptEncoding));
}

/** Client-chosen strings, a handful in practice. */
const negotiated = new BoundedMemo<Encoding | null>(64);

function parseAcceptEncoding(acceptEncoding: string): Encoding | null {
  const weights = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    weights.set(name.trim(), Number.isFinite(weight) ? Math.min(Math.max(weight, 0), 1) : 0);
  }
  const any = weights.get('*') ?? 0;
  const br = weights.get('br') ?? any;
  const gz = weights.get('gzip') ?? weights.get('x-gzip') ?? any;
  if (br > 0 && br >= gz) return 'br';
  if (gz > 0) return 'gzip';
  return null;
}

/**
 * How hard to compress, by how often the bytes are sent:
 * - `each`: an answer compressed for one request and thrown away (the response cache is off or
 *   does not keep it). It runs on the request's path for every such request, so the cheapest
 *   settings: brotli quality 1 / gzip level 1 cost about a tenth of quality 4 for a 50 KB answer
 *   (0.1 ms against 1 ms) and give up a few percent of size.
 * - `kept`: an answer the response cache keeps, compressed once per encoding and sent on every
 *   hit: quality 4, about as fast as gzip's default and smaller.
 * - `high`: pages built once at start-up (GraphiQL), off the main thread.
 */
export type Effort = 'each' | 'kept' | 'high';

const BROTLI_QUALITY: Record<Effort, number> = { each: 1, kept: 4, high: 6 };
const GZIP_LEVEL: Record<Effort, number> = { each: 1, kept: 6, high: 9 };

function options(encoding: Encoding, size: number, effort: Effort) {
  return encoding === 'br'
    ? {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY[effort],
          [constants.BROTLI_PARAM_SIZE_HINT]: size,
          [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        },
      }
    : { level: GZIP_LEVEL[effort] };
}

/** Told of every compression done on a request's path (metrics). */
export type CompressionObserver = (encoding: Encoding) => void;

export function compressSync(bytes: Uint8Array, encoding: Encoding, effort: 'each'): Uint8Array<ArrayBuffer> {
  const out =
    encoding === 'br'
      ? brotliCompressSync(bytes, options(encoding, bytes.byteLength, effort))
      : gzipSync(bytes, options(encoding, bytes.byteLength, effort));
  return new Uint8Array(out.buffer as ArrayBuffer, out.byteOffset, out.byteLength);
}

const brotliAsync = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/**
 * On libuv's thread pool, off the event loop, for the costlier efforts: an answer the response
 * cache keeps (`kept`, quality 4, about 1 ms for 50 KB; a burst of cold answers compressed on the
 * loop held it, zlib 3.5% of busy CPU in the burst profile) and pages built once (`high`).
 * `each` (quality 1, about 0.1 ms) stays synchronous: the pool's round trip would cost more.
 */
export async function compress(
  bytes: Uint8Array,
  encoding: Encoding,
  effort: 'kept' | 'high',
): Promise<Uint8Array<ArrayBuffer>> {
  const out =
    encoding === 'br'
      ? await brotliAsync(bytes, options(encoding, bytes.byteLength, effort))
      : await gzipAsync(bytes, options(encoding, bytes.byteLength, effort));
  return new Uint8Array(out.buffer as ArrayBuffer, out.byteOffset, out.byteLength);
}

/** Adds Accept-Encoding to a Vary header value without repeating it. */
export function varyOnEncoding(vary: string | null): string {
  if (!vary) return 'Accept-Encoding';
  return /(^|,)\s*(accept-encoding|\*)\s*(,|$)/i.test(vary) ? vary : `${vary}, Accept-Encoding`;
}
