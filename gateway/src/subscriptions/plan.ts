/**
 * Planning a federated subscription. The query planner already splits a
 * subscription into a primary fetch on the subgraph that owns the event and the
 * rest of the plan (entity fetches on other subgraphs); what @apollo/gateway
 * lacks is the execution. This module prepares both halves once per distinct
 * document and operation name.
 */
import { createHash } from 'node:crypto';
import { Kind, parse, print, type DocumentNode, type GraphQLSchema } from 'graphql';
import { Supergraph, operationFromDocument, type Schema } from '@apollo/federation-internals';
import { QueryPlanner, type FetchNode, type PlanNode } from '@apollo/query-planner';
import { buildOperationContext } from '@apollo/gateway';

/** What @apollo/gateway's executeQueryPlan takes for an operation; the package exports the builder, not its type. */
type OperationContext = ReturnType<typeof buildOperationContext>;

export interface PreparedSubscription {
  /** Stable hash of the normalised document and operation name. */
  documentHash: string;
  document: DocumentNode;
  operationName: string | null;
  /** The subgraph that owns the subscription root field. */
  serviceName: string;
  /** The primary fetch: a subscription operation on that subgraph. */
  primary: FetchNode;
  /** The rest of the plan, run once per event; absent when the owner serves every field. */
  rest: PlanNode | undefined;
  operationContext: OperationContext;
}

export class SubscriptionPlanError extends Error {
  override readonly name = 'SubscriptionPlanError';
}

export class SubscriptionPlanner {
  readonly apiSchema: GraphQLSchema;
  readonly supergraphSchema: GraphQLSchema;
  readonly federationApiSchema: Schema;
  /** The subgraphs' URLs as the supergraph records them, by name. */
  readonly subgraphUrls: Record<string, string>;
  private readonly planner: QueryPlanner;
  private readonly cache = new Map<string, PreparedSubscription>();

  /** @param maxCachedPlans distinct documents kept planned. @default 1000 */
  constructor(
    supergraphSdl: string,
    private readonly maxCachedPlans = 1000,
  ) {
    const supergraph = Supergraph.build(supergraphSdl);
    this.federationApiSchema = supergraph.apiSchema();
    this.apiSchema = this.federationApiSchema.toGraphQLJSSchema();
    this.supergraphSchema = supergraph.schema.toGraphQLJSSchema();
    this.planner = new QueryPlanner(supergraph);
    this.subgraphUrls = Object.fromEntries(supergraph.subgraphs().values().map((sg) => [sg.name, sg.url]));
  }

  prepare(document: DocumentNode, operationName: string | null): PreparedSubscription {
    const normalised = print(document);
    const documentHash = createHash('sha256').update(normalised).update('\0').update(operationName ?? '').digest('hex');
    const cached = this.cache.get(documentHash);
    if (cached) return cached;

    const operation = operationFromDocument(this.federationApiSchema, document, operationName ? { operationName } : {});
    const plan = this.planner.buildQueryPlan(operation);
    const node = plan.node;
    if (!node || node.kind !== 'Subscription') {
      throw new SubscriptionPlanError('expected a subscription operation');
    }
    const prepared: PreparedSubscription = {
      documentHash,
      document: parse(normalised),
      operationName,
      serviceName: node.primary.serviceName,
      primary: node.primary,
      rest: node.rest,
      operationContext: buildOperationContext({ schema: this.apiSchema, operationDocument: document, operationName: operationName ?? undefined }),
    };
    if (this.cache.size >= this.maxCachedPlans) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.set(documentHash, prepared);
    return prepared;
  }
}

/** The operation definitions of a document, to check it is one subscription. */
export function operationKinds(document: DocumentNode): string[] {
  return document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION).map((d) => (d.kind === Kind.OPERATION_DEFINITION ? d.operation : ''));
}

/** The subgraphs a plan fetches from. */
export function fetchedServices(node: PlanNode | undefined, into = new Set<string>()): Set<string> {
  if (!node) return into;
  switch (node.kind) {
    case 'Fetch':
      into.add(node.serviceName);
      break;
    case 'Sequence':
    case 'Parallel':
      for (const n of node.nodes) fetchedServices(n, into);
      break;
    case 'Flatten':
      fetchedServices(node.node, into);
      break;
    case 'Condition':
      fetchedServices(node.ifClause, into);
      fetchedServices(node.elseClause, into);
      break;
    case 'Defer':
      fetchedServices(node.primary.node, into);
      for (const d of node.deferred) fetchedServices(d.node, into);
      break;
  }
  return into;
}
