import { describe, expect, it } from 'vitest';
import type { Observation } from '../../src/store/history/observation.js';
import { ObservationQueue } from '../../src/store/history/queue.js';

const obs = (n: number): Observation[] =>
  Array.from({ length: n }, (_, i) => ({ provider: 'BEIKE', sourceId: String(i), seenAt: i, listing: null }));

describe('the observation queue', () => {
  it('never waits for a slow database: beyond its capacity it drops and counts', async () => {
    const dropped: Record<string, number> = {};
    let release!: () => void;
    const blocked = new Promise<void>((resolve) => {
      release = resolve;
    });
    const written: number[] = [];
    const queue = new ObservationQueue({
      capacity: 100,
      batchSize: 10,
      write: async (batch) => {
        await blocked;
        written.push(batch.length);
      },
      onDrop: (count, reason) => {
        dropped[reason] = (dropped[reason] ?? 0) + count;
      },
    });
    // offer() is synchronous: 300 offered while the writer hangs, one batch taken, 100 held, the rest dropped.
    for (let i = 0; i < 30; i++) queue.offer(obs(10));
    expect(dropped.full).toBe(190);
    release();
    await queue.flush();
    expect(written.reduce((a, b) => a + b, 0)).toBe(110);
    await queue.close();
    queue.offer(obs(3));
    expect(dropped.closed).toBe(3);
  });

  it('drops a batch whose write fails, counts it, and goes on with the next', async () => {
    const dropped: Record<string, number> = {};
    let calls = 0;
    const queue = new ObservationQueue({
      batchSize: 5,
      write: async () => {
        calls++;
        if (calls === 1) throw new Error('connection refused');
      },
      onDrop: (count, reason) => {
        dropped[reason] = (dropped[reason] ?? 0) + count;
      },
    });
    queue.offer(obs(12));
    await queue.flush();
    expect(dropped).toEqual({ error: 5 });
    expect(calls).toBe(3);
    await queue.close();
  });
});
