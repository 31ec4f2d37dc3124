/**
 * The handler map: one module per contract tag, each typed `TagHandlers<tag>` so that it serves exactly
 * its tag's operations; `handlersByTag` names a module for every tag, so a new tag without one, or a
 * missing operation, is a type error.
 */
import { adminHandlers } from './admin.ts';
import { agentApiHandlers } from './agent-api.ts';
import { auditHandlers } from './audit.ts';
import { commandHandlers } from './commands.ts';
import { configurationHandlers } from './configuration.ts';
import { consoleHandlers } from './console.ts';
import type { HandlerDeps } from './deps.ts';
import { endpointHandlers } from './endpoints.ts';
import { enrollmentHandlers } from './enrollment.ts';
import { eventHandlers } from './events.ts';
import { fleetHandlers } from './fleet.ts';
import { inventoryHandlers } from './inventory.ts';
import { metaHandlers } from './meta.ts';
import { policyHandlers } from './policies.ts';
import { resultHandlers } from './results.ts';
import { sectionHandlers } from './sections.ts';
import { sessionHandlers } from './sessions.ts';
import { systemHandlers } from './system.ts';
import { telemetryHandlers } from './telemetry.ts';
import { tenantHandlers } from './tenants.ts';
import { tokenHandlers } from './tokens.ts';
import type { HandlerMap, Tag, TagHandlers } from './types.ts';

export type { HandlerDeps } from './deps.ts';

const handlersByTag: { [T in Tag]: (deps: HandlerDeps) => TagHandlers<T> } = {
  system: systemHandlers,
  console: consoleHandlers,
  sessions: sessionHandlers,
  meta: metaHandlers,
  tokens: tokenHandlers,
  tenants: tenantHandlers,
  sections: sectionHandlers,
  enrollment: enrollmentHandlers,
  audit: auditHandlers,
  admin: adminHandlers,
  agent: agentApiHandlers,
  agents: fleetHandlers,
  inventory: inventoryHandlers,
  telemetry: telemetryHandlers,
  events: eventHandlers,
  policies: policyHandlers,
  configuration: configurationHandlers,
  endpoints: endpointHandlers,
  results: resultHandlers,
  commands: commandHandlers,
};

export function createHandlers(deps: HandlerDeps): HandlerMap {
  const h = handlersByTag;
  return {
    ...h.system(deps),
    ...h.console(deps),
    ...h.sessions(deps),
    ...h.meta(deps),
    ...h.tokens(deps),
    ...h.tenants(deps),
    ...h.sections(deps),
    ...h.enrollment(deps),
    ...h.audit(deps),
    ...h.admin(deps),
    ...h.agent(deps),
    ...h.agents(deps),
    ...h.inventory(deps),
    ...h.telemetry(deps),
    ...h.events(deps),
    ...h.policies(deps),
    ...h.configuration(deps),
    ...h.endpoints(deps),
    ...h.results(deps),
    ...h.commands(deps),
  } satisfies HandlerMap;
}
