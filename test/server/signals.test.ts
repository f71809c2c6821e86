import { describe, expect, it } from 'vitest';
import { signalPolicy } from '../../src/server/signals.js';

describe('signalPolicy', () => {
  const clocked = () => {
    let t = 0;
    const decide = signalPolicy(() => t);
    return { decide, at: (ms: number) => (t = ms) };
  };

  it('drains once on SIGTERM, whatever SIGTERMs follow', () => {
    const { decide, at } = clocked();
    expect(decide('SIGTERM').action).toBe('drain');
    for (const ms of [1, 50, 5_000, 60_000]) {
      at(ms);
      expect(decide('SIGTERM').action).toBe('ignore');
    }
  });

  it('exits on a second Ctrl-C, not on the same one delivered twice', () => {
    const { decide, at } = clocked();
    expect(decide('SIGINT').action).toBe('drain');
    at(5);
    expect(decide('SIGINT').action).toBe('ignore');
    at(200);
    expect(decide('SIGTERM').action).toBe('ignore');
    at(800);
    expect(decide('SIGINT').action).toBe('exit');
  });

  it('counts the first Ctrl-C during a SIGTERM drain as the first, not the second', () => {
    const { decide, at } = clocked();
    expect(decide('SIGTERM').action).toBe('drain');
    at(1_000);
    expect(decide('SIGINT').action).toBe('ignore');
    at(1_100);
    expect(decide('SIGINT').action).toBe('ignore');
    at(1_500);
    expect(decide('SIGINT').action).toBe('exit');
  });
});
