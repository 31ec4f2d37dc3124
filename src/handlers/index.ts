/** The handler map: one module per contract tag. `satisfies HandlerMap` makes a missing operation a type error. */
import { adminHandlers } from './admin.ts';
import { agentHandlers } from './agent.ts';
import { fleetHandlers } from './agents.ts';
import { auditHandlers } from './audit.ts';
import type { HandlerDeps } from './deps.ts';
import { endpointHandlers } from './endpoints.ts';
import { enrollSecretHandlers } from './enroll-secrets.ts';
import { eventHandlers } from './events.ts';
import { inventoryHandlers } from './inventory.ts';
import { metaHandlers } from './meta.ts';
import { resultHandlers } from './results.ts';
import { sectionHandlers } from './sections.ts';
import { systemHandlers } from './system.ts';
import { telemetryHandlers } from './telemetry.ts';
import { tenantHandlers } from './tenants.ts';
import { tokenHandlers } from './tokens.ts';
import type { HandlerMap } from './types.ts';

export type { HandlerDeps } from './deps.ts';

export function createHandlers(deps: HandlerDeps): HandlerMap {
  return {
    ...systemHandlers(deps),
    ...metaHandlers(deps),
    ...tokenHandlers(deps),
    ...tenantHandlers(deps),
    ...sectionHandlers(deps),
    ...enrollSecretHandlers(deps),
    ...auditHandlers(deps),
    ...agentHandlers(deps),
    ...fleetHandlers(deps),
    ...adminHandlers(deps),
    ...eventHandlers(deps),
    ...inventoryHandlers(deps),
    ...telemetryHandlers(deps),
    ...endpointHandlers(deps),
    ...resultHandlers(deps),
  } satisfies HandlerMap;
}
