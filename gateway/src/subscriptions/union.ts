/**
 * One enrichment for many selections. Subscribers on the same root field, with
 * the same argument values and the same caller scope, receive the same events;
 * what differs is only what each one selects. The hub therefore subscribes and
 * enriches once, with a document whose selection is the union of theirs, and
 * shapes each subscriber's result from that one answer.
 *
 * The union keys every field by its name and argument values, not by the alias a
 * subscriber gave it: `a: name` and `b: name` are one field, while
 * `orders(first: 5)` and `orders(first: 10)` are two, under names derived from
 * their arguments. Shaping runs graphql-js's own executor over each subscriber's
 * document with the union's data as the root value and a field resolver that
 * reads the same key, so aliases, fragments, `@skip`/`@include` and `__typename`
 * behave exactly as GraphQL defines them, and null propagation follows the
 * subscriber's own types.
 *
 * Selections under an interface or a union type are not merged (the union's key
 * of a field would depend on the runtime type); such a document keeps its own
 * shared subscription, as before (`mergeableSelection` returns undefined).
 */
import { createHash } from 'node:crypto';
import {
  GraphQLError,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  Kind,
  astFromValue,
  executeSync,
  getArgumentValues,
  getDirectiveValues,
  getNamedType,
  isObjectType,
  responsePathAsArray,
  type ArgumentNode,
  type DocumentNode,
  type ExecutionResult,
  type FieldNode,
  type FragmentDefinitionNode,
  type FragmentSpreadNode,
  type GraphQLField,
  type GraphQLFieldResolver,
  type GraphQLObjectType,
  type GraphQLSchema,
  type InlineFragmentNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/** One field of a union selection, keyed in its parent by name and argument values. */
export interface UnionField {
  name: string;
  def: GraphQLField<unknown, unknown>;
  /** The argument values, coerced (defaults applied) as graphql-js hands them to a resolver. */
  args: Record<string, unknown>;
  /** The sub-selection, for a field of an object type. */
  children: UnionSelection | undefined;
}

/** Fields by their key in the union (see `fieldKey`). */
export type UnionSelection = Map<string, UnionField>;

/** A subscriber's selection in union terms: its root field and what it selects under it. */
export interface MergeableSelection {
  /** The root field's key: its name and argument values. Subscribers with equal keys receive the same events. */
  rootKey: string;
  root: UnionField;
}

/**
 * The key of a field in the union: its name when it takes no arguments, else its
 * name and a digest of its argument values. Two fields get the same key exactly
 * when they return the same value for the same parent.
 */
export function fieldKey(name: string, args: Record<string, unknown>): string {
  let any = false;
  for (const k in args) {
    if (args[k] !== undefined) {
      any = true;
      break;
    }
  }
  if (!any) return name;
  return `${name}__${createHash('sha1').update(canonicalJson(args)).digest('hex').slice(0, 16)}`;
}

/** Values as JSON with object keys sorted, so equal values give equal strings. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

class NotMergeable extends Error {}

/**
 * A subscription's selection in union terms, with its variables applied, or
 * undefined when it cannot be merged with others (it selects under an abstract
 * type). The document must have passed validation against `schema`.
 */
export function mergeableSelection(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null,
  variables: Record<string, unknown>,
): MergeableSelection | undefined {
  const operation = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION && (operationName == null || d.name?.value === operationName),
  );
  const rootType = schema.getSubscriptionType();
  if (!operation || !rootType) return undefined;
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
  const top: UnionSelection = new Map();
  try {
    collect(operation.selectionSet, rootType, fragments, variables, top);
  } catch (e) {
    if (e instanceof NotMergeable) return undefined;
    throw e;
  }
  const fields = [...top.entries()].filter(([k]) => k !== '__typename');
  if (fields.length !== 1) return undefined;
  const [rootKey, root] = fields[0]!;
  return { rootKey, root };
}

function included(node: FieldNode | InlineFragmentNode | FragmentSpreadNode, variables: Record<string, unknown>): boolean {
  if (!node.directives?.length) return true;
  if (getDirectiveValues(GraphQLSkipDirective, node, variables)?.if === true) return false;
  if (getDirectiveValues(GraphQLIncludeDirective, node, variables)?.if === false) return false;
  return true;
}

function collect(set: SelectionSetNode, parent: GraphQLObjectType, fragments: Record<string, FragmentDefinitionNode>, variables: Record<string, unknown>, into: UnionSelection): void {
  for (const sel of set.selections) {
    if (!included(sel, variables)) continue;
    switch (sel.kind) {
      case Kind.FIELD: {
        const name = sel.name.value;
        // graphql-js answers __typename itself; the union needs it only under abstract types, which are not merged.
        if (name.startsWith('__')) break;
        const def = parent.getFields()[name];
        if (!def) throw new NotMergeable(`no field ${parent.name}.${name}`);
        const args = getArgumentValues(def, sel, variables);
        const key = fieldKey(name, args);
        let entry = into.get(key);
        if (!entry) into.set(key, (entry = { name, def, args, children: undefined }));
        if (sel.selectionSet) {
          const named = getNamedType(def.type);
          if (!isObjectType(named)) throw new NotMergeable(`${named.name} is abstract`);
          entry.children ??= new Map();
          collect(sel.selectionSet, named, fragments, variables, entry.children);
        }
        break;
      }
      // Under an object type every valid fragment applies: its condition is that type, or an abstract type that includes it.
      case Kind.INLINE_FRAGMENT:
        collect(sel.selectionSet, parent, fragments, variables, into);
        break;
      case Kind.FRAGMENT_SPREAD: {
        const fragment = fragments[sel.name.value];
        if (fragment) collect(fragment.selectionSet, parent, fragments, variables, into);
        break;
      }
    }
  }
}

/** Merges `from` into `into`; returns whether `into` gained a field. */
export function mergeSelection(into: UnionSelection, from: UnionSelection): boolean {
  let grew = false;
  for (const [key, field] of from) {
    const existing = into.get(key);
    if (!existing) {
      into.set(key, cloneField(field));
      grew = true;
    } else if (field.children) {
      existing.children ??= new Map();
      if (mergeSelection(existing.children, field.children)) grew = true;
    }
  }
  return grew;
}

/** Whether every field of `part` is in `whole`. */
export function covers(whole: UnionSelection, part: UnionSelection): boolean {
  for (const [key, field] of part) {
    const existing = whole.get(key);
    if (!existing) return false;
    if (field.children && !(existing.children && covers(existing.children, field.children))) return false;
  }
  return true;
}

export function cloneField(field: UnionField): UnionField {
  const children = field.children ? new Map([...field.children].map(([k, f]) => [k, cloneField(f)])) : undefined;
  return { ...field, children };
}

/** The union as a subscription document: every field under its key (an alias when the key is not its name), keys sorted. */
export function unionDocument(rootKey: string, root: UnionField): DocumentNode {
  const operation: OperationDefinitionNode = {
    kind: Kind.OPERATION_DEFINITION,
    operation: 'subscription' as OperationDefinitionNode['operation'],
    selectionSet: { kind: Kind.SELECTION_SET, selections: [fieldNode(rootKey, root)] },
  };
  return { kind: Kind.DOCUMENT, definitions: [operation] };
}

function fieldNode(key: string, field: UnionField): FieldNode {
  const args: ArgumentNode[] = [];
  for (const arg of field.def.args) {
    const value = field.args[arg.name];
    if (value === undefined) continue;
    const ast = astFromValue(value, arg.type);
    if (ast) args.push({ kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: arg.name }, value: ast });
  }
  return {
    kind: Kind.FIELD,
    ...(key !== field.name ? { alias: { kind: Kind.NAME, value: key } } : {}),
    name: { kind: Kind.NAME, value: field.name },
    arguments: args,
    directives: [],
    ...(field.children
      ? {
          selectionSet: {
            kind: Kind.SELECTION_SET,
            selections: [...field.children.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, f]) => fieldNode(k, f)),
          },
        }
      : {}),
  };
}

/**
 * One event's enriched union result, read by every subscriber's shaping: its
 * data, its errors indexed by their path in the union, and the path in the union
 * of each object met while shaping (computed once, shared by all subscribers).
 */
export class UnionResult {
  private readonly paths = new WeakMap<object, string>();
  private readonly byPath = new Map<string, GraphQLError[]>();
  /** Errors without a path, with the subgraph they came from when it is known. */
  readonly pathless: Array<{ error: GraphQLError; service: string | undefined }> = [];

  constructor(
    readonly data: Record<string, unknown> | null,
    readonly errors: readonly GraphQLError[],
    serviceOf: (error: GraphQLError) => string | undefined,
  ) {
    if (data) this.paths.set(data, '');
    for (const error of errors) {
      if (!error.path?.length) {
        this.pathless.push({ error, service: serviceOf(error) });
        continue;
      }
      const key = error.path.join('.');
      const list = this.byPath.get(key);
      if (list) list.push(error);
      else this.byPath.set(key, [error]);
    }
  }

  /**
   * A subscriber's result: its own document executed over the union's data.
   * `pathless` decides which errors without a path concern this subscriber.
   */
  shape(schema: GraphQLSchema, document: DocumentNode, operationName: string | null, variables: Record<string, unknown>, pathless: (service: string | undefined) => boolean): ExecutionResult {
    const errors: GraphQLError[] = [];
    if (!this.data) {
      for (const list of this.byPath.values()) errors.push(...list);
      for (const { error, service } of this.pathless) if (pathless(service)) errors.push(error);
      return { data: null, ...(errors.length ? { errors } : {}) };
    }
    const seen = new Set<GraphQLError>();
    const hasPathErrors = this.byPath.size > 0;
    const relocate = (error: GraphQLError, path: ReadonlyArray<string | number>): void => {
      if (seen.has(error)) return;
      seen.add(error);
      // The error as the subgraph reported it, at the place it has in this subscriber's answer (aliases and all).
      errors.push(new GraphQLError(error.message, { path, extensions: error.extensions, originalError: error.originalError ?? undefined }));
    };
    const resolve: GraphQLFieldResolver<unknown, unknown> = (source, args, _context, info) => {
      if (source === null || typeof source !== 'object') return undefined;
      const key = fieldKey(info.fieldName, args as Record<string, unknown>);
      const value = (source as Record<string, unknown>)[key];
      const parent = this.paths.get(source);
      const path = parent === undefined || parent === '' ? key : `${parent}.${key}`;
      if (value !== null && typeof value === 'object') this.record(value, path);
      if (hasPathErrors) {
        const here = this.byPath.get(path);
        if (here) for (const e of here) relocate(e, responsePathAsArray(info.path));
        // A null hides what was selected under it: errors below it belong to this field.
        if (value === null || value === undefined) {
          const below = `${path}.`;
          for (const [p, list] of this.byPath) if (p.startsWith(below)) for (const e of list) relocate(e, responsePathAsArray(info.path));
        }
      }
      return value;
    };
    const result = executeSync({ schema, document, operationName, variableValues: variables, rootValue: this.data, fieldResolver: resolve });
    for (const { error, service } of this.pathless) if (pathless(service)) errors.push(error);
    // graphql-js's own errors here can only be nulls in non-null positions, which
    // the union's executor already propagated and reported (as @apollo/gateway does
    // for a query: its value-completion errors never reach the client).
    return { data: (result.data ?? null) as ExecutionResult['data'], ...(errors.length ? { errors } : {}) };
  }

  private record(value: object, path: string): void {
    if (this.paths.has(value)) return;
    this.paths.set(value, path);
    if (Array.isArray(value)) value.forEach((item, i) => item !== null && typeof item === 'object' && this.record(item as object, `${path}.${i}`));
  }
}
