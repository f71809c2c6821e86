import { describe, expect, it } from 'vitest';
import { BoundedMemo } from '../../src/domain/memo.js';

describe('BoundedMemo', () => {
  it('works a key out once, null included', () => {
    const memo = new BoundedMemo<string | null>(10);
    let made = 0;
    const make = (value: string | null) => () => {
      made++;
      return value;
    };
    expect(memo.get('a', make('A'))).toBe('A');
    expect(memo.get('a', make('other'))).toBe('A');
    expect(memo.get('n', make(null))).toBeNull();
    expect(memo.get('n', make('other'))).toBeNull();
    expect(made).toBe(2);
  });

  it('starts over past its bound, so outside keys cannot grow it without end', () => {
    const memo = new BoundedMemo<number>(3);
    let made = 0;
    const make = () => ++made;
    for (const key of ['a', 'b', 'c']) memo.get(key, make);
    expect(memo.get('a', make)).toBe(1);
    memo.get('d', make);
    expect(memo.get('a', make)).toBe(5);
  });
});
