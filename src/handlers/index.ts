/** The handler map: one module per contract tag. `satisfies HandlerMap` makes a missing operation a type error. */
import { adminHandlers } from './admin.ts';
import { auditHandlers } from './audit.ts';
import type { HandlerDeps } from './deps.ts';
import { eventHandlers } from './events.ts';
import { metaHandlers } from './meta.ts';
import { systemHandlers } from './system.ts';
import { tokenHandlers } from './tokens.ts';
import type { HandlerMap } from './types.ts';

export type { HandlerDeps } from './deps.ts';

export function createHandlers(deps: HandlerDeps): HandlerMap {
  return {
    ...systemHandlers(deps),
    ...metaHandlers(deps),
    ...tokenHandlers(deps),
    ...auditHandlers(deps),
    ...adminHandlers(deps),
    ...eventHandlers(deps),
  } satisfies HandlerMap;
}
