import type { CodegenConfig } from '@graphql-codegen/cli';

const typesConfig = {
  enumsAsTypes: true,
  useTypeImports: true,
  scalars: { Date: 'string', DateTime: 'string' },
};

/**
 * Typed documents for the operations the tests send (test/generated/) and for the partners'
 * example operations (examples/generated/). The schema is the committed SDL, so codegen needs no
 * TypeScript loader; CI fails when any output is stale. The examples' documents are strings
 * (TypedDocumentString): a client needs no graphql package to send them.
 */
const config: CodegenConfig = {
  emitLegacyCommonJSImports: false,
  schema: 'schema/schema.graphql',
  generates: {
    'test/generated/': {
      documents: ['test/operations/**/*.graphql'],
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: typesConfig,
    },
    'examples/generated/': {
      documents: ['examples/operations/**/*.graphql'],
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: { ...typesConfig, documentMode: 'string' },
    },
  },
};

export default config;
