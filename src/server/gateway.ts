import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { ListingStore } from '../loaders/listing-store.js';
import type { Logger } from '../logger.js';
import type { GraphQLContext, Mode } from '../schema/context.js';
import { schema } from '../schema/index.js';
import { EXAMPLE_QUERY } from './example-query.js';
import { useResponseExtensions } from './plugins/response-extensions.js';

export interface GatewayOptions {
  store: ListingStore;
  mode: Mode;
  logger: Logger;
  graphiql: boolean;
}

export type Gateway = YogaServerInstance<Record<string, unknown>, GraphQLContext>;

export function createGateway(options: GatewayOptions): Gateway {
  const { store, mode, logger } = options;
  return createYoga<Record<string, unknown>, GraphQLContext>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    logging: {
      debug: (...args) => logger.debug(args.map(String).join(' ')),
      info: (...args) => logger.info(args.map(String).join(' ')),
      warn: (...args) => logger.warn(args.map(String).join(' ')),
      error: (...args) => logger.error({ err: args[0] }, 'graphql error'),
    },
    graphiql: options.graphiql
      ? {
          title: mode === 'SANDBOX' ? 'listing-graph (SANDBOX: simulated data)' : 'listing-graph',
          defaultQuery: EXAMPLE_QUERY,
        }
      : false,
    context: (): GraphQLContext => ({ store, mode, partialErrors: [], notices: [] }),
    plugins: [useResponseExtensions(mode)],
  });
}
