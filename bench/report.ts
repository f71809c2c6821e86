/** The figures of one `npm run bench`, as written to bench/results/latest.json and printed. */

export interface Row {
  scenario: string;
  system: string;
  /** null where throughput is not what the scenario measures (single cold queries, the herd). */
  requestsPerSecond: number | null;
  p50Ms: number;
  p99Ms: number;
  /** Calls counted at the sandbox divided by queries answered; null for the yardsticks. */
  upstreamCallsPerQuery: number | null;
  peakRssMb: number;
  /** Requests per second as a fraction of the ceiling's, measured in the same rounds. */
  vsCeiling: number | null;
  failures: number;
}

export interface Yardstick {
  scenario: string;
  target: string;
  result: string;
  met: boolean;
}

export interface BenchResult {
  date: string;
  machine: { cores: number; cpu: string; node: string; platform: string; memoryGb: number };
  settings: Record<string, number | string>;
  rows: Row[];
  yardsticks: Yardstick[];
  memory: MemoryCheckpoint[];
  notes: string[];
}

export interface MemoryCheckpoint {
  listings: number;
  rssMb: number;
  /** Heap in use right after a full garbage collection: what the process really holds. */
  liveHeapMb: number;
  /** Memory V8 tracks outside its heap (Buffers, WASM memory such as PGlite's), and the ArrayBuffer part of it. */
  externalMb: number;
  arrayBuffersMb: number;
  caches: Record<string, number>;
}

const kb = (bytes: number | string | undefined) => `${(Number(bytes) / 1024).toFixed(1)} KB`;
const fixed = (value: number | null, digits: number) => (value === null ? '—' : value.toFixed(digits));

export function markdownReport(result: BenchResult): string {
  const { machine, settings } = result;
  const lines = [
    `Run ${result.date} on ${machine.cores} cores (${machine.cpu}), Node ${machine.node}, ${machine.platform}; ` +
      `upstream latency ${settings.latencyMs} ms; ${settings.rounds} rounds × ${settings.seconds} s at ` +
      `${settings.connections} connections for the warm scenarios (answers of ${kb(settings.searchAnswerBytes)} ` +
      `for the search, ${kb(settings.listingAnswerBytes)} for the listing); whole run ${settings.durationSeconds} s.`,
    '',
    '| scenario | system | req/s | p50 ms | p99 ms | upstream calls/query | peak RSS MB | vs ceiling |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
    ...result.rows.map(
      (r) =>
        `| ${r.scenario} | ${r.system} | ${fixed(r.requestsPerSecond, 0)} | ${fixed(r.p50Ms, 1)} | ` +
        `${fixed(r.p99Ms, 1)} | ${fixed(r.upstreamCallsPerQuery, 2)} | ${r.peakRssMb} | ` +
        `${r.vsCeiling === null ? '—' : `${r.vsCeiling.toFixed(r.vsCeiling < 0.1 ? 3 : 2)}×`}${r.failures ? ` (${r.failures} failed)` : ''} |`,
    ),
    '',
    '| yardstick | target | result | met |',
    '|---|---|---|---|',
    ...result.yardsticks.map(
      (y) => `| ${y.scenario} | ${y.target} | ${y.result} | ${y.met ? 'yes' : '**no**'} |`,
    ),
  ];
  if (result.memory.length > 0) {
    lines.push(
      '',
      '| listings pushed | gateway RSS MB | live heap MB | details cached |',
      '|---:|---:|---:|---:|',
      ...result.memory.map(
        (m) =>
          `| ${m.listings.toLocaleString('en')} | ${m.rssMb} | ${m.liveHeapMb} | ${m.caches.detail ?? '—'} |`,
      ),
    );
  }
  lines.push('', ...result.notes.map((n) => `- ${n}`));
  return lines.join('\n');
}
