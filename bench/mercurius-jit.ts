import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import Fastify from 'fastify';
import { createSchema } from 'graphql-yoga';
import mercurius from 'mercurius';

/**
 * The fast peer: the same schema (the committed SDL) served by mercurius on fastify with
 * graphql-jit compiling each query after its first run, resolvers returning the gateway's own
 * answer from memory. A dev dependency used by the bench only: it shows what executing and
 * serialising this answer can cost in Node, against which the gateway's uncached path counts.
 */
export async function startMercuriusJit(data: { search: unknown; listing: unknown }): Promise<Server> {
  const typeDefs = readFileSync(new URL('../schema/schema.graphql', import.meta.url), 'utf8');
  const schema = createSchema({
    typeDefs,
    resolvers: {
      Query: { search: () => data.search, listing: () => data.listing },
      Node: { __resolveType: (value: object) => ('listingType' in value ? 'Listing' : 'Agent') },
    },
  });
  const app = Fastify({ logger: false });
  await app.register(mercurius, { schema, jit: 1, graphiql: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return app.server;
}
