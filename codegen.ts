/**
 * GraphQL Code Generator. Two kinds of output, both checked in:
 *
 * - typed documents for the example operations, against the client-facing API
 *   schema of the composed supergraph (`examples/__generated__/operations.ts`);
 * - resolver types for each subgraph, from that subgraph's own SDL
 *   (`subgraphs/<name>/src/__generated__/resolvers-types.ts`), which its
 *   resolvers.ts is typed with.
 *
 * `npm run codegen` regenerates; the test run fails when what is committed is stale.
 */
import { readFileSync } from 'node:fs';
import type { CodegenConfig } from '@graphql-codegen/cli';
import type { TypeScriptPluginConfig } from '@graphql-codegen/typescript';
import type { TypeScriptResolversPluginConfig } from '@graphql-codegen/typescript-resolvers';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { apiSchemaOf } from './lib/supergraph.js';
import { subgraphSdl, type SubgraphName } from './lib/subgraph.js';

const apiSdl = printSchemaWithDirectives(apiSchemaOf(readFileSync('supergraph.graphql', 'utf8')));

const scalars = { DateTime: 'string' };

/**
 * What each subgraph's resolvers return for each GraphQL object type: the
 * connector's record, or the parent type the resolvers build from it. Paths
 * are relative to the generated file (`subgraphs/<name>/src/__generated__/`).
 * A type left out is resolved from a plain object of its generated shape,
 * with its mapped fields swapped for their mappers (an edge's `node`, say).
 */
interface SubgraphTypes {
  /** `module#Type` of the context the subgraph's createContext returns. */
  context: string;
  mappers: Record<string, string>;
}

/**
 * The shared freshness value. Imported under another name wherever a mapped type
 * shares its GraphQL type's name, which the generated file declares itself.
 */
const FRESHNESS = '../../../../lib/pagination.js#Freshness as FreshnessValue';
const MONEY = '../../../../lib/money.js#Money as MoneyValue';

const subgraphTypes: Record<SubgraphName, SubgraphTypes> = {
  customer: {
    context: '../resolvers.js#CustomerContext',
    mappers: {
      Customer: '../resolvers.js#CustomerParent',
      CustomerConnection: '../resolvers.js#CustomerConnectionParent',
      Contact: '../salesforce.js#ContactRecord',
      Freshness: FRESHNESS,
    },
  },
  order: {
    context: '../resolvers.js#OrderContext',
    mappers: {
      Customer: '../resolvers.js#CustomerRef',
      Order: '../netsuite.js#OrderRecord',
      OrderConnection: '../resolvers.js#OrderConnectionParent',
      OrderLine: '../netsuite.js#OrderLineRecord',
      Shipment: '../netsuite.js#ShipmentRecord',
      ReturnAuthorization: '../netsuite.js#ReturnRecord',
      ReturnLine: '../netsuite.js#ReturnLineRecord',
      Money: MONEY,
      Freshness: FRESHNESS,
    },
  },
  finance: {
    context: '../resolvers.js#FinanceContext',
    mappers: {
      Customer: '../resolvers.js#EntityRef',
      Order: '../resolvers.js#EntityRef',
      Invoice: '../netsuite.js#InvoiceRecord',
      InvoiceConnection: '../resolvers.js#InvoiceConnectionParent',
      Payment: '../netsuite.js#PaymentRecord',
      CustomerFinancials: '../netsuite.js#FinancialsRecord',
      Address: '../netsuite.js#AddressRecord',
      Money: MONEY,
      Freshness: FRESHNESS,
    },
  },
  service: {
    context: '../resolvers.js#ServiceContext',
    mappers: {
      Customer: '../resolvers.js#EntityRef',
      Order: '../resolvers.js#EntityRef',
      SupportCase: '../zendesk.js#SupportCaseRecord',
      SupportCaseConnection: '../resolvers.js#SupportCaseConnectionParent',
      CaseComment: '../zendesk.js#CaseCommentRecord',
      CaseCommentAuthor: '../resolvers.js#EntityRef',
      Freshness: FRESHNESS,
    },
  },
};

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
    'examples/__generated__/operations.ts': {
      schema: apiSdl,
      documents: ['examples/operations/*.graphql'],
      plugins: ['typescript-operations', 'typed-document-node'],
      config: { scalars, useTypeImports: true, enumsAsTypes: true, avoidOptionals: { field: true } },
    },
    ...Object.fromEntries(
      Object.entries(subgraphTypes).map(([name, types]) => [`subgraphs/${name}/src/__generated__/resolvers-types.ts`, subgraphResolverTypes(name, types)]),
    ),
  },
};

export default config;
