import { describe, expect, it } from 'vitest';
import { growingLru } from '../../src/domain/growing-lru.js';

describe('growingLru', () => {
  it('holds at most max entries, dropping the least recently used', () => {
    const lru = growingLru<string, number>(3);
    for (const [i, key] of ['a', 'b', 'c'].entries()) lru.set(key, i);
    lru.get('a');
    lru.set('d', 3);
    expect(lru.size).toBe(3);
    expect([...lru.keys()].sort()).toEqual(['a', 'c', 'd']);
  });

  it('stays bounded through many more entries than max', () => {
    const lru = growingLru<number, number>(1_000);
    for (let i = 0; i < 10_000; i++) lru.set(i, i);
    expect(lru.size).toBe(1_000);
    expect(lru.get(9_999)).toBe(9_999);
    expect(lru.get(8_999)).toBeUndefined();
  });
});
