import SchemaBuilder from '@pothos/core';
import DataloaderPlugin from '@pothos/plugin-dataloader';
import RelayPlugin from '@pothos/plugin-relay';
import ValidationPlugin from '@pothos/plugin-validation';
import type { GraphQLContext } from './context.js';
import { badUserInput } from './errors.js';
import { decodeGlobalId, encodeGlobalId } from './ids.js';

export const builder = new SchemaBuilder<{
  Context: GraphQLContext;
  DefaultFieldNullability: false;
  Scalars: {
    Date: { Input: string; Output: string };
    DateTime: { Input: string; Output: string };
  };
}>({
  plugins: [RelayPlugin, DataloaderPlugin, ValidationPlugin],
  defaultFieldNullability: false,
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    encodeGlobalID: encodeGlobalId,
    decodeGlobalID: decodeGlobalId,
    nodeTypeOptions: { description: 'An object with an opaque global id, refetchable with `node(id:)`.' },
    idFieldOptions: { description: 'Opaque global id; pass it to `node(id:)` to read the object again.' },
    nodeQueryOptions: {
      description:
        'Any object by its global id; null when it does not exist. A malformed id is BAD_USER_INPUT.',
      nullable: true,
      args: { id: { description: 'Global ids, as read from `id` fields.' } },
    },
    nodesQueryOptions: {
      description:
        'Several objects by their global ids, in the same order; null for those that do not exist.',
      args: { ids: { description: 'Global ids, as read from `id` fields.' } },
    },
    pageInfoTypeOptions: { description: 'Relay page information.' },
    hasNextPageFieldOptions: {
      description:
        'More items may follow this page; never true without an `endCursor`. In a merged `search`, a ' +
        'provider that failed with a retryable error keeps it true (the next page asks that provider ' +
        'again from where it stopped); one that failed with a non-retryable error does not, and is ' +
        'not asked again while paging on from this page.',
    },
    hasPreviousPageFieldOptions: { description: 'Items came before this page.' },
    startCursorFieldOptions: { description: 'Cursor of the first item of this page.' },
    endCursorFieldOptions: {
      description:
        'Pass it as `after` for the next page: the cursor of the last item, or, when a `search` page ' +
        'is empty only because a provider failed with a retryable error, the position this page was ' +
        'asked from (ask again later). After 3 such empty pages in a row the failing provider is ' +
        'given up and `hasNextPage` turns false. Null only on an empty page that ends the paging.',
    },
  },
  validation: {
    validationError: (failure) => {
      const issue = failure.issues[0];
      const argument =
        issue?.path
          ?.map((segment) => (typeof segment === 'object' ? String(segment.key) : String(segment)))
          .join('.') || 'arguments';
      return badUserInput(argument, issue?.message ?? 'is invalid');
    },
  },
});

builder.scalarType('Date', {
  description: 'A calendar date, ISO-8601 (YYYY-MM-DD), e.g. "2024-11-05".',
  serialize: (value) => value,
  parseValue: (value) => {
    if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value))
      throw new TypeError('expected YYYY-MM-DD');
    return value;
  },
});

builder.scalarType('DateTime', {
  description: 'An instant, ISO-8601 with time zone, e.g. "2026-11-23T09:00:00.000Z".',
  serialize: (value) => value,
  parseValue: (value) => {
    if (typeof value !== 'string' || Number.isNaN(Date.parse(value)))
      throw new TypeError('expected ISO-8601');
    return value;
  },
});

builder.queryType({
  description: 'Housing listings from Beike (贝壳) and Fang.com (房天下), in one set of units.',
});
