/**
 * Abuse limits, applied once the operation is parsed, validated and chosen and
 * before the query planner sends anything to a subgraph: depth, aliases, root
 * fields and an estimated cost. A refusal is one QUERY_TOO_COMPLEX error (HTTP
 * 400) that names the limit, the value found and the maximum, and costs no call
 * to any subgraph or system of record. The body size limit is applied earlier,
 * by the JSON body parser (see gateway.ts).
 *
 * Written here rather than taken from a package: the cost model must read
 * `first` from literals, variables and the schema's defaults, and know that a
 * connection's `nodes`/`edges` are already priced by its `first`; the npm
 * depth/cost plugins either ignore fragments and variables or price every list alike.
 */
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import {
  GraphQLError,
  Kind,
  getNamedType,
  getNullableType,
  isListType,
  isCompositeType,
  valueFromAST,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  isObjectType,
  isInterfaceType,
} from 'graphql';
import { resolvedOperationPlugin } from '../../lib/arguments.js';
import { ErrorCode } from '../../lib/errors.js';

export interface QueryLimits {
  /** Deepest field nesting (a root field is depth 1). Introspection fields (`__schema`, `__type`) are not counted. @default 10 */
  maxDepth?: number;
  /** Aliased fields in one operation, `__typename` and introspection fields included (fragments counted once per use). @default 15 */
  maxAliases?: number;
  /** Root fields in one operation. @default 10 */
  maxRootFields?: number;
  /**
   * Largest estimated cost. Each field costs 1 times the product of the list
   * sizes above it. A field with a `first` argument is a list of `first` items
   * (its argument value, else the schema default, else `listSize`); `nodes` and
   * `edges` under it add no factor of their own; any other list field counts as
   * `listSize` items. So `customers(first: 100) { nodes { orders(first: 100) { nodes { id } } } }`
   * costs 100 × (1 + 1 × (1 + 100 × (1 + 1 × (1 + 1)))) = 30,200.
   * @default 25000
   */
  maxCost?: number;
  /** Items assumed for a list field without `first` (order lines, shipments, comments). @default 10 */
  listSize?: number;
}

export const DEFAULT_QUERY_LIMITS: Required<QueryLimits> = { maxDepth: 10, maxAliases: 15, maxRootFields: 10, maxCost: 25_000, listSize: 10 };

export interface OperationMeasure {
  depth: number;
  aliases: number;
  rootFields: number;
  cost: number;
}

const CONNECTION_CHILDREN = new Set(['nodes', 'edges']);

/** Measures an operation against the schema; variables supply `first` values given as variables. */
export function measureOperation(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
  listSize = DEFAULT_QUERY_LIMITS.listSize,
): OperationMeasure {
  let depth = 0;
  let aliases = 0;

  const firstOf = (field: FieldNode, parent: GraphQLCompositeType): number | undefined => {
    if (!isObjectType(parent) && !isInterfaceType(parent)) return undefined;
    const def = parent.getFields()[field.name.value];
    const argDef = def?.args.find((a) => a.name === 'first');
    if (!argDef) return undefined;
    const node = field.arguments?.find((a) => a.name.value === 'first');
    const value = node ? valueFromAST(node.value, argDef.type, variables) : argDef.defaultValue;
    return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : listSize;
  };

  // Returns the cost of a selection set in which each item is asked once.
  const walk = (set: SelectionSetNode, parent: GraphQLCompositeType, level: number, pricedByFirst: boolean, seen: Set<string>): number => {
    let cost = 0;
    for (const sel of set.selections) {
      switch (sel.kind) {
        case Kind.FIELD: {
          const name = sel.name.value;
          // Counted before the free fields are skipped: 5,000 aliases of a free
          // field still make a response of 5,000 keys.
          if (sel.alias && sel.alias.value !== name) aliases += 1;
          if (name.startsWith('__')) continue; // __typename is free; introspection is refused or allowed as a whole
          depth = Math.max(depth, level);
          const def = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
          const first = firstOf(sel, parent);
          let factor = 1;
          if (first !== undefined) factor = first;
          else if (def && isListType(getNullableType(def.type)) && !(pricedByFirst && CONNECTION_CHILDREN.has(name))) factor = listSize;
          const named = def ? getNamedType(def.type) : undefined;
          let childCost = 0;
          if (sel.selectionSet && named && isCompositeType(named)) {
            childCost = walk(sel.selectionSet, named, level + 1, first !== undefined, seen);
          }
          cost += factor * (1 + childCost);
          break;
        }
        case Kind.INLINE_FRAGMENT: {
          const cond = sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : parent;
          cost += walk(sel.selectionSet, cond && isCompositeType(cond) ? cond : parent, level, pricedByFirst, seen);
          break;
        }
        case Kind.FRAGMENT_SPREAD: {
          const frag = fragments[sel.name.value];
          // Validation has already refused fragment cycles; `seen` guards this walk regardless.
          if (!frag || seen.has(frag.name.value)) break;
          const cond = schema.getType(frag.typeCondition.name.value);
          const next = new Set(seen).add(frag.name.value);
          cost += walk(frag.selectionSet, cond && isCompositeType(cond) ? cond : parent, level, pricedByFirst, next);
          break;
        }
      }
    }
    return cost;
  };

  const root = schema.getRootType(operation.operation);
  if (!root) return { depth: 0, aliases: 0, rootFields: 0, cost: 0 };
  const cost = walk(operation.selectionSet, root, 1, false, new Set());
  // Root fields after fragments are expanded, introspection excluded.
  const rootNames = new Set<string>();
  const collectRoot = (set: SelectionSetNode, seen: Set<string>): void => {
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        if (!sel.name.value.startsWith('__')) rootNames.add((sel.alias ?? sel.name).value);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) collectRoot(sel.selectionSet, seen);
      else {
        const frag = fragments[sel.name.value];
        if (frag && !seen.has(frag.name.value)) collectRoot(frag.selectionSet, new Set(seen).add(frag.name.value));
      }
    }
  };
  collectRoot(operation.selectionSet, new Set());
  return { depth, aliases, rootFields: rootNames.size, cost };
}

export function queryTooComplex(limit: keyof OperationMeasure | 'bodySize', found: number | string, max: number | string): GraphQLError {
  const what: Record<typeof limit, string> = {
    depth: 'nests fields',
    aliases: 'uses aliases',
    rootFields: 'asks for root fields',
    cost: 'has an estimated cost of',
    bodySize: 'has a request body of',
  };
  const msg =
    limit === 'cost' || limit === 'bodySize'
      ? `the operation ${what[limit]} ${found}; the limit is ${max}`
      : `the operation ${what[limit]} ${found} ${limit === 'depth' ? 'deep' : 'times'}; the limit is ${max}`;
  const extensions: Record<string, unknown> = { code: ErrorCode.QUERY_TOO_COMPLEX, limit, found, max, http: { status: limit === 'bodySize' ? 413 : 400 } };
  return new GraphQLError(msg, { extensions });
}

/**
 * Measures an operation and returns the first limit it passes, as the
 * QUERY_TOO_COMPLEX error the client gets, or undefined when it is within every
 * limit. The HTTP plugin and the subscription transport both refuse with it, so
 * a subscription document is held to exactly the rules of a query.
 */
export function checkOperationLimits(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  limits: QueryLimits = {},
): GraphQLError | undefined {
  const l = { ...DEFAULT_QUERY_LIMITS, ...limits };
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
  const m = measureOperation(schema, operation, fragments, variables, l.listSize);
  if (m.depth > l.maxDepth) return queryTooComplex('depth', m.depth, l.maxDepth);
  if (m.aliases > l.maxAliases) return queryTooComplex('aliases', m.aliases, l.maxAliases);
  if (m.rootFields > l.maxRootFields) return queryTooComplex('rootFields', m.rootFields, l.maxRootFields);
  if (m.cost > l.maxCost) return queryTooComplex('cost', m.cost, l.maxCost);
  return undefined;
}

const SIZE_UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/**
 * Bytes in a size such as '100kb' or '1.5mb', read as express.json reads its
 * `limit` (the `bytes` package: units of 1024), or a number of bytes as is.
 */
export function parseByteSize(size: string | number): number {
  if (typeof size === 'number') return size;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(size);
  if (!m?.[1]) throw new Error(`expected a size such as 100kb, got '${size}'`);
  return Math.floor(Number(m[1]) * (SIZE_UNITS[(m[2] ?? 'b').toLowerCase()] ?? 1));
}

/**
 * The abuse-limit plugin. It refuses in didResolveOperation, which Apollo Server
 * runs before the gateway's executor plans or fetches anything.
 */
export function QueryLimitsPlugin<TContext extends BaseContext>(limits: QueryLimits = {}): ApolloServerPlugin<TContext> {
  return resolvedOperationPlugin(({ schema, document, request }, operation) => {
    const refusal = checkOperationLimits(schema, document, operation, request.variables ?? {}, limits);
    if (refusal) throw refusal;
  });
}
