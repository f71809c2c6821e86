import { lexicographicSortSchema, printSchema } from 'graphql';
import { builder } from './builder.js';
import './types/agent.js';
import './types/city.js';
import './types/communities.js';
import './types/community.js';
import './types/community-listings.js';
import './types/enums.js';
import './types/history.js';
import './types/listing.js';
import './types/market.js';
import './types/search.js';
import './types/service.js';
import './types/watch.js';

export const schema = builder.toSchema();

/** The committed SDL (schema/schema.graphql) is exactly this. */
export function printSortedSchema(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
