import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Vite would resolve graphql's .mjs build for our files while Yoga and Pothos load the .js
  // one; two copies of graphql mask GraphQLErrors and break schema sorting.
  resolve: { alias: { graphql: 'graphql/index.js' } },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
  },
});
