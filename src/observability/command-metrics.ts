/** Metrics of remote commands, registered on the app's registry. */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface CommandMetrics {
  delivered: Counter;
  /** Seconds from when a command could first be delivered (creation, or `notBefore`) to its delivery. */
  deliveryLatency: Histogram;
  outputBytesStored: Counter;
}

/** `parked` counts the agents waiting in a command poll on this instance (read at scrape time). */
export function registerCommandMetrics(registry: Registry, parked: () => number): CommandMetrics {
  new Gauge({
    name: 'command_pollers_parked',
    help: 'Agents parked in a command long poll on this instance.',
    registers: [registry],
    collect() {
      this.set(parked());
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
