/** Ingest repository contract for telemetry, check results and storage maintenance, run unchanged on SQLite and Postgres (inventory: inventory-repositories.test.ts). */
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import type { CheckResultRow } from '../../src/domain/check-result.ts';
import type { IngestItem } from '../../src/domain/ingest.ts';
import type { TelemetryAggregate } from '../../src/domain/telemetry.ts';
import { newId } from '../../src/services/ids.ts';
import { at, plus, MIN, DAY, sample, item, submission, differ, newTenantAndAgent } from '../helpers/ingest-fixtures.ts';
import { useRepositories } from '../helpers/repository-suite.ts';
import { dialects } from '../helpers/server.ts';

describe.each(dialects())('ingest repositories on %s', (dialect) => {
  const suite = useRepositories(dialect);
  const tenantAndAgent = () => newTenantAndAgent(suite);
  const range = (tenantId: string, agentId: string, metric: string, from: Date, to: Date, stepMs: number, agg: TelemetryAggregate) =>
    suite.repos.telemetry.range({ tenantId, agentId, metric, from, to, stepMs, agg });

  let pg: postgres.Sql | undefined;
  /** A direct connection to the Postgres database, for checking the catalogs. */
  const raw = () => (pg ??= postgres(suite.url, { max: 1, onnotice: () => {} }));
  afterAll(async () => {
    await pg?.end();
  });

  describe('telemetry', () => {
    it('writes a batch once: a redelivery stores no sample twice', async () => {
      const { t, a } = await tenantAndAgent();
      const b = await suite.agent(t);
      const t0 = at('2030-01-10T00:00:00.000Z');
      const batch = [
        item(t, a, [sample(t, a, 'cpu', t0, 1), sample(t, a, 'cpu', plus(t0, 1000), 2), sample(t, a, 'disk', t0, 50, { mount: '/', dev: 'sda' })]),
        item(t, b.id, [sample(t, b.id, 'cpu', t0, 7), sample(t, b.id, 'cpu', plus(t0, 1000), 8)]),
        item(t, a, [sample(t, a, 'cpu', plus(t0, 2000), 3)]),
      ];
      expect(await suite.repos.ingest.writeBatch(batch, differ)).toEqual({ samplesWritten: 6, inventoriesWritten: 0, changesWritten: 0 });
      expect(await suite.repos.ingest.writeBatch(batch, differ)).toEqual({ samplesWritten: 0, inventoriesWritten: 0, changesWritten: 0 });
      // Partly new: only the new sample counts.
      const more = [item(t, a, [sample(t, a, 'cpu', plus(t0, 2000), 3), sample(t, a, 'cpu', plus(t0, 3000), 4)])];
      expect((await suite.repos.ingest.writeBatch(more, differ)).samplesWritten).toBe(1);

      expect(await range(t, a, 'cpu', t0, plus(t0, MIN), MIN, 'avg')).toEqual([{ ts: t0, value: 2.5, count: 4 }]);
      expect(await range(t, b.id, 'cpu', t0, plus(t0, MIN), MIN, 'max')).toEqual([{ ts: t0, value: 8, count: 2 }]);
      expect(await range(t, a, 'disk', t0, plus(t0, MIN), MIN, 'last')).toEqual([{ ts: t0, value: 50, count: 1 }]);
      expect(await suite.repos.telemetry.latest(t, a)).toEqual([
        { metric: 'cpu', labels: {}, value: 4, ts: plus(t0, 3000) },
        { metric: 'disk', labels: { mount: '/', dev: 'sda' }, value: 50, ts: t0 },
      ]);
    });

    it('keeps the newest latest value when an older sample arrives later', async () => {
      const { t, a } = await tenantAndAgent();
      const t0 = at('2030-01-11T10:00:00.000Z');
      await suite.repos.ingest.writeBatch([item(t, a, [sample(t, a, 'load', t0, 1), sample(t, a, 'load', t0, 9, { core: '1' })])], differ);
      await suite.repos.ingest.writeBatch([item(t, a, [sample(t, a, 'load', plus(t0, -MIN), 5)])], differ);
      expect(await suite.repos.telemetry.latest(t, a)).toEqual([
        { metric: 'load', labels: {}, value: 1, ts: t0 },
        { metric: 'load', labels: { core: '1' }, value: 9, ts: t0 },
      ]);
      // Within one batch the newest sample of a series wins, whatever its position.
      await suite.repos.ingest.writeBatch([item(t, a, [sample(t, a, 'load', plus(t0, 3 * MIN), 7)]), item(t, a, [sample(t, a, 'load', plus(t0, 2 * MIN), 6), sample(t, a, 'mem', plus(t0, MIN), 100)])], differ);
      expect(await suite.repos.telemetry.latest(t, a)).toEqual([
        { metric: 'load', labels: {}, value: 7, ts: plus(t0, 3 * MIN) },
        { metric: 'load', labels: { core: '1' }, value: 9, ts: t0 },
        { metric: 'mem', labels: {}, value: 100, ts: plus(t0, MIN) },
      ]);
      // A redelivered sample with the same time but another value changes neither the sample nor the latest value.
      await suite.repos.ingest.writeBatch([item(t, a, [sample(t, a, 'mem', plus(t0, MIN), 1)])], differ);
      expect((await suite.repos.telemetry.latest(t, a)).find((s) => s.metric === 'mem')?.value).toBe(100);
      expect(await range(t, a, 'mem', t0, plus(t0, 5 * MIN), 5 * MIN, 'max')).toEqual([{ ts: t0, value: 100, count: 1 }]);
    });

    it('aggregates each step bucket (avg, min, max, last), from inclusive, to exclusive, all series of the metric', async () => {
      const { t, a } = await tenantAndAgent();
      const other = await suite.agent(t);
      // Not aligned to the minute: buckets start at from + k × step.
      const from = at('2030-02-01T00:00:07.000Z');
      const to = plus(from, 4 * MIN);
      const s = (offsetMs: number, value: number, labels: Record<string, string> = {}) => sample(t, a, 'cpu', plus(from, offsetMs), value, labels);
      await suite.repos.ingest.writeBatch(
        [
          item(t, a, [
            s(-1, 1000), // before from
            s(0, 1),
            s(10_000, 3),
            s(30_000, 8, { core: '1' }),
            s(59_999, 2),
            s(60_000, 10),
            s(150_000, 4, { core: '1' }),
            s(4 * MIN - 1, 6),
            s(4 * MIN, 2000), // at to
            sample(t, a, 'mem', plus(from, 1000), 500),
          ]),
          item(t, other.id, [sample(t, other.id, 'cpu', plus(from, 1000), 900)]),
        ],
        differ,
      );
      const bucket = (k: number, value: number, count: number) => ({ ts: plus(from, k * MIN), value, count });
      expect(await range(t, a, 'cpu', from, to, MIN, 'avg')).toEqual([bucket(0, 3.5, 4), bucket(1, 10, 1), bucket(2, 4, 1), bucket(3, 6, 1)]);
      expect(await range(t, a, 'cpu', from, to, MIN, 'min')).toEqual([bucket(0, 1, 4), bucket(1, 10, 1), bucket(2, 4, 1), bucket(3, 6, 1)]);
      expect(await range(t, a, 'cpu', from, to, MIN, 'max')).toEqual([bucket(0, 8, 4), bucket(1, 10, 1), bucket(2, 4, 1), bucket(3, 6, 1)]);
      expect(await range(t, a, 'cpu', from, to, MIN, 'last')).toEqual([bucket(0, 2, 4), bucket(1, 10, 1), bucket(2, 4, 1), bucket(3, 6, 1)]);
      // Two-minute steps; empty buckets are left out.
      expect(await range(t, a, 'cpu', from, to, 2 * MIN, 'last')).toEqual([bucket(0, 10, 5), bucket(2, 6, 2)]);
      expect(await range(t, a, 'cpu', plus(from, 3 * MIN), to, MIN, 'avg')).toEqual([bucket(3, 6, 1)]);
      expect(await range(t, a, 'cpu', plus(from, 61_000), plus(from, 149_000), MIN, 'avg')).toEqual([]);
      expect(await range(t, a, 'cpu', to, from, MIN, 'avg')).toEqual([]);
      await expect(range(t, a, 'cpu', from, to, 0, 'avg')).rejects.toThrow(RangeError);
    });

    it('shows nothing to another tenant', async () => {
      const { t, a } = await tenantAndAgent();
      const other = await suite.tenant();
      const t0 = at('2030-03-01T00:00:00.000Z');
      await suite.repos.ingest.writeBatch([item(t, a, [sample(t, a, 'cpu', t0, 1)], submission(t0, [{ name: 'curl', version: '8.0' }]))], differ);
      expect(await range(t, a, 'cpu', t0, plus(t0, MIN), MIN, 'avg')).toHaveLength(1);
      expect(await range(other.id, a, 'cpu', t0, plus(t0, MIN), MIN, 'avg')).toEqual([]);
      expect(await suite.repos.telemetry.latest(other.id, a)).toEqual([]);
      expect(await suite.repos.inventory.get(other.id, a)).toBeNull();
      expect((await suite.repos.inventory.listChanges(other.id, a, { limit: 10 })).items).toEqual([]);
      expect(await suite.repos.inventory.softwareVersions(other.id, { name: 'curl' })).toEqual([]);
      expect((await suite.repos.inventory.softwareInstalls(other.id, { name: 'curl' }, { limit: 10 })).items).toEqual([]);
    });

    it('writes concurrent deliveries of one batch once', async () => {
      const { t, a } = await tenantAndAgent();
      const t0 = at('2030-03-02T00:00:00.000Z');
      const batch = [
        item(
          t,
          a,
          Array.from({ length: 200 }, (_, i) => sample(t, a, 'cpu', plus(t0, i * 1000), i)),
          submission(t0, [{ name: 'zsh', version: '5.9' }]),
        ),
      ];
      const results = await Promise.all([1, 2, 3].map(() => suite.repos.ingest.writeBatch(batch, differ)));
      expect(results.reduce((n, r) => n + r.samplesWritten, 0)).toBe(200);
      expect(results.reduce((n, r) => n + r.inventoriesWritten, 0)).toBe(1);
      expect((await suite.repos.inventory.listChanges(t, a, { limit: 10 })).items).toHaveLength(2);
      expect(await range(t, a, 'cpu', t0, plus(t0, DAY), DAY, 'avg')).toEqual([{ ts: t0, value: 99.5, count: 200 }]);
    });
  });

  describe('check results', () => {
    it('stores an id once per write when items repeat it, across multi-row statements: counted for its first item, rolled up once', async () => {
      const { t, a } = await tenantAndAgent();
      const endpointId = newId();
      const minute = Math.floor(Date.now() / MIN) * MIN - 10 * MIN;
      const receivedAt = new Date();
      // 70 results of one series: more than one insert statement takes (32 rows).
      const rows: CheckResultRow[] = Array.from({ length: 70 }, (_, i) => ({
        id: newId(),
        tenantId: t,
        agentId: a,
        endpointId,
        checkType: 'ping',
        ts: new Date(minute + i * 100),
        reachable: i % 2 === 0,
        latencyMs: i % 2 === 0 ? i : null,
        result: { resolved_ip: '10.0.0.1', successes: i % 2 === 0 ? 1 : 0, failures: i % 2, success_latencies: i % 2 === 0 ? [i] : [], error_details: null },
        receivedAt,
      }));
      const results = (rs: CheckResultRow[]): IngestItem => ({ ...item(t, a, [], null, receivedAt), results: rs });
      // The second item re-sends 40 of the first's results (one of them twice) and adds 5 new ones.
      const fresh = rows.slice(60);
      const batch = [results(rows.slice(0, 60)), results([...rows.slice(20, 60), rows[30]!, ...fresh])];
      const written = await suite.repos.ingest.writeBatch(batch, differ);
      expect(written.resultsWritten).toBe(70);
      expect(written.resultsStored).toEqual([60, 10]);
      const again = await suite.repos.ingest.writeBatch([results(rows.slice(50))], differ);
      expect(again.resultsWritten ?? 0).toBe(0);
      expect(again.resultsStored).toEqual([0]);
      const buckets = await suite.repos.results.report({ tenantId: t, endpointIds: [endpointId], from: new Date(minute), to: new Date(minute + MIN), stepMs: MIN });
      expect(buckets).toHaveLength(1);
      expect(buckets[0]).toMatchObject({ checks: 70, successes: 35, latencyMaxMs: 68 });
    });
  });

  describe('storage maintenance', () => {
    const partitions = async () =>
      (await raw()<{ name: string }[]>`select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = 'telemetry_points'::regclass`).map((r) => r.name).sort();
    /** Rows of one day in the default partition (other tests' days have no partition: theirs are there too). */
    const inDefault = async (day: Date) => Number((await raw()`select count(*) as n from telemetry_points_default where ts >= ${day.getTime()} and ts < ${plus(day, DAY).getTime()}`)[0]!.n);

    it('reports how samples are stored', async () => {
      expect(await suite.repos.telemetry.storageMode()).toBe(dialect === 'sqlite' ? 'table' : 'partitions');
    });

    it('prepares daily partitions once, also when called concurrently, moving rows out of the default partition', async () => {
      const { t, a } = await tenantAndAgent();
      const day = at('2010-03-05T00:00:00.000Z');
      // Written before its day's partition exists: lands in the default partition on Postgres.
      const early = [sample(t, a, 'cpu', plus(day, 1000), 1), sample(t, a, 'cpu', plus(day, DAY - 1), 2)];
      await suite.repos.ingest.writeBatch([item(t, a, early)], differ);
      if (dialect === 'postgres') expect(await inDefault(day)).toBe(2);

      const created = await Promise.all([suite.repos.telemetry.prepare(plus(day, 5 * 3_600_000), at('2010-03-07T00:00:00.000Z')), suite.repos.telemetry.prepare(day, at('2010-03-06T23:59:59.999Z'))]);
      const names = ['telemetry_points_p20100305', 'telemetry_points_p20100306', 'telemetry_points_p20100307'];
      if (dialect === 'sqlite') {
        expect(created).toEqual([[], []]);
      } else {
        expect(created.flat().sort()).toEqual(names);
        expect(await partitions()).toEqual(['telemetry_points_default', ...names]);
        expect(await inDefault(day)).toBe(0);
        expect(Number((await raw()`select count(*) as n from telemetry_points_p20100305`)[0]!.n)).toBe(2);
      }
      expect(await suite.repos.telemetry.prepare(day, at('2010-03-07T00:00:00.000Z'))).toEqual([]);
      expect(await range(t, a, 'cpu', day, plus(day, DAY), DAY, 'max')).toEqual([{ ts: day, value: 2, count: 2 }]);
      // New samples of a prepared day go to its partition, and redeliveries are still detected there.
      expect((await suite.repos.ingest.writeBatch([item(t, a, [...early, sample(t, a, 'cpu', plus(day, DAY + 5), 3)])], differ)).samplesWritten).toBe(1);
      if (dialect === 'postgres') expect(await inDefault(plus(day, DAY))).toBe(0);
    });

    it('prunes samples and latest values older than the cutoff', async () => {
      const { t, a } = await tenantAndAgent();
      const b = await suite.agent(t);
      const d1 = at('2001-01-01T00:00:00.000Z');
      const d2 = plus(d1, DAY);
      const d3 = plus(d1, 2 * DAY);
      const stray = at('2000-12-15T12:00:00.000Z'); // no partition: default partition on Postgres
      expect(await suite.repos.telemetry.prepare(d1, d3)).toHaveLength(dialect === 'sqlite' ? 0 : 3);
      // Enough rows of the first day for several prune chunks on SQLite.
      const many = Array.from({ length: 120_000 }, (_, i) => sample(t, a, 'bulk', plus(d1, i * 500), i));
      await suite.repos.ingest.writeBatch(
        [
          item(t, a, many),
          item(t, a, [sample(t, a, 'cpu', stray, 1), sample(t, a, 'cpu', plus(d1, 1000), 2), sample(t, a, 'cpu', plus(d2, 1000), 3), sample(t, a, 'cpu', plus(d3, 1000), 4)]),
          item(t, b.id, [sample(t, b.id, 'old', plus(d1, 5000), 5)]),
        ],
        differ,
      );
      expect(await range(t, a, 'bulk', d1, d2, DAY, 'max')).toEqual([{ ts: d1, value: 119_999, count: 120_000 }]);

      const cutoff = plus(d2, 12 * 3_600_000);
      const done = await suite.repos.telemetry.prune(cutoff);
      if (dialect === 'sqlite') {
        expect(done).toEqual(['120004 rows from telemetry_points', '2 rows from telemetry_series_latest']);
      } else {
        expect(done).toEqual(['telemetry_points_p20010101', '1 rows from telemetry_points_default', '2 rows from telemetry_series_latest']);
        const left = await partitions();
        expect(left).not.toContain('telemetry_points_p20010101');
        expect(left).toContain('telemetry_points_p20010102');
        expect(await suite.repos.telemetry.storageMode()).toBe('partitions');
      }
      const all = (metric: string) => range(t, a, metric, at('2000-01-01T00:00:00.000Z'), at('2002-01-01T00:00:00.000Z'), 365 * DAY, 'avg');
      expect(await all('bulk')).toEqual([]);
      // Partitions go by whole days: the cutoff's day keeps its older rows on Postgres; SQLite deletes by row.
      expect((await range(t, a, 'cpu', d1, plus(d1, 3 * DAY), DAY, 'last')).map((p) => p.value)).toEqual(dialect === 'sqlite' ? [4] : [3, 4]);
      expect(await range(t, a, 'cpu', stray, plus(stray, 1), DAY, 'last')).toEqual([]);
      expect(await suite.repos.telemetry.latest(t, b.id)).toEqual([]);
      expect((await suite.repos.telemetry.latest(t, a)).map((l) => l.metric)).toEqual(['cpu']);
      expect(await suite.repos.telemetry.prune(cutoff)).toEqual([]);
    });
  });
});
