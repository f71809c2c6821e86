import { EventEmitter } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CannedAnswer } from './ceiling.js';
import type { ListingRef } from './documents.js';
import { serveParent } from './ipc.js';

/**
 * One system under test, in its own process (see ipc.ts): `target.ts <kind> <json argument>`.
 * Each loads only its own modules, so that its memory is its own.
 */

const [kind = '', rawArg = 'null'] = process.argv.slice(2);
const arg: unknown = JSON.parse(rawArg);

/** Peak RSS since the last reset, sampled often enough to see a scenario's high-water mark. */
let peakRss = process.memoryUsage.rss();
setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
}, 50).unref();

const common = {
  peak: () => {
    const peak = Math.max(peakRss, process.memoryUsage.rss());
    peakRss = process.memoryUsage.rss();
    return peak;
  },
  rss: () => process.memoryUsage.rss(),
  /** CPU seconds used so far (user + system). */
  cpu: () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1e6;
  },
  heap: () => {
    (globalThis as { gc?: () => void }).gc?.();
    return process.memoryUsage();
  },
};

const urlOf = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;

switch (kind) {
  case 'sandbox': {
    const { scale, latencyMs } = arg as { scale: number; latencyMs: number };
    // Every delayed answer listens on the sandbox's one shutdown signal: hundreds at once under
    // load are expected here, not a leak.
    EventEmitter.defaultMaxListeners = 0;
    const { startSandbox } = await import('../src/sandbox/index.js');
    const sandbox = await startSandbox({ scale, latencyMs });
    serveParent(
      { beikeUrl: sandbox.beikeUrl, fangUrl: sandbox.fangUrl, credentials: sandbox.credentials },
      {
        ...common,
        calls: () => sandbox.calls.count(),
        resetCalls: () => sandbox.calls.reset(),
        /** What each call was, when it arrived and when it was answered (epoch ms), since the last reset. */
        callLog: () =>
          sandbox.calls.list().map((c) => ({
            what: `${c.provider} ${c.path}`,
            at: c.at,
            answeredAt: c.answeredAt,
          })),
        setLatency: (ms: number) => sandbox.setLatency(ms),
        /** Distinct listings, the two providers interleaved. */
        refs: (n: number): ListingRef[] => {
          const beike = sandbox.data.beike.listings;
          const fang = sandbox.data.fang.houses;
          const refs: ListingRef[] = [];
          for (let i = 0; refs.length < n && (i < beike.length || i < fang.length); i++) {
            const b = beike[i];
            if (b) refs.push({ provider: 'BEIKE', sourceId: b.houseCode, cityId: b.cityId });
            const f = fang[i];
            if (f && refs.length < n) refs.push({ provider: 'FANG', sourceId: f.houseId, cityId: f.cityId });
          }
          return refs;
        },
        exit: () => sandbox.close().then(() => setImmediate(() => process.exit(0))),
      },
    );
    break;
  }
  case 'gateway': {
    const { startApp } = await import('../src/app.js');
    const { loadConfig } = await import('../src/config.js');
    const { monitorEventLoopDelay } = await import('node:perf_hooks');
    const app = await startApp(loadConfig(process.env));
    // The gateway's own event-loop delay, for the burst scenario (bench/burst.ts).
    let profiler: import('node:inspector/promises').Session | null = null;
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    serveParent(app.url, {
      ...common,
      lagReset: () => delay.reset(),
      lag: () => ({
        maxMs: Math.max(0, delay.max / 1e6 - 10),
        p99Ms: Math.max(0, delay.percentile(99) / 1e6 - 10),
        meanMs: Math.max(0, delay.mean / 1e6 - 10),
      }),
      healthUrl: () => app.healthUrl,
      clear: () => app.store.clear(),
      /** A CPU profile of the main thread over one stretch (the cold samples), not the whole run. */
      profileStart: async () => {
        const { Session } = await import('node:inspector/promises');
        profiler = new Session();
        profiler.connect();
        await profiler.post('Profiler.enable');
        await profiler.post('Profiler.start');
      },
      profileStop: async (file: string) => {
        if (!profiler) return;
        const { profile } = await profiler.post('Profiler.stop');
        const { writeFileSync } = await import('node:fs');
        writeFileSync(file, JSON.stringify(profile));
        profiler.disconnect();
        profiler = null;
      },
      sizes: () => app.store.sizes,
      /** Where one uncached request's time goes (bench/anatomy.ts). */
      anatomy: async (body: string) => (await import('./anatomy.js')).requestAnatomy(app, body),
      exit: () => app.close().then(() => setImmediate(() => process.exit(0))),
    });
    break;
  }
  case 'prober': {
    const { startProbing } = await import('./burst.js');
    let stop: (() => Promise<unknown>) | null = null;
    serveParent(null, {
      ...common,
      start: ({ urls, intervalMs }: { urls: string[]; intervalMs: number }) => {
        stop = startProbing(urls, intervalMs);
      },
      stop: () => stop?.(),
      exit: () => setImmediate(() => process.exit(0)),
    });
    break;
  }
  // The answers they serve are too large for a command line: they come as the first call.
  case 'ceiling': {
    serveParent(null, {
      ...common,
      serve: async (answers: CannedAnswer[]) => {
        const { startCeiling } = await import('./ceiling.js');
        return urlOf(await startCeiling(answers));
      },
      exit: () => setImmediate(() => process.exit(0)),
    });
    break;
  }
  case 'plain': {
    serveParent(null, {
      ...common,
      serve: async (data: { search: unknown; listing: unknown }) => {
        const { startPlainYoga } = await import('./plain-yoga.js');
        return urlOf(await startPlainYoga(data));
      },
      exit: () => setImmediate(() => process.exit(0)),
    });
    break;
  }
  case 'mercurius': {
    serveParent(null, {
      ...common,
      serve: async (data: { search: unknown; listing: unknown }) => {
        const { startMercuriusJit } = await import('./mercurius-jit.js');
        return urlOf(await startMercuriusJit(data));
      },
      exit: () => setImmediate(() => process.exit(0)),
    });
    break;
  }
  default:
    throw new Error(`unknown target ${kind}`);
}
