import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

function startWith(env: Record<string, string>) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { status: result.status, stderr: result.stderr, stdout: result.stdout };
}

describe('configuration', () => {
  it.each([
    [{ PORT: 'abc' }, /^listing-graph: configuration error: PORT must be a whole number from 0 to 65535\n$/],
    [
      { BEIKE_BASE_URL: 'ftp://example' },
      /^listing-graph: configuration error: BEIKE_BASE_URL must be an http\(s\) URL\n$/,
    ],
    [
      { SANDBOX: 'maybe' },
      /^listing-graph: configuration error: SANDBOX must be 1\/true\/yes\/on or 0\/false\/no\/off\n$/,
    ],
  ])('a bad value stops start-up with one readable line and exit code 1 (%j)', (env, line) => {
    const result = startWith(env);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(line);
    expect(result.stdout).toBe('');
  });

  it('never echoes a secret value in its message', () => {
    const secret = 'sk-very-secret-value';
    expect(() => loadConfig({ FANG_SECRET: secret })).toThrow(ConfigError);
    try {
      loadConfig({ FANG_SECRET: secret });
    } catch (error) {
      expect((error as Error).message).not.toContain(secret);
      expect((error as Error).message).toContain('FANG_KEY');
    }
  });

  it('chooses sandbox mode without credentials, live mode with them', () => {
    expect(loadConfig({}).sandbox.enabled).toBe(true);
    const live = loadConfig({ BEIKE_TOKEN: 't' });
    expect(live.sandbox.enabled).toBe(false);
    expect(live.beike?.token).toBe('t');
    expect(live.fang).toBeNull();
    expect(loadConfig({ BEIKE_TOKEN: 't', SANDBOX: 'true' }).sandbox.enabled).toBe(true);
  });

  it('FANG_FLAVOUR picks the contract and its base URL; an unknown flavour is refused', () => {
    const open = loadConfig({ FANG_KEY: 'k', FANG_SECRET: 's', FANG_FLAVOUR: 'open-platform' });
    expect(open.fang).toMatchObject({ flavour: 'open-platform', baseUrl: 'https://api.fang.com' });
    const own = loadConfig({ FANG_KEY: 'k', FANG_SECRET: 's', FANG_BASE_URL: 'https://fang.example.com' });
    expect(own.fang).toMatchObject({ flavour: 'onebound', baseUrl: 'https://fang.example.com' });
    expect(() => loadConfig({ FANG_KEY: 'k', FANG_SECRET: 's', FANG_FLAVOUR: 'both' })).toThrow(
      /FANG_FLAVOUR/,
    );
  });

  it('has the documented defaults', () => {
    const config = loadConfig({ BEIKE_TOKEN: 't', FANG_KEY: 'k', FANG_SECRET: 's' });
    expect(config).toMatchObject({
      port: 4000,
      host: '127.0.0.1',
      beike: { baseUrl: 'https://api.justoneapi.com', timeoutMs: 60_000 },
      // onebound by default (README, Providers): its base URL unless FANG_BASE_URL says otherwise.
      fang: { baseUrl: 'https://api-gw.onebound.cn', flavour: 'onebound', timeoutMs: 15_000 },
      retry: { maxAttempts: 3, baseDelayMs: 1_000 },
      cache: { listTtlMs: 1_800_000, detailTtlMs: 600_000 },
    });
  });

  it('runs a liveness listener only with HEALTH_PORT, which must differ from PORT', () => {
    expect(loadConfig({}).liveness).toBeNull();
    expect(loadConfig({ HEALTH_PORT: '9000' }).liveness).toEqual({ port: 9000, stallMs: 10_000 });
    expect(loadConfig({ HEALTH_PORT: '0', PORT: '0', LIVENESS_STALL_MS: '500' }).liveness).toEqual({
      port: 0,
      stallMs: 500,
    });
    expect(() => loadConfig({ HEALTH_PORT: '4000' })).toThrow(/^HEALTH_PORT must differ from PORT/);
    expect(() => loadConfig({ HEALTH_PORT: '70000' })).toThrow(/^HEALTH_PORT /);
    expect(() => loadConfig({ HEALTH_PORT: '9000', LIVENESS_STALL_MS: '10' })).toThrow(/^LIVENESS_STALL_MS /);
  });

  it('leaves shared state in process unless REDIS_URL is set, then takes the documented defaults', () => {
    expect(loadConfig({}).redis).toBeNull();
    expect(loadConfig({ REDIS_URL: 'rediss://:pw@cache.internal:6380/2' }).redis).toEqual({
      url: 'rediss://:pw@cache.internal:6380/2',
      keyPrefix: 'lg:',
      commandTimeoutMs: 250,
      fallbackShare: 0.25,
      fetchWaitMs: 10_000,
    });
    expect(
      loadConfig({
        REDIS_URL: 'redis://127.0.0.1:6379/0',
        REDIS_KEY_PREFIX: 'staging:',
        REDIS_COMMAND_TIMEOUT_MS: '100',
        REDIS_FALLBACK_SHARE: '0.5',
        REDIS_FETCH_WAIT_MS: '2000',
      }).redis,
    ).toMatchObject({ keyPrefix: 'staging:', commandTimeoutMs: 100, fallbackShare: 0.5, fetchWaitMs: 2000 });
  });

  it.each([
    [{ REDIS_URL: 'http://user:hunter2-secret@cache:6379' }, 'REDIS_URL must be a redis:// or rediss:// URL'],
    [{ REDIS_URL: 'redis//user:hunter2-secret@cache' }, 'REDIS_URL must be a redis:// or rediss:// URL'],
    [{ REDIS_URL: 'redis://127.0.0.1', REDIS_KEY_PREFIX: 'a b' }, 'REDIS_KEY_PREFIX must be 1 to 64'],
    [
      { REDIS_URL: 'redis://127.0.0.1', REDIS_FALLBACK_SHARE: '2' },
      'REDIS_FALLBACK_SHARE must be a fraction',
    ],
    [
      { REDIS_URL: 'redis://127.0.0.1', REDIS_FALLBACK_SHARE: '0' },
      'REDIS_FALLBACK_SHARE must be a fraction',
    ],
    [
      { REDIS_URL: 'redis://127.0.0.1', REDIS_COMMAND_TIMEOUT_MS: '5' },
      'REDIS_COMMAND_TIMEOUT_MS must be at least 10',
    ],
  ])('refuses a bad Redis setting by name, never echoing the URL (%j)', (env, message) => {
    let error: unknown;
    try {
      loadConfig(env);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(message);
    expect((error as Error).message).not.toContain('hunter2-secret');
  });

  it('stops start-up on a bad REDIS_URL with one line that holds no password', () => {
    const result = startWith({ REDIS_URL: 'ftp://admin:hunter2-secret@cache' });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      'listing-graph: configuration error: REDIS_URL must be a redis:// or rediss:// URL\n',
    );
  });
});
