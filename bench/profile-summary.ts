import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

/** Where a function lives, coarsely: a package, one of our files, or Node's internals. */
function moduleOf(url: string): string {
  if (!url) return '(native/V8)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const own = /\/((?:src|bench)\/.*)$/.exec(url);
  if (own) return own[1]!;
  return url.startsWith('node:') ? 'node internals' : url;
}

/**
 * Busy CPU time of a V8 `.cpuprofile` (idle left out), by module and by function (self time:
 * time spent in the function's own code, not in what it calls), leaving out the first
 * `skipFirstMs` of the profile.
 */
export function summariseProfile(file: string, top: number, skipFirstMs = 0): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as {
    nodes: ProfileNode[];
    samples: number[];
    timeDeltas: number[];
  };
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const byFunction = new Map<string, number>();
  const byModule = new Map<string, number>();
  let busyUs = 0;
  let elapsedUs = 0;
  profile.samples.forEach((id, i) => {
    const frame = nodes.get(id)?.callFrame;
    const delta = profile.timeDeltas[i] ?? 0;
    elapsedUs += delta;
    // Startup (module loading, compilation) is not what a steady-state scenario costs.
    if (elapsedUs < skipFirstMs * 1000) return;
    if (!frame || frame.functionName === '(idle)') return;
    busyUs += delta;
    const module = moduleOf(frame.url);
    const name = `${frame.functionName || '(anonymous)'}  ${module}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + delta);
    byModule.set(module, (byModule.get(module) ?? 0) + delta);
  });
  const list = (map: Map<string, number>) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => `${((us / busyUs) * 100).toFixed(1).padStart(5)}%  ${name}`);
  return [
    `busy CPU ${(busyUs / 1e6).toFixed(1)} s; self time by module:`,
    ...list(byModule),
    'by function:',
    ...list(byFunction),
  ].join('\n');
}
