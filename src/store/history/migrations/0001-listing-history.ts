import { type Kysely, sql } from 'kysely';

/**
 * One current row per listing and one row per change (first sighting, price, status): a listing
 * seen a thousand times at one price costs two rows.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('listing_current')
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('source_id', 'text', (c) => c.notNull())
    .addColumn('city_id', 'text')
    .addColumn('district', 'text')
    .addColumn('community_id', 'text')
    .addColumn('community_name', 'text')
    .addColumn('listing_type', 'text', (c) => c.notNull())
    .addColumn('total_price', 'double precision')
    .addColumn('unit_price', 'double precision')
    .addColumn('monthly_rent', 'double precision')
    .addColumn('area', 'double precision')
    .addColumn('bedrooms', 'integer')
    .addColumn('active', 'boolean', (c) => c.notNull())
    .addColumn('first_seen_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull())
    .addColumn('delisted_at', 'timestamptz')
    .addPrimaryKeyConstraint('listing_current_pk', ['provider', 'source_id'])
    .execute();
  await db.schema
    .createIndex('listing_current_market')
    .on('listing_current')
    .columns(['city_id', 'listing_type', 'district'])
    .execute();

  await db.schema
    .createTable('listing_change')
    .addColumn('id', 'bigint', (c) => c.generatedAlwaysAsIdentity().primaryKey())
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('source_id', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('FIRST', 'PRICE', 'STATUS')`))
    .addColumn('total_price', 'double precision')
    .addColumn('unit_price', 'double precision')
    .addColumn('monthly_rent', 'double precision')
    .addColumn('active', 'boolean', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('listing_change_listing')
    .on('listing_change')
    .columns(['provider', 'source_id', 'at'])
    .execute();
  await db.schema.createIndex('listing_change_at').on('listing_change').column('at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('listing_change').execute();
  await db.schema.dropTable('listing_current').execute();
}
