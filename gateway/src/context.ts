import type { RequestScope } from '../../lib/context.js';
import type { Caller } from '../../lib/auth/index.js';
import type { NegotiatedContext } from './graphql-over-http.js';
import type { TrustedDocumentContext } from './trusted-documents.js';

/** What the gateway knows about one client request. */
export interface GatewayContext extends NegotiatedContext, TrustedDocumentContext {
  scope: RequestScope;
  /** The verified caller; the subgraphs receive it in the signed internal header. */
  caller: Caller;
}
