/**
 * Dialect-neutral parts of delivering executions to the polls of many agents in one transaction: which
 * of the releasable rows (read by each dialect's poll-reads.ts) the rollout limits let go (slots taken one at a time, in order), and
 * how the released rows go back to each agent.
 */
import { emptyCounts, type Command, type DeliveredCommand, type Execution, type ExecutionCounts } from '../../domain/command.ts';
/** Agents per conditional update (bound parameters stay far below either dialect's limit). */
export const RELEASE_CHUNK = 500;

/** A releasable execution with its command's rollout limits. */
export interface ReleaseCandidate {
  agentId: string;
  commandId: string;
  maxConcurrency: number | null;
  maxErrors: number | null;
}

/** Commands among the candidates that limit their rollout (counted, and on Postgres locked, before planning). */
export function rolloutCommandIds(candidates: readonly ReleaseCandidate[]): string[] {
  return [...new Set(candidates.filter((c) => c.maxConcurrency !== null || c.maxErrors !== null).map((c) => c.commandId))].sort();
}

/**
 * Which executions to release, per command: at most `perAgent` per agent (oldest command first), and for a
 * rollout command only while the slots it has left allow (each release takes one) and its errors stay
 * within maxErrors. `counts` holds the per-state counts of the rollout commands, read under their locks.
 */
export function planRelease(candidates: readonly ReleaseCandidate[], counts: ReadonlyMap<string, ExecutionCounts>, perAgent: number): Map<string, string[]> {
  const inFlight = new Map<string, number>();
  const perAgentTaken = new Map<string, number>();
  const plan = new Map<string, string[]>();
  const ordered = [...candidates].sort((a, b) => (a.agentId === b.agentId ? cmp(a.commandId, b.commandId) : cmp(a.agentId, b.agentId)));
  for (const c of ordered) {
    const taken = perAgentTaken.get(c.agentId) ?? 0;
    if (taken >= perAgent) continue;
    const n = counts.get(c.commandId) ?? emptyCounts();
    const flying = inFlight.get(c.commandId) ?? n.delivered + n.running;
    if (c.maxConcurrency !== null && flying >= c.maxConcurrency) continue;
    if (c.maxErrors !== null && n.failed + n.timed_out > c.maxErrors) continue;
    inFlight.set(c.commandId, flying + 1);
    perAgentTaken.set(c.agentId, taken + 1);
    const agents = plan.get(c.commandId) ?? [];
    agents.push(c.agentId);
    plan.set(c.commandId, agents);
  }
  return plan;
}

/** The released executions of each agent with their commands, oldest command first. */
export function deliveredByAgent(released: readonly Execution[], commands: readonly Command[]): Map<string, DeliveredCommand[]> {
  const byId = new Map(commands.map((c) => [c.id, c]));
  const byAgent = new Map<string, DeliveredCommand[]>();
  for (const execution of [...released].sort((a, b) => cmp(a.commandId, b.commandId))) {
    const command = byId.get(execution.commandId);
    if (!command) continue;
    const list = byAgent.get(execution.agentId) ?? [];
    list.push({ command, execution });
    byAgent.set(execution.agentId, list);
  }
  return byAgent;
}

/** Command ids of each agent's cancel requests, in id order. */
export function cancelsByAgent(rows: readonly { agentId: string; commandId: string }[]): Map<string, string[]> {
  const byAgent = new Map<string, string[]>();
  for (const r of [...rows].sort((a, b) => cmp(a.commandId, b.commandId))) {
    const list = byAgent.get(r.agentId) ?? [];
    list.push(r.commandId);
    byAgent.set(r.agentId, list);
  }
  return byAgent;
}

/** Splits a list into runs of at most `size`. */
export function chunked<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
