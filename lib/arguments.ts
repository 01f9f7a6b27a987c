/**
 * Argument rules: checks on every argument and input field of an operation,
 * run once per request by the subgraph bootstrap (lib/subgraph.ts) after the
 * operation is resolved and before anything executes, so that a value no
 * system of record would take never costs a call, and no resolver can forget
 * a check. Resolvers keep their own business checks (SKUs, statuses, the
 * fields of an address); these are the shape checks every field shares:
 *
 * - a maximum length for every string, 1,000 characters by default, with larger
 *   limits where a system of record takes long text (a case's description, a
 *   comment's body) and smaller ones where a field is short in its system;
 * - the idempotency key's format (the write coordinator's own rule);
 * - formats the graph knows, such as a customer search's e-mail and phone.
 *
 * A refusal is BAD_USER_INPUT with `argumentName` (the argument's path, e.g.
 * `filter.email` or `input.lines[0].sku`) and a message saying what was
 * expected and what came instead.
 */
import {
  GraphQLError,
  Kind,
  TypeInfo,
  getArgumentValues,
  getNamedType,
  getNullableType,
  getVariableValues,
  isInputObjectType,
  isListType,
  isScalarType,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type VariableDefinitionNode,
} from 'graphql';
import type { ApolloServerPlugin, BaseContext, GraphQLRequestContextDidResolveOperation } from '@apollo/server';
import { badInput, toGraphQLError } from './errors.js';
import { IDEMPOTENCY_KEY } from './writes/coordinator.js';

/** A format a string must have; `describe` completes "expected …". */
export interface ArgumentFormat {
  test(value: string): boolean;
  describe: string;
}

export interface ArgumentRules {
  /** Longest string any argument or input field may carry, unless `maxLength` names it. @default 1000 */
  defaultMaxLength?: number;
  /**
   * Limits by coordinate: `Type.field(argument)` for an argument, `InputType.field`
   * for an input field. @default DEFAULT_MAX_LENGTHS
   */
  maxLength?: Record<string, number>;
  /** Formats by coordinate, as maxLength. @default DEFAULT_FORMATS */
  formats?: Record<string, ArgumentFormat>;
  /** Formats for every argument or input field of that name, wherever it is. @default { idempotencyKey } */
  formatsByName?: Record<string, ArgumentFormat>;
}

/** Every string argument's limit unless one below applies. */
export const DEFAULT_MAX_LENGTH = 1_000;

/**
 * Limits that differ from the default, each from the system that stores the value:
 * Zendesk takes long comment bodies (the service subgraph allows 32,000
 * characters, LIMITS.body), Salesforce's Email fields hold 80 characters, Phone
 * fields 40, and Account names 255.
 */
export const DEFAULT_MAX_LENGTHS: Readonly<Record<string, number>> = {
  'OpenCaseInput.description': 32_000,
  'Mutation.addCaseComment(body)': 32_000,
  'CustomerFilter.email': 80,
  'CustomerFilter.phone': 40,
  'CustomerFilter.namePrefix': 255,
};

const IDEMPOTENCY_KEY_FORMAT: ArgumentFormat = {
  test: (v) => IDEMPOTENCY_KEY.test(v),
  describe: 'an idempotencyKey of 1 to 255 printable ASCII characters without spaces',
};

// As the customer subgraph's write checks it: one @, no spaces, a dot in the domain.
const EMAIL = /^[^\s@]{1,64}@[^\s@]+\.[^\s@]{2,}$/;
const PHONE = /^\+?[0-9 ().-]+$/;

/** Formats the graph knows, by coordinate. */
export const DEFAULT_FORMATS: Readonly<Record<string, ArgumentFormat>> = {
  'CustomerFilter.email': { test: (v) => EMAIL.test(v), describe: 'an e-mail address like "name@example.com"' },
  'CustomerFilter.phone': {
    test: (v) => {
      const digits = v.replace(/\D/g, '').length;
      return PHONE.test(v) && digits >= 7 && digits <= 15;
    },
    describe: 'a phone number of 7 to 15 digits (with an optional leading +, spaces, dots, dashes or parentheses)',
  },
};

interface Resolved {
  defaultMaxLength: number;
  maxLength: Record<string, number>;
  formats: Record<string, ArgumentFormat>;
  formatsByName: Record<string, ArgumentFormat>;
}

const shown = (v: string): string => (v.length > 60 ? `${v.slice(0, 60)}…` : v);

function checkString(value: string, name: string, coordinate: string, path: string, rules: Resolved): void {
  const max = rules.maxLength[coordinate] ?? rules.defaultMaxLength;
  if (value.length > max) {
    throw badInput(`expected ${path} of at most ${max} characters, got ${value.length}`, { argumentName: path });
  }
  const format = rules.formats[coordinate] ?? rules.formatsByName[name];
  if (format && !format.test(value)) {
    throw badInput(`expected ${format.describe} for ${path}, got '${shown(value)}'`, { argumentName: path });
  }
}

function checkValue(type: GraphQLInputType, value: unknown, name: string, coordinate: string, path: string, rules: Resolved): void {
  if (value === null || value === undefined) return;
  const t = getNullableType(type);
  if (isListType(t)) {
    if (!Array.isArray(value)) return;
    value.forEach((item, i) => checkValue(t.ofType as GraphQLInputType, item, name, coordinate, `${path}[${i}]`, rules));
    return;
  }
  if (isInputObjectType(t)) {
    const fields = t.getFields();
    for (const [fieldName, fieldValue] of Object.entries(value as Record<string, unknown>)) {
      const field = fields[fieldName];
      if (field) checkValue(field.type, fieldValue, fieldName, `${t.name}.${fieldName}`, `${path}.${fieldName}`, rules);
    }
    return;
  }
  // _Any (entity representations) comes from the gateway's plan, not from a client's argument.
  if (isScalarType(t) && t.name !== '_Any' && typeof value === 'string') checkString(value, name, coordinate, path, rules);
}

function reachableFragments(document: DocumentNode, operation: OperationDefinitionNode): FragmentDefinitionNode[] {
  const all = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) all.set(d.name.value, d);
  const found = new Map<string, FragmentDefinitionNode>();
  const queue: Array<OperationDefinitionNode | FragmentDefinitionNode> = [operation];
  while (queue.length > 0) {
    const node = queue.pop();
    if (!node) break;
    visit(node, {
      FragmentSpread(spread) {
        const f = all.get(spread.name.value);
        if (f && !found.has(f.name.value)) {
          found.set(f.name.value, f);
          queue.push(f);
        }
      },
    });
  }
  return [...found.values()];
}

/** A field of an operation whose arguments the rules check: where it is, and what it takes. */
interface CheckedField {
  node: FieldNode;
  def: GraphQLField<unknown, unknown>;
  parentName: string;
}

/** An argument that only ever holds entity representations, from the gateway's plan: nothing to check in it. */
const representationsOnly = (arg: GraphQLArgument): boolean => getNamedType(arg.type).name === '_Any';

/** What the rules look at in one operation: its fields to check, and the variables their arguments use. */
interface CheckPlan {
  fields: readonly CheckedField[];
  variables: readonly VariableDefinitionNode[];
}

/**
 * The fields of an operation (its fragments included) that take an argument the rules
 * can check, in document order, and the variables those arguments use. It depends on
 * the schema and the document alone, so it is worked out once per parsed operation:
 * Apollo Server hands back the same parsed document for a repeated query, and the
 * gateway's fetches repeat theirs.
 */
const plans = new WeakMap<GraphQLSchema, WeakMap<OperationDefinitionNode, CheckPlan>>();

function checkPlan(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): CheckPlan {
  let bySchema = plans.get(schema);
  if (!bySchema) plans.set(schema, (bySchema = new WeakMap()));
  const cached = bySchema.get(operation);
  if (cached) return cached;
  const fields: CheckedField[] = [];
  const used = new Set<string>();
  const typeInfo = new TypeInfo(schema);
  for (const root of [operation, ...reachableFragments(document, operation)]) {
    visit(
      root,
      visitWithTypeInfo(typeInfo, {
        Field(node) {
          const def = typeInfo.getFieldDef();
          const parent = typeInfo.getParentType();
          if (!def || !parent || !def.args.some((a) => !representationsOnly(a))) return;
          fields.push({ node, def, parentName: getNamedType(parent).name });
          for (const arg of node.arguments ?? []) visit(arg.value, { Variable: (v) => void used.add(v.name.value) });
        },
      }),
    );
  }
  const plan = { fields, variables: (operation.variableDefinitions ?? []).filter((d) => used.has(d.variable.name.value)) };
  bySchema.set(operation, plan);
  return plan;
}

/**
 * Checks every argument of the operation against the rules. Throws the
 * BAD_USER_INPUT DomainError of the first that fails. Variables that do not
 * coerce are left to execution, which reports them in GraphQL's own words.
 * Only the variables the checked arguments use are coerced: an operation with
 * nothing to check (an `_entities` fetch) costs no coercion, and the entity
 * representations of one with nested arguments are not coerced twice.
 */
export function checkArguments(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | undefined,
  rules: ArgumentRules = {},
): void {
  const { fields, variables: used } = checkPlan(schema, document, operation);
  if (fields.length === 0) return;
  const resolved: Resolved = {
    defaultMaxLength: rules.defaultMaxLength ?? DEFAULT_MAX_LENGTH,
    maxLength: { ...DEFAULT_MAX_LENGTHS, ...rules.maxLength },
    formats: { ...DEFAULT_FORMATS, ...rules.formats },
    formatsByName: { idempotencyKey: IDEMPOTENCY_KEY_FORMAT, ...rules.formatsByName },
  };
  const coerced = getVariableValues(schema, used, variables ?? {});
  if (coerced.errors) return;
  for (const { node, def, parentName } of fields) {
    let args: Record<string, unknown>;
    try {
      args = getArgumentValues(def, node, coerced.coerced);
    } catch {
      continue; // execution reports it
    }
    for (const arg of def.args) {
      if (!representationsOnly(arg)) checkValue(arg.type, args[arg.name], arg.name, `${parentName}.${def.name}(${arg.name})`, arg.name, resolved);
    }
  }
}

/**
 * An Apollo Server plugin that runs `check` on each operation once it is resolved,
 * before anything is planned, fetched or resolved; what `check` throws refuses the request.
 */
export function resolvedOperationPlugin<TContext extends BaseContext>(
  check: (request: GraphQLRequestContextDidResolveOperation<TContext>, operation: OperationDefinitionNode) => void,
): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation(request) {
          if (request.operation) check(request, request.operation);
        },
      };
    },
  };
}

/**
 * The plugin the subgraph bootstrap installs: checks each operation's
 * arguments once it is resolved, before any resolver runs.
 */
export function ArgumentRulesPlugin<TContext extends BaseContext>(rules: ArgumentRules = {}): ApolloServerPlugin<TContext> {
  return resolvedOperationPlugin(({ schema, document, request }, operation) => {
    try {
      checkArguments(schema, document, operation, request.variables, rules);
    } catch (err) {
      const e = toGraphQLError(err);
      // 200, as for an error a resolver throws: the gateway passes a subgraph's GraphQL errors on to the
      // client with their codes, but turns any other status into a bare "400: Bad Request".
      throw new GraphQLError(e.message, { extensions: { ...e.extensions, http: { status: 200 } }, originalError: e.originalError ?? undefined });
    }
  });
}
