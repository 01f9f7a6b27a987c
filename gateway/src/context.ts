import type { BaseContext } from '@apollo/server';
import type { RequestScope } from '../../lib/context.js';
import type { Caller } from '../../lib/auth/index.js';

/** What the gateway knows about one client request. */
export interface GatewayContext extends BaseContext {
  scope: RequestScope;
  /** The verified caller; the subgraphs receive it in the signed internal header. */
  caller: Caller;
}
