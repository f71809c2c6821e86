export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
  constructor(readonly limitBytes: number) {
    super(`response body exceeds ${limitBytes} bytes`);
  }
}

interface DestroyableBody extends AsyncIterable<Buffer | string> {
  destroy(): unknown;
}

/**
 * Reads a response body while counting bytes, so an oversized answer is never held in memory:
 * the stream is destroyed (with undici this aborts the request and drops the connection, which
 * cannot be reused mid-body anyway) as soon as the limit is passed, or up front when
 * Content-Length already announces too much. Invalid UTF-8 decodes lossily (U+FFFD).
 */
export async function readBodyLimited(
  body: DestroyableBody,
  maxBytes: number,
  contentLength?: string | string[],
): Promise<string> {
  const declared = Number(Array.isArray(contentLength) ? contentLength[0] : contentLength);
  if (Number.isFinite(declared) && declared > maxBytes) {
    body.destroy();
    throw new BodyTooLargeError(maxBytes);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buffer.length;
    if (size > maxBytes) {
      body.destroy();
      throw new BodyTooLargeError(maxBytes);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}
