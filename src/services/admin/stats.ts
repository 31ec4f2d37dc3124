import { emptyCounts } from '../../domain/command.ts';
import type { AgentTally, InstanceStats, SystemStats } from '../../domain/stats.ts';
import type { ServiceContext } from '../context.ts';

/**
 * The system summary: every tenant's agents and events, executions by state and the telemetry store, read
 * from storage now (the tallies are exact, unlike the presence gauges between two recounts), beside the
 * answering instance's own queue, stream consumer and pool.
 */
export async function getSystemStats({ ctx, input }: { ctx: ServiceContext; input: { instance: () => Promise<InstanceStats> } }): Promise<SystemStats> {
  const [tenants, byState, telemetry, instance] = await Promise.all([ctx.repos.stats.tenantSummaries(), ctx.repos.commands.countByState(), ctx.repos.telemetry.storageStats(), input.instance()]);
  const agents: AgentTally = { online: 0, offline: 0, revoked: 0 };
  let eventsPublished = 0;
  for (const t of tenants) {
    agents.online += t.agents.online;
    agents.offline += t.agents.offline;
    agents.revoked += t.agents.revoked;
    eventsPublished += t.eventsPublished;
  }
  const executions = emptyCounts();
  for (const r of byState) executions[r.state] = Number(r.n);
  return { generatedAt: ctx.now(), instance, agents, tenants, eventsPublished, executions, pool: ctx.repos.poolStats(), dialect: ctx.repos.dialect, telemetry };
}
