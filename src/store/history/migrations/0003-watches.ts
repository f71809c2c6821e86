import { type Kysely, sql } from 'kysely';

/**
 * Watches (saved searches that alert) live beside the history they compare with: the watch, what
 * it last saw of each match, the events it produced (stored before any delivery) and each
 * webhook attempt.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('watch')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('seq', 'bigint', (c) => c.generatedAlwaysAsIdentity().unique())
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('settings', 'jsonb', (c) => c.notNull())
    .addColumn('webhook_secret', 'text')
    .addColumn('webhook_enabled', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('baseline_at', 'timestamptz')
    .addColumn('last_run_at', 'timestamptz')
    .addColumn('next_run_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('run_count', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('watch_owner').on('watch').columns(['owner', 'seq']).execute();

  await db.schema
    .createTable('watch_seen')
    .addColumn('watch_id', 'text', (c) => c.notNull().references('watch.id').onDelete('cascade'))
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('source_id', 'text', (c) => c.notNull())
    .addColumn('price', 'double precision')
    .addColumn('listing', 'jsonb', (c) => c.notNull())
    .addPrimaryKeyConstraint('watch_seen_pk', ['watch_id', 'provider', 'source_id'])
    .execute();

  await db.schema
    .createTable('watch_event')
    .addColumn('seq', 'bigint', (c) => c.generatedAlwaysAsIdentity().primaryKey())
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('watch_id', 'text', (c) => c.notNull().references('watch.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) =>
      c.notNull().check(sql`kind in ('NEW_LISTING', 'PRICE_DROP', 'PRICE_BELOW', 'DELISTED')`),
    )
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('listing', 'jsonb', (c) => c.notNull())
    .addColumn('previous_price', 'double precision')
    .addColumn('price', 'double precision')
    .addColumn('delivery', 'text', (c) =>
      c.notNull().check(sql`delivery in ('NONE', 'PENDING', 'DELIVERED', 'FAILED')`),
    )
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('watch_event_watch').on('watch_event').columns(['watch_id', 'seq']).execute();
  await db.schema
    .createIndex('watch_event_due')
    .on('watch_event')
    .columns(['delivery', 'next_attempt_at'])
    .execute();

  await db.schema
    .createTable('watch_delivery')
    .addColumn('seq', 'bigint', (c) => c.generatedAlwaysAsIdentity().primaryKey())
    .addColumn('watch_id', 'text', (c) => c.notNull().references('watch.id').onDelete('cascade'))
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('status', 'integer')
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('error', 'text')
    .execute();
  await db.schema
    .createIndex('watch_delivery_watch')
    .on('watch_delivery')
    .columns(['watch_id', 'seq'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['watch_delivery', 'watch_event', 'watch_seen', 'watch']) {
    await db.schema.dropTable(table).execute();
  }
}
