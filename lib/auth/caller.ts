/**
 * Who is asking. The gateway turns a verified token into a Caller; the subgraphs
 * receive the same Caller in the gateway's signed header and never see a token.
 * Every rule in policy.ts is a function of a Caller, so a resolver, a cache key
 * and a subscription filter all agree on who the caller is.
 */

/** The roles of CONTRACT.md ("Identity"). Any other role a token carries is ignored. */
export const ROLES = ['agent', 'storefront', 'finance', 'operator'] as const;
export type Role = (typeof ROLES)[number];

/** Staff roles that add to the agent's rights: a finance or operator token can do what an agent can. */
const IMPLIED: Record<Role, readonly Role[]> = {
  agent: [],
  storefront: [],
  finance: ['agent'],
  operator: ['agent'],
};

export interface Caller {
  /** The token's subject (`sub`); for a storefront caller, the IdP's user id or the customer number itself. */
  readonly subject: string;
  /** Roles as the token granted them (known roles only, deduplicated). */
  readonly roles: readonly Role[];
  /** The one customer a storefront caller may reach (an enterprise customer number). Set exactly when roles is ['storefront']. */
  readonly customerId?: string;
  /**
   * How the identity was established:
   * - `token`: a verified bearer token;
   * - `anonymous`: development-only anonymous agent access (GATEWAY_ALLOW_ANONYMOUS);
   * - `gateway`: the gateway's own calls outside any client request (schema introspection, health). It has no roles.
   */
  readonly via: 'token' | 'anonymous' | 'gateway';
}

export class CallerError extends Error {
  override readonly name = 'CallerError';
}

/**
 * Builds a Caller and enforces its invariants: a storefront token carries the
 * storefront role alone and names one customer; staff tokens name none. A token
 * that is both would make every rule ambiguous, so it is refused rather than guessed.
 */
export function makeCaller(input: { subject: string; roles: readonly string[]; customerId?: string | null; via: Caller['via'] }): Caller {
  if (!input.subject) throw new CallerError('expected a non-empty subject');
  const roles = [...new Set(input.roles.filter((r): r is Role => (ROLES as readonly string[]).includes(r)))];
  if (roles.includes('storefront')) {
    if (roles.length > 1) throw new CallerError(`a storefront token cannot also carry staff roles, got ${roles.join(', ')}`);
    if (!input.customerId) throw new CallerError('a storefront token must name its customer number');
    return Object.freeze({ subject: input.subject, roles: Object.freeze(['storefront'] as Role[]), customerId: input.customerId, via: input.via });
  }
  return Object.freeze({ subject: input.subject, roles: Object.freeze(roles), via: input.via });
}

/** The gateway's own identity for calls outside any client request. It passes no authorization rule. */
export const GATEWAY_CALLER: Caller = Object.freeze({ subject: 'gateway', roles: Object.freeze([] as Role[]), via: 'gateway' });

/** True if the caller holds the role, directly or through a role that implies it (finance and operator imply agent). */
export function hasRole(caller: Caller, role: Role): boolean {
  return caller.roles.some((r) => r === role || IMPLIED[r].includes(role));
}

/** The caller's roles with the implied ones added, e.g. ['finance'] → ['finance', 'agent']. */
export function effectiveRoles(caller: Caller): Role[] {
  return [...new Set(caller.roles.flatMap((r) => [r, ...IMPLIED[r]]))];
}

export function isStorefront(caller: Caller): caller is Caller & { customerId: string } {
  return caller.roles.length === 1 && caller.roles[0] === 'storefront' && typeof caller.customerId === 'string';
}
