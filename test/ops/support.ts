export { eventually } from '../support/process.js';

/** Prometheus text format → "name{a="1",b="2"}" (labels sorted) → value. */
export function parseMetrics(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/);
    if (!match) throw new Error(`not a sample line: ${line}`);
    const [, name, labels = '', value = ''] = match;
    const sorted = [...labels.matchAll(/([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g)]
      .map(([, k, v]) => `${k}="${v}"`)
      .sort()
      .join(',');
    samples.set(`${name}{${sorted}}`, Number(value));
  }
  return samples;
}

/** The sum of every sample of `name` whose labels include all of `labels`. */
export function sumOf(
  samples: Map<string, number>,
  name: string,
  labels: Record<string, string> = {},
): number {
  let total = 0;
  for (const [key, value] of samples) {
    if (!key.startsWith(`${name}{`)) continue;
    const inner = `,${key.slice(name.length + 1, -1)},`;
    if (Object.entries(labels).every(([k, v]) => inner.includes(`,${k}="${v}",`))) total += value;
  }
  return total;
}

export interface Posted {
  status: number;
  headers: Headers;
  body: {
    data?: Record<string, unknown> | null;
    errors?: { message: string; extensions?: Record<string, unknown> }[];
  };
}

/** One GraphQL POST, with the response headers (the request id comes back in one). */
export async function post(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<Posted> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Posted['body'],
  };
}

export async function scrape(baseUrl: string): Promise<Map<string, number>> {
  const response = await fetch(`${baseUrl}/metrics`);
  if (response.status !== 200) throw new Error(`/metrics answered ${response.status}`);
  return parseMetrics(await response.text());
}

/** Env for these tests: a whole-response cache would hide the store's own cache hits. */
export const OPS_ENV: Record<string, string> = { RESPONSE_CACHE_TTL_SECONDS: '0' };

/** The edges of a `search` answer; throws when there is none. */
export function searchEdges(body: Posted['body']): unknown[] {
  const search = body.data?.search as { edges?: unknown[] } | undefined;
  if (!search?.edges) throw new Error(`no search edges in ${JSON.stringify(body)}`);
  return search.edges;
}
