import type { Kysely } from 'kysely';

/**
 * The facts cross-provider matching needs beyond 0001's: the halls and the floor. Without them two
 * flats of one building with one layout and nearly one area (a common sight) cannot be told apart,
 * and market figures would count them as one home.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('listing_current')
    .addColumn('living_rooms', 'integer')
    .addColumn('floor_level', 'text')
    .addColumn('floor_total', 'integer')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('listing_current')
    .dropColumn('living_rooms')
    .dropColumn('floor_level')
    .dropColumn('floor_total')
    .execute();
}
