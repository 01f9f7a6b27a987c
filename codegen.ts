/**
 * GraphQL Code Generator. Its outputs, both checked in:
 *
 * - for the example operations and the agent console's, against the client-facing
 *   API schema of the composed supergraph, with the client preset: the
 *   trusted-documents manifest (`trusted-documents/retail-supergraph/persisted-documents.json`)
 *   and typed documents that carry each document's hash (`…/graphql.ts`);
 * - typed documents for the agent console (`console/src/__generated__/`, the
 *   client preset), from the `graphql()` calls in its source;
 * - resolver types for each subgraph, from that subgraph's own SDL
 *   (`subgraphs/<name>/src/__generated__/resolvers-types.ts`), which its
 *   resolvers.ts is typed with.
 *
 * `npm run codegen` regenerates; the test run fails when what is committed is stale.
 */
import { readFileSync } from 'node:fs';
import type { CodegenConfig } from '@graphql-codegen/cli';
import type { ClientPresetConfig } from '@graphql-codegen/client-preset';
import type { TypeScriptPluginConfig } from '@graphql-codegen/typescript';
import type { TypeScriptResolversPluginConfig } from '@graphql-codegen/typescript-resolvers';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { apiSchemaOf } from './lib/supergraph.js';
import { subgraphSdl } from './lib/subgraph.js';
import { SUBGRAPHS } from './lib/manifest.js';

const apiSdl = printSchemaWithDirectives(apiSchemaOf(readFileSync('supergraph.graphql', 'utf8')));

const scalars = { DateTime: 'string' };

/**
 * The documents of the trusted-documents manifest: the example operations and the
 * agent console's, wherever the console keeps them (a pattern that matches no file
 * adds none). The console's own generated code is not a source.
 */
const trustedDocumentSources = [
  'examples/operations/*.graphql',
  'console/src/**/*.{ts,tsx,graphql}',
  '!console/src/**/__generated__/**',
  '!console/src/gql/**',
];

/**
 * What each subgraph's resolvers return for each GraphQL object type, from its
 * `subgraphs/<name>/codegen.json`: the connector's record, or the parent type the
 * resolvers build from it. Paths are relative to the generated file
 * (`subgraphs/<name>/src/__generated__/`). A type left out is resolved from a
 * plain object of its generated shape, with its mapped fields swapped for their
 * mappers (an edge's `node`, say). The shared Freshness and Money values are
 * imported under another name wherever a mapped type shares its GraphQL type's
 * name, which the generated file declares itself.
 */
interface SubgraphTypes {
  /** `module#Type` of the context the subgraph's createContext returns. */
  context: string;
  mappers: Record<string, string>;
}

const subgraphTypes = (name: string): SubgraphTypes => JSON.parse(readFileSync(`subgraphs/${name}/codegen.json`, 'utf8')) as SubgraphTypes;

type OutputConfig = CodegenConfig['generates'][string];

function subgraphResolverTypes(name: string, types: SubgraphTypes): OutputConfig {
  const config: TypeScriptPluginConfig & TypeScriptResolversPluginConfig = {
    // Adds __resolveReference (typed by the @key fields) and the federation scalars.
    federation: true,
    contextType: types.context,
    mappers: types.mappers,
    scalars,
    useTypeImports: true,
    // The resolvers return enum values as their names ('SHIPPED'), as the connectors' string unions do.
    enumsAsTypes: true,
  };
  return {
    // The SDL the subgraph serves: its schema.graphql followed by the shared value types.
    schema: subgraphSdl(`subgraphs/${name}/schema.graphql`),
    plugins: ['typescript', 'typescript-resolvers'],
    config,
  };
}

const config: CodegenConfig = {
  overwrite: true,
  generates: {
    // The trusted-documents manifest (persisted-documents.json: sha256 -> document) that the gateway
    // holds storefront callers to, with typed documents carrying each hash (docs/security.md).
    'trusted-documents/retail-supergraph/': {
      schema: apiSdl,
      documents: trustedDocumentSources,
      preset: 'client',
      presetConfig: { persistedDocuments: { hashAlgorithm: 'sha256' }, fragmentMasking: false } satisfies ClientPresetConfig,
      // `.js` in relative imports, as NodeNext resolution asks.
      config: { scalars, useTypeImports: true, avoidOptionals: { field: true }, emitLegacyCommonJSImports: false },
    },
    // The agent console's typed documents (docs/console.md): the client preset, with documents as
    // strings so the bundle needs no GraphQL parser.
    'console/src/__generated__/': {
      schema: apiSdl,
      documents: ['console/src/**/*.{ts,tsx}', '!console/src/__generated__/**'],
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: { scalars, useTypeImports: true, enumsAsTypes: true, documentMode: 'string' },
    },
    ...Object.fromEntries(SUBGRAPHS.map(({ name }) => [`subgraphs/${name}/src/__generated__/resolvers-types.ts`, subgraphResolverTypes(name, subgraphTypes(name))])),
  },
};

export default config;
