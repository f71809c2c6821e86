import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RefusalLog } from '../../src/server/refusal-log.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { captureLogs } from '../support/logs.js';

/** Finding 7 (low): each refused request wrote two log lines; 30,000 refusals gave 17 MB. */
describe('refusals are logged in aggregate', () => {
  const logs = captureLogs('info');
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({ API_KEYS: 'only:only-0123456789abcdef' }, { logger: logs.logger });
  });
  afterAll(() => gw.close());

  it('300 keyless requests write one line at info and above, not 600', async () => {
    const before = logs.lines.length;
    for (let i = 0; i < 300; i++) {
      const response = await fetch(gw.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"query":"{ service { mode } }"}',
      });
      expect(response.status).toBe(401);
    }
    const written = logs.lines.slice(before);
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({
      refusal: 'UNAUTHENTICATED',
      msg: 'refused a request without a valid API key',
    });
  });
});

describe('RefusalLog', () => {
  it('writes the first refusal of a reason, then one line with how many more when the window ends', () => {
    const { logger, lines } = captureLogs('info');
    const log = new RefusalLog(logger, 60_000);
    for (let i = 0; i < 5; i++) log.note('UNAUTHENTICATED', { peer: '127.0.0.1' }, 'refused');
    log.note('RATE_LIMITED', { client: 'a' }, 'over rate');
    expect(lines.map((l) => l.refusal)).toEqual(['UNAUTHENTICATED', 'RATE_LIMITED']);
    log.flush();
    expect(lines.slice(2)).toEqual([
      expect.objectContaining({ msg: 'more refusals', refusal: 'UNAUTHENTICATED', count: 4 }),
    ]);
    // A new window starts with a written line again.
    log.note('UNAUTHENTICATED', {}, 'refused');
    expect(lines).toHaveLength(4);
    log.flush();
  });
});
