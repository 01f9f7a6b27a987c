import type { BaseContext } from '@apollo/server';
import type { RequestScope } from '../../lib/context.js';

/** What the gateway knows about one client request. */
export interface GatewayContext extends BaseContext {
  scope: RequestScope;
}
