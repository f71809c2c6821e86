import { afterEach, describe, expect, it } from 'vitest';
import { type TransportOptions, type UpstreamEvent, UpstreamTransport } from '../../src/http/transport.js';
import { memoryLogger } from '../support/logs.js';
import { transportOptions } from '../support/transport.js';
import { type Handler, json, rejection, startUpstream, testJudge } from './upstream.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(handler: Handler, overrides: Partial<TransportOptions> = {}) {
  const upstream = await startUpstream(handler);
  const transport = new UpstreamTransport(transportOptions(upstream.baseUrl, overrides));
  cleanups.push(
    () => upstream.close(),
    () => transport.close(),
  );
  return { upstream, transport };
}

const req = { endpoint: 'item_get', path: '/fang/item_get', query: { house_id: '42' }, id: '42' };
/** Never answers: the "hung" provider. */
const hang: Handler = () => {};

describe('requests', () => {
  it('calls baseUrl (with its prefix) + path, encoding each query value exactly once', async () => {
    const { upstream, transport } = await setup((_q, res) => json(res, 200, { ok: 'yes' }));
    const prefixed = new UpstreamTransport(transportOptions(`${upstream.baseUrl}/prefix/`));
    cleanups.push(() => prefixed.close());
    const query = { q: '望京 a&b=c%', house_id: '1' };
    expect(await transport.request({ ...req, query }, testJudge)).toBe('yes');
    expect(await prefixed.request({ ...req, query }, testJudge)).toBe('yes');
    expect(upstream.hits[0]?.url).toBe('/fang/item_get?q=%E6%9C%9B%E4%BA%AC%20a%26b%3Dc%25&house_id=1');
    expect(upstream.hits[1]?.url).toBe(
      '/prefix/fang/item_get?q=%E6%9C%9B%E4%BA%AC%20a%26b%3Dc%25&house_id=1',
    );
    expect(new URL(upstream.hits[0]!.url, 'http://x').searchParams.get('q')).toBe('望京 a&b=c%');
  });
});

describe('retries', () => {
  it('retries a retryable failure up to maxAttempts and reports the attempts', async () => {
    const { upstream, transport } = await setup((_q, res) => json(res, 503, { retry: true }));
    const error = await rejection(transport.request(req, testJudge));
    expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(error.attempts).toBe(3);
    expect(upstream.hits).toHaveLength(3);
  });

  it('never retries a non-retryable failure', async () => {
    const { upstream, transport } = await setup((_q, res) => json(res, 401, { auth: true }));
    const error = await rejection(transport.request(req, testJudge));
    expect(error.code).toBe('UPSTREAM_AUTH_FAILED');
    expect(error.attempts).toBe(1);
    expect(upstream.hits).toHaveLength(1);
  });

  it('returns the value once a retry succeeds, and reports every attempt to onEvent', async () => {
    const events: UpstreamEvent[] = [];
    const { upstream, transport } = await setup(
      (_q, res, n) => (n < 3 ? json(res, 503, { retry: true }) : json(res, 200, { ok: 7 })),
      { onEvent: (e) => events.push(e) },
    );
    expect(await transport.request(req, testJudge)).toBe(7);
    expect(upstream.hits).toHaveLength(3);
    expect(
      events.map(({ outcome, attempt, willRetry, httpStatus, sent }) => ({
        outcome,
        attempt,
        willRetry,
        httpStatus,
        sent,
      })),
    ).toEqual([
      { outcome: 'UPSTREAM_UNAVAILABLE', attempt: 1, willRetry: true, httpStatus: 503, sent: true },
      { outcome: 'UPSTREAM_UNAVAILABLE', attempt: 2, willRetry: true, httpStatus: 503, sent: true },
      { outcome: 'ok', attempt: 3, willRetry: false, httpStatus: 200, sent: true },
    ]);
    expect(events.every((e) => e.provider === 'FANG' && e.endpoint === 'item_get')).toBe(true);
  });

  it('backs off exponentially between attempts', async () => {
    // random = 1 → waits of exactly base·2^(n-1): 60, 120, 240 ms.
    const { upstream, transport } = await setup((_q, res) => json(res, 503, { retry: true }), {
      retry: { maxAttempts: 4, baseDelayMs: 60, maxDelayMs: 10_000 },
      random: () => 1,
    });
    await rejection(transport.request(req, testJudge));
    const at = upstream.hits.map((h) => h.at);
    expect(at).toHaveLength(4);
    const gaps = [at[1]! - at[0]!, at[2]! - at[1]!, at[3]! - at[2]!];
    expect(gaps[0]).toBeGreaterThanOrEqual(55);
    expect(gaps[1]).toBeGreaterThanOrEqual(115);
    expect(gaps[2]).toBeGreaterThanOrEqual(235);
    expect(gaps[2]! - gaps[0]!).toBeGreaterThan(100);
  });

  it('honours a Retry-After header longer than the backoff', async () => {
    const { upstream, transport } = await setup((_q, res, n) =>
      n === 1 ? json(res, 429, { rate: true }, { 'retry-after': '1' }) : json(res, 200, { ok: 1 }),
    );
    expect(await transport.request(req, testJudge)).toBe(1);
    expect(upstream.hits[1]!.at - upstream.hits[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it('gives up at once when Retry-After would pass the deadline', async () => {
    const { upstream, transport } = await setup(
      (_q, res) => json(res, 429, { rate: true }, { 'retry-after': '30' }),
      {
        deadlineMs: 2000,
      },
    );
    const started = performance.now();
    const error = await rejection(transport.request(req, testJudge));
    expect(error.code).toBe('UPSTREAM_RATE_LIMITED');
    expect(error.attempts).toBe(1);
    expect(upstream.hits).toHaveLength(1);
    expect(performance.now() - started).toBeLessThan(1500);
  });
});

describe('timeouts, limits and broken connections', () => {
  it('times out a hung response, per attempt, and retries it', async () => {
    const { upstream, transport } = await setup(hang, {
      timeoutMs: 150,
      retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 10 },
    });
    const error = await rejection(transport.request(req, testJudge));
    expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(error.retryable).toBe(true);
    expect(error.message).toBe('Fang timed out after 150 ms on item_get');
    expect(error.attempts).toBe(2);
    expect(upstream.hits).toHaveLength(2);
  });

  it('times out a body that keeps trickling in (the timeout covers the whole body)', async () => {
    const timers: NodeJS.Timeout[] = [];
    const { transport } = await setup(
      (_q, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"ok":"');
        timers.push(setInterval(() => res.write('x'), 20));
        res.on('close', () => timers.forEach(clearInterval));
      },
      { timeoutMs: 300, retry: { maxAttempts: 1, baseDelayMs: 10, maxDelayMs: 10 } },
    );
    const started = performance.now();
    const error = await rejection(transport.request(req, testJudge));
    expect(error.message).toBe('Fang timed out after 300 ms on item_get');
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('rejects a streamed body over the limit, drops the connection and does not retry', async () => {
    let connectionClosed = false;
    const { upstream, transport } = await setup(
      (_q, res) => {
        res.on('close', () => {
          connectionClosed = true;
        });
        res.writeHead(200, { 'content-type': 'application/json' });
        const chunk = 'x'.repeat(1024);
        const timer = setInterval(() => res.write(chunk), 5);
        res.on('close', () => clearInterval(timer));
      },
      { maxBodyBytes: 4096 },
    );
    const error = await rejection(transport.request(req, testJudge));
    expect(error.code).toBe('UPSTREAM_BAD_RESPONSE');
    expect(error.retryable).toBe(false);
    expect(error.httpStatus).toBe(200);
    expect(upstream.hits).toHaveLength(1);
    await expect.poll(() => connectionClosed).toBe(true);
  });

  it('rejects a body whose Content-Length is over the limit', async () => {
    const { upstream, transport } = await setup((_q, res) => json(res, 200, { ok: 'x'.repeat(5000) }), {
      maxBodyBytes: 4096,
    });
    const error = await rejection(transport.request(req, testJudge));
    expect(error.code).toBe('UPSTREAM_BAD_RESPONSE');
    expect(upstream.hits).toHaveLength(1);
  });

  it('treats a connection reset as retryable UNAVAILABLE', async () => {
    const { upstream, transport } = await setup((q) => q.socket.destroy());
    const error = await rejection(transport.request(req, testJudge));
    expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(error.message).toMatch(/^Fang connection failed on item_get/);
    expect(error.attempts).toBe(3);
    expect(upstream.hits).toHaveLength(3);
  });

  it('treats a refused connection as retryable UNAVAILABLE', async () => {
    const upstream = await startUpstream(hang);
    await upstream.close();
    const transport = new UpstreamTransport(transportOptions(upstream.baseUrl));
    cleanups.push(() => transport.close());
    const error = await rejection(transport.request(req, testJudge));
    expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(error.message).toBe('Fang connection failed on item_get (ECONNREFUSED)');
    expect(error.attempts).toBe(3);
  });
});

describe('deadline and cancellation', () => {
  it('bounds a hung call by the overall deadline when it is shorter than the timeout', async () => {
    const { transport } = await setup(hang, { timeoutMs: 5000, deadlineMs: 250 });
    const started = performance.now();
    const error = await rejection(transport.request(req, testJudge));
    expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(error.attempts).toBe(1);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('stops retrying when the next backoff would pass the deadline', async () => {
    const { upstream, transport } = await setup((_q, res) => json(res, 503, { retry: true }), {
      deadlineMs: 500,
      retry: { maxAttempts: 10, baseDelayMs: 200, maxDelayMs: 10_000 },
      random: () => 1,
    });
    // Attempt 1 at 0, attempt 2 after 200 ms, next wait (400 ms) would pass 500 ms.
    const error = await rejection(transport.request(req, testJudge));
    expect(upstream.hits).toHaveLength(2);
    expect(error.attempts).toBe(2);
  });

  it('aborts an in-flight call when the caller aborts', async () => {
    let closed = false;
    const { transport } = await setup((_q, res) => {
      res.on('close', () => {
        closed = true;
      });
    });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = performance.now();
    const error = await rejection(transport.request(req, testJudge, controller.signal));
    expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(error.retryable).toBe(true);
    expect(error.message).toBe('Fang call on item_get was aborted by the caller');
    expect(performance.now() - started).toBeLessThan(1500);
    await expect.poll(() => closed).toBe(true);
  });

  it('aborts a backoff wait when the caller aborts', async () => {
    const { upstream, transport } = await setup((_q, res) => json(res, 503, { retry: true }), {
      retry: { maxAttempts: 3, baseDelayMs: 5000, maxDelayMs: 5000 },
    });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = performance.now();
    const error = await rejection(transport.request(req, testJudge, controller.signal));
    expect(error.message).toMatch(/aborted by the caller/);
    expect(error.attempts).toBe(1);
    expect(upstream.hits).toHaveLength(1);
    expect(performance.now() - started).toBeLessThan(1500);
  });
});

describe('pacing', () => {
  it('holds the configured rate: 20 calls at 20/s with burst 1 take about a second', async () => {
    const { upstream, transport } = await setup((_q, res) => json(res, 200, { ok: 1 }), {
      rate: { perSecond: 20, burst: 1 },
    });
    const started = performance.now();
    await Promise.all(Array.from({ length: 20 }, () => transport.request(req, testJudge)));
    const elapsed = performance.now() - started;
    expect(upstream.hits).toHaveLength(20);
    expect(elapsed).toBeGreaterThanOrEqual(850);
    expect(elapsed).toBeLessThan(5000);
  });

  it('fails with RATE_LIMITED, without calling, when the wait for a slot would pass the deadline', async () => {
    const { upstream, transport } = await setup((_q, res) => json(res, 200, { ok: 1 }), {
      rate: { perSecond: 1, burst: 1 },
      deadlineMs: 300,
    });
    const [first, second] = await Promise.allSettled([
      transport.request(req, testJudge),
      transport.request(req, testJudge),
    ]);
    expect(first.status).toBe('fulfilled');
    expect(second.status === 'rejected' && second.reason.code).toBe('UPSTREAM_RATE_LIMITED');
    expect(second.status === 'rejected' && second.reason.retryable).toBe(true);
    expect(upstream.hits).toHaveLength(1);
  });
});

describe('daily budget', () => {
  it('fails fast without calling once spent, and starts over at midnight China time', async () => {
    // 2026-03-01 23:59:00 in UTC+8.
    let now = Date.parse('2026-03-01T15:59:00Z');
    const { upstream, transport } = await setup((_q, res) => json(res, 200, { ok: 1 }), {
      dailyBudget: 2,
      now: () => now,
    });
    await transport.request(req, testJudge);
    await transport.request(req, testJudge);
    expect(transport.budgetRemaining).toBe(0);
    const error = await rejection(transport.request(req, testJudge));
    expect(error.code).toBe('UPSTREAM_QUOTA_EXHAUSTED');
    expect(error.retryable).toBe(false);
    expect(error.retryAfterSeconds).toBe(60);
    expect(error.attempts).toBe(0);
    expect(upstream.hits).toHaveLength(2);

    now = Date.parse('2026-03-01T16:00:00Z');
    expect(transport.budgetRemaining).toBe(2);
    expect(await transport.request(req, testJudge)).toBe(1);
    expect(upstream.hits).toHaveLength(3);
    expect(transport.budgetRemaining).toBe(1);
  });

  it('counts every attempt, retries included', async () => {
    const { upstream, transport } = await setup((_q, res) => json(res, 503, { retry: true }), {
      dailyBudget: 2,
      retry: { maxAttempts: 5, baseDelayMs: 5, maxDelayMs: 5 },
    });
    const error = await rejection(transport.request(req, testJudge));
    expect(upstream.hits).toHaveLength(2);
    expect(error.code).toBe('UPSTREAM_QUOTA_EXHAUSTED');
    expect(error.attempts).toBe(2);
    expect(transport.budgetRemaining).toBe(0);
  });

  it('is unlimited when null', async () => {
    const { transport } = await setup((_q, res) => json(res, 200, { ok: 1 }));
    expect(transport.budgetRemaining).toBeNull();
  });
});

describe('circuit breaker', () => {
  const single = { maxAttempts: 1, baseDelayMs: 5, maxDelayMs: 5 };

  it('opens after N unavailable failures, fails fast, probes once after openMs, and closes', async () => {
    let now = 1_000_000;
    let healthy = false;
    const { upstream, transport } = await setup(
      (_q, res) => (healthy ? json(res, 200, { ok: 'back' }) : json(res, 503, { retry: true })),
      { retry: single, circuit: { failureThreshold: 3, openMs: 5000 }, now: () => now },
    );
    for (let i = 0; i < 3; i++) await rejection(transport.request(req, testJudge));
    expect(transport.circuitState).toBe('open');

    const fast = await rejection(transport.request(req, testJudge));
    expect(fast.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(fast.retryable).toBe(true);
    expect(fast.message).toMatch(/circuit is open/);
    expect(fast.retryAfterSeconds).toBe(5);
    expect(upstream.hits).toHaveLength(3);

    // Probe fails: open again for another openMs.
    now += 5000;
    await rejection(transport.request(req, testJudge));
    expect(upstream.hits).toHaveLength(4);
    expect(transport.circuitState).toBe('open');
    await rejection(transport.request(req, testJudge));
    expect(upstream.hits).toHaveLength(4);

    now += 5000;
    healthy = true;
    expect(await transport.request(req, testJudge)).toBe('back');
    expect(transport.circuitState).toBe('closed');
    expect(await transport.request(req, testJudge)).toBe('back');
    expect(upstream.hits).toHaveLength(6);
  });

  it('lets only one probe through while half open', async () => {
    let now = 0;
    let release: (() => void) | undefined;
    let mode: 'fail' | 'hold' = 'fail';
    const { upstream, transport } = await setup(
      (_q, res) => {
        if (mode === 'fail') json(res, 503, { retry: true });
        else release = () => json(res, 200, { ok: 'probe' });
      },
      { retry: single, circuit: { failureThreshold: 1, openMs: 1000 }, now: () => now },
    );
    await rejection(transport.request(req, testJudge));
    now = 1000;
    mode = 'hold';
    const probe = transport.request(req, testJudge);
    await expect.poll(() => upstream.hits.length).toBe(2);
    expect(transport.circuitState).toBe('half_open');
    const other = await rejection(transport.request(req, testJudge));
    expect(other.message).toMatch(/circuit is open/);
    release?.();
    expect(await probe).toBe('probe');
    expect(transport.circuitState).toBe('closed');
    expect(upstream.hits).toHaveLength(2);
  });

  it('counts timeouts and connection resets; other answers reset the count', async () => {
    const script: Handler[] = [
      (q) => q.socket.destroy(),
      (_q, res) => json(res, 503, { retry: true }),
      (_q, res) => json(res, 401, { auth: true }),
      (q) => q.socket.destroy(),
      hang,
      hang,
    ];
    const { transport } = await setup((q, res, n) => script[n - 1]!(q, res, n), {
      retry: single,
      timeoutMs: 100,
      circuit: { failureThreshold: 3, openMs: 60_000 },
    });
    for (let i = 0; i < 5; i++) await rejection(transport.request(req, testJudge));
    expect(transport.circuitState).toBe('closed');
    await rejection(transport.request(req, testJudge));
    expect(transport.circuitState).toBe('open');
  });
});

describe('secrets', () => {
  const secret = 'S3cr3t/+&= tok';
  const encoded = encodeURIComponent(secret);
  const secretReq = { ...req, query: { token: secret, house_id: '42' } };

  function assertClean(error: Error, lines: readonly string[]) {
    const everything = [error.message, error.stack ?? '', JSON.stringify({ ...error }), ...lines].join('\n');
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain(encoded);
    expect(everything).not.toContain('S3cr3t');
    // Only a redacted query string may appear (an adapter quoting the request back).
    expect(everything).not.toMatch(/token=(?!\[redacted\])/);
  }

  const scenarios: [string, Handler, Partial<TransportOptions>][] = [
    ['a timeout', hang, { timeoutMs: 100 }],
    ['a connection reset', (q) => q.socket.destroy(), {}],
    ['an auth failure', (_q, res) => json(res, 401, { auth: true }), {}],
    ['a body over the limit', (_q, res) => json(res, 200, { ok: 'x'.repeat(500) }), { maxBodyBytes: 100 }],
    ['a judge quoting the request back', (q, res) => json(res, 400, { quote: q.url }), {}],
    ['a judge quoting the decoded secret', (_q, res) => json(res, 400, { quote: `token ${secret}` }), {}],
  ];

  it.each(scenarios)('never leak into errors or trace logs on %s', async (_name, handler, overrides) => {
    const { logger, lines } = memoryLogger();
    const { upstream, transport } = await setup(handler, {
      ...overrides,
      secrets: [secret],
      logger,
      retry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 5 },
    });
    const error = await rejection(transport.request(secretReq, testJudge));
    // Proves the secret really was sent, so its absence below means something.
    expect(upstream.hits[0]?.url).toContain(encoded);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('')).toContain('"path":"/fang/item_get"');
    assertClean(error, lines);
  });

  it('never leak on a refused connection', async () => {
    const upstream = await startUpstream(hang);
    await upstream.close();
    const { logger, lines } = memoryLogger();
    const transport = new UpstreamTransport(
      transportOptions(upstream.baseUrl, { secrets: [secret], logger }),
    );
    cleanups.push(() => transport.close());
    const error = await rejection(transport.request(secretReq, testJudge));
    expect(lines).toHaveLength(3);
    assertClean(error, lines);
  });
});

describe('lifecycle', () => {
  it('refuses requests after close without calling', async () => {
    const { upstream, transport } = await setup((_q, res) => json(res, 200, { ok: 1 }));
    await transport.request(req, testJudge);
    await transport.close();
    const error = await rejection(transport.request(req, testJudge));
    expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(error.retryable).toBe(false);
    expect(upstream.hits).toHaveLength(1);
  });

  it('turns a throwing judge into a non-retryable BAD_RESPONSE', async () => {
    const { upstream, transport } = await setup((_q, res) => json(res, 200, { ok: 1 }));
    const error = await rejection(
      transport.request(req, () => {
        throw new Error('boom');
      }),
    );
    expect(error.code).toBe('UPSTREAM_BAD_RESPONSE');
    expect(upstream.hits).toHaveLength(1);
  });
});
