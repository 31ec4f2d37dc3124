/**
 * The console's routes. Hash history: every view lives behind the one `/console` page the contract serves,
 * so a deep link (`/console#/agents/…`) needs no server-side fallback route.
 */
import { createHashHistory, createRootRoute, createRoute, createRouter } from '@tanstack/react-router';
import { Shell } from './layout/Shell';
import { AgentPage } from './pages/agent/AgentPage';
import { AgentsPage } from './pages/agents/AgentsPage';
import { CommandPage } from './pages/commands/CommandPage';
import { CommandsPage } from './pages/commands/CommandsPage';
import { NewCommandPage } from './pages/commands/NewCommandPage';
import { EndpointsPage } from './pages/endpoints/EndpointsPage';
import { AuditPage } from './pages/events/AuditPage';
import { EventsPage } from './pages/events/EventsPage';
import { OverviewPage } from './pages/overview/OverviewPage';
import { PendingPage } from './pages/pending/PendingPage';
import { PoliciesPage } from './pages/policies/PoliciesPage';
import { PolicyPage } from './pages/policies/PolicyPage';
import { SettingsPage } from './pages/settings/SettingsPage';
import { SoftwarePage } from './pages/software/SoftwarePage';

const root = createRootRoute({ component: Shell });

const agentRoute = createRoute({
  getParentRoute: () => root,
  path: '/agents/$agentId',
  component: AgentPage,
  validateSearch: (s: Record<string, unknown>): { tab?: string } => (typeof s.tab === 'string' ? { tab: s.tab } : {}),
});
const newCommandRoute = createRoute({
  getParentRoute: () => root,
  path: '/commands/new',
  component: NewCommandPage,
  validateSearch: (s: Record<string, unknown>): { agentIds?: string } => (typeof s.agentIds === 'string' ? { agentIds: s.agentIds } : {}),
});

const tree = root.addChildren([
  createRoute({ getParentRoute: () => root, path: '/', component: OverviewPage }),
  createRoute({ getParentRoute: () => root, path: '/agents', component: AgentsPage }),
  agentRoute,
  createRoute({ getParentRoute: () => root, path: '/pending', component: PendingPage }),
  createRoute({ getParentRoute: () => root, path: '/commands', component: CommandsPage }),
  newCommandRoute,
  createRoute({ getParentRoute: () => root, path: '/commands/$commandId', component: CommandPage }),
  createRoute({ getParentRoute: () => root, path: '/policies', component: PoliciesPage }),
  createRoute({ getParentRoute: () => root, path: '/policies/$policyId', component: PolicyPage }),
  createRoute({ getParentRoute: () => root, path: '/endpoints', component: EndpointsPage }),
  createRoute({ getParentRoute: () => root, path: '/software', component: SoftwarePage }),
  createRoute({ getParentRoute: () => root, path: '/events', component: EventsPage }),
  createRoute({ getParentRoute: () => root, path: '/audit', component: AuditPage }),
  createRoute({ getParentRoute: () => root, path: '/settings', component: SettingsPage }),
]);

export const router = createRouter({ routeTree: tree, history: createHashHistory() });

declare module '@tanstack/react-router' {
  interface Register {
    router: typeof router;
  }
}
