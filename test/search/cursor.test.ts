import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PROVIDERS } from '../../src/domain/listing.js';
import {
  CursorError,
  decodeCursor,
  encodeCursor,
  fingerprintOf,
  type SearchCursor,
} from '../../src/search/cursor.js';

const FP = fingerprintOf({ query: { cityId: '110000' }, providers: ['BEIKE', 'FANG'] });

const cursors: fc.Arbitrary<SearchCursor> = fc.record(
  {
    fingerprint: fc.constant(FP),
    offsets: fc.dictionary(fc.constantFrom(...PROVIDERS), fc.nat(1_000_000)),
    dropped: fc.uniqueArray(fc.constantFrom(...PROVIDERS), { minLength: 1 }),
    emptyRetries: fc.integer({ min: 1, max: 100 }),
  },
  { requiredKeys: ['fingerprint', 'offsets'] },
);

describe('search cursors', () => {
  it('decode to what was encoded, and are plain base64url', () => {
    fc.assert(
      fc.property(cursors, (cursor) => {
        const text = encodeCursor(cursor);
        expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
        expect(decodeCursor(text, FP)).toEqual(cursor);
      }),
    );
  });

  it('belong to one search: another fingerprint is refused', () => {
    const text = encodeCursor({ fingerprint: FP, offsets: { BEIKE: 20 } });
    const other = fingerprintOf({ query: { cityId: '310000' }, providers: ['BEIKE', 'FANG'] });
    expect(() => decodeCursor(text, other)).toThrow(CursorError);
    expect(() => decodeCursor(text, other)).toThrow('belongs to a different search');
  });

  it('refuse anything else as "is not a cursor", never another error', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 600 }), (text) => {
        try {
          decodeCursor(text, FP);
        } catch (error) {
          expect(error).toBeInstanceOf(CursorError);
        }
      }),
    );
    const json = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const bad of [
      '',
      'a'.repeat(513),
      'not a cursor!',
      json({ v: 2, f: FP, o: {} }),
      json({ v: 1, f: FP, o: { BEIKE: -1 } }),
      json({ v: 1, f: FP, o: { OTHER: 1 } }),
      json({ v: 1, f: FP, o: {}, extra: true }),
    ]) {
      expect(() => decodeCursor(bad, FP), bad).toThrow('is not a cursor');
    }
  });

  it('fingerprints do not depend on key order, and do on values', () => {
    expect(fingerprintOf({ a: 1, b: [2, 1] })).toBe(fingerprintOf({ b: [1, 2], a: 1 }));
    expect(fingerprintOf({ a: 1 })).not.toBe(fingerprintOf({ a: 2 }));
    expect(FP).toMatch(/^[A-Za-z0-9_-]{16}$/);
  });
});
