/** The fleet: agents reporting in, enrollments and registrations, claims, key rotations, auth failures. */
import { type DashboardSpec, sel, stat, ts } from './grafana.ts';

const rate = (matchers: string) => `rate(http_requests_total${sel(matchers)}[$__rate_interval])`;
const route = (path: string) => `route="${path}"`;
const REPORTING_IN = 'route=~"/api/v1/agent/[{]agentId[}]/(heartbeat|report)", status=~"2.."';

export const fleet: DashboardSpec = {
  uid: 'agentry-fleet',
  title: 'agentry / Fleet',
  description: 'Agents reporting in, enrollments, Smotra registrations and claims, key rotations and agent authentication failures.',
  rows: [
    {
      title: 'Agents online',
      panels: [
        // Every instance reports every tenant's counts: max by tenant, then the sum over tenants.
        stat('Online', 'Active agents online, all tenants.', 'short', [{ expr: `sum(max by (tenant) (agents_online${sel()}))` }]),
        stat('Offline', 'Active agents offline (silent past agents.offlineAfterSec), all tenants.', 'short', [{ expr: `sum(max by (tenant) (agents_offline${sel()}))` }]),
        stat('Online vs 1 h ago', 'Agents online now against an hour earlier (the alert fires per tenant under 0.7).', 'percentunit', [
          { expr: `sum(max by (tenant) (agents_online${sel()})) / sum(max by (tenant) (agents_online${sel()} offset 1h))` },
        ]),
        ts('Online by tenant', 'Agents online per tenant id.', 'short', [{ expr: `max by (tenant) (agents_online${sel()})`, legend: '{{tenant}}' }], { stacked: true }),
        ts('Offline by tenant', 'Agents offline per tenant id.', 'short', [{ expr: `max by (tenant) (agents_offline${sel()})`, legend: '{{tenant}}' }], { stacked: true }),
      ],
    },
    {
      title: 'Agents reporting in',
      panels: [
        stat('Check-ins/s', 'Accepted heartbeats and status reports, all instances.', 'reqps', [{ expr: `sum(rate(http_requests_total${sel(REPORTING_IN)}[5m]))` }]),
        stat('Check-ins vs 1 h ago', 'Ratio of the current check-in rate to an hour earlier (alert under 0.7).', 'percentunit', [
          { expr: `sum(rate(http_requests_total${sel(REPORTING_IN)}[10m])) / sum(rate(http_requests_total${sel(REPORTING_IN)}[10m] offset 1h))` },
        ]),
        stat(
          'Agent auth failures/s',
          'Agent API answers 401 or 403: revoked or rotated keys, or someone guessing.',
          'reqps',
          [{ expr: `sum(rate(http_requests_total${sel('route=~"/api/v1/agent/.*", status=~"401|403"')}[5m]))` }],
          1,
        ),
        ts('Check-ins/s', 'Heartbeats and status reports by route.', 'reqps', [{ expr: `sum by (route) (${rate(REPORTING_IN)})`, legend: '{{route}}' }]),
        ts('Agent API by route', 'Every agent-facing operation.', 'reqps', [{ expr: `sum by (route) (${rate('route=~"/api/v1/agent/.*"')})`, legend: '{{route}}' }], { stacked: true }),
        ts('Agent auth failures/s', 'By route and status.', 'reqps', [{ expr: `sum by (route, status) (${rate('route=~"/api/v1/agent/.*", status=~"401|403"')})`, legend: '{{route}} {{status}}' }]),
        ts('Configuration fetches/s', 'Agents fetching their compiled configuration, by status (304 = unchanged).', 'reqps', [
          { expr: `sum by (status) (${rate(route('/api/v1/agent/{agentId}/configuration'))})`, legend: '{{status}}' },
        ]),
      ],
    },
    {
      title: 'Enrollment and claims',
      panels: [
        ts('Enrollments/s', 'Agents enrolling with an enrollment secret, by status.', 'reqps', [{ expr: `sum by (status) (${rate(route('/api/v1/agent/enroll'))})`, legend: '{{status}}' }]),
        ts('Registrations/s', 'Smotra agents registering (waiting to be claimed), by status.', 'reqps', [{ expr: `sum by (status) (${rate(route('/api/v1/agent/register'))})`, legend: '{{status}}' }]),
        ts('Claims/s', 'Operators claiming registered agents, by status.', 'reqps', [{ expr: `sum by (status) (${rate(route('/api/v1/agents/claim'))})`, legend: '{{status}}' }]),
        ts('Claim-status polls/s', 'Registered agents asking whether they were claimed.', 'reqps', [{ expr: `sum by (status) (${rate(route('/api/v1/agent/{agentId}/claim-status'))})`, legend: '{{status}}' }]),
        ts('Key rotations/s', 'Agents rotating their key, by status.', 'reqps', [{ expr: `sum by (status) (${rate(route('/api/v1/agent/{agentId}/rotate-key'))})`, legend: '{{status}}' }]),
        ts('Key revocations/s', 'Operators revoking an agent key.', 'reqps', [{ expr: `sum by (status) (${rate(route('/api/v1/agents/{agentId}/revoke-key'))})`, legend: '{{status}}' }]),
      ],
    },
  ],
};
