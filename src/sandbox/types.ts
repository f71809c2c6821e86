/** The sandbox's public control types (re-exported by index.ts). */

export type SandboxProvider = 'beike' | 'fang';

export interface SandboxCredentials {
  beikeToken: string;
  fangKey: string;
  fangSecret: string;
}

export interface SandboxOptions {
  /** PRNG seed, default 20241105; same seed => same data, byte for byte. */
  seed?: number;
  /** Multiplies listing counts (default 1); scale 40 ≈ 115k listings. */
  scale?: number;
  /** Epoch ms at which simulated time starts (day 0); default: now, to the second. */
  clockOrigin?: number;
  /** Added before every answer, default 0. */
  latencyMs?: number;
  /** Default '127.0.0.1'. */
  host?: string;
  /** Default 0 (the OS chooses); fixed ports are for running the sandbox out of process. */
  ports?: { beike?: number; fang?: number };
  /** Default: random (crypto) values. */
  credentials?: Partial<SandboxCredentials>;
  /** The provider's own limit: Beike code 302, Fang HTTP 403 rate_limited. */
  rateLimitPerSecond?: { beike?: number; fang?: number };
  /** Per China calendar day: Beike code 303, Fang HTTP 403 quota_exceeded. */
  dailyQuota?: { beike?: number; fang?: number };
  /**
   * The spelling of Beike's resale list answer: 'v4' (default), the app's snake_case v4 answer
   * (`total_count`, `has_more_data` 0/1, `house_code`, `price_str` + `price_unit`), or 'camel',
   * the camelCase wrapper and items (`hasMoreData`, `totalCount`, `returnCount`, `houseCode`).
   */
  beikeList?: BeikeListSpelling;
}

export type BeikeListSpelling = 'v4' | 'camel';

export interface CallFilter {
  provider?: SandboxProvider;
  path?: string;
  id?: string;
}

/** id = houseCode / house_id for detail calls, null otherwise. Never holds credentials. */
export interface CallRecord {
  provider: SandboxProvider;
  path: string;
  id: string | null;
  at: number;
  /** When the answer was written (epoch ms); null while in flight or when none was (a fault). */
  answeredAt: number | null;
}

export interface FaultRule {
  provider: SandboxProvider;
  /** e.g. '/api/beike/ershoufang/detail/v1'; absent = any path. */
  path?: string;
  /** houseCode / house_id; absent = any. */
  id?: string;
  /** How many matching calls it applies to; default unlimited. */
  times?: number;
  fault: Fault;
}

export type Fault =
  /** Accept, never answer (until the client gives up or close()). */
  | { kind: 'timeout' }
  /** Destroy the socket without answering. */
  | { kind: 'reset' }
  /** Headers, then the real body trickled in small chunks. */
  | { kind: 'slowBody'; chunkDelayMs: number }
  /** The real answer, late. */
  | { kind: 'delay'; ms: number }
  /** e.g. 500/502/503/504 with a provider-typical body (Beike: envelope code 500; Fang: error_response). */
  | { kind: 'status'; status: number }
  /** Beike: envelope {code, message, data:null}; Fang: error_response {code, msg, sub_code}. */
  | { kind: 'businessCode'; code: number | string; httpStatus?: number }
  /** 200 with truncated JSON. */
  | { kind: 'malformedJson' }
  /** The real answer with every key named `from` renamed `to`: the contract drift an operator must notice. */
  | { kind: 'renameField'; from: string; to: string }
  /** 502 with an nginx-like HTML error page. */
  | { kind: 'html' }
  /** 200 with a valid-looking JSON body of that size. */
  | { kind: 'hugeBody'; bytes: number }
  /** A valid envelope whose fields have wrong types, ids intact. */
  | { kind: 'wrongTypes' };
