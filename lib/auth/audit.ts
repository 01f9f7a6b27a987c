/**
 * The audit trail: one structured record for every read of a customer's
 * personal data (per customer and field group, once per request) and every
 * write. Records say who (subject, roles), which customer, which field group
 * or operation, and the correlation id; never the data itself, never a token.
 *
 * They go through their own pino child logger (component "audit", audit: true)
 * so that a deployment can route them to a separate sink by that field.
 */
import { defaultFieldResolver, getNamedType, isObjectType, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import type { Logger } from 'pino';
import { DomainError, ErrorCode, UpstreamError } from '../errors.js';
import { noteAuditedRead, type AuditedRead } from '../cache/tags-report.js';
import { childLogger } from '../log.js';
import type { Caller } from './caller.js';

const FIELD_GROUPS = ['identity', 'contact', 'contacts', 'consent', 'loyalty', 'profile', 'financials', 'orders', 'invoices', 'cases'] as const;

/** Groups of a customer's personal data, as audit records name them. */
export type FieldGroup = (typeof FIELD_GROUPS)[number];

const isFieldGroup = (g: string): g is FieldGroup => (FIELD_GROUPS as readonly string[]).includes(g);

/**
 * Which Customer fields are personal data, by group. A field of Customer not
 * listed here (id, segment, freshness, salesforceId) is not audited. The
 * subgraph bootstrap audits these on whichever subgraph resolves them.
 */
export const PERSONAL_DATA_FIELDS: Readonly<Record<string, Readonly<Record<string, FieldGroup>>>> = {
  Customer: {
    name: 'identity',
    email: 'contact',
    phone: 'contact',
    contacts: 'contacts',
    consent: 'consent',
    loyalty: 'loyalty',
    preferredStoreId: 'profile',
    financials: 'financials',
    orders: 'orders',
    invoices: 'invoices',
    cases: 'cases',
  },
};

export type AuditRecord =
  | {
      action: 'read';
      customerId: string;
      fieldGroups: FieldGroup[];
      /** Set when the gateway served the data from its caches, without asking the subgraph that read it first. */
      servedFrom?: 'gateway-cache';
    }
  | {
      action: 'write';
      operation: string;
      /** The customer the write acts on, when its arguments name one. */
      customerId?: string;
      /** Ids of the records the write targets (order, case, write numbers): identifiers, not personal data. */
      target?: Record<string, string>;
      outcome: 'succeeded' | 'failed';
      errorCode?: string;
    }
  | {
      /** An operator action on a write queue (retry or discard, of one write or in bulk). */
      action: 'queue';
      /** The root field, e.g. `retryOrderWrites`. */
      operation: string;
      /** How many writes it changed. */
      affected: number;
      /** The writes it changed: identifiers only. */
      writeIds: string[];
      /** Matching writes it could not change (bulk only). */
      failed?: number;
      /** What a bulk action selected by: listings, kinds, customer, time bounds. */
      filter?: Record<string, unknown>;
    };

let auditLog: Logger | undefined;

/** The dedicated audit logger (created on first use so that tests can swap the root logger's destination first). */
export function auditLogger(): Logger {
  auditLog ??= childLogger('audit').child({ audit: true });
  return auditLog;
}

/** Writes one audit record for a caller. */
export function audit(caller: Caller, correlationId: string | undefined, record: AuditRecord, log: Logger = auditLogger()): void {
  log.info(
    {
      ...record,
      subject: caller.subject,
      roles: caller.roles,
      via: caller.via,
      ...(caller.customerId ? { callerCustomerId: caller.customerId } : {}),
      correlationId,
    },
    record.action === 'read' ? 'audit: personal data read' : record.action === 'queue' ? 'audit: write queue action' : 'audit: write',
  );
}

/** What one request has read and who asked, for its audit records. */
interface AuditState {
  caller: Caller;
  correlationId: string;
  reads: Map<string, Set<FieldGroup>>;
  /** The customer the write being resolved concerns, as its resolver learned it (auditWriteCustomer). */
  writeCustomerId?: string;
}

/**
 * Carried on the request's context object under a symbol. Not a WeakMap keyed
 * by the context: Apollo Server hands resolvers and plugins a shallow copy of
 * it (Object.assign), which keeps symbol-keyed properties but not identity.
 */
const AUDIT = Symbol('audit');
const auditState = (ctx: unknown): AuditState | undefined =>
  ctx !== null && typeof ctx === 'object' ? (ctx as { [AUDIT]?: AuditState })[AUDIT] : undefined;

/**
 * Tells the audit record of the write being resolved which customer it
 * concerns, when its arguments do not say: an order's owner, say, known once
 * the order is read. Call it with the resolver's context; a no-op outside a
 * write. Mutations run one after another, so it cannot name another's customer.
 */
export function auditWriteCustomer(ctx: unknown, customerId: string): void {
  const state = auditState(ctx);
  if (state) state.writeCustomerId = customerId;
}

function stringArg(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

/**
 * Wraps, in place, the resolvers of personal-data fields (PERSONAL_DATA_FIELDS)
 * to note each (customer, field group) read, and every Mutation field to write
 * an audit record of the write and its outcome. Done here, once, so that every
 * subgraph audits the same way without a line in its resolvers.
 */
export function instrumentAudit(schema: GraphQLSchema): void {
  for (const [typeName, fields] of Object.entries(PERSONAL_DATA_FIELDS)) {
    const type = schema.getType(typeName);
    if (!isObjectType(type)) continue;
    const defs = type.getFields();
    for (const [fieldName, group] of Object.entries(fields)) {
      const def = defs[fieldName];
      if (!def) continue;
      const resolve: GraphQLFieldResolver<unknown, object> = def.resolve ?? defaultFieldResolver;
      def.resolve = (parent, args, ctx, info) => {
        const state = auditState(ctx);
        const customerId = stringArg((parent as { id?: unknown } | null)?.id);
        if (state && customerId) {
          const groups = state.reads.get(customerId) ?? new Set<FieldGroup>();
          groups.add(group);
          state.reads.set(customerId, groups);
        }
        return resolve(parent, args, ctx, info);
      };
    }
  }
  const mutation = schema.getMutationType();
  if (!mutation) return;
  for (const def of Object.values(mutation.getFields())) {
    const resolve: GraphQLFieldResolver<unknown, object> = def.resolve ?? defaultFieldResolver;
    def.resolve = async (parent, args: Record<string, unknown>, ctx, info) => {
      const state = auditState(ctx);
      const input = (args.input ?? {}) as Record<string, unknown>;
      // Identifiers only: ids of the records acted on, never the values written.
      const target: Record<string, string> = {};
      for (const [k, v] of [...Object.entries(args), ...Object.entries(input)]) {
        if ((k === 'id' || k.endsWith('Id')) && typeof v === 'string') target[k] = v;
      }
      const fromArgs =
        stringArg(args.customerId) ?? stringArg(input.customerId) ?? (getNamedType(info.returnType).name.startsWith('Customer') ? stringArg(args.id) : undefined);
      if (state) state.writeCustomerId = undefined;
      const record = () => {
        const customerId = fromArgs ?? state?.writeCustomerId;
        return { action: 'write' as const, operation: info.fieldName, ...(customerId ? { customerId } : {}), target };
      };
      try {
        const result: unknown = await resolve(parent, args, ctx, info);
        if (state) audit(state.caller, state.correlationId, { ...record(), outcome: 'succeeded' });
        return result;
      } catch (err) {
        const original = unwrapResolverError(err);
        const errorCode = original instanceof DomainError || original instanceof UpstreamError ? original.code : ErrorCode.INTERNAL_SERVER_ERROR;
        if (state) audit(state.caller, state.correlationId, { ...record(), outcome: 'failed', errorCode });
        throw err;
      }
    };
  }
}

/** Opens a request's audit state on its context; the subgraph bootstrap calls it once per request. */
export function beginAudit(ctx: object, caller: Caller, correlationId: string): void {
  const state: AuditState = { caller, correlationId, reads: new Map() };
  Object.defineProperty(ctx, AUDIT, { value: state, enumerable: true });
}

/**
 * Writes the request's read records: one per customer, listing the field groups
 * read. Each is also noted in the request's cache report, so that the gateway
 * can write it again for whoever it serves the same data to from its caches.
 */
export function flushAuditReads(ctx: unknown): void {
  const state = auditState(ctx);
  if (!state) return;
  for (const [customerId, groups] of state.reads) {
    const fieldGroups = [...groups].sort();
    audit(state.caller, state.correlationId, { action: 'read', customerId, fieldGroups });
    noteAuditedRead({ customerId, fieldGroups });
  }
  state.reads.clear();
}

/** Audited reads merged by customer (field groups united); group names this version does not know are dropped. */
export function mergeAuditedReads(reads: Iterable<AuditedRead>): Map<string, Set<FieldGroup>> {
  const merged = new Map<string, Set<FieldGroup>>();
  for (const { customerId, fieldGroups } of reads) {
    const groups = merged.get(customerId) ?? new Set<FieldGroup>();
    for (const g of fieldGroups) if (isFieldGroup(g)) groups.add(g);
    merged.set(customerId, groups);
  }
  return merged;
}

/**
 * Writes the read records of data the gateway served from its caches, for the
 * caller it served them to: one per customer, as a subgraph writes them, marked
 * `servedFrom: "gateway-cache"`.
 */
export function auditServedReads(caller: Caller, correlationId: string | undefined, reads: ReadonlyMap<string, ReadonlySet<FieldGroup>>): void {
  for (const [customerId, groups] of reads) {
    if (groups.size === 0) continue;
    audit(caller, correlationId, { action: 'read', customerId, fieldGroups: [...groups].sort(), servedFrom: 'gateway-cache' });
  }
}
