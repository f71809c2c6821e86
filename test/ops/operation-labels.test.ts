import { describe, expect, it } from 'vitest';
import { FrequentLabel, Metrics } from '../../src/server/metrics.js';
import { parseMetrics } from './support.js';

/** Finding 7 (low): the first 100 operation names squatted every label slot for good. */
describe('operation-name labels keep the most frequent names', () => {
  it('a name seen more often than the least frequent kept one takes its slot', () => {
    const evicted: string[] = [];
    const label = new FrequentLabel(2, /^[A-Za-z]+$/, (name) => evicted.push(name));
    expect(label.value('Early')).toBe('Early');
    expect(label.value('Squatter')).toBe('Squatter');
    expect(label.value('Early')).toBe('Early');
    // Popular arrives late: "other" until it has been seen more often than Squatter (once).
    expect(label.value('Popular')).toBe('other');
    expect(label.value('Popular')).toBe('Popular');
    expect(evicted).toEqual(['Squatter']);
    expect(label.value('Popular')).toBe('Popular');
    expect(label.value('Early')).toBe('Early');
    expect(label.value('Squatter')).toBe('other');
    expect(label.value('not-a-name')).toBe('other');
  });

  it('in /metrics: 100 one-off names first, then a busy one still gets its own series', async () => {
    const metrics = new Metrics({ providers: () => new Map(), cacheSizes: () => ({}) });
    for (let i = 0; i < 100; i++) metrics.observeOperation(`Squat${i}`, 'query', 0.001);
    for (let i = 0; i < 3; i++) metrics.observeOperation('Busy', 'query', 0.001);
    const samples = parseMetrics((await metrics.render()).body);
    const count = (operation: string) =>
      samples.get(
        `listing_graph_graphql_operation_duration_seconds_count{operation="${operation}",type="query"}`,
      );
    expect(count('Busy')).toBe(2);
    expect(count('other')).toBe(1);
    const series = [...samples.keys()].filter((k) =>
      k.startsWith('listing_graph_graphql_operation_duration_seconds_count'),
    );
    // Never more than the limit plus "other".
    expect(series.length).toBeLessThanOrEqual(101);
  });
});
