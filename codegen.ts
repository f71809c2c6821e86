import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Typed documents for the operations the tests (and later the examples) send. The schema is the
 * committed SDL, so codegen needs no TypeScript loader; CI fails when either output is stale.
 */
const config: CodegenConfig = {
  emitLegacyCommonJSImports: false,
  schema: 'schema/schema.graphql',
  documents: ['test/operations/**/*.graphql'],
  generates: {
    'test/generated/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: { enumsAsTypes: true, useTypeImports: true, scalars: { Date: 'string', DateTime: 'string' } },
    },
  },
};

export default config;
