import type { Plugin } from 'graphql-yoga';
import {
  COMPRESS_MIN_BYTES,
  type CompressionObserver,
  compressible,
  compressSync,
  negotiate,
  varyOnEncoding,
} from '../compression.js';

/**
 * gzip or brotli, as the client's Accept-Encoding allows, for answers of at least
 * COMPRESS_MIN_BYTES. Registered last: answers that arrive already encoded (a response-cache hit,
 * the GraphiQL page) are left as they are, and streams (multipart, event streams) are not buffered.
 */
export function useCompression(onCompressed?: CompressionObserver): Plugin {
  return {
    async onResponse({ request, response, setResponse, fetchAPI }) {
      const contentType = response.headers.get('content-type');
      if (
        request.method === 'HEAD' ||
        response.status === 204 ||
        response.status === 304 ||
        response.headers.has('content-encoding') ||
        !compressible(contentType) ||
        contentType?.startsWith('text/event-stream')
      ) {
        return;
      }
      response.headers.set('vary', varyOnEncoding(response.headers.get('vary')));
      const encoding = negotiate(request.headers.get('accept-encoding'));
      const declared = Number(response.headers.get('content-length') ?? Number.NaN);
      if (!encoding || declared < COMPRESS_MIN_BYTES) return;
      const headers = new fetchAPI.Headers(response.headers);
      const bytes = new Uint8Array(await response.arrayBuffer());
      let body: Uint8Array<ArrayBuffer> = bytes;
      if (bytes.byteLength >= COMPRESS_MIN_BYTES) {
        body = compressSync(bytes, encoding, 'each');
        onCompressed?.(encoding);
        headers.set('content-encoding', encoding);
      }
      headers.set('content-length', String(body.byteLength));
      setResponse(new fetchAPI.Response(body, { status: response.status, headers }));
    },
  };
}
