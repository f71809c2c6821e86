import type { ObjectFieldBuilder, ObjectRef, SchemaTypes } from '@pothos/core';
import { z } from 'zod';
import { DEFAULT_FIRST, MAX_FIRST } from '../search/paging.js';
import { builder } from './builder.js';

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T extends SchemaTypes> ? T : never;

/** What a connection resolver returns, page info included (the layer below decides it). */
export interface ConnectionShape<Node> {
  edges: { cursor: string; node: Node }[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
  totalCount: number | null;
}

interface ConnectionOptions<Node, Shape extends ConnectionShape<Node>> {
  description: string;
  edge: { name: string; description: string; cursor: string; node: string };
  // Any object type whose shape the edge's node satisfies (a loadable node also takes an id).
  node: ObjectRef<Types, Node> | ObjectRef<Types, Node | string>;
  edges: string;
  totalCount: string;
  /** Fields besides edges, pageInfo and totalCount. */
  fields?: (t: ObjectFieldBuilder<Types, Shape>) => Record<string, ReturnType<typeof t.field>>;
}

/**
 * A Relay connection and its edge, for a list this API pages itself (merged search, communities):
 * `edges`, `pageInfo` and the providers' `totalCount`.
 */
export function connectionType<Node, Shape extends ConnectionShape<Node>>(
  name: string,
  options: ConnectionOptions<Node, Shape>,
): ObjectRef<Types, Shape> {
  const Edge = builder.objectRef<{ cursor: string; node: Node }>(options.edge.name).implement({
    description: options.edge.description,
    fields: (t) => ({
      cursor: t.string({ description: options.edge.cursor, resolve: (e) => e.cursor }),
      // Pothos cannot follow a generic node shape through its resolver types.
      node: t.field({ type: options.node, description: options.edge.node, resolve: (e) => e.node as never }),
    }),
  });
  return builder.objectRef<Shape>(name).implement({
    description: options.description,
    fields: (t) => ({
      edges: t.field({ type: [Edge], description: options.edges, resolve: (c) => c.edges as never }),
      pageInfo: t.field({
        type: builder.pageInfoRef(),
        description: 'Where this page is.',
        resolve: ({ hasNextPage, hasPreviousPage, startCursor, endCursor }) => ({
          hasNextPage,
          hasPreviousPage,
          startCursor,
          endCursor,
        }),
      }),
      totalCount: t.int({ nullable: true, description: options.totalCount, resolve: (c) => c.totalCount }),
      ...options.fields?.(t),
    }),
  });
}

/** The `first` argument's validation: 1 to MAX_FIRST. */
export const firstValidator = z
  .number()
  .int()
  .min(1, `must be 1 to ${MAX_FIRST}`)
  .max(MAX_FIRST, `must be 1 to ${MAX_FIRST}`);

export { DEFAULT_FIRST, MAX_FIRST };
