/**
 * The two reads of every poll's look on Postgres: the releasable executions of a batch of agents and their
 * cancel requests. They run for every command poll (most find nothing), so each is one statement with the
 * batch's agent ids as one array parameter: the same text for any batch size (prepared once per connection,
 * see prepared-client.ts), and no query built per look. Built with Drizzle's query builder, with one
 * parameter per agent in chunks of 500, they allocated tens of KB per poll and sent a new, unprepared text
 * for each batch size.
 */
import { sql } from 'drizzle-orm';
import type { ReleaseCandidate } from '../shared/command-delivery.ts';
import { textArray } from './arrays.ts';
import type { PgDb } from './db.ts';

interface CandidateRow extends Record<string, unknown> {
  agent_id: string;
  command_id: string;
  max_concurrency: number | null;
  max_errors: number | null;
}

/** The agents' executions a poll may take now (pending, `notBefore` reached, TTL not passed), by agent then command, with their commands' rollout limits. */
export async function releaseCandidates(db: PgDb, tenantId: string, agentIds: readonly string[], now: Date): Promise<ReleaseCandidate[]> {
  const at = now.toISOString();
  const rows = await db.execute<CandidateRow>(sql`
    select x.agent_id, x.command_id, c.max_concurrency, c.max_errors
    from command_executions x join commands c on c.id = x.command_id
    where x.tenant_id = ${tenantId}::uuid and x.agent_id = any(${textArray(agentIds)}::uuid[]) and x.state = 'pending'
      and (x.not_before is null or x.not_before <= ${at}::timestamptz) and x.expires_at > ${at}::timestamptz
    order by x.agent_id, x.command_id`);
  return rows.map((r) => ({ agentId: r.agent_id, commandId: r.command_id, maxConcurrency: r.max_concurrency, maxErrors: r.max_errors }));
}

/** The agents' executions told to stop and not yet finished. */
export async function cancelRequestedExecutions(db: PgDb, tenantId: string, agentIds: readonly string[]): Promise<{ agentId: string; commandId: string }[]> {
  const rows = await db.execute<{ agent_id: string; command_id: string }>(sql`
    select agent_id, command_id from command_executions
    where tenant_id = ${tenantId}::uuid and agent_id = any(${textArray(agentIds)}::uuid[]) and state in ('delivered', 'running') and cancel_requested`);
  return rows.map((r) => ({ agentId: r.agent_id, commandId: r.command_id }));
}
