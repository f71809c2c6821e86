import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { backoffDelayMs, parseRetryAfterSeconds, retryDelayMs } from '../../src/http/backoff.js';
import { BodyTooLargeError, readBodyLimited } from '../../src/http/read-body.js';
import { redact } from '../../src/http/redact.js';
import { encodeQuery } from '../../src/http/transport.js';
import { chinaDayNumber, DailyBudget, msUntilNextChinaMidnight } from '../../src/state/china-day.js';
import { CircuitBreaker } from '../../src/state/circuit-breaker.js';
import { TokenBucket } from '../../src/state/token-bucket.js';

describe('backoff', () => {
  const policy = { baseDelayMs: 1000, maxDelayMs: 8000 };

  it('doubles per failure and keeps at least half of the delay (equal jitter)', () => {
    expect([1, 2, 3, 4].map((n) => backoffDelayMs(n, policy, 0))).toEqual([500, 1000, 2000, 4000]);
    expect([1, 2, 3, 4].map((n) => backoffDelayMs(n, policy, 1))).toEqual([1000, 2000, 4000, 8000]);
    expect(backoffDelayMs(2, policy, 0.5)).toBe(1500);
  });

  it('is capped by maxDelayMs', () => {
    expect(backoffDelayMs(10, policy, 1)).toBe(8000);
    expect(backoffDelayMs(10, policy, 0)).toBe(4000);
  });

  it('honours a Retry-After only when it is longer than the backoff', () => {
    expect(retryDelayMs(1, policy, 1, 3)).toBe(3000);
    expect(retryDelayMs(3, policy, 1, 1)).toBe(4000);
    expect(retryDelayMs(1, policy, 0, undefined)).toBe(500);
  });

  it('parses Retry-After seconds and HTTP dates', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfterSeconds('7', now)).toBe(7);
    expect(parseRetryAfterSeconds(['2'], now)).toBe(2);
    expect(parseRetryAfterSeconds('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30);
    expect(parseRetryAfterSeconds('soon', now)).toBeUndefined();
    expect(parseRetryAfterSeconds(undefined, now)).toBeUndefined();
  });
});

describe('TokenBucket', () => {
  it('allows the burst at once, then one token per 1/rate', () => {
    const bucket = new TokenBucket(10, 2, 0);
    expect(bucket.reserve(0)).toEqual({ granted: true, waitMs: 0 });
    expect(bucket.reserve(0)).toEqual({ granted: true, waitMs: 0 });
    expect(bucket.reserve(0).waitMs).toBeCloseTo(100);
    // Queued reservations wait for their own token, in order (FIFO).
    expect(bucket.reserve(0).waitMs).toBeCloseTo(200);
    expect(bucket.reserve(0).waitMs).toBeCloseTo(300);
  });

  it('holds the rate over time: n reservations at r/s span (n - burst)/r seconds', () => {
    const bucket = new TokenBucket(20, 1, 0);
    let last = 0;
    for (let i = 0; i < 20; i++) last = bucket.reserve(0).waitMs;
    expect(last).toBeCloseTo(950);
  });

  it('refuses without taking a token when the wait would exceed the limit', () => {
    const bucket = new TokenBucket(1, 1, 0);
    bucket.reserve(0);
    expect(bucket.reserve(0, 500)).toEqual({ granted: false, waitMs: 1000 });
    // Nothing was taken by the refusal: the next token is still 1 s away, not 2 s.
    expect(bucket.reserve(0).waitMs).toBeCloseTo(1000);
  });

  it('refills with elapsed time up to the burst, and refunds', () => {
    const bucket = new TokenBucket(10, 3, 0);
    for (let i = 0; i < 3; i++) bucket.reserve(0);
    expect(bucket.reserve(1000).waitMs).toBe(0);
    expect(bucket.reserve(1000).waitMs).toBe(0);
    expect(bucket.reserve(1000).waitMs).toBe(0);
    expect(bucket.reserve(1000).waitMs).toBeCloseTo(100);
    bucket.refund(1000);
    expect(bucket.reserve(1000).waitMs).toBeCloseTo(100);
  });
});

describe('daily budget (China calendar day)', () => {
  // 2026-03-01 23:59:59.000 in UTC+8 is 15:59:59Z.
  const justBeforeMidnight = Date.parse('2026-03-01T15:59:59.000Z');
  const midnight = Date.parse('2026-03-01T16:00:00.000Z');

  it('changes day at 16:00 UTC', () => {
    expect(chinaDayNumber(midnight) - chinaDayNumber(justBeforeMidnight)).toBe(1);
    expect(chinaDayNumber(midnight - 1)).toBe(chinaDayNumber(justBeforeMidnight));
    expect(msUntilNextChinaMidnight(justBeforeMidnight)).toBe(1000);
    expect(msUntilNextChinaMidnight(midnight)).toBe(24 * 3600 * 1000);
  });

  it('counts down, refuses when spent, and resets at UTC+8 midnight', () => {
    const budget = new DailyBudget(2);
    expect(budget.tryConsume(justBeforeMidnight)).toBe(true);
    expect(budget.tryConsume(justBeforeMidnight)).toBe(true);
    expect(budget.tryConsume(midnight - 1)).toBe(false);
    expect(budget.remaining(midnight - 1)).toBe(0);
    expect(budget.remaining(midnight)).toBe(2);
    expect(budget.tryConsume(midnight)).toBe(true);
    expect(budget.remaining(midnight + 1)).toBe(1);
  });
});

describe('CircuitBreaker', () => {
  it('opens at the threshold of consecutive failures; other outcomes reset the count', () => {
    const circuit = new CircuitBreaker({ failureThreshold: 3, openMs: 1000 });
    circuit.recordFailure('normal', 0);
    circuit.recordFailure('normal', 0);
    circuit.recordSuccess('normal');
    circuit.recordFailure('normal', 0);
    circuit.recordFailure('normal', 0);
    expect(circuit.state).toBe('closed');
    circuit.recordFailure('normal', 10);
    expect(circuit.state).toBe('open');
    expect(circuit.tryAcquire(500)).toBeNull();
    expect(circuit.retryAfterMs(500)).toBe(510);
  });

  it('lets one probe through after openMs; its outcome decides', () => {
    const circuit = new CircuitBreaker({ failureThreshold: 1, openMs: 1000 });
    circuit.recordFailure('normal', 0);
    expect(circuit.tryAcquire(1000)).toBe('probe');
    expect(circuit.state).toBe('half_open');
    expect(circuit.tryAcquire(1000)).toBeNull();
    // A straggler that started before the circuit opened does not close it.
    circuit.recordSuccess('normal');
    expect(circuit.state).toBe('half_open');
    circuit.recordFailure('probe', 1200);
    expect(circuit.state).toBe('open');
    expect(circuit.tryAcquire(2100)).toBeNull();
    expect(circuit.tryAcquire(2200)).toBe('probe');
    circuit.recordSuccess('probe');
    expect(circuit.state).toBe('closed');
  });

  it('a released probe lets the next caller probe at once', () => {
    const circuit = new CircuitBreaker({ failureThreshold: 1, openMs: 1000 });
    circuit.recordFailure('normal', 0);
    const probe = circuit.tryAcquire(1500);
    expect(probe).toBe('probe');
    circuit.release('probe');
    expect(circuit.state).toBe('open');
    expect(circuit.tryAcquire(1500)).toBe('probe');
  });
});

describe('redact', () => {
  it('replaces raw and URL-encoded forms of every secret', () => {
    const secret = 'a b/c+d&e';
    const text = `raw ${secret} enc ${encodeURIComponent(secret)} form ${new URLSearchParams({ x: secret }).toString().slice(2)}`;
    const out = redact(text, [secret, 'zzz']);
    expect(out).toBe('raw [redacted] enc [redacted] form [redacted]');
  });

  it('ignores empty secrets', () => {
    expect(redact('hello', [''])).toBe('hello');
  });
});

describe('readBodyLimited', () => {
  it('decodes UTF-8 (lossily when invalid)', async () => {
    const body = Readable.from([Buffer.from('望京'), Buffer.from([0xff, 0x41])]);
    expect(await readBodyLimited(body, 100)).toBe('望京\uFFFDA');
  });

  it('fails once the streamed size passes the limit and destroys the stream', async () => {
    const body = Readable.from(
      (function* () {
        for (let i = 0; i < 100; i++) yield Buffer.alloc(10);
      })(),
    );
    await expect(readBodyLimited(body, 55)).rejects.toBeInstanceOf(BodyTooLargeError);
    expect(body.destroyed).toBe(true);
  });

  it('fails up front on a too large Content-Length', async () => {
    const body = Readable.from([Buffer.from('x')]);
    await expect(readBodyLimited(body, 10, '11')).rejects.toBeInstanceOf(BodyTooLargeError);
    expect(await readBodyLimited(Readable.from([Buffer.from('ok')]), 10, '2')).toBe('ok');
  });
});

describe('encodeQuery', () => {
  it('encodes each value exactly once', () => {
    expect(encodeQuery({ q: '望京 a&b=c%', n: '1' })).toBe('?q=%E6%9C%9B%E4%BA%AC%20a%26b%3Dc%25&n=1');
    expect(encodeQuery({})).toBe('');
  });
});
