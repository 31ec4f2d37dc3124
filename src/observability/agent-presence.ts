/**
 * `agents_online` and `agents_offline` per tenant, kept in memory and maintained as agents change, so that a
 * scrape reads a map and never queries the database. A commit (on this instance, or on another through the
 * NATS fan-out) that carries an agent event marks its tenant changed; changed tenants are recounted together
 * in one grouped query, at most once per `recountDelayMs`. Recounting instead of adding ±1 per event keeps
 * every instance exact: the fan-out tells which tenants and event types committed, not which agents flipped.
 * A full recount at start and every `fullRecountMs` repairs what a lost fan-out message would leave stale.
 */
import { Gauge, type Registry } from 'prom-client';
import type { PresenceCount } from '../domain/agent.ts';
import type { CommittedEvents } from '../domain/event.ts';
import type { Logger } from './logger.ts';

/** Event types that may change how many agents a tenant has online or offline. */
const PRESENCE_EVENTS: ReadonlySet<string> = new Set(['agent_registered', 'agent_claimed', 'agent_updated', 'agent_deleted', 'agent_online', 'agent_offline']);

export type PresenceCounter = (tenantIds?: readonly string[]) => Promise<PresenceCount[]>;

export interface PresenceOptions {
  recountDelayMs: number;
  fullRecountMs: number;
}

export class AgentPresence {
  private readonly counts = new Map<string, { online: number; offline: number }>();
  private readonly changed = new Set<string>();
  private readonly count: PresenceCounter;
  private readonly options: PresenceOptions;
  private readonly log: Logger;
  private recountTimer: NodeJS.Timeout | undefined;
  private fullTimer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(registry: Registry, count: PresenceCounter, options: PresenceOptions, log: Logger) {
    this.count = count;
    this.options = options;
    this.log = log;
    const counts = this.counts;
    for (const [name, key] of [
      ['agents_online', 'online'],
      ['agents_offline', 'offline'],
    ] as const) {
      new Gauge({
        name,
        help: `Active agents ${key} per tenant (maintained as agents change, not queried at scrape time).`,
        labelNames: ['tenant'],
        registers: [registry],
        collect() {
          this.reset();
          for (const [tenant, c] of counts) this.set({ tenant }, c[key]);
        },
      });
    }
  }

  /** Counts every tenant once, then keeps the counts current. */
  async start(): Promise<void> {
    await this.recount(undefined);
    this.fullTimer = setInterval(() => this.schedule(undefined), this.options.fullRecountMs).unref();
  }

  /** Feed observer: a commit with agent events (or of unknown types) marks its tenant for a recount. */
  observe(c: CommittedEvents): void {
    if (this.stopped || (c.types && !c.types.some((t) => PRESENCE_EVENTS.has(t)))) return;
    this.changed.add(c.tenantId);
    this.recountTimer ??= setTimeout(() => {
      this.recountTimer = undefined;
      const tenants = [...this.changed];
      this.changed.clear();
      this.schedule(tenants);
    }, this.options.recountDelayMs).unref();
  }

  /** Totals over every tenant, from memory. */
  totals(): { online: number; offline: number } {
    let online = 0;
    let offline = 0;
    for (const c of this.counts.values()) {
      online += c.online;
      offline += c.offline;
    }
    return { online, offline };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.recountTimer);
    clearInterval(this.fullTimer);
    await this.running;
  }

  /** Recounts run one after another, so that an older answer never overwrites a newer one. */
  private schedule(tenants: string[] | undefined): void {
    if (this.stopped) return;
    this.running = this.running.then(() => this.recount(tenants));
  }

  private async recount(tenants: readonly string[] | undefined): Promise<void> {
    let rows: PresenceCount[];
    try {
      rows = await this.count(tenants);
    } catch (err) {
      // Stale counts beat no counts; the tenants are recounted at the next change or full recount.
      this.log.warn({ err }, 'agent presence recount failed');
      for (const t of tenants ?? []) this.changed.add(t);
      return;
    }
    const fresh = new Map<string, { online: number; offline: number }>();
    // A tenant recounted with no active agent left reads 0 (not a vanished series).
    for (const t of tenants ?? this.counts.keys()) fresh.set(t, { online: 0, offline: 0 });
    for (const r of rows) {
      const c = fresh.get(r.tenantId) ?? { online: 0, offline: 0 };
      c[r.online ? 'online' : 'offline'] = r.agents;
      fresh.set(r.tenantId, c);
    }
    for (const [tenant, c] of fresh) this.counts.set(tenant, c);
  }
}
