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
      hasNextPage:
        'More items may follow this page; never true without an `endCursor`. In a merged `search`, a ' +
        'provider that failed with a retryable error keeps it true (the next page asks that provider ' +
        'again from where it stopped); one that failed with a non-retryable error does not, and is ' +
        'not asked again while paging on from this page.',
      hasPreviousPage: 'Items came before this page.',
      startCursor: 'Cursor of the first item of this page.',
      endCursor:
        'Pass it as `after` for the next page: the cursor of the last item, or, when a `search` page ' +
        'is empty only because a provider failed with a retryable error, the position this page was ' +
        'asked from (ask again later). After 3 such empty pages in a row the failing provider is ' +
        'given up and `hasNextPage` turns false. Null only on an empty page that ends the paging.',
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
