/**
 * Identity and access for subscriptions, on the same rules as HTTP: the token
 * comes in the connection parameters and is checked when the connection opens
 * and again periodically while it is open; the connection is closed when the
 * token expires (its `exp` plus the clock tolerance HTTP allows); the role ×
 * operation matrix decides each subscribe (a storefront caller only for its own
 * customer; agent, finance and operator for any, with or without a filter); the
 * caller reaches the owning subgraph signed, as every gateway call does; a
 * caller held to trusted documents subscribes only with one from a manifest.
 */
import { GraphQLError } from 'graphql';
import { DomainError } from '../../../lib/errors.js';
import {
  OPERATIONS,
  authorizeSubscription,
  scopeOf,
  signCaller,
  type Caller,
  type Operation,
  type SignatureBinding,
  type SignedOperation,
  type TrustOptions,
} from '../../../lib/auth/index.js';
import { BIND_UPSTREAM_PAYLOAD } from './upstream.js';
import { AUTH_CLOSE_CODES, authenticateConnectionParams, type Authenticator } from '../auth.js';
import { CredentialsUnverifiableError, type SubscriptionCaller, type SubscriptionSecurity } from './server.js';
import type { TrustedDocuments } from '../trusted-documents.js';

export interface SubscriptionIdentity extends SubscriptionCaller {
  caller: Caller;
}

type SubscriptionOperation = Extract<Operation, `Subscription.${string}`>;

function isSubscriptionOperation(name: string): name is SubscriptionOperation {
  return name.startsWith('Subscription.') && name in OPERATIONS;
}

export function subscriptionSecurity(auth: Authenticator, trust: TrustOptions, documents?: TrustedDocuments): SubscriptionSecurity<SubscriptionIdentity> {
  return {
    // The HTTP rule on the subscribe payload: a caller held to trusted documents names one by its id.
    ...(documents
      ? {
          document(identity: SubscriptionIdentity, payload: { query: string; documentId?: unknown; extensions?: unknown }): string {
            const resolved = documents.resolve(payload, identity.caller);
            return resolved.phase === 'trusted' ? resolved.document : payload.query;
          },
        }
      : {}),
    async authenticate(params) {
      const result = await authenticateConnectionParams(auth, params);
      if (result.phase === 'rejected') throw result.unverifiable ? new CredentialsUnverifiableError(result.message) : new Error(result.message);
      return {
        caller: result.caller,
        scope: scopeOf(result.caller),
        // HTTP accepts the token until exp plus the clock tolerance; so does an open connection.
        ...(result.expiresAt ? { expiresAt: result.expiresAt.getTime() + (auth.clockToleranceSeconds ?? 0) * 1000 } : {}),
      };
    },
    authorize(identity, field) {
      const operation = `Subscription.${field.name}`;
      if (!isSubscriptionOperation(operation)) {
        throw new GraphQLError(`no access rule for ${operation}`, { extensions: { code: 'FORBIDDEN' } });
      }
      try {
        const customerId = field.args.customerId;
        authorizeSubscription(identity.caller, operation, { customerId: typeof customerId === 'string' ? customerId : null });
      } catch (e) {
        if (e instanceof DomainError) throw new GraphQLError(e.message, { extensions: { ...e.extensions, code: e.code } });
        throw e;
      }
    },
    dataSourceContext(identity, scope) {
      // The same shape as an HTTP request's GatewayContext, so the data sources sign this caller.
      return { scope, caller: identity.caller };
    },
    upstreamExtensions(identity, correlationId) {
      const extensions: Record<string, unknown> = { correlationId };
      // The upstream link says which subgraph and payload these extensions go with; the signature is bound to both.
      let bind: SignatureBinding | undefined;
      Object.defineProperty(extensions, BIND_UPSTREAM_PAYLOAD, {
        value: (subgraph: string, payload: SignedOperation) => {
          bind = { audience: subgraph, operation: { query: payload.query, operationName: payload.operationName, variables: payload.variables } };
        },
      });
      // A getter, so every (re)subscribe graphql-ws sends carries a fresh, short-lived, single-use signature.
      Object.defineProperty(extensions, 'caller', {
        enumerable: true,
        get: () => (bind ? signCaller(identity.caller, { trust, correlationId, bind }) : undefined),
      });
      return extensions;
    },
    expiredCloseCode: AUTH_CLOSE_CODES.tokenExpired,
    rejectedCloseCode: AUTH_CLOSE_CODES.unauthenticated,
  };
}
