import {
  GraphQLInterfaceType,
  GraphQLObjectType,
  type GraphQLSchema,
  lexicographicSortSchema,
  printSchema,
} from 'graphql';
import { builder } from './builder.js';
import './types/agent.js';
import './types/city.js';
import './types/communities.js';
import './types/community.js';
import './types/enums.js';
import './types/history.js';
import './types/listing.js';
import './types/market.js';
import './types/objects.js';
import './types/search.js';
import './types/service.js';

export const schema = describeRelayTypes(builder.toSchema());

/** The Relay plugin generates some fields without descriptions; every field here has one. */
function describeRelayTypes(built: GraphQLSchema): GraphQLSchema {
  const pageInfo = built.getType('PageInfo');
  if (pageInfo instanceof GraphQLObjectType) {
    const descriptions: Record<string, string> = {
      hasNextPage: 'More items follow this page.',
      hasPreviousPage: 'Items came before this page.',
      startCursor: 'Cursor of the first item of this page.',
      endCursor: 'Cursor of the last item of this page; pass it as `after` for the next page.',
    };
    for (const field of Object.values(pageInfo.getFields()))
      field.description ??= descriptions[field.name] ?? null;
    pageInfo.description ??= 'Relay page information.';
  }
  for (const type of Object.values(built.getTypeMap())) {
    if (!(type instanceof GraphQLObjectType || type instanceof GraphQLInterfaceType)) continue;
    const isNode = type.name === 'Node' || type.getInterfaces().some((i) => i.name === 'Node');
    const id = type.getFields().id;
    if (isNode && id) id.description ??= 'Opaque global id; pass it to `node(id:)` to read the object again.';
  }
  const query = built.getQueryType()?.getFields();
  for (const arg of [...(query?.node?.args ?? []), ...(query?.nodes?.args ?? [])]) {
    arg.description ??= 'Global ids, as read from `id` fields.';
  }
  return built;
}

/** The committed SDL (schema/schema.graphql) is exactly this. */
export function printSortedSchema(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
