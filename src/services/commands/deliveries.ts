/**
 * Deliveries to the polls that look at about the same time, taken together. A command fanned out to
 * 10,000 parked agents wakes all of their polls in one turn; each used to run its own delivery transaction
 * (and its own cancel-request query), 10,000 of them back to back, which held the SQLite event loop (and
 * the submit's own answer) for tens of seconds. Here the polls asking within one turn of the event loop are
 * queued, and one transaction per tenant and run of agents releases what each may take (the repository
 * keeps each release exactly-once and within the rollout limits); the answers go back per agent.
 */
import type { DeliveredCommand } from '../../domain/command.ts';
import type { CommandRepository } from '../../repositories/ports/command.ts';
import type { ServiceContext } from '../context.ts';
import { executionUpdated } from './records.ts';

/** At most this many executions are released to one poll; the rest wait for the next. */
export const POLL_BATCH = 100;

/** Agents per delivery transaction: bounds how long one holds the SQLite writer, and the event loop with it. */
const AGENTS_PER_TRANSACTION = 500;

export interface PollAnswer {
  delivered: DeliveredCommand[];
  /** Commands the agent was given and must stop: cancelled since delivery. */
  cancel: string[];
}

interface Ask {
  ctx: ServiceContext;
  agentId: string;
  resolve: (answer: PollAnswer) => void;
  reject: (err: unknown) => void;
}

export class CommandDeliveries {
  private readonly repo: CommandRepository;
  /** Polls waiting for the next run, per tenant. */
  private queued = new Map<string, Ask[]>();
  private scheduled = false;
  private readonly parallel: number;

  /** `parallel`: runs at once (Postgres overlaps transactions on its pool; SQLite writes one at a time anyway). */
  constructor(repo: CommandRepository, parallel = 1) {
    this.repo = repo;
    this.parallel = Math.max(1, parallel);
  }

  /** Releases the agent's executions (marking them delivered) and names its cancel requests, with the other polls of this turn. */
  take(ctx: ServiceContext, tenantId: string, agentId: string): Promise<PollAnswer> {
    return new Promise((resolve, reject) => {
      const asks = this.queued.get(tenantId);
      if (asks) asks.push({ ctx, agentId, resolve, reject });
      else this.queued.set(tenantId, [{ ctx, agentId, resolve, reject }]);
      if (this.scheduled) return;
      this.scheduled = true;
      // setImmediate, not a microtask: every poll woken in this turn (and every request read in it) queues first.
      setImmediate(() => void this.runQueued());
    });
  }

  private async runQueued(): Promise<void> {
    const queued = this.queued;
    this.queued = new Map();
    this.scheduled = false;
    const runs: { tenantId: string; asks: Ask[] }[] = [];
    for (const [tenantId, asks] of queued) for (let i = 0; i < asks.length; i += AGENTS_PER_TRANSACTION) runs.push({ tenantId, asks: asks.slice(i, i + AGENTS_PER_TRANSACTION) });
    let next = 0;
    const worker = async () => {
      for (let at = next++; at < runs.length; at = next++) {
        // Between runs, a turn of the event loop: answers already settled go out, requests come in.
        if (at >= this.parallel) await new Promise((r) => setImmediate(r));
        await this.run(runs[at]!.tenantId, runs[at]!.asks);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.parallel, runs.length) }, worker));
  }

  private async run(tenantId: string, asks: Ask[]): Promise<void> {
    try {
      const ctxOf = new Map(asks.map((a) => [a.agentId, a.ctx]));
      const agentIds = [...ctxOf.keys()];
      const now = asks[0]!.ctx.now();
      // The cancel requests are read alongside the delivery (on Postgres, another pooled connection): both
      // lie between a wake-up and the poll's answer. A cancel committed after the read is the next poll's.
      const [delivered, cancels] = await Promise.all([
        this.repo.deliver(tenantId, agentIds, now, POLL_BATCH, (released) => ({ events: released.map((e) => executionUpdated(ctxOf.get(e.agentId) ?? asks[0]!.ctx, e)) })),
        this.repo.cancelRequests(tenantId, agentIds),
      ]);
      for (const ask of asks) {
        // Two polls of one agent in the same run: the first takes what was released, both hear the cancels.
        const mine = delivered.get(ask.agentId) ?? [];
        delivered.delete(ask.agentId);
        ask.resolve({ delivered: mine, cancel: cancels.get(ask.agentId) ?? [] });
      }
    } catch (err) {
      for (const ask of asks) ask.reject(err);
    }
  }
}
