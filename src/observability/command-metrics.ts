/** Metrics of remote commands, registered on the app's registry. */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { EXECUTION_STATES, type ExecutionState } from '../domain/command.ts';

export interface CommandMetrics {
  delivered: Counter;
  /** Seconds from when a command could first be delivered (creation, or `notBefore`) to its delivery. */
  deliveryLatency: Histogram;
  outputBytesStored: Counter;
}

export type ExecutionCounts = () => Promise<{ state: ExecutionState; n: number }[]>;

/**
 * `parked` counts the agents waiting in a command poll on this instance; `byState` counts executions of
 * every tenant per state with one grouped query. Both are read at scrape time only.
 */
export function registerCommandMetrics(registry: Registry, parked: () => number, byState: ExecutionCounts): CommandMetrics {
  new Gauge({
    name: 'command_pollers_parked',
    help: 'Agents parked in a command long poll on this instance.',
    registers: [registry],
    collect() {
      this.set(parked());
    },
  });
  new Gauge({
    name: 'command_executions',
    help: 'Command executions by state, all tenants (read from the database at scrape time).',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const rows = await byState();
      // Every state is exposed, 0 when none is in it, so that a state emptying shows as 0 and not as a gap.
      for (const state of EXECUTION_STATES) this.set({ state }, rows.find((r) => r.state === state)?.n ?? 0);
    },
  });
  return {
    delivered: new Counter({ name: 'command_executions_delivered_total', help: 'Command executions released to agent polls.', registers: [registry] }),
    deliveryLatency: new Histogram({
      name: 'command_delivery_latency_seconds',
      help: 'Time from a command becoming deliverable (creation or notBefore) to its delivery to an agent.',
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 30, 60, 300, 3600, 86_400],
      registers: [registry],
    }),
    outputBytesStored: new Counter({ name: 'command_output_bytes_stored_total', help: 'Bytes of command output stored (output past the cap is not counted).', registers: [registry] }),
  };
}
