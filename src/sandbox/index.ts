import { randomBytes } from 'node:crypto';
import { createBeikeApi } from './beike/api.js';
import { crossListingTruth, DEFAULT_SEED, generateData } from './data/generate.js';
import type { SandboxData } from './data/records.js';
import { createFangApi } from './fang/api.js';
import { CallLog } from './server/calls.js';
import { controlHandler } from './server/controls.js';
import { Delays } from './server/delays.js';
import { FaultBook } from './server/faults.js';
import { type RunningServer, type SharedState, startProviderServer } from './server/http.js';
import { CallLimits } from './server/limits.js';
import type {
  CallFilter,
  CallRecord,
  FaultRule,
  SandboxCredentials,
  SandboxOptions,
  SandboxProvider,
} from './types.js';
import { followWorld, worldControls } from './world/controls.js';
import { SandboxWorld } from './world/world.js';

/**
 * A faithful simulated copy of both upstreams (Beike through Just One API, and Fang), as real
 * HTTP servers on loopback. The gateway reaches it through its ordinary adapters: nothing here is
 * known to them but the base URLs and credentials.
 */

export { BEIKE_PATHS } from './beike/api.js';
export type {
  CrossListing,
  CrossListingTruth,
  CrossListingVariant,
  Decoy,
  DecoyKind,
} from './data/cross-listings.js';
export type {
  BeikeAgentRecord,
  BeikeCommunityRecord,
  BeikeListingRecord,
  FangAgentRecord,
  FangHouseRecord,
  FangHouseType,
  SandboxData,
} from './data/records.js';
export { FANG_FLAVOUR_PATHS, FANG_PATHS, ONEBOUND_PATHS } from './fang/api.js';
export type {
  CallFilter,
  CallRecord,
  Fault,
  FaultRule,
  SandboxCredentials,
  SandboxOptions,
  SandboxProvider,
} from './types.js';
export type { ListingTruth, TruthPoint } from './world/world.js';
export { crossListingTruth, DEFAULT_SEED };

export interface Sandbox {
  /** e.g. http://127.0.0.1:40123 (paths /api/beike/...) */
  readonly beikeUrl: string;
  /** e.g. http://127.0.0.1:40124 (paths /fang/item_search, /fang/item_get) */
  readonly fangUrl: string;
  readonly credentials: SandboxCredentials;
  /** The records as they stand now (the generated ones at day 0), for tests to compute expected answers independently. */
  readonly data: SandboxData;
  /**
   * Simulated time: `advance(days)` cuts and raises prices, withdraws and adds listings;
   * `truth` is each listing's real price history. Also over HTTP: /__sandbox/time, /__sandbox/truth.
   */
  readonly world: SandboxWorld;
  readonly faults: { add(rule: FaultRule): void; clear(): void };
  readonly calls: { count(filter?: CallFilter): number; list(): CallRecord[]; reset(): void };
  setLatency(ms: number): void;
  /** Prompt even with hung sockets open. */
  close(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const world = new SandboxWorld(
    generateData(options.seed ?? DEFAULT_SEED, options.scale ?? 1),
    options.clockOrigin ?? Math.floor(Date.now() / 1000) * 1000,
  );
  const credentials: SandboxCredentials = {
    beikeToken: options.credentials?.beikeToken ?? `sbx-${randomBytes(16).toString('hex')}`,
    fangKey: options.credentials?.fangKey ?? `sbx-${randomBytes(8).toString('hex')}`,
    fangSecret: options.credentials?.fangSecret ?? randomBytes(16).toString('hex'),
  };
  const delays = new Delays();
  const state: SharedState = {
    faults: new FaultBook(),
    calls: new CallLog(),
    latencyMs: checkLatency(options.latencyMs ?? 0),
    delays,
  };
  const limits = (provider: 'beike' | 'fang') =>
    new CallLimits(options.rateLimitPerSecond?.[provider], options.dailyQuota?.[provider]);
  const beikeLimits = limits('beike');
  const fangLimits = limits('fang');
  const beikeApi = followWorld(
    () => createBeikeApi(world.data, credentials.beikeToken, beikeLimits, options.beikeList ?? 'v4'),
    world,
  );
  const fangApi = followWorld(
    () => createFangApi(world.data, credentials.fangKey, credentials.fangSecret, fangLimits),
    world,
  );
  const host = options.host ?? '127.0.0.1';

  const servers: RunningServer[] = [];
  const closeAll = async () => {
    delays.close();
    await Promise.all(servers.map((s) => s.close()));
  };
  const serve = async (provider: SandboxProvider, api: typeof beikeApi) =>
    startProviderServer(
      api,
      state,
      host,
      options.ports?.[provider] ?? 0,
      worldControls(world, controlHandler(provider, state)),
    );
  try {
    servers.push(await serve('beike', beikeApi));
    servers.push(await serve('fang', fangApi));
  } catch (error) {
    await closeAll();
    throw error;
  }
  const [beike, fang] = servers as [RunningServer, RunningServer];

  let closed: Promise<void> | null = null;
  return {
    beikeUrl: beike.url,
    fangUrl: fang.url,
    credentials,
    get data() {
      return world.data;
    },
    world,
    faults: { add: (rule) => state.faults.add(rule), clear: () => state.faults.clear() },
    calls: {
      count: (filter) => state.calls.count(filter),
      list: () => state.calls.list(),
      reset: () => state.calls.reset(),
    },
    setLatency(ms) {
      state.latencyMs = checkLatency(ms);
    },
    close() {
      closed ??= closeAll();
      return closed;
    },
  };
}

function checkLatency(ms: number): number {
  if (!Number.isInteger(ms) || ms < 0) throw new Error('sandbox latency must be a whole number of ms >= 0');
  return ms;
}
