import { createServer, type Server } from 'node:http';

export interface CannedAnswer {
  /** The exact request body it answers. */
  request: string;
  contentType: string;
  /** The gateway's answer to that request, byte for byte, base64 (it may be compressed). */
  body: string;
  /** Its Content-Encoding, when compressed. */
  contentEncoding?: string;
}

/**
 * The ceiling: a bare node:http server that reads the request and answers it with the gateway's
 * own response bytes, serialised beforehand. Nothing GraphQL can be faster than this on the same
 * machine, so every other figure is read as a fraction of it.
 */
export function startCeiling(answers: CannedAnswer[]): Promise<Server> {
  const byRequest = new Map(
    answers.map((a) => {
      const body = Buffer.from(a.body, 'base64');
      const headers: Record<string, string | number> = {
        'content-type': a.contentType,
        'content-length': body.length,
        vary: 'Accept-Encoding',
      };
      if (a.contentEncoding) headers['content-encoding'] = a.contentEncoding;
      return [a.request, { body, headers }];
    }),
  );
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const answer = byRequest.get(Buffer.concat(chunks).toString());
      if (!answer) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, answer.headers).end(answer.body);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}
