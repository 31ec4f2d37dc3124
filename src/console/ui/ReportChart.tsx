/** Reachability % and latency p50/p95 over time from a results report. */
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { api, data } from '../api/client';
import { Empty, QueryState } from './states';
import { TimeChart } from './TimeChart';

export function ReportChart({ endpointId, agentId, hours = 24 }: { endpointId: string; agentId?: string; hours?: number }) {
  const report = useQuery({
    queryKey: ['endpoints', 'report', endpointId, agentId, hours],
    queryFn: async () => {
      const to = new Date();
      const from = new Date(to.getTime() - hours * 3_600_000);
      const report = await data(api.GET('/api/v1/results/report', { params: { query: { endpointId, agentId, from: from.toISOString(), to: to.toISOString(), aggregation: '1h', format: 'json' } } }));
      if (typeof report === 'string') throw new Error('expected a JSON report'); // format=json asks for JSON, not CSV
      return report;
    },
  });
  const chart = useMemo(() => {
    const b = report.data?.buckets ?? [];
    const times = b.map((x) => Date.parse(x.ts) / 1000);
    const r = report.data;
    return {
      range: r ? ([Date.parse(r.from) / 1000, Date.parse(r.to) / 1000] as [number, number]) : undefined,
      times,
      reach: [{ label: 'reachability %', values: b.map((x) => x.reachabilityPct) }],
      latency: [
        { label: 'p50 ms', values: b.map((x) => x.latencyP50Ms) },
        { label: 'p95 ms', values: b.map((x) => x.latencyP95Ms) },
      ],
    };
  }, [report.data]);
  return (
    <QueryState query={report} what="Loading report">
      {(r) =>
        r.buckets.length === 0 ? (
          <Empty>No check results in the last {hours} hours.</Empty>
        ) : (
          <div className="grid2">
            <TimeChart times={chart.times} series={chart.reach} height={200} label="Reachability percent over time" xRange={chart.range} />
            <TimeChart times={chart.times} series={chart.latency} height={200} label="Latency p50 and p95 over time" xRange={chart.range} />
          </div>
        )
      }
    </QueryState>
  );
}
