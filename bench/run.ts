import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { cpus, platform, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeGlobalId, listingLocalId } from '../src/schema/ids.js';
import type { Anatomy } from './anatomy.js';
import { type BurstFigures, burst, burstReport, type LagFigures, type ProbeFigures } from './burst.js';
import {
  ACCEPT_ENCODING,
  type ListingRef,
  listingBody,
  nodesBody,
  SEARCH_EVERY_FIELD,
  searchBody,
} from './documents.js';
import { historyFigures } from './history.js';
import { Child } from './ipc.js';
import { type LoadFigures, load } from './load.js';
import { summariseProfile } from './profile-summary.js';
import { replicasScenario } from './replicas.js';
import {
  type BenchResult,
  type MemoryCheckpoint,
  markdownReport,
  type Row,
  type Yardstick,
} from './report.js';
import { describeTimeline, type TimedCall, type Timeline, timelineOf } from './timeline.js';

/**
 * `npm run bench`: the gateway on the sandbox (simulated upstream latency), a bare node:http
 * ceiling and a plain graphql-yoga baseline, each in its own process, driven over loopback by
 * autocannon from this one. Prints a table and writes the results as JSON (see BENCH_RECORD).
 *
 * Settings (environment): BENCH_LATENCY_MS (50), BENCH_ROUNDS (3), BENCH_SECONDS (3),
 * BENCH_CONNECTIONS (32), BENCH_LISTINGS (100000), BENCH_COLD_SAMPLES (15), BENCH_PROFILE (1 writes
 * a CPU profile of the gateway and prints where its time went), BENCH_OUT (the JSON file),
 * BENCH_BURST (1000: concurrent cold searches of the burst scenario), BENCH_ONLY=burst,
 * BENCH_ONLY=store or BENCH_ONLY=replicas (only that scenario, printed, nothing written),
 * BENCH_BURST_VARIANT=defaults (the burst with protection only), BENCH_POSTGRES_URL (where the
 * history figures create a scratch database; default postgres://postgres@127.0.0.1:5432/postgres),
 * BENCH_REDIS_URL (the Redis of the replicas scenario, default redis://127.0.0.1:6379/0; without
 * one it is skipped),
 * BENCH_RECORD (1, or `--record`: update the committed bench/results/latest.json; otherwise the
 * results go to the git-ignored bench/results/local/).
 */

const setting = (name: string, fallback: number): number => {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number >= 0`);
  return value;
};

const settings = {
  latencyMs: setting('BENCH_LATENCY_MS', 50),
  rounds: Math.max(1, setting('BENCH_ROUNDS', 3)),
  seconds: Math.max(1, setting('BENCH_SECONDS', 3)),
  connections: Math.max(1, setting('BENCH_CONNECTIONS', 32)),
  listings: setting('BENCH_LISTINGS', 100_000),
  coldSamples: Math.max(1, setting('BENCH_COLD_SAMPLES', 15)),
  herd: 100,
  burst: Math.max(1, setting('BENCH_BURST', 1000)),
  searchCity: '110000',
};
/** The burst's gateways run a liveness listener, as a deployment whose probes point at it does. */
const LIVENESS_ENV = { HEALTH_PORT: '0' };

const profile = process.env.BENCH_PROFILE === '1';
const only = new Set((process.env.BENCH_ONLY ?? '').split(',').filter(Boolean));
const burstOnly = only.size === 1 && only.has('burst');
const replicasOnly = only.size === 1 && only.has('replicas');
const storeOnly = only.size === 1 && only.has('store');
/** Where the history figures' PostgreSQL run creates its scratch database; unreachable: PGlite only. */
const postgresAdminUrl = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** BENCH_ONLY=warm,uncached,cold,memory,store,burst,replicas picks scenarios. */
const picked = (scenario: string) => only.size === 0 || only.has(scenario);
/** The committed record changes only when asked; a plain run writes under the git-ignored local/. */
const record = process.env.BENCH_RECORD === '1' || process.argv.includes('--record');
const outFile =
  process.env.BENCH_OUT ??
  fileURLToPath(new URL(record ? './results/latest.json' : './results/local/latest.json', import.meta.url));
/** The scenario of issue 15: every listing cached, the answer itself not. */
const UNCACHED = 'warm data, response cache off';
/** GraphiQL's transfer size, compressed, must stay under this. */
const GRAPHIQL_MAX_BYTES = 2.5 * 1024 * 1024;

/** Unmeasured cold queries before the cold samples. */
const COLD_WARM_UP = 30;
/** Listings per request in the memory scenario (`nodes(ids:)`), within the default QUERY_MAX_COST. */
const MEMORY_BATCH = 50;
/** Listings per sandbox scale unit (1,500 Beike + 1,440 Fang). */
const LISTINGS_PER_SCALE = 2_940;

const started = performance.now();
const log = (message: string) =>
  process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(0).padStart(3)} s] ${message}\n`);

interface SandboxReady {
  beikeUrl: string;
  fangUrl: string;
  credentials: { beikeToken: string; fangKey: string; fangSecret: string };
}

const children: Child[] = [];
async function start<R>(kind: string, options: Parameters<typeof Child.start>[1] = {}) {
  const { child, ready } = await Child.start<R>(kind, options);
  children.push(child);
  return { child, ready };
}

const scratch: string[] = [];
function scratchDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'listing-graph-bench-'));
  scratch.push(dir);
  return dir;
}

try {
  await main();
} finally {
  await Promise.all(children.map((c) => c.stop()));
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
}

/** What the scenarios share: the running systems and the warm answers they serve. */
interface Bench {
  sandbox: Child;
  gateway: Child;
  gatewayUrl: string;
  systems: readonly System[];
  /** The gateway with the response cache off, and where its CPU profile goes (BENCH_PROFILE). */
  uncached: Child;
  uncachedProfileDir: string | null;
  /** When it was started (performance.now() of this process): its profile's origin, roughly. */
  uncachedStarted: number;
  /** The systems of the response-cache-off scenario: the yardsticks and the gateway without it. */
  uncachedSystems: readonly System[];
  ref: ListingRef;
  search: Answer;
  listing: Answer;
  searchWire: Wire;
  listingWire: Wire;
  graphiql: GraphiqlSizes;
  /** Upstream calls the sandbox has answered so far. */
  calls(): Promise<number>;
}

interface System {
  name: string;
  child: Child;
  url: string;
}

/** One scenario's rows of the table and the yardsticks it is held to. */
interface Outcome {
  rows: Row[];
  yardsticks: Yardstick[];
}

type GraphiqlSizes = Record<'identity' | 'gzip' | 'br', number>;

async function main(): Promise<void> {
  const scale = Math.max(1, Math.ceil(settings.listings / LISTINGS_PER_SCALE));
  log(`sandbox: scale ${scale}, ${settings.latencyMs} ms per upstream answer`);
  const { child: sandbox, ready: upstream } = await start<SandboxReady>('sandbox', {
    arg: { scale, latencyMs: settings.latencyMs },
  });

  if (burstOnly) {
    const scenario = await burstScenario(upstream, profile);
    process.stdout.write(
      `${[...scenario.yardsticks.map((y) => `${y.scenario}: ${y.result} (target ${y.target}: ${y.met ? 'met' : 'NOT met'})`)].join('\n')}\n`,
    );
    return;
  }

  if (storeOnly) {
    const scenario = await storeScenario(sandbox, upstream);
    process.stdout.write(
      `${scenario.yardsticks.map((y) => `${y.scenario}: ${y.result} (target ${y.target}: ${y.met ? 'met' : 'NOT met'})`).join('\n')}\n`,
    );
    return;
  }

  const replicas = () =>
    replicasScenario({
      start,
      // History off: the replicas would otherwise share one PGlite directory, which PGlite cannot.
      env: { ...gatewayEnv(upstream), HISTORY_ENABLED: '0' },
      calls: () => sandbox.call<number>('calls'),
      log,
      seconds: settings.seconds,
      connections: settings.connections,
      samples: settings.coldSamples,
    });
  if (replicasOnly) {
    const scenario = await replicas();
    for (const row of scenario.rows) process.stdout.write(`${JSON.stringify(row)}\n`);
    for (const y of scenario.yardsticks) {
      process.stdout.write(`${y.scenario}: ${y.result} (target ${y.target}: ${y.met ? 'met' : 'NOT met'})\n`);
    }
    return;
  }

  const profileDir = profile ? mkdtempSync(join(tmpdir(), 'listing-graph-profile-')) : null;
  const bench = await startSystems(sandbox, upstream, profileDir);
  const outcomes: Outcome[] = [];
  if (picked('warm'))
    outcomes.push(
      await warmScenario(bench, 'warm search', searchBody(settings.searchCity)),
      await warmScenario(bench, 'warm listing', listingBody(bench.ref)),
      graphiqlPage(bench.graphiql),
    );
  let uncachedSince: number | null = null;
  if (picked('uncached')) {
    uncachedSince = performance.now();
    outcomes.push(
      await warmScenario(bench, UNCACHED, searchBody(settings.searchCity), bench.uncachedSystems),
    );
  }
  if (picked('cold')) {
    const cold = await coldSearch(bench);
    outcomes.push(cold.outcome, await thunderingHerd(bench, cold.oneQueryCalls));
  }
  const memory =
    settings.listings > 0 && picked('memory')
      ? await memoryScenario(bench.sandbox, bench.gateway, bench.gatewayUrl)
      : null;
  if (memory) outcomes.push({ rows: [memory.row], yardsticks: [memory.yardstick, memory.footprint] });
  if (picked('store')) outcomes.push(await storeScenario(sandbox, upstream));
  if (picked('burst')) outcomes.push(await burstScenario(upstream, false));
  if (picked('replicas')) outcomes.push(await replicas());
  if (profileDir) await printProfile(bench.gateway, profileDir, 'gateway');
  if (bench.uncachedProfileDir && uncachedSince !== null)
    await printProfile(
      bench.uncached,
      bench.uncachedProfileDir,
      'gateway, response cache off (its scenario on)',
      uncachedSince - bench.uncachedStarted,
    );
  writeResult(bench, outcomes, memory?.checkpoints ?? []);
}

/** The gateway on the sandbox, and the two yardsticks serving the gateway's own warm answers. */
async function startSystems(
  sandbox: Child,
  upstream: SandboxReady,
  profileDir: string | null,
): Promise<Bench> {
  const { child: gateway, ready: gatewayUrl } = await start<string>('gateway', {
    env: gatewayEnv(upstream),
    // --expose-gc only lets the memory scenario measure the live heap; it changes nothing else.
    execArgv: ['--expose-gc', ...(profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [])],
  });

  // The warm answers: fetched once through the gateway; the yardsticks serve the very same bytes.
  const search = await graphql(gatewayUrl, searchBody(settings.searchCity));
  const edges = (search.json.data as { search: { edges: { node: ListingRef }[] } }).search.edges;
  if (edges.length !== 20) throw new Error(`the warm search returned ${edges.length} listings, not 20`);
  const first = edges[0]!.node;
  const ref: ListingRef = { provider: first.provider, sourceId: first.sourceId, cityId: first.cityId };
  const listing = await graphql(gatewayUrl, listingBody(ref));

  // What goes over the wire to a client that accepts compression (load.ts): the ceiling sends the same.
  const searchWire = await wire(gatewayUrl, searchBody(settings.searchCity));
  const listingWire = await wire(gatewayUrl, listingBody(ref));
  const graphiql = await graphiqlSizes(gatewayUrl);
  log(
    `GraphiQL: ${graphiql.identity} bytes raw, ${graphiql.gzip} gzip, ${graphiql.br} br; ` +
      `warm search ${Buffer.byteLength(search.text)} bytes raw, ${searchWire.bytes.length} ${searchWire.contentEncoding ?? 'identity'}`,
  );

  const { child: ceiling } = await start('ceiling');
  const ceilingUrl = await ceiling.call<string>('serve', [
    { request: searchBody(settings.searchCity), contentType: search.contentType, ...canned(searchWire) },
    { request: listingBody(ref), contentType: listing.contentType, ...canned(listingWire) },
  ]);
  const answers = {
    search: (search.json.data as { search: unknown }).search,
    listing: (listing.json.data as { listing: unknown }).listing,
  };
  const { child: plain } = await start('plain');
  const plainUrl = await plain.call<string>('serve', answers);
  const { child: mercurius } = await start('mercurius');
  const mercuriusUrl = await mercurius.call<string>('serve', answers);

  // The same gateway with the response cache off: every request executes on warm listing caches.
  // Profiled too (its own directory): its executions are the uncached scenario's whole cost.
  const uncachedProfileDir = profileDir
    ? mkdtempSync(join(tmpdir(), 'listing-graph-profile-uncached-'))
    : null;
  const uncachedStarted = performance.now();
  const { child: uncached, ready: uncachedUrl } = await start<string>('gateway', {
    env: { ...gatewayEnv(upstream), RESPONSE_CACHE_MAX_ENTRIES: '0' },
    execArgv: uncachedProfileDir ? ['--cpu-prof', '--cpu-prof-dir', uncachedProfileDir] : [],
  });
  await graphql(uncachedUrl, searchBody(settings.searchCity));

  return {
    sandbox,
    gateway,
    gatewayUrl,
    systems: [
      { name: 'ceiling (node:http)', child: ceiling, url: ceilingUrl },
      { name: 'plain yoga', child: plain, url: plainUrl },
      { name: 'gateway', child: gateway, url: gatewayUrl },
    ],
    uncached,
    uncachedProfileDir,
    uncachedStarted,
    uncachedSystems: [
      { name: 'ceiling (node:http)', child: ceiling, url: ceilingUrl },
      { name: 'plain yoga', child: plain, url: plainUrl },
      { name: 'mercurius + graphql-jit', child: mercurius, url: mercuriusUrl },
      { name: 'gateway, response cache off', child: uncached, url: uncachedUrl },
    ],
    ref,
    search,
    listing,
    searchWire,
    listingWire,
    graphiql,
    calls: () => sandbox.call<number>('calls'),
  };
}

/** The same request against the ceiling, plain yoga and the gateway, round after round. */
async function warmScenario(
  bench: Bench,
  scenario: string,
  body: string,
  systems: readonly System[] = bench.systems,
): Promise<Outcome> {
  log(
    `${scenario}: ${settings.rounds} rounds × ${settings.seconds} s × ${systems.length} systems, ${settings.connections} connections`,
  );
  // Warm-up: JIT (V8's, and graphql-jit's compilation after the first run) before anything counts.
  for (const system of systems)
    await load({ url: system.url, connections: settings.connections, seconds: 2, body });
  const runs = new Map<string, { figures: LoadFigures; peak: number; calls: number; cpuMs: number }[]>();
  for (let round = 0; round < settings.rounds; round++) {
    for (const system of systems) {
      await system.child.call('peak');
      const before = await bench.calls();
      const cpuBefore = await system.child.call<number>('cpu');
      const figures = await load({
        url: system.url,
        connections: settings.connections,
        seconds: settings.seconds,
        body,
      });
      const peak = await system.child.call<number>('peak');
      // CPU per request: steadier than req/s on a loaded machine (it leaves out time spent waiting
      // for a core), though cache and scheduler contention still move it.
      const cpuMs = (((await system.child.call<number>('cpu')) - cpuBefore) * 1000) / figures.requests;
      log(
        `  ${system.name}: ${figures.requestsPerSecond.toFixed(0)} req/s, ${cpuMs.toFixed(2)} CPU ms/request, ` +
          `p99 ${figures.p99Ms} ms, status ${JSON.stringify(figures.statusCodes)}`,
      );
      const spent = (await bench.calls()) - before;
      runs.set(system.name, [...(runs.get(system.name) ?? []), { figures, peak, calls: spent, cpuMs }]);
    }
  }
  const ceilingRuns = runs.get(systems[0]!.name)!;
  const rows = systems.map((system): Row => {
    const own = runs.get(system.name)!;
    return {
      scenario,
      system: system.name,
      requestsPerSecond: median(own.map((r) => r.figures.requestsPerSecond)),
      p50Ms: median(own.map((r) => r.figures.p50Ms)),
      p99Ms: median(own.map((r) => r.figures.p99Ms)),
      upstreamCallsPerQuery: system.name.startsWith('gateway')
        ? sum(own.map((r) => r.calls)) / sum(own.map((r) => r.figures.requests))
        : null,
      peakRssMb: mb(Math.max(...own.map((r) => r.peak))),
      // Each round's ratio pairs runs made seconds apart: the machine's mood cancels out.
      vsCeiling: median(
        own.map((r, i) => r.figures.requestsPerSecond / ceilingRuns[i]!.figures.requestsPerSecond),
      ),
      failures: sum(own.map((r) => r.figures.failures)),
    };
  });
  const gatewayRow = rows[rows.length - 1]!;
  const ratio = gatewayRow.vsCeiling!;
  const yardsticks: Yardstick[] = [];
  if (scenario === 'warm search')
    yardsticks.push({
      scenario,
      target: '≥ 0.8× the ceiling (req/s)',
      result: `${ratio.toFixed(2)}×`,
      met: ratio >= 0.8 && gatewayRow.failures === 0,
    });
  if (scenario === 'warm listing')
    yardsticks.push({
      scenario,
      target: '≥ 0.5× the ceiling (req/s)',
      result: `${ratio.toFixed(2)}×`,
      met: ratio >= 0.5 && gatewayRow.failures === 0,
    });
  if (scenario === UNCACHED) {
    const peer = rows.find((r) => r.system.startsWith('mercurius'))!.vsCeiling!;
    yardsticks.push({
      scenario,
      target: '≥ 0.25× the ceiling and ahead of mercurius + graphql-jit',
      result: `${ratio.toFixed(3)}× (mercurius + graphql-jit ${peer.toFixed(3)}×)`,
      met: ratio >= 0.25 && ratio > peer && gatewayRow.failures === 0,
    });
    const cpuMs = (name: string) => median(runs.get(name)!.map((r) => r.cpuMs));
    const gatewaySystem = systems[systems.length - 1]!;
    yardsticks.push(
      anatomyYardstick(
        await gatewaySystem.child.call<Anatomy>('anatomy', body),
        median(ceilingRuns.map((r) => r.figures.requestsPerSecond)),
        cpuMs(gatewaySystem.name),
        cpuMs(systems.find((s) => s.name.startsWith('mercurius'))!.name),
      ),
    );
  }
  return { rows, yardsticks };
}

/**
 * The floor of the uncached row, measured: what one request costs stage by stage (bench/anatomy.ts),
 * against the main-thread time per request that 0.25× of this run's ceiling leaves (one thread
 * serves `1000 / ms` requests a second at most).
 */
function anatomyYardstick(
  anatomy: Anatomy,
  ceilingRps: number,
  gatewayCpuMs: number,
  peerCpuMs: number,
): Yardstick {
  const budgetMs = 1000 / (0.25 * ceilingRps);
  const yoga = anatomy.wholeMs - anatomy.executeMs - anatomy.serialiseMs - anatomy.compressMs;
  const f = (ms: number) => ms.toFixed(2);
  return {
    scenario: `${UNCACHED}: where a request's time goes`,
    target: 'figures only: 0.25× the ceiling leaves the gateway this much time per request',
    result:
      `budget ${f(budgetMs)} ms/request (0.25× of ${ceilingRps.toFixed(0)} req/s); one request alone, in process: ` +
      `${f(anatomy.wholeMs)} ms = execution ${f(anatomy.executeMs)} + serialising ${(anatomy.answerBytes / 1024).toFixed(1)} KB ` +
      `${f(anatomy.serialiseMs)} + brotli to ${(anatomy.compressedBytes / 1024).toFixed(1)} KB ${f(anatomy.compressMs)} + ` +
      `Yoga's request handling ${f(yoga)}; under load, HTTP included: ${f(gatewayCpuMs)} CPU ms/request ` +
      `(mercurius + graphql-jit ${f(peerCpuMs)}, uncompressed)`,
    met: true,
  };
}

/** The GraphiQL page's transfer size, compressed. */
function graphiqlPage(graphiql: GraphiqlSizes): Outcome {
  return {
    rows: [],
    yardsticks: [
      {
        scenario: 'GraphiQL page',
        target: `transfer < ${(GRAPHIQL_MAX_BYTES / 2 ** 20).toFixed(1)} MB compressed`,
        result: `${(graphiql.br / 2 ** 20).toFixed(2)} MB br, ${(graphiql.gzip / 2 ** 20).toFixed(2)} MB gzip (${(graphiql.identity / 2 ** 20).toFixed(2)} MB raw)`,
        met: graphiql.br < GRAPHIQL_MAX_BYTES && graphiql.gzip < GRAPHIQL_MAX_BYTES,
      },
    ],
  };
}

/** One search at a time on emptied caches: latency against the upstream's, and calls per query. */
async function coldSearch(bench: Bench): Promise<{ outcome: Outcome; oneQueryCalls: number }> {
  const { sandbox, gateway, gatewayUrl } = bench;
  log(`cold search with details: ${settings.coldSamples} samples, caches emptied before each`);
  // The warm scenarios never reach the provider code (the response cache answers): warm it up as
  // a server that has been running would be, without the simulated latency, before measuring.
  await sandbox.call('setLatency', 0);
  for (let i = 0; i < COLD_WARM_UP; i++) {
    await gateway.call('clear');
    await graphql(gatewayUrl, searchBody(settings.searchCity));
  }
  await sandbox.call('setLatency', settings.latencyMs);
  const coldLatencies: number[] = [];
  const coldCalls: number[] = [];
  await gateway.call('peak');
  const timelines: Timeline[] = [];
  let cpuSeconds = 0;
  const coldProfile = profile
    ? join(mkdtempSync(join(tmpdir(), 'listing-graph-cold-')), 'cold.cpuprofile')
    : null;
  if (coldProfile) await gateway.call('profileStart');
  for (let i = 0; i < settings.coldSamples; i++) {
    await gateway.call('clear');
    await sandbox.call('resetCalls');
    const before = await bench.calls();
    const cpuBefore = await gateway.call<number>('cpu');
    const startedAt = Date.now();
    const t0 = performance.now();
    const answer = await graphql(gatewayUrl, searchBody(settings.searchCity));
    const latency = performance.now() - t0;
    cpuSeconds += (await gateway.call<number>('cpu')) - cpuBefore;
    coldLatencies.push(latency);
    coldCalls.push((await bench.calls()) - before);
    timelines.push(timelineOf(await sandbox.call<TimedCall[]>('callLog'), startedAt, startedAt + latency));
    const count = (answer.json.data as { search: { edges: unknown[] } }).search.edges.length;
    if (count !== 20) throw new Error(`a cold search returned ${count} listings`);
  }
  if (coldProfile) {
    await gateway.call('profileStop', coldProfile);
    log(`gateway main-thread CPU profile of the cold samples: ${coldProfile}`);
    process.stderr.write(`${summariseProfile(coldProfile, 30)}\n`);
  }
  const coldP50 = percentile(coldLatencies, 50);
  const oneQueryCalls = median(coldCalls);
  const waves = median(timelines.map((t) => t.waves.length));
  // The median sample's timeline: the round trips it waited for, and the gateway's own time around them.
  const typical = [...timelines].sort((a, b) => a.totalMs - b.totalMs)[
    Math.floor((timelines.length - 1) / 2)
  ];
  if (typical) for (const line of describeTimeline(typical)) log(`  cold timeline (median sample): ${line}`);
  // The gateway's own CPU per cold search (all its threads, user + system), against its latency.
  const cpuMs = (cpuSeconds * 1000) / settings.coldSamples;
  log(`  gateway CPU per cold search: ${cpuMs.toFixed(1)} ms`);
  const row: Row = {
    scenario: 'cold search',
    system: 'gateway',
    requestsPerSecond: null,
    p50Ms: coldP50,
    p99Ms: percentile(coldLatencies, 99),
    upstreamCallsPerQuery: oneQueryCalls,
    peakRssMb: mb(await gateway.call<number>('peak')),
    vsCeiling: null,
    failures: 0,
  };
  const yardstick: Yardstick = {
    scenario: 'cold search',
    target: `p50 ≤ 2.0× upstream latency (${(2.0 * settings.latencyMs).toFixed(0)} ms)`,
    // Each wave waits one upstream latency at least: with two (the searches, then the details they
    // name), 2.0× is the floor itself, met only by a gateway that takes no time of its own.
    result:
      settings.latencyMs > 0
        ? `${(coldP50 / settings.latencyMs).toFixed(2)}× (${coldP50.toFixed(1)} ms), ${waves} upstream waves ` +
          `(floor ${waves} × ${settings.latencyMs} ms = ${(waves * settings.latencyMs).toFixed(0)} ms; ` +
          `${(coldP50 - waves * settings.latencyMs).toFixed(1)} ms beyond it), gateway CPU ${cpuMs.toFixed(0)} ms/query`
        : `${coldP50.toFixed(1)} ms, ${waves} upstream waves, gateway CPU ${cpuMs.toFixed(0)} ms/query`,
    met: coldP50 <= 2.0 * settings.latencyMs,
  };
  return { outcome: { rows: [row], yardsticks: [yardstick] }, oneQueryCalls };
}

/** Identical cold queries all at once cost the upstream what one query costs. */
async function thunderingHerd(bench: Bench, oneQueryCalls: number): Promise<Outcome> {
  const { gateway, gatewayUrl } = bench;
  log(`thundering herd: ${settings.herd} identical cold queries at once`);
  await gateway.call('clear');
  await gateway.call('peak');
  const herdBefore = await bench.calls();
  const herd = await load({
    url: gatewayUrl,
    connections: settings.herd,
    amount: settings.herd,
    body: searchBody(settings.searchCity),
  });
  const herdCalls = (await bench.calls()) - herdBefore;
  const row: Row = {
    scenario: 'thundering herd',
    system: 'gateway',
    requestsPerSecond: null,
    p50Ms: herd.p50Ms,
    p99Ms: herd.p99Ms,
    upstreamCallsPerQuery: herdCalls / settings.herd,
    peakRssMb: mb(await gateway.call<number>('peak')),
    vsCeiling: null,
    failures: herd.failures,
  };
  const yardstick: Yardstick = {
    scenario: 'thundering herd',
    target: `upstream calls = one query's (${oneQueryCalls})`,
    result: `${herdCalls} calls for ${settings.herd} queries`,
    met: herdCalls === oneQueryCalls && herd.failures === 0,
  };
  return { rows: [row], yardsticks: [yardstick] };
}

/** Stops the gateway so that it writes its profile, and prints where its time went. */
async function printProfile(
  gateway: Child,
  profileDir: string,
  name: string,
  skipFirstMs = 0,
): Promise<void> {
  await gateway.stop();
  // The main thread's profile: CPU.<date>.<time>.<pid>.<thread>.<seq>, thread 0. Not the largest:
  // tsx's loader thread and PGlite's thread (its initdb) write their own, PGlite's often larger.
  const file = readdirSync(profileDir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .find((f) => f.split('.')[4] === '0');
  if (file) {
    log(`${name} CPU profile: ${join(profileDir, file)}`);
    process.stderr.write(`${summariseProfile(join(profileDir, file), 25, skipFirstMs)}\n`);
  }
}

/** The results file (BENCH_OUT) and the table on stdout. */
function writeResult(bench: Bench, outcomes: Outcome[], memory: MemoryCheckpoint[]): void {
  const { search, listing, searchWire, listingWire, graphiql } = bench;
  const result: BenchResult = {
    date: new Date().toISOString(),
    machine: {
      cores: cpus().length,
      cpu: cpus()[0]?.model ?? 'unknown',
      node: process.version,
      platform: platform(),
      memoryGb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    },
    settings: {
      ...settings,
      searchAnswerBytes: Buffer.byteLength(search.text),
      searchAnswerWireBytes: searchWire.bytes.length,
      listingAnswerBytes: Buffer.byteLength(listing.text),
      listingAnswerWireBytes: listingWire.bytes.length,
      acceptEncoding: ACCEPT_ENCODING,
      graphiqlBytes: graphiql.identity,
      graphiqlGzipBytes: graphiql.gzip,
      graphiqlBrBytes: graphiql.br,
      durationSeconds: Math.round((performance.now() - started) / 1000),
    },
    rows: outcomes.flatMap((o) => o.rows),
    yardsticks: outcomes.flatMap((o) => o.yardsticks),
    memory,
    notes: [
      'Each system runs in its own process; autocannon runs in a third, and the sandbox (the upstream) in a fourth, all on this machine. Ratios pair runs made seconds apart (median of the rounds).',
      'The gateway runs with the product defaults (response cache, caches, limits, metrics on; NODE_ENV=production, LOG_LEVEL=warn, MALLOC_ARENA_MAX=2 as in the container image) talking to the sandbox as to a live provider, except: provider pacing 100,000 calls/s, daily budgets and per-client quotas lifted, so that they do not measure themselves (the cold target is about round trips, not the 5 calls/s default pacing).',
      `Cold search: ${COLD_WARM_UP} unmeasured cold queries first (the warm scenarios never reach the provider code), then each sample after emptying every cache; timed from the client.`,
      'Thundering herd: one request per connection, all sent at once on empty caches.',
      `Burst: ${settings.burst} searches with distinct filters (so no response-cache hit and no coalescing) sent at once from this process over ${settings.burst} connections, to a fresh gateway, the sandbox in its own process; a prober in a further process GETs /health every 10 ms, on the liveness listener (HEALTH_PORT, answered by its own thread: what an orchestrator's probe points at; the target) and on the main port (shown beside it); the gateway measures its own event-loop delay (monitorEventLoopDelay). Run twice: without overload protection (LOAD_SHED_LAG_MS=0, MAX_IN_FLIGHT=0) and with the defaults; before them, the same prober for 15 s against an idle gateway (the floor the machine sets). Failed or timed-out probes (10 s) count as 10 s.`,
      'Store on/off: two fresh gateways, HISTORY_ENABLED=1 (PGlite on disk, on its own thread) and 0, the same warm search (autocannon) and cold searches (caches emptied before each) interleaved between them; the ratios pair runs made seconds apart. History figures: N synthetic observations offered at once and flushed through the store (batches of 1,000), twice (the second time 10% change price), then `market` over them (median of 5), on PGlite on disk and on PostgreSQL in a scratch database.',
      `Memory: \`nodes(ids:)\` with ${MEMORY_BATCH} distinct listings per request, upstream latency 0 ms so that the step takes a minute, not ten; "upstream calls/query" is per listing there. Live heap is measured after a forced full GC.`,
    ],
  };
  mkdirSync(join(outFile, '..'), { recursive: true });
  writeFileSync(outFile, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${markdownReport(result)}\n`);
  log(`written ${outFile}`);
}

/**
 * A fresh gateway per run (cold caches), shedding off then at its default, under `settings.burst`
 * concurrent cold searches; /health timed from another process (bench/burst.ts).
 */
async function burstScenario(
  upstream: SandboxReady,
  withProfile: boolean,
): Promise<{ rows: Row[]; yardsticks: Yardstick[] }> {
  const rows: Row[] = [];
  const yardsticks: Yardstick[] = [];
  const { child: prober } = await start('prober');
  const bodies = Array.from({ length: settings.burst }, (_, i) =>
    JSON.stringify({
      query: SEARCH_EVERY_FIELD,
      variables: { filter: { cityId: settings.searchCity, priceMin: 10_000 + i }, first: 20 },
    }),
  );
  const variants = [
    [' (no shedding, no admission limit)', { LOAD_SHED_LAG_MS: '0', MAX_IN_FLIGHT: '0' }],
    [' (defaults: shedding and admission on)', {}],
  ] as const;
  // BENCH_BURST_VARIANT=defaults: only the protected run (profiling, repeats).
  const chosen = process.env.BENCH_BURST_VARIANT === 'defaults' ? variants.slice(1) : variants;
  const idle = await idleProbes(upstream, prober);
  rows.push(idle.row);
  yardsticks.push(idle.yardstick);
  for (const [label, shedEnv] of chosen) {
    log(`burst${label}: ${settings.burst} cold searches at once, /health probed every 10 ms`);
    const profileDir = withProfile ? mkdtempSync(join(tmpdir(), 'listing-graph-burst-profile-')) : null;
    const { child: gateway, ready: url } = await start<string>('gateway', {
      env: { ...gatewayEnv(upstream), ...LIVENESS_ENV, ...shedEnv },
      ...(profileDir ? { execArgv: ['--cpu-prof', '--cpu-prof-dir', profileDir] } : {}),
    });
    // One query first, so that module loading and JIT warm-up are not counted as the burst's lag.
    await graphql(url, searchBody('310000'));
    await gateway.call('clear');
    await gateway.call('lagReset');
    await prober.call('start', { urls: await probeUrls(gateway, url), intervalMs: 10 });
    log(`  gateway at ${url}`);
    const searches = await burst(url, bodies);
    const [health, mainHealth] = await prober.call<[ProbeFigures, ProbeFigures]>('stop');
    const lag = await gateway.call<LagFigures>('lag');
    const figures: BurstFigures = { searches, health, mainHealth, lag };
    const report = burstReport(figures, label);
    report.row.peakRssMb = mb(await gateway.call<number>('peak'));
    rows.push(report.row);
    yardsticks.push(report.yardstick);
    log(`  ${report.yardstick.result}`);
    if (profileDir) await printProfile(gateway, profileDir, `gateway (${label})`);
    else await gateway.stop();
  }
  await prober.stop();
  return { rows, yardsticks };
}

/**
 * The listing history must never slow a query: two fresh gateways side by side, one with
 * HISTORY_ENABLED (PGlite on disk, on its own thread) and one without, the same warm and cold
 * searches interleaved between them; then the store's own figures (history.ts).
 */
async function storeScenario(sandbox: Child, upstream: SandboxReady): Promise<Outcome> {
  const dataDir = mkdtempSync(join(tmpdir(), 'listing-graph-bench-history-'));
  const systems: { name: string; child: Child; url: string }[] = [];
  for (const [name, env] of [
    ['store on', { HISTORY_ENABLED: '1', DATA_DIR: dataDir }],
    ['store off', { HISTORY_ENABLED: '0' }],
  ] as const) {
    const { child, ready } = await start<string>('gateway', { env: { ...gatewayEnv(upstream), ...env } });
    systems.push({ name, child, url: ready });
  }
  const [on, off] = systems as [(typeof systems)[0], (typeof systems)[0]];
  const body = searchBody(settings.searchCity);

  log(`store on/off, warm search: ${settings.rounds} rounds × ${settings.seconds} s × 2 gateways`);
  for (const system of systems)
    await load({ url: system.url, connections: settings.connections, seconds: 1, body });
  const warm = new Map<string, LoadFigures[]>(systems.map((s) => [s.name, []]));
  for (let round = 0; round < settings.rounds; round++) {
    // Alternate who goes first: a machine that slows down mid-round must not favour one.
    for (const system of round % 2 === 0 ? systems : [...systems].reverse()) {
      warm
        .get(system.name)!
        .push(
          await load({ url: system.url, connections: settings.connections, seconds: settings.seconds, body }),
        );
    }
  }

  log(
    `store on/off, cold search: ${settings.coldSamples} samples each, interleaved, caches emptied before each`,
  );
  await sandbox.call('setLatency', 0);
  for (let i = 0; i < COLD_WARM_UP; i++) {
    for (const system of systems) {
      await system.child.call('clear');
      await graphql(system.url, body);
    }
  }
  await sandbox.call('setLatency', settings.latencyMs);
  const cold = new Map<string, number[]>(systems.map((s) => [s.name, []]));
  for (let i = 0; i < settings.coldSamples; i++) {
    for (const system of i % 2 === 0 ? systems : [...systems].reverse()) {
      await system.child.call('clear');
      const t0 = performance.now();
      await graphql(system.url, body);
      cold.get(system.name)!.push(performance.now() - t0);
    }
  }
  for (const system of systems) await system.child.stop();
  rmSync(dataDir, { recursive: true, force: true });

  const rows: Row[] = systems.flatMap((system): Row[] => {
    const runs = warm.get(system.name)!;
    const samples = cold.get(system.name)!;
    return [
      {
        scenario: `warm search, ${system.name}`,
        system: 'gateway',
        requestsPerSecond: median(runs.map((r) => r.requestsPerSecond)),
        p50Ms: median(runs.map((r) => r.p50Ms)),
        p99Ms: median(runs.map((r) => r.p99Ms)),
        upstreamCallsPerQuery: null,
        peakRssMb: 0,
        vsCeiling: null,
        failures: sum(runs.map((r) => r.failures)),
      },
      {
        scenario: `cold search, ${system.name}`,
        system: 'gateway',
        requestsPerSecond: null,
        p50Ms: percentile(samples, 50),
        p99Ms: percentile(samples, 99),
        upstreamCallsPerQuery: null,
        peakRssMb: 0,
        vsCeiling: null,
        failures: 0,
      },
    ];
  });
  // Paired by round: each round's two runs were made seconds apart.
  const warmRatio = median(
    warm.get(on.name)!.map((r, i) => r.requestsPerSecond / warm.get(off.name)![i]!.requestsPerSecond),
  );
  const coldRatio = median(cold.get(on.name)!) / median(cold.get(off.name)!);
  const yardsticks: Yardstick[] = [
    {
      scenario: 'store on vs off, warm search',
      target: 'req/s with the store on within 5% of off',
      result: `${warmRatio.toFixed(3)}× (${median(warm.get(on.name)!.map((r) => r.requestsPerSecond)).toFixed(0)} vs ${median(warm.get(off.name)!.map((r) => r.requestsPerSecond)).toFixed(0)} req/s)`,
      met: warmRatio >= 0.95,
    },
    {
      scenario: 'store on vs off, cold search',
      target: 'p50 with the store on within 5% of off',
      result: `${coldRatio.toFixed(3)}× (${median(cold.get(on.name)!).toFixed(1)} vs ${median(cold.get(off.name)!).toFixed(1)} ms)`,
      met: coldRatio <= 1.05,
    },
  ];

  const listings = settings.listings > 0 ? settings.listings : 100_000;
  let reachable = true;
  const figures = await historyFigures(listings, postgresAdminUrl).catch(async (error: unknown) => {
    log(`  PostgreSQL not usable (${(error as Error).message}): PGlite only`);
    reachable = false;
    return historyFigures(listings, null);
  });
  for (const f of figures) {
    log(
      `  ${f.engine}: ${f.writtenPerSecond[0]}/s first sightings, ${f.writtenPerSecond[1]}/s second sweep; market over ${f.listings} listings ${f.marketMedianMs} ms`,
    );
    yardsticks.push({
      scenario: `history store (${f.engine})`,
      target: 'figures only (observations written per second, `market` latency)',
      result:
        `${f.writtenPerSecond[0].toLocaleString('en')} observations/s written (first sightings), ` +
        `${f.writtenPerSecond[1].toLocaleString('en')}/s (second sweep, 10% price changes); ` +
        `market over ${f.listings.toLocaleString('en')} listings: median ${f.marketMedianMs} ms (5 runs); ${f.dropped} dropped`,
      met: f.dropped === 0,
    });
  }
  if (!reachable) {
    yardsticks.push({
      scenario: 'history store (postgres)',
      target: 'figures only',
      result: 'not measured: PostgreSQL not reachable (BENCH_POSTGRES_URL)',
      met: false,
    });
  }
  for (const y of yardsticks) log(`  ${y.scenario}: ${y.result}`);
  return { rows, yardsticks };
}

/**
 * The floor: the same prober against a fresh gateway doing nothing, for as long as a burst
 * takes. On a shared machine the scheduler alone delays the prober and the gateway; a burst's
 * /health figures mean something only next to this.
 */
async function idleProbes(
  upstream: SandboxReady,
  prober: Child,
): Promise<{ row: Row; yardstick: Yardstick }> {
  const seconds = 15;
  log(`burst baseline: no searches, /health probed every 10 ms for ${seconds} s`);
  const { child: gateway, ready: url } = await start<string>('gateway', {
    env: { ...gatewayEnv(upstream), ...LIVENESS_ENV },
  });
  await graphql(url, searchBody('310000'));
  await gateway.call('lagReset');
  await prober.call('start', { urls: await probeUrls(gateway, url), intervalMs: 10 });
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const [health, mainHealth] = await prober.call<[ProbeFigures, ProbeFigures]>('stop');
  const lag = await gateway.call<LagFigures>('lag');
  await gateway.stop();
  const searches = { count: 0, ok: 0, shed: 0, other: 0, otherKinds: {}, p50Ms: 0, p99Ms: 0 };
  const report = burstReport({ searches, health, mainHealth, lag }, ' (baseline: idle gateway, no burst)');
  report.yardstick.target = 'none: the floor this machine sets (scheduler delays while idle)';
  report.yardstick.met = true;
  log(`  ${report.yardstick.result}`);
  return report;
}

/** The liveness listener's /health first (what the target is about), then the main port's. */
async function probeUrls(gateway: Child, url: string): Promise<string[]> {
  const liveness = await gateway.call<string | null>('healthUrl');
  if (!liveness) throw new Error('the gateway runs no liveness listener');
  return [liveness, url.replace(/\/graphql$/, '/health')];
}

async function memoryScenario(sandbox: Child, gateway: Child, url: string) {
  const steps = 5;
  const perStep = Math.ceil(settings.listings / steps / MEMORY_BATCH);
  log(
    `memory: ${settings.listings} distinct listings, ${MEMORY_BATCH} per request (nodes), in ${steps} steps; ` +
      'upstream latency 0 ms for this one',
  );
  await sandbox.call('setLatency', 0);
  await gateway.call('clear');
  await gateway.call('peak');
  const refs = await sandbox.call<ListingRef[]>('refs', settings.listings);
  if (refs.length < settings.listings) throw new Error(`the sandbox has only ${refs.length} listings`);
  const ids = refs.map((ref) => encodeGlobalId('Listing', listingLocalId(ref)));
  let next = 0;
  const body = () => {
    const batch = ids.slice(next, next + MEMORY_BATCH);
    next += MEMORY_BATCH;
    return nodesBody(batch.length > 0 ? batch : ids.slice(0, MEMORY_BATCH));
  };
  const before = await sandbox.call<number>('calls');
  const checkpoints: MemoryCheckpoint[] = [];
  // The fill saturates the gateway on purpose (no upstream latency), so load shedding may refuse
  // a few of its requests (503): that is overload protection working, counted apart. The cache
  // fills all the same; a failure is anything else (errors, timeouts, other statuses).
  let failures = 0;
  let shed = 0;
  const figures: LoadFigures[] = [];
  for (let i = 0; i < steps; i++) {
    const run = await load({ url, connections: 8, amount: perStep, body });
    figures.push(run);
    const refused = run.statusCodes['503'] ?? 0;
    shed += refused;
    failures += run.failures - refused;
    const rss = await gateway.call<number>('rss');
    const heap = await gateway.call<NodeJS.MemoryUsage>('heap');
    checkpoints.push({
      listings: Math.min(next, settings.listings),
      rssMb: mb(rss),
      liveHeapMb: mb(heap.heapUsed),
      externalMb: mb(heap.external),
      arrayBuffersMb: mb(heap.arrayBuffers),
      caches: await gateway.call<Record<string, number>>('sizes'),
    });
    const last = checkpoints.at(-1)!;
    log(
      `  ${last.listings} listings: RSS ${last.rssMb} MB, live heap ${last.liveHeapMb} MB, ` +
        `external ${last.externalMb} MB (array buffers ${last.arrayBuffersMb} MB), ${last.caches.detail} details cached`,
    );
  }
  const listingsPushed = Math.min(next, settings.listings);
  const upstreamCalls = (await sandbox.call<number>('calls')) - before;
  const peak = mb(await gateway.call<number>('peak'));
  await sandbox.call('setLatency', settings.latencyMs);
  const maxEntries = Number(process.env.CACHE_MAX_ENTRIES || 20_000);
  const last = checkpoints.at(-1)!;
  // Flat: from the step after the detail cache filled up to the end, RSS and live heap stay put.
  const filled = checkpoints.find((c) => c.listings >= 2 * maxEntries) ?? checkpoints[0]!;
  const growth = last.rssMb / filled.rssMb - 1;
  const heapGrowth = last.liveHeapMb / filled.liveHeapMb - 1;
  return {
    checkpoints,
    row: {
      scenario: `memory (${settings.listings.toLocaleString('en')} listings)`,
      system: 'gateway',
      requestsPerSecond: sum(figures.map((f) => f.requests)) / sum(figures.map((f) => f.seconds)),
      p50Ms: median(figures.map((f) => f.p50Ms)),
      p99Ms: median(figures.map((f) => f.p99Ms)),
      upstreamCallsPerQuery: upstreamCalls / listingsPushed,
      peakRssMb: peak,
      vsCeiling: null,
      failures,
    } satisfies Row,
    yardstick: {
      scenario: 'memory',
      target: `details cached ≤ CACHE_MAX_ENTRIES (${maxEntries}); RSS and live heap flat once full (≤ +10%)`,
      result:
        `${last.caches.detail} details cached; from ${filled.listings.toLocaleString('en')} to ` +
        `${last.listings.toLocaleString('en')} listings RSS ${filled.rssMb} → ${last.rssMb} MB ` +
        `(${pct(growth)}), live heap ${filled.liveHeapMb} → ${last.liveHeapMb} MB (${pct(heapGrowth)})` +
        (shed > 0 ? `; ${shed} fill requests shed with 503 (their listings not pushed)` : ''),
      met:
        (last.caches.detail ?? Number.POSITIVE_INFINITY) <= maxEntries &&
        growth <= 0.1 &&
        heapGrowth <= 0.1 &&
        failures === 0,
    } satisfies Yardstick,
    footprint: {
      scenario: 'memory footprint',
      target: `with ${maxEntries} details cached: RSS ≤ 350 MB, live heap ≤ 60 MB`,
      result: `RSS ${last.rssMb} MB, live heap ${last.liveHeapMb} MB (${last.caches.detail} details cached)`,
      met: last.rssMb <= 350 && last.liveHeapMb <= 60,
    } satisfies Yardstick,
  };
}

/** The configuration the gateway runs with: the product's defaults, except as said in the notes. */
function gatewayEnv(upstream: SandboxReady): Record<string, string> {
  return {
    // Its own history store (PGlite, one process per directory): two gateways on one directory
    // corrupt it, and a run must not start with the observations of the runs before it.
    DATA_DIR: scratchDir(),
    NODE_ENV: 'production',
    // As the container image sets it (Dockerfile): fewer glibc arenas for the gateway's threads.
    MALLOC_ARENA_MAX: '2',
    // Only to measure the page's transfer size; it changes nothing on the POST path.
    GRAPHIQL: '1',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    LOG_PRETTY: '0',
    // The sandbox on its own ports, reached as a live provider would be (same adapters, same client).
    SANDBOX: '0',
    BEIKE_TOKEN: upstream.credentials.beikeToken,
    BEIKE_BASE_URL: upstream.beikeUrl,
    FANG_KEY: upstream.credentials.fangKey,
    FANG_SECRET: upstream.credentials.fangSecret,
    FANG_BASE_URL: upstream.fangUrl,
    // Pacing, budgets and client quotas protect real providers; here they would measure themselves.
    BEIKE_RATE_PER_SECOND: '100000',
    FANG_RATE_PER_SECOND: '100000',
    BEIKE_DAILY_BUDGET: '100000000',
    FANG_DAILY_BUDGET: '100000000',
    CLIENT_REQUESTS_PER_MINUTE: '0',
    CLIENT_COST_PER_MINUTE: '0',
  };
}

interface Wire {
  bytes: Buffer;
  contentEncoding: string | undefined;
}

/** One exchange over node:http, which, unlike fetch, leaves the body as it was sent. */
function exchange(
  url: string,
  method: string,
  headers: Record<string, string>,
  body?: string,
): Promise<Wire> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        if (res.statusCode !== 200) reject(new Error(`${url} answered ${res.statusCode}`));
        const encoding = res.headers['content-encoding'];
        resolve({ bytes: Buffer.concat(chunks), contentEncoding: encoding });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * A setup request, asked again while the gateway sheds load (503): a gateway that has just started
 * on a busy machine lags while it compiles its modules, and its overload guard says so.
 */
async function patiently<T>(ask: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await ask();
    } catch (error) {
      if (attempt >= 10 || !/answered 503/.test(String(error))) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
}

function wire(url: string, body: string): Promise<Wire> {
  return patiently(() =>
    exchange(
      url,
      'POST',
      {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json',
        'accept-encoding': ACCEPT_ENCODING,
      },
      body,
    ),
  );
}

function canned(answer: Wire): { body: string; contentEncoding?: string } {
  return {
    body: answer.bytes.toString('base64'),
    ...(answer.contentEncoding ? { contentEncoding: answer.contentEncoding } : {}),
  };
}

async function graphiqlSizes(url: string): Promise<GraphiqlSizes> {
  const size = async (encoding: string) =>
    (await patiently(() => exchange(url, 'GET', { accept: 'text/html', 'accept-encoding': encoding }))).bytes
      .length;
  return { identity: await size('identity'), gzip: await size('gzip'), br: await size('br') };
}

interface Answer {
  text: string;
  json: { data?: unknown; errors?: unknown[] };
  contentType: string;
}

function graphql(url: string, body: string): Promise<Answer> {
  return patiently(() => graphqlOnce(url, body));
}

async function graphqlOnce(url: string, body: string): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body,
  });
  const text = await response.text();
  const json = JSON.parse(text) as { data?: unknown; errors?: unknown[] };
  if (response.status !== 200 || json.errors?.length || !json.data) {
    throw new Error(`the gateway answered ${response.status}: ${text.slice(0, 500)}`);
  }
  return { text, json, contentType: response.headers.get('content-type') ?? 'application/json' };
}

function median(values: number[]): number {
  return percentile(values, 50);
}

/** Nearest rank. */
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return (
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN
  );
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function pct(fraction: number): string {
  return `${fraction >= 0 ? '+' : ''}${(fraction * 100).toFixed(1)}%`;
}

function mb(bytes: number): number {
  return Math.round(bytes / 2 ** 20);
}
