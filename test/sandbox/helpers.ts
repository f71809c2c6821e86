import { createHash } from 'node:crypto';
import { request } from 'undici';
import { BEIKE_PATHS, type Sandbox } from '../../src/sandbox/index.js';

export interface Reply {
  status: number;
  text: string;
  json: unknown;
}

/** `giveUpMs` aborts the whole exchange (undici's own timeouts tick too coarsely for short waits). */
export async function get(url: string, giveUpMs?: number): Promise<Reply> {
  const res = await request(url, giveUpMs === undefined ? {} : { signal: AbortSignal.timeout(giveUpMs) });
  const text = await res.body.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.statusCode, text, json };
}

export function beikeUrl(
  sandbox: Sandbox,
  path: string,
  params: Record<string, string>,
  token?: string,
): string {
  const query = new URLSearchParams({ token: token ?? sandbox.credentials.beikeToken, ...params });
  return `${sandbox.beikeUrl}${path}?${query}`;
}

/** Signs as Fang's seed describes, written out here independently of the sandbox's own check. */
export function fangUrl(
  sandbox: Sandbox,
  api: 'item_search' | 'item_get',
  params: Record<string, string>,
  secret = sandbox.credentials.fangSecret,
): string {
  const all: Record<string, string> = {
    key: sandbox.credentials.fangKey,
    api_name: api,
    result_type: 'json',
    ...params,
  };
  const names = Object.keys(all)
    .filter((n) => all[n] !== '')
    .sort();
  const sign = createHash('md5')
    .update(names.map((n) => n + all[n]).join('') + secret)
    .digest('hex');
  return `${sandbox.fangUrl}/fang/${api}?${new URLSearchParams({ ...all, sign })}`;
}

export const { detail: DETAIL, search: LIST, communities: COMMUNITIES } = BEIKE_PATHS;

// biome-ignore lint/suspicious/noExplicitAny: test-side JSON walking
export type Json = any;
