/**
 * GraphQL Code Generator: typed documents for the example operations, against
 * the client-facing API schema of the composed supergraph. `npm run codegen`
 * regenerates; the test run fails when what is committed is stale.
 */
import { readFileSync } from 'node:fs';
import type { CodegenConfig } from '@graphql-codegen/cli';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { apiSchemaOf } from './lib/supergraph.js';

const apiSdl = printSchemaWithDirectives(apiSchemaOf(readFileSync('supergraph.graphql', 'utf8')));

const scalars = { DateTime: 'string' };

const config: CodegenConfig = {
  overwrite: true,
  generates: {
    'examples/__generated__/operations.ts': {
      schema: apiSdl,
      documents: ['examples/operations/*.graphql'],
      plugins: ['typescript-operations', 'typed-document-node'],
      config: { scalars, useTypeImports: true, enumsAsTypes: true, avoidOptionals: { field: true } },
    },
  },
};

export default config;
