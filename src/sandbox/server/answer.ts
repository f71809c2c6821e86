import type { ServerResponse } from 'node:http';
/** One HTTP answer of a simulated upstream, before any fault is applied to it. */
export interface Answer {
  status: number;
  contentType: string;
  body: string | Buffer;
}

export const JSON_TYPE = 'application/json; charset=utf-8';

export function jsonAnswer(status: number, body: string | Buffer): Answer {
  return { status, contentType: JSON_TYPE, body };
}

/** What each provider plugs into the shared HTTP server. */
export interface ProviderApi {
  readonly provider: 'beike' | 'fang';
  /** The listing a call is about (detail calls), for call records and fault matching. */
  callId(path: string, query: URLSearchParams): string | null;
  /** The real answer, credentials, limits and parameters checked. */
  answer(path: string, query: URLSearchParams): Answer;
  /** A failure status with the body this provider typically sends with it. */
  statusAnswer(status: number, path?: string): Answer;
  businessAnswer(code: number | string, httpStatus?: number, path?: string): Answer;
  /** JSON text around the padding of a huge, valid-looking body. */
  hugeBodyFrame(path?: string): { prefix: string; suffix: string };
}

/** A JSON answer of the sandbox's own control endpoints. */
export function replyJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}
