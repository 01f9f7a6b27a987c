/**
 * The client-facing API schema of a composed supergraph (what Apollo Sandbox and
 * codegen see), for validating operations against it.
 */
import { Supergraph } from '@apollo/federation-internals';
import type { GraphQLSchema } from 'graphql';

export function apiSchemaOf(supergraphSdl: string): GraphQLSchema {
  return Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema();
}
