import autocannon from 'autocannon';
import { REQUEST_HEADERS } from './documents.js';

export interface LoadFigures {
  requests: number;
  seconds: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Failed connections, timeouts and non-2xx answers: a run with any is not a clean figure. */
  failures: number;
  /** Answers by HTTP status, so that refusals (429, 503) are never read as throughput. */
  statusCodes: Record<string, number>;
}

/** POSTs over keep-alive connections with autocannon: for `seconds`, or `amount` requests in all. */
export async function load(options: {
  url: string;
  connections: number;
  seconds?: number;
  amount?: number;
  /** The same body every time, or a new one for each request. */
  body: string | (() => string);
}): Promise<LoadFigures> {
  const { body } = options;
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    ...(options.amount ? { amount: options.amount } : { duration: options.seconds ?? 5 }),
    timeout: 60,
    requests: [
      typeof body === 'string'
        ? { method: 'POST', headers: REQUEST_HEADERS, body }
        : {
            method: 'POST',
            headers: REQUEST_HEADERS,
            setupRequest: (request) => ({ ...request, body: body() }),
          },
    ],
  });
  return {
    requests: result.requests.total,
    seconds: result.duration,
    // Answered, not refused: a 503 from load shedding or a 429 is fast, and is not throughput.
    requestsPerSecond: (result['2xx'] ?? result.requests.total) / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    failures: result.errors + result.timeouts + result.non2xx,
    statusCodes: Object.fromEntries(
      Object.entries(result.statusCodeStats ?? {}).map(([code, { count }]) => [code, count]),
    ),
  };
}
