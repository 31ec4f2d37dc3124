/** Remote commands: executions by state, delivery, latency, parked polls, output and acknowledgements. */
import { type DashboardSpec, sel, stat, ts } from './grafana.ts';

const rate = (metric: string, matchers = '') => `rate(${metric}${sel(matchers)}[$__rate_interval])`;
const quantile = (q: number) => `histogram_quantile(${q}, sum by (le) (${rate('command_delivery_latency_seconds_bucket')}))`;

export const commands: DashboardSpec = {
  uid: 'agentry-commands',
  title: 'agentry / Commands',
  description: 'Commands sent to agents: executions by state, delivery to long polls and its latency, output stored, acknowledgements.',
  rows: [
    {
      title: 'Executions',
      panels: [
        // command_executions is read from the shared database: every instance reports the same numbers.
        stat('Pending', 'Executions waiting for their agent.', 'short', [{ expr: `max(command_executions${sel('state="pending"')})` }]),
        stat('Running', 'Executions delivered and not finished.', 'short', [{ expr: `sum(max by (state) (command_executions${sel('state=~"delivered|running"')}))` }]),
        stat('Failed or timed out', 'Executions that ended failed or timed out.', 'short', [{ expr: `sum(max by (state) (command_executions${sel('state=~"failed|timed_out"')}))` }]),
        stat('Parked polls', 'Agents waiting in a command long poll, all instances.', 'short', [{ expr: `sum(command_pollers_parked${sel()})` }]),
        ts('Executions by state', 'All tenants, from the database.', 'short', [{ expr: `max by (state) (command_executions${sel()})`, legend: '{{state}}' }], { stacked: true }),
        ts('Delivered/s', 'Executions released to agent polls, per instance.', 'ops', [{ expr: `sum by (instance) (${rate('command_executions_delivered_total')})`, legend: '{{instance}}' }]),
        ts('Delivery latency', 'From deliverable (creation or notBefore) to delivery.', 's', [
          { expr: quantile(0.5), legend: 'p50' },
          { expr: quantile(0.95), legend: 'p95' },
        ]),
        ts('Parked polls', 'Agents in a command long poll, per instance.', 'short', [{ expr: `command_pollers_parked${sel()}`, legend: '{{instance}}' }]),
      ],
    },
    {
      title: 'Operators and agents',
      panels: [
        ts('Commands created/s', 'By status (201 created, 4xx refused).', 'reqps', [
          { expr: `sum by (status) (${rate('http_requests_total', 'route="/api/v1/commands", method="POST"')})`, legend: '{{status}}' },
        ]),
        ts('Cancels/s', 'Operators cancelling commands.', 'reqps', [{ expr: `sum by (status) (${rate('http_requests_total', 'route="/api/v1/commands/{commandId}/cancel"')})`, legend: '{{status}}' }]),
        ts('Acks/s', 'Agents reporting a result, by status.', 'reqps', [
          { expr: `sum by (status) (${rate('http_requests_total', 'route="/api/v1/agent/{agentId}/commands/{commandId}/ack"')})`, legend: '{{status}}' },
        ]),
        ts('Output stored', 'Bytes of command output stored per second (past the cap is not counted).', 'Bps', [{ expr: `sum(${rate('command_output_bytes_stored_total')})`, legend: 'stored' }]),
        ts('Output uploads/s', 'By status (413 = over commands.maxUploadBytes).', 'reqps', [
          { expr: `sum by (status) (${rate('http_requests_total', 'route="/api/v1/agent/{agentId}/commands/{commandId}/logs"')})`, legend: '{{status}}' },
        ]),
      ],
    },
  ],
};
