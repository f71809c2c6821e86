/** A stable key for a query object: sorted keys, arrays sorted where order carries no meaning. */
export function canonical(value: object): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : Array.isArray(v)
        ? [...v].sort()
        : v,
  );
}
