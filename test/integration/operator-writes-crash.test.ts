/**
 * Crash safety of operator writes: concurrent create-token loops (on Postgres they are group-committed,
 * several writes per transaction) while the server is killed with SIGKILL, or while Postgres stops
 * abruptly (immediate shutdown, WAL replayed on start). Afterwards every token answered 201 must be
 * stored with its audit row and its one event, no event may exist without its token, and the tenant's
 * event offsets must be gap-free. Requests in flight at the crash may or may not have committed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { generateSecret } from '../../src/services/secrets.ts';
import { alive, runCli, waitServing, type CliProcess } from '../helpers/cli.ts';
import { freePort } from '../helpers/ports.ts';
import { createDatabase, startPostgresCluster, type PostgresCluster } from '../helpers/postgres.ts';
import { freshDatabaseUrl, type Dialect } from '../helpers/server.ts';

const pgUrl = inject('pgUrl');

interface Variant {
  name: string;
  dialect: Dialect;
  crash: 'server' | 'postgres';
}

// Global setup fails CI when Postgres is missing, so this condition only skips locally.
const variants: Variant[] = [
  { name: 'SQLite, server SIGKILL', dialect: 'sqlite', crash: 'server' },
  ...(pgUrl
    ? [
        { name: 'Postgres, server SIGKILL', dialect: 'postgres' as const, crash: 'server' as const },
        { name: 'Postgres, immediate shutdown', dialect: 'postgres' as const, crash: 'postgres' as const },
      ]
    : []),
];

const LOOPS = 24;
const MIN_LOAD_MS = 800;
const MIN_ACKED = 100;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Every item of a paged operator list. */
async function listAll<T>(origin: string, headers: Record<string, string>, path: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  for (;;) {
    const sep = path.includes('?') ? '&' : '?';
    const res = await fetch(`${origin}${path}${sep}limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { headers });
    expect(res.status).toBe(200);
    const page = (await res.json()) as { items: T[]; nextCursor?: string | null };
    items.push(...page.items);
    if (!page.nextCursor) return items;
    cursor = page.nextCursor;
  }
}

async function allEvents(origin: string, headers: Record<string, string>): Promise<{ offset: number; type: string; resourceId: string | null }[]> {
  const events: { offset: number; type: string; resourceId: string | null }[] = [];
  let offset = 0;
  for (;;) {
    const res = await fetch(`${origin}/api/v1/events?offset=${offset}&limit=1000`, { headers });
    expect(res.status).toBe(200);
    const page = (await res.json()) as { events: { offset: number; type: string; resourceId: string | null }[]; nextOffset: number; hasMore: boolean };
    events.push(...page.events);
    offset = page.nextOffset;
    if (!page.hasMore) return events;
  }
}

describe.each(variants)('operator writes survive a crash mid-load: $name', (variant) => {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('stores every token answered 201 with its audit row and event, offsets gap-free', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'agentry-opcrash-'));
    cleanups.push(() => rmSync(cwd, { recursive: true, force: true }));
    let url: string;
    let cluster: PostgresCluster | undefined;
    if (variant.dialect === 'postgres') {
      // Durable commits (synchronous_commit on): an acknowledged commit must survive Postgres stopping.
      cluster = await startPostgresCluster({ durable: true });
      cleanups.push(() => cluster!.stop());
      url = await createDatabase(cluster.url);
    } else {
      const db = await freshDatabaseUrl('sqlite');
      cleanups.push(db.cleanup);
      url = db.url;
    }
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    const adminToken = generateSecret('opk');
    const env: Record<string, string> = {
      AGENTRY_DATABASE_URL: url,
      AGENTRY_SERVER_HOST: '127.0.0.1',
      AGENTRY_SERVER_PORT: String(port),
      AGENTRY_ADMIN_TOKEN: adminToken,
      AGENTRY_RATE_LIMITS_ENABLED: 'false',
      AGENTRY_LOG_LEVEL: 'warn',
      AGENTRY_LOG_REQUESTS: 'false',
    };
    const processes: CliProcess[] = [];
    cleanups.push(async () => {
      for (const p of processes) if (alive(p)) p.child.kill('SIGKILL');
      await Promise.all(processes.map((p) => p.exited));
    });
    const serve = async () => {
      const p = runCli(['serve'], { cwd, env });
      processes.push(p);
      await waitServing(p, `${origin}/healthz/ready`);
      return p;
    };
    const first = await serve();
    const admin = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };

    const acked = new Set<string>();
    let crashed = false;
    let stop = false;
    const unexpected: string[] = [];
    const loop = async (index: number) => {
      for (let seq = 0; !stop; seq++) {
        try {
          const res = await fetch(`${origin}/api/v1/tokens`, { method: 'POST', headers: admin, body: JSON.stringify({ name: `crash-${index}-${seq}`, role: 'viewer' }) });
          if (res.status === 201) acked.add(((await res.json()) as { token: { id: string } }).token.id);
          else if (!crashed || res.status !== 503) unexpected.push(`${res.status} ${await res.text()}`);
          else await res.body?.cancel();
        } catch (err) {
          if (!crashed) unexpected.push(`request failed before the crash: ${(err as Error).message}`);
          if (variant.crash === 'server') return;
        }
        if (crashed && variant.crash === 'postgres') await sleep(20);
      }
    };
    const loops = Array.from({ length: LOOPS }, (_, i) => loop(i));
    const started = Date.now();
    while (Date.now() - started < MIN_LOAD_MS || acked.size < MIN_ACKED) {
      if (Date.now() - started > 20_000) throw new Error(`only ${acked.size} tokens acknowledged in 20 s`);
      await sleep(50);
    }

    crashed = true;
    if (variant.crash === 'server') {
      first.child.kill('SIGKILL');
      await first.exited;
      await Promise.all(loops);
      await serve();
    } else {
      cluster!.halt();
      await sleep(300);
      cluster!.start();
      await waitServing(first, `${origin}/healthz/ready`);
      stop = true;
      await Promise.all(loops);
    }
    stop = true;
    expect(unexpected).toEqual([]);

    const tokens = await listAll<{ id: string; name: string }>(origin, admin, '/api/v1/tokens');
    const stored = new Set(tokens.map((t) => t.id));
    const missing = [...acked].filter((id) => !stored.has(id));
    expect(missing, `${missing.length} of ${acked.size} acknowledged tokens missing`).toEqual([]);
    const audited = new Set((await listAll<{ resourceId: string }>(origin, admin, '/api/v1/audit?action=token.create')).map((a) => a.resourceId));
    expect([...acked].filter((id) => !audited.has(id))).toEqual([]);

    const events = await allEvents(origin, admin);
    expect(events.map((e) => e.offset)).toEqual(events.map((_, i) => i + 1));
    const created = events.filter((e) => e.type === 'token_created').map((e) => e.resourceId!);
    expect(new Set(created).size).toBe(created.length);
    expect(created.filter((id) => !stored.has(id))).toEqual([]);
    const crashTokens = tokens.filter((t) => t.name.startsWith('crash-'));
    expect(crashTokens.filter((t) => !created.includes(t.id))).toEqual([]);
    expect(crashTokens.length).toBeGreaterThanOrEqual(acked.size);
  }, 120_000);
});
