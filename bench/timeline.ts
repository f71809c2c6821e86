/**
 * The upstream calls of one query laid out in time, from the sandbox's call log: how many
 * sequential waves of round trips the query waited for, and where the gateway's own time went
 * (before the first call, between waves, after the last answer).
 */

export interface TimedCall {
  /** provider and path, e.g. "beike /api/beike/ershoufang/detail/v1". */
  what: string;
  /** Epoch ms the sandbox received it and wrote its answer (null: no answer was written). */
  at: number;
  answeredAt: number | null;
}

export interface Wave {
  /** 1 for calls that waited for no answer of this query; n+1 for those started after a wave-n answer. */
  wave: number;
  calls: number;
  /** Per kind of call, how many. */
  kinds: Record<string, number>;
  /** Relative to the query's start, ms: the first call started, the last started, the last answered. */
  firstStartMs: number;
  lastStartMs: number;
  lastAnswerMs: number | null;
}

export interface Timeline {
  waves: Wave[];
  /** The query's latency as the client saw it, ms. */
  totalMs: number;
  /** From the last upstream answer to the client having the response, ms. */
  tailMs: number | null;
}

/**
 * A call's wave is one more than the highest wave of the calls answered before it started: the
 * longest chain of answers it can have waited for. Clocks are the machine's one wall clock, read
 * in two processes (ms resolution).
 */
export function timelineOf(calls: readonly TimedCall[], startedAt: number, endedAt: number): Timeline {
  const sorted = [...calls].sort((a, b) => a.at - b.at);
  const waveOf = new Map<TimedCall, number>();
  for (const call of sorted) {
    let wave = 1;
    for (const [earlier, w] of waveOf)
      if (earlier.answeredAt !== null && earlier.answeredAt <= call.at) wave = Math.max(wave, w + 1);
    waveOf.set(call, wave);
  }
  const waves: Wave[] = [];
  for (const [call, w] of waveOf) {
    let wave = waves[w - 1];
    if (!wave) {
      for (let i = waves.length; i < w; i++)
        waves[i] = {
          wave: i + 1,
          calls: 0,
          kinds: {},
          firstStartMs: Number.POSITIVE_INFINITY,
          lastStartMs: 0,
          lastAnswerMs: null,
        };
      wave = waves[w - 1] as Wave;
    }
    wave.calls++;
    wave.kinds[call.what] = (wave.kinds[call.what] ?? 0) + 1;
    wave.firstStartMs = Math.min(wave.firstStartMs, call.at - startedAt);
    wave.lastStartMs = Math.max(wave.lastStartMs, call.at - startedAt);
    if (call.answeredAt !== null)
      wave.lastAnswerMs = Math.max(wave.lastAnswerMs ?? 0, call.answeredAt - startedAt);
  }
  const lastAnswer = Math.max(...calls.map((c) => c.answeredAt ?? Number.NEGATIVE_INFINITY));
  return {
    waves,
    totalMs: endedAt - startedAt,
    tailMs: Number.isFinite(lastAnswer) ? endedAt - lastAnswer : null,
  };
}

/** One line per wave, e.g. "wave 2: 22 calls started +61..+70 ms, answered by +125 ms (beike detail ×10, …)". */
export function describeTimeline(timeline: Timeline): string[] {
  const lines = timeline.waves.map((w) => {
    const kinds = Object.entries(w.kinds)
      .map(([what, n]) => `${what} ×${n}`)
      .join(', ');
    const answered = w.lastAnswerMs === null ? 'not all answered' : `answered by +${w.lastAnswerMs} ms`;
    return `wave ${w.wave}: ${w.calls} calls started +${w.firstStartMs}..+${w.lastStartMs} ms, ${answered} (${kinds})`;
  });
  lines.push(
    `response at +${timeline.totalMs.toFixed(0)} ms` +
      (timeline.tailMs === null ? '' : `, ${timeline.tailMs.toFixed(0)} ms after the last upstream answer`),
  );
  return lines;
}
