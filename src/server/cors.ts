/**
 * Cross-origin access, decided here rather than by Yoga's default (which reflects any origin with
 * credentials). Keys travel in headers, never cookies, so credentials are never allowed:
 * - '*': any origin may read, without credentials (development's default);
 * - a list: exactly the listed origins are echoed back; `null` (sandboxed frames, file: pages)
 *   only when listed; an empty list (production's default) allows no cross-origin access.
 * Every response carries `Vary: Origin`, so a shared cache never serves one origin's answer to another.
 * One policy for the answers Yoga sends (plugins/cors.ts) and those sent before it (gate.ts,
 * cached-answers.ts).
 */
export class CorsPolicy {
  readonly #any: boolean;
  readonly #listed: ReadonlySet<string>;

  constructor(origins: '*' | readonly string[]) {
    this.#any = origins === '*';
    this.#listed = new Set(origins === '*' ? [] : origins);
  }

  /** The Access-Control-Allow-Origin value for a request's Origin; null: none is sent. */
  allowedOrigin(origin: string | null | undefined): string | null {
    if (origin === null || origin === undefined) return null;
    if (this.#any) return '*';
    return this.#listed.has(origin) ? origin : null;
  }

  /** The CORS headers of an answer sent before Yoga (gate.ts, cached-answers.ts), as name-value pairs. */
  headersFor(origin: string | undefined): readonly string[] {
    const allowed = this.allowedOrigin(origin);
    return allowed === null
      ? NO_HEADERS
      : ['access-control-allow-origin', allowed, 'access-control-expose-headers', CORS_EXPOSED_HEADERS];
  }
}

const NO_HEADERS: readonly string[] = [];

export const CORS_EXPOSED_HEADERS = 'retry-after, x-request-id';
