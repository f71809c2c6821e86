/** Pure figures over observed listings; the market service feeds them rows from the store. */

export interface Distribution {
  count: number;
  p25: number | null;
  median: number | null;
  p75: number | null;
  mean: number | null;
}

/** Linear interpolation between the closest ranks (PostgreSQL's percentile_cont). */
export function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  const a = sorted[low] as number;
  const b = sorted[high] as number;
  return a + (b - a) * (position - low);
}

export function distribution(values: readonly (number | null)[]): Distribution {
  const sorted = values.filter((v): v is number => v !== null && Number.isFinite(v)).sort((a, b) => a - b);
  const sum = sorted.reduce((s, v) => s + v, 0);
  return {
    count: sorted.length,
    p25: round(quantile(sorted, 0.25)),
    median: round(quantile(sorted, 0.5)),
    p75: round(quantile(sorted, 0.75)),
    mean: sorted.length > 0 ? round(sum / sorted.length) : null,
  };
}

export function median(values: readonly number[]): number | null {
  return round(
    quantile(
      [...values].sort((a, b) => a - b),
      0.5,
    ),
  );
}

/** Two decimals: figures of yuan and days need no more, and tests compare them exactly. */
export function round(value: number | null): number | null {
  return value === null ? null : Math.round(value * 100) / 100;
}
