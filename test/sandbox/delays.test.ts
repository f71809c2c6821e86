import { describe, expect, it } from 'vitest';
import { Delays } from '../../src/sandbox/server/delays.js';

describe('sandbox delays', () => {
  it('holds many waits at once without a listener each, and ends them all on close', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const delays = new Delays();
      expect(await delays.sleep(1)).toBe(true);
      const waits = Array.from({ length: 50 }, () => delays.sleep(60_000));
      expect(delays.pending).toBe(50);
      delays.close();
      expect(await Promise.all(waits)).toEqual(Array(50).fill(false));
      expect(delays.pending).toBe(0);
      expect(await delays.sleep(10)).toBe(false);
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });
});
