import type { Kysely } from 'kysely';

/**
 * Watches compare by home (issue 14): each seen listing keeps the home the search's collapse put
 * it in, so a run that no longer finds one member (withdrawn, or out of the filter) still knows
 * its twin, and the detail that settled the pair, so a later run does not buy it again. Events
 * are pruned by age (WATCH_EVENT_RETENTION_DAYS): an index on when they were made. A webhook
 * attempt's claim names its holder, so that only the holder's heartbeat extends it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('watch_seen').addColumn('home', 'text').addColumn('detail', 'jsonb').execute();
  await db.schema.alterTable('watch_event').addColumn('claim', 'text').execute();
  await db.schema.createIndex('watch_event_at').on('watch_event').column('at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('watch_event_at').execute();
  await db.schema.alterTable('watch_event').dropColumn('claim').execute();
  await db.schema.alterTable('watch_seen').dropColumn('home').dropColumn('detail').execute();
}
