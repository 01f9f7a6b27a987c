/**
 * Personal data minimised by role: which roles see a customer's contact data,
 * addresses and marketing consent, and which see them not at all. The policy is
 * the table below; `instrumentPii` enforces it on every subgraph's schema, once,
 * in front of the fields' own resolvers, so no resolver carries a check of its own.
 *
 * A field a caller may not see resolves to null with a PII_HIDDEN error at its
 * path. Hidden rather than masked: a masked string ("j•••@example.com") looks
 * like data, can be copied into a write, and cannot express a hidden Boolean
 * (consent). docs/security.md ("Personal data by role") shows the table; npm run
 * docs:pii writes it there and test/auth/pii.test.ts fails when the two differ.
 */
import { defaultFieldResolver, isObjectType, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { DomainError, ErrorCode } from '../errors.js';
import { ROLES, type Caller, type Role } from './caller.js';

/** What a role sees of a field: all of it, or nothing (null with PII_HIDDEN). */
export type PiiLevel = 'full' | 'hidden';

interface PiiRule {
  /** What the field holds, as the docs table says it. */
  readonly data: string;
  readonly levels: Readonly<Record<Role, PiiLevel>>;
}

/**
 * One row per field of personal data, `Type.field` as the subgraph schemas name it.
 * - agent: everything, to serve the customer on the phone;
 * - storefront: everything; it only ever reaches its own customer (OPERATIONS);
 * - finance: contact data and addresses, to bill and collect, not the marketing consent;
 * - operator: none of it; running the write queue needs ids and outcomes, not who the customer is.
 * A field's level for a caller is the most open level of the roles its token grants
 * (not the roles they imply: finance implies the agent's operations, not its view).
 */
export const PII_POLICY = {
  'Customer.email': { data: 'e-mail address', levels: { agent: 'full', storefront: 'full', finance: 'full', operator: 'hidden' } },
  'Customer.phone': { data: 'phone number', levels: { agent: 'full', storefront: 'full', finance: 'full', operator: 'hidden' } },
  'Contact.email': { data: "a contact's e-mail address", levels: { agent: 'full', storefront: 'full', finance: 'full', operator: 'hidden' } },
  'Contact.phone': { data: "a contact's phone number", levels: { agent: 'full', storefront: 'full', finance: 'full', operator: 'hidden' } },
  'Customer.consent': { data: 'marketing consent (e-mail and SMS opt-in, when it changed)', levels: { agent: 'full', storefront: 'full', finance: 'hidden', operator: 'hidden' } },
  'CustomerFinancials.billingAddress': { data: 'billing address', levels: { agent: 'full', storefront: 'full', finance: 'full', operator: 'hidden' } },
  'CustomerFinancials.shippingAddresses': { data: 'shipping addresses', levels: { agent: 'full', storefront: 'full', finance: 'full', operator: 'hidden' } },
} as const satisfies Record<string, PiiRule>;

export type PiiField = keyof typeof PII_POLICY;

const PII_FIELDS = Object.keys(PII_POLICY) as PiiField[];

/** The level a caller gets for a field: the most open over the roles its token grants; hidden for a caller without roles. */
export function piiLevel(caller: Caller, field: PiiField): PiiLevel {
  const levels: Readonly<Record<Role, PiiLevel>> = PII_POLICY[field].levels;
  return caller.roles.some((r) => levels[r] === 'full') ? 'full' : 'hidden';
}

/**
 * The fields a caller may not see, sorted; empty when it sees everything. Two
 * callers with the same view read the same answers, so caches may share
 * entries between them, and only between them (scopeOf in policy.ts).
 */
export function hiddenFields(caller: Caller): PiiField[] {
  return PII_FIELDS.filter((f) => piiLevel(caller, f) === 'hidden').sort();
}

export function piiHidden(field: PiiField, caller: Caller): DomainError {
  const roles = caller.roles.length === 0 ? 'a caller without roles' : `role ${caller.roles.join('+')}`;
  return new DomainError(ErrorCode.PII_HIDDEN, `${field} is personal data that ${roles} may not see (docs/security.md, "Personal data by role")`, { field });
}

/** The caller of the request a context belongs to, under a symbol (as the audit state is: Apollo copies contexts shallowly). */
const PII_CALLER = Symbol('pii-caller');

/** Names the caller whose view the request's personal-data fields follow; the subgraph bootstrap calls it for every context. */
export function bindPiiCaller(ctx: object, caller: Caller): void {
  Object.defineProperty(ctx, PII_CALLER, { value: caller, enumerable: true });
}

const boundCaller = (ctx: unknown): Caller | undefined =>
  ctx !== null && typeof ctx === 'object' ? (ctx as { [PII_CALLER]?: Caller })[PII_CALLER] : undefined;

/**
 * Wraps, in place, the resolver of each policy field this schema has: a caller
 * whose level is hidden gets PII_HIDDEN before the field's resolver (and its
 * audit note) runs, so a hidden field is neither read nor audited as read. A
 * context without a bound caller sees nothing: the rule fails closed.
 */
export function instrumentPii(schema: GraphQLSchema): void {
  for (const field of PII_FIELDS) {
    const [typeName = '', fieldName = ''] = field.split('.');
    const type = schema.getType(typeName);
    if (!isObjectType(type)) continue;
    const def = type.getFields()[fieldName];
    if (!def) continue;
    const resolve: GraphQLFieldResolver<unknown, object> = def.resolve ?? defaultFieldResolver;
    def.resolve = (parent, args, ctx, info) => {
      const caller = boundCaller(ctx);
      if (!caller) throw piiHidden(field, { subject: 'unknown', roles: [], via: 'gateway' });
      if (piiLevel(caller, field) === 'hidden') throw piiHidden(field, caller);
      return resolve(parent, args, ctx, info);
    };
  }
}

/** The role × field table as docs/security.md shows it (npm run docs:pii writes it there). */
export function piiPolicyMarkdown(): string {
  const rows = PII_FIELDS.map((f) => {
    const rule: PiiRule = PII_POLICY[f];
    return `| \`${f}\` | ${rule.data} | ${ROLES.map((r) => rule.levels[r]).join(' | ')} |`;
  });
  return [`| field | data | ${ROLES.join(' | ')} |`, `|---|---|${ROLES.map(() => '---|').join('')}`, ...rows].join('\n');
}
