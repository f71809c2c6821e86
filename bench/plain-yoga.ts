import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createSchema, createYoga } from 'graphql-yoga';

/**
 * The plain baseline: the same schema (the committed SDL) in graphql-yoga with its defaults, no
 * cache layer, and resolvers that return the gateway's own answer from memory. It shows what a
 * GraphQL server costs before a single upstream call, against which the gateway's caching counts.
 */
export function startPlainYoga(data: { search: unknown; listing: unknown }): Promise<Server> {
  const typeDefs = readFileSync(new URL('../schema/schema.graphql', import.meta.url), 'utf8');
  const yoga = createYoga({
    logging: false,
    landingPage: false,
    graphiql: false,
    schema: createSchema({
      typeDefs,
      resolvers: {
        Query: { search: () => data.search, listing: () => data.listing },
        Node: { __resolveType: (value: object) => ('listingType' in value ? 'Listing' : 'Agent') },
      },
    }),
  });
  const server = createServer(yoga);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}
