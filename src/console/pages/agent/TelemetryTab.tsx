/** Telemetry of one metric over a chosen range, bucketed at a chosen step (Grafana-style pickers). */
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { api, data } from '../../api/client';
import type { Agent } from '../agents/columns';
import { Empty, QueryState } from '../../ui/states';
import { TimeChart } from '../../ui/TimeChart';

const RANGES: [string, number][] = [
  ['1 hour', 3600],
  ['6 hours', 6 * 3600],
  ['1 day', 86_400],
  ['7 days', 7 * 86_400],
];
const STEPS = [10, 60, 300, 3600];

export function TelemetryTab({ agent }: { agent: Agent }) {
  const [metric, setMetric] = useState('cpu.usage');
  const [range, setRange] = useState(86_400);
  const [step, setStep] = useState(60);
  const latest = useQuery({ queryKey: ['agent', agent.id, 'telemetry-latest'], queryFn: () => data(api.GET('/api/v1/agents/{agentId}/telemetry/latest', { params: { path: { agentId: agent.id } } })) });
  const series = useQuery({
    queryKey: ['agent', agent.id, 'telemetry', metric, range, step],
    queryFn: () => {
      const to = new Date();
      const from = new Date(to.getTime() - range * 1000);
      return data(api.GET('/api/v1/agents/{agentId}/telemetry', { params: { path: { agentId: agent.id }, query: { metric, from: from.toISOString(), to: to.toISOString(), step, maxPoints: 10_000 } } }));
    },
  });
  const metrics = latest.data?.items.map((m) => m.metric) ?? [];
  const chart = useMemo(() => {
    const points = series.data?.points ?? [];
    return { times: points.map((p) => Date.parse(p.ts) / 1000), series: [{ label: metric, values: points.map((p) => p.value) }] };
  }, [series.data, metric]);
  return (
    <section>
      <div className="filters">
        <label>
          Metric
          <select value={metric} onChange={(e) => setMetric(e.target.value)}>
            {[...new Set([metric, ...metrics])].map((m) => (
              <option key={m}>{m}</option>
            ))}
          </select>
        </label>
        <label>
          Range
          <select value={range} onChange={(e) => setRange(Number(e.target.value))}>
            {RANGES.map(([label, s]) => (
              <option key={s} value={s}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Step
          <select value={step} onChange={(e) => setStep(Number(e.target.value))}>
            {STEPS.map((s) => (
              <option key={s} value={s}>
                {s} s
              </option>
            ))}
          </select>
        </label>
      </div>
      <QueryState query={series} what="Loading telemetry">
        {(s) => (s.points.length === 0 ? <Empty>No samples of {metric} in this range.</Empty> : <TimeChart times={chart.times} series={chart.series} label={`${metric} over time, ${s.points.length} points`} />)}
      </QueryState>
    </section>
  );
}
