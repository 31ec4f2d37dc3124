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
import type { HandlerDeps, SharedHandlerParts } from './deps.ts';
import { CommandWakeups } from '../services/commands/wakeups.ts';
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

const handlersByTag: { [T in Tag]: (deps: HandlerDeps, shared: SharedHandlerParts) => TagHandlers<T> } = {
  system: systemHandlers,
  console: (deps) => consoleHandlers(deps),
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
  const { repos, feed, shutdown } = deps;
  const shared: SharedHandlerParts = { commandWakeups: new CommandWakeups(feed, shutdown, (tenantId, now) => repos.commands.pollWork(tenantId, now)) };
  return {
    ...h.system(deps, shared),
    ...h.console(deps, shared),
    ...h.sessions(deps, shared),
    ...h.meta(deps, shared),
    ...h.tokens(deps, shared),
    ...h.tenants(deps, shared),
    ...h.sections(deps, shared),
    ...h.enrollment(deps, shared),
    ...h.audit(deps, shared),
    ...h.admin(deps, shared),
    ...h.agent(deps, shared),
    ...h.agents(deps, shared),
    ...h.inventory(deps, shared),
    ...h.telemetry(deps, shared),
    ...h.events(deps, shared),
    ...h.policies(deps, shared),
    ...h.configuration(deps, shared),
    ...h.endpoints(deps, shared),
    ...h.results(deps, shared),
    ...h.commands(deps, shared),
  } satisfies HandlerMap;
}
