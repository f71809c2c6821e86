import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';

/**
 * `(provider, column) IN (…)` written as one `provider = … AND column IN (…)` per provider:
 * PGlite fails on long row-value IN lists ("bad buffer ID"), and this form uses the same index.
 */
export function keysIn<DB, TB extends keyof DB>(
  eb: ExpressionBuilder<DB, TB>,
  column: 'source_id' | 'community_id',
  keys: readonly { provider: string; id: string }[],
): Expression<SqlBool> {
  const byProvider = new Map<string, string[]>();
  for (const key of keys) {
    const ids = byProvider.get(key.provider);
    if (ids) ids.push(key.id);
    else byProvider.set(key.provider, [key.id]);
  }
  // biome-ignore lint/suspicious/noExplicitAny: the columns exist on both history tables.
  const e = eb as unknown as ExpressionBuilder<any, any>;
  return e.or(
    [...byProvider].map(([provider, ids]) => e.and([e('provider', '=', provider), e(column, 'in', ids)])),
  );
}
