/**
 * Concurrent operator writes of one tenant (token, audit row, event), run on both dialects. On Postgres
 * they are group-committed (several writes per transaction); either way every write is committed, the
 * tenant's offsets are gap-free and follow the order the writes were made, a failing write among them fails
 * alone, and listeners hear of each committed offset once.
 */
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import type { NewEvent } from '../../src/domain/event.ts';
import type { OperatorTokenRecord } from '../../src/domain/operator-token.ts';
import { auditRow, tokenRow } from '../factories/tenants.ts';
import { useRepositories } from '../helpers/repository-suite.ts';
import { dialects } from '../helpers/server.ts';

const WRITES = 60;

const tokenCreated = (t: OperatorTokenRecord): NewEvent => ({ tenantId: t.tenantId, type: 'token_created', resourceType: 'token', resourceId: t.id, data: { name: t.name }, createdAt: new Date() });

const record = (tenantId: string): OperatorTokenRecord => {
  const { secret: _s, ...token } = tokenRow(tenantId);
  return token;
};

describe.each(dialects())('concurrent operator writes on %s', (dialect) => {
  const suite = useRepositories(dialect);

  /** Listeners' view: every announced (tenant, offset range), flattened to offsets per tenant. */
  function announcements(tenantId: string): number[] {
    const seen: number[] = [];
    suite.repos.onEventsCommitted((committed) => {
      for (const c of committed) if (c.tenantId === tenantId) for (let o = c.lastOffset - c.count + 1; o <= c.lastOffset; o++) seen.push(o);
    });
    return seen;
  }

  it('commits every write, with gap-free offsets in the order the writes were made', async () => {
    const t = await suite.tenant();
    const other = await suite.tenant();
    const announced = announcements(t.id);
    const tokens = Array.from({ length: WRITES }, () => record(t.id));
    const others = Array.from({ length: WRITES / 10 }, () => record(other.id));
    // Interleaved with another tenant's writes, all made in one turn of the event loop.
    await Promise.all([
      ...tokens.map((token, i) =>
        i % 10 === 0
          ? Promise.all([
              suite.repos.operatorTokens.create(token, { audit: auditRow(t.id, { action: 'token.create', resourceId: token.id }), events: [tokenCreated(token)] }),
              suite.repos.operatorTokens.create(others[i / 10]!, { events: [tokenCreated(others[i / 10]!)] }),
            ])
          : suite.repos.operatorTokens.create(token, { audit: auditRow(t.id, { action: 'token.create', resourceId: token.id }), events: [tokenCreated(token)] }),
      ),
    ]);
    const page = await suite.repos.events.list(t.id, 0, 1000);
    expect(page.events.map((e) => e.offset)).toEqual(tokens.map((_, i) => i + 1));
    expect(page.events.map((e) => e.resourceId)).toEqual(tokens.map((tk) => tk.id));
    expect((await suite.repos.events.list(other.id, 0, 100)).events.map((e) => [e.offset, e.resourceId])).toEqual(others.map((tk, i) => [i + 1, tk.id]));
    expect(await suite.repos.events.bounds(t.id)).toEqual({ oldest: 1, latest: WRITES });
    expect((await suite.repos.audit.list(t.id, { action: 'token.create' }, { limit: 1000 })).items).toHaveLength(WRITES);
    for (const token of tokens) expect(await suite.repos.operatorTokens.findById(t.id, token.id)).toEqual(token);
    expect(announced.sort((a, b) => a - b)).toEqual(tokens.map((_, i) => i + 1));
  });

  it('fails only the write whose statement fails; the others of its moment commit', async () => {
    const t = await suite.tenant();
    const announced = announcements(t.id);
    const first = record(t.id);
    await suite.repos.operatorTokens.create(first, { events: [tokenCreated(first)] });
    const tokens = Array.from({ length: 30 }, () => record(t.id));
    // Two bad writes among them: a duplicate secret hash (unique violation) and a token of a tenant that does not exist.
    const duplicate = { ...record(t.id), secretHash: first.secretHash };
    const orphan = record('00000000-0000-4000-8000-000000000000');
    const writes: OperatorTokenRecord[] = [...tokens.slice(0, 10), duplicate, ...tokens.slice(10, 20), orphan, ...tokens.slice(20)];
    const outcomes = await Promise.allSettled(
      writes.map((w) => suite.repos.operatorTokens.create(w, { audit: auditRow(t.id, { action: 'token.create', resourceId: w.id }), events: [tokenCreated({ ...w, tenantId: t.id })] })),
    );
    expect(outcomes.map((o) => o.status)).toEqual(writes.map((w) => (w === duplicate || w === orphan ? 'rejected' : 'fulfilled')));
    const page = await suite.repos.events.list(t.id, 0, 1000);
    expect(page.events.map((e) => e.offset)).toEqual([first, ...tokens].map((_, i) => i + 1));
    expect(page.events.map((e) => e.resourceId)).toEqual([first, ...tokens].map((tk) => tk.id));
    expect((await suite.repos.audit.list(t.id, { action: 'token.create' }, { limit: 1000 })).items.map((a) => a.resourceId).sort()).toEqual(tokens.map((tk) => tk.id).sort());
    expect(await suite.repos.operatorTokens.findById(t.id, duplicate.id)).toBeNull();
    expect(announced.sort((a, b) => a - b)).toEqual([first, ...tokens].map((_, i) => i + 1));
  });

  // Postgres only: SQLite writes synchronously, one transaction each (no skipped test on SQLite).
  if (dialect === 'postgres')
    it('shares a transaction among the writes of one moment (fewer commits than writes)', async () => {
      const t = await suite.tenant();
      const tokens = Array.from({ length: WRITES }, () => record(t.id));
      await Promise.all(tokens.map((token) => suite.repos.operatorTokens.create(token, { events: [tokenCreated(token)] })));
      const sql = postgres(suite.url, { max: 1, onnotice: () => {} });
      try {
        // Rows written by one transaction carry its id in xmin.
        const rows = await sql<{ n: string }[]>`select count(distinct xmin::text) as n from events where tenant_id = ${t.id}::uuid`;
        expect(Number(rows[0]!.n)).toBeLessThan(WRITES / 2);
      } finally {
        await sql.end();
      }
    });
});
