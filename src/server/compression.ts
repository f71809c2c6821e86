import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

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
 * Answers are compressed on the request's path: brotli at quality 4 is about as fast as gzip's
 * default and smaller. Pages built once (GraphiQL) can afford more (`effort: 'high'`).
 */
function options(encoding: Encoding, size: number, effort: 'fast' | 'high') {
  return encoding === 'br'
    ? {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: effort === 'fast' ? 4 : 6,
          [constants.BROTLI_PARAM_SIZE_HINT]: size,
          [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        },
      }
    : { level: effort === 'fast' ? 6 : 9 };
}

/** Told of every compression done on a request's path (metrics). */
export type CompressionObserver = (encoding: Encoding) => void;

const brotliAsync = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/**
 * Compressed on libuv's thread pool, off the event loop: a burst of cold answers compressed
 * synchronously held the loop (zlib was 3.5% of the gateway's busy CPU in the burst profile).
 * `fast` for answers on a request's path; `high` for pages built once (GraphiQL).
 */
export async function compress(
  bytes: Uint8Array,
  encoding: Encoding,
  effort: 'fast' | 'high' = 'fast',
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
