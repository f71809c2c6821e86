import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { captureLogs } from '../support/logs.js';

/** The providers' log lines, as the app builds them: each names its provider once. */

const logs = captureLogs('debug');
let gw: TestGateway;

beforeAll(async () => {
  gw = await startGateway({ RESPONSE_CACHE_TTL_SECONDS: '0' }, { logger: logs.logger });
});
afterAll(async () => {
  await gw?.close();
});

describe('provider log lines', () => {
  it('carry "provider" once, on transport attempts and decode warnings alike', async () => {
    gw.app.sandbox!.faults.add({ provider: 'fang', times: 1, fault: { kind: 'wrongTypes' } });
    await gw.raw({
      query: '{ search(filter: { cityId: "110000" }, first: 5) { edges { node { title } } } }',
    });
    const providerLines = logs.raw.filter((line) => line.includes('"provider":'));
    const attempts = logs.lines.filter((line) => line.msg === 'upstream attempt');
    const warnings = logs.lines.filter((line) => line.msg === 'provider fields failed to decode');
    expect(attempts.map((line) => line.provider).sort()).toEqual(['BEIKE', 'FANG']);
    expect(warnings.map((line) => line.provider)).toEqual(['FANG']);
    for (const line of providerLines) expect(line.match(/"provider":/g)).toHaveLength(1);
  });
});
