/**
 * The two reads of every poll's look on SQLite: the releasable executions of a batch of agents and their
 * cancel requests. They run for every command poll (most find nothing), so they are prepared once per
 * connection and take the batch's agent ids as one JSON array (`json_each`): one statement text for any
 * batch size, and no query built per look. Built with Drizzle's query builder, with one parameter per
 * agent, they allocated ~40 KB per poll (half of all a parked poll allocates) and a new statement text
 * for each batch size.
 *
 * The executions are reached agent by agent through `command_executions_agent_state_idx` (tenant, agent,
 * state): without statistics SQLite would rather scan every pending execution of every tenant by state
 * and expiry, which a fan-out to 10,000 agents makes 10,000 rows for a look at one agent.
 */
import type Database from 'better-sqlite3';
import type { ReleaseCandidate } from '../shared/command-delivery.ts';

interface CandidateRow {
  agent_id: string;
  command_id: string;
  max_concurrency: number | null;
  max_errors: number | null;
}

interface Statements {
  candidates: Database.Statement<[string, string, number, number], CandidateRow>;
  cancels: Database.Statement<[string, string], { agent_id: string; command_id: string }>;
}

const prepared = new WeakMap<Database.Database, Statements>();

function statements(client: Database.Database): Statements {
  let s = prepared.get(client);
  if (!s) {
    s = {
      candidates: client.prepare(
        `select x.agent_id, x.command_id, c.max_concurrency, c.max_errors
         from json_each(?) j cross join command_executions x indexed by command_executions_agent_state_idx on x.tenant_id = ? and x.agent_id = j.value and x.state = 'pending'
         join commands c on c.id = x.command_id
         where (x.not_before is null or x.not_before <= ?) and x.expires_at > ?
         order by x.agent_id, x.command_id`,
      ),
      cancels: client.prepare(
        `select x.agent_id, x.command_id
         from json_each(?) j cross join command_executions x indexed by command_executions_agent_state_idx on x.tenant_id = ? and x.agent_id = j.value
         where x.state in ('delivered', 'running') and x.cancel_requested = 1`,
      ),
    };
    prepared.set(client, s);
  }
  return s;
}

/** The agents' executions a poll may take now (pending, `notBefore` reached, TTL not passed), by agent then command, with their commands' rollout limits. */
export function releaseCandidates(client: Database.Database, tenantId: string, agentIds: readonly string[], now: Date): ReleaseCandidate[] {
  const at = now.getTime();
  return statements(client)
    .candidates.all(JSON.stringify(agentIds), tenantId, at, at)
    .map((r) => ({ agentId: r.agent_id, commandId: r.command_id, maxConcurrency: r.max_concurrency, maxErrors: r.max_errors }));
}

/** The agents' executions told to stop and not yet finished. */
export function cancelRequestedExecutions(client: Database.Database, tenantId: string, agentIds: readonly string[]): { agentId: string; commandId: string }[] {
  return statements(client)
    .cancels.all(JSON.stringify(agentIds), tenantId)
    .map((r) => ({ agentId: r.agent_id, commandId: r.command_id }));
}
