/** Hono's per-request variables for this app. */
import type { Logger } from '../observability/logger.ts';
import type { Principal } from '../services/context.ts';
import type { OperationDescriptor } from '../../generated/operations.ts';

export interface AppVariables {
  requestId: string;
  log: Logger;
  /** The contract operation this request was routed to (unset for unmatched requests). */
  operation: OperationDescriptor | undefined;
  principal: Principal | null;
}

export interface AppEnv {
  Variables: AppVariables;
}
