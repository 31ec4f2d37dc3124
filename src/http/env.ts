/** Hono's per-request variables for this app. */
import type { Logger } from '../observability/logger.ts';
import type { LongAnswer } from './detached-answer.ts';
import type { AuthenticatedAgent } from '../services/auth/agent-authenticator.ts';
import type { Principal } from '../services/context.ts';
import type { OperationDescriptor } from '../../generated/operations.ts';

export interface AppVariables {
  requestId: string;
  /** The app's logger; `requestLog(c)` derives the request's child logger from it when first needed. */
  baseLogger: Logger;
  /** The request's child logger once made (use `requestLog(c)`). */
  log: Logger | undefined;
  /** The contract operation this request was routed to (unset for unmatched requests). */
  operation: OperationDescriptor | undefined;
  principal: Principal | null;
  /** Set when an agent key authenticated the request (its online state, for heartbeats). */
  agent: AuthenticatedAgent | undefined;
  /** The client's address (through trusted proxies); null for in-process requests. */
  clientIp: string | null;
  /**
   * Headers every response to this request carries (request id, RateLimit-*). The response builders put
   * them into the response they create, as a plain object: no Headers object on the hot path.
   */
  responseHeaders: Record<string, string>;
  /** The response a builder created with `responseHeaders` in it, and its body length (compression skips small ones). */
  builtResponse: Response | undefined;
  bodyLength: number | undefined;
  /** Set when the answer is detached (a parked long poll): it finishes and writes itself when it comes. */
  detached: LongAnswer | undefined;
}

export interface AppEnv {
  Variables: AppVariables;
}
