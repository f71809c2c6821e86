import type { TrustedProxies } from './client-address.js';
import type { ApiClient } from './clients.js';

/** Hardening (README, Security). */
export interface SecuritySettings {
  limits: {
    maxCharacters: number;
    maxTokens: number;
    maxDepth: number;
    maxAliases: number;
    maxDirectives: number;
    /** Worst-case upstream calls one request may trigger. */
    maxCost: number;
  };
  /** Empty: no API keys, every peer address is an anonymous client. */
  clients: ApiClient[];
  /** Per client and minute, unless its key says otherwise; 0 = no limit. */
  defaults: { requestsPerMinute: number; costPerMinute: number };
  introspection: boolean;
  graphiql: boolean;
  fieldSuggestions: boolean;
  /**
   * '*': any origin, without credentials; a list: exactly those (`null` only when listed); empty:
   * no cross-origin access. Unset CORS_ORIGINS: empty in production, '*' otherwise.
   */
  corsOrigins: '*' | readonly string[];
  /** Peers whose X-Forwarded-For names the client (`TRUST_PROXY`); empty: the socket peer is the client. */
  trustedProxies: TrustedProxies;
  /** Fraction of each provider's daily budget one client may spend. */
  clientDailyShare: number;
  /** Presented as `Authorization: Bearer` to `/ready`, it shows the details in production; null: never. */
  readyToken: string | null;
  /** Event-loop lag above which new GraphQL requests get 503; 0 = never shed. */
  loadShedLagMs: number;
  /** GraphQL requests running at once (0 = no limit), and how many more may wait for a slot. */
  maxInFlight: number;
  maxQueued: number;
  production: boolean;
  maxRequestBytes: number;
  /** Operations per batched request; 0 = batching off. */
  batchLimit: number;
  /** Operation id → document; null = any operation is accepted. */
  persistedOperations: ReadonlyMap<string, string> | null;
}
