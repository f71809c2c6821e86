import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { memoryLogger } from '../support/logs.js';
import { describeCase, FAULT_ENV, FAULT_MATRIX, fangListingOf, runFaultCase } from './fault-matrix.js';

/**
 * The whole fault matrix again, with credentials the test knows, every response and every log
 * line (at trace level, through a logger with no redaction of its own) captured: none may hold a
 * credential, in any form an encoder or a careless hash would give it.
 */

const CREDENTIALS = {
  beikeToken: 'BeikeToken+Known/Value=0123456789abcdef',
  fangKey: 'fang-key-known-4f1c2b9a7e',
  fangSecret: 'FangSecret&Known=9d8c7b6a5f4e3d2c',
};

function forms(secret: string): string[] {
  const found = [secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64')];
  found.push(Buffer.from(secret).toString('base64url'));
  for (const algorithm of ['md5', 'sha1', 'sha256']) {
    const digest = createHash(algorithm).update(secret).digest();
    found.push(digest.toString('hex'), digest.toString('hex').toUpperCase());
    found.push(digest.toString('base64'), digest.toString('base64url'));
  }
  return found;
}

let gw: TestGateway;
const { logger, lines: logLines } = memoryLogger();
beforeAll(async () => {
  gw = await startGateway({ ...FAULT_ENV, LOG_LEVEL: 'trace' }, { logger, sandboxCredentials: CREDENTIALS });
});
afterAll(() => gw.close());

describe('secrets', () => {
  // The whole matrix in one test: on a loaded 2-core machine it can take longer than the default 20 s.
  it('no response and no log line of the fault matrix holds a credential or its hash', {
    timeout: 90_000,
  }, async () => {
    expect(gw.app.sandbox!.credentials).toEqual(CREDENTIALS);
    const fangListing = fangListingOf(gw);
    const responses: string[] = [];
    for (const c of FAULT_MATRIX) {
      const run = await runFaultCase(gw, c, fangListing);
      for (const exchange of Object.values(run)) responses.push(`${describeCase(c)}\n${exchange.text}`);
    }
    expect(responses).toHaveLength(FAULT_MATRIX.length * 4);
    // The capture works: errors were logged, and upstream calls at debug/trace.
    expect(logLines.length).toBeGreaterThan(FAULT_MATRIX.length);

    const leaks: string[] = [];
    for (const [name, secret] of Object.entries(CREDENTIALS)) {
      for (const form of forms(secret)) {
        const inResponse = responses.find((r) => r.includes(form));
        const inLog = logLines.find((l) => l.includes(form));
        if (inResponse) leaks.push(`${name} (${form}) in a response: ${inResponse.slice(0, 200)}`);
        if (inLog) leaks.push(`${name} (${form}) in a log line: ${inLog.slice(0, 200)}`);
      }
    }
    expect(leaks).toEqual([]);
  });
});
