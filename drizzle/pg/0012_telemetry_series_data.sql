-- Custom migration (the schema snapshot is unchanged): the time-series layout takes over the samples.
-- telemetry_points (created empty by 0011) is stored by time like telemetry_samples was (0004):
--   * as a TimescaleDB hypertable with daily chunks (of epoch ms) when the extension is available and loads, else
--   * partitioned by range of ts (epoch ms): daily partitions telemetry_points_pYYYYMMDD, created ahead by the
--     application (TelemetryRepository.prepare), plus telemetry_points_default catching anything outside them.
-- Then existing samples and latest values are carried over: one series per tenant + agent + metric + labels,
-- samples and latest values keyed by its id, times as epoch ms. Each day that had a partition of
-- telemetry_samples gets one of telemetry_points. Migration 0013 drops the old tables.
DO $migration$
DECLARE
  hypertable boolean := false;
  old_partition record;
  lo bigint;
BEGIN
  IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb') THEN
    BEGIN
      EXECUTE 'CREATE EXTENSION IF NOT EXISTS timescaledb';
      EXECUTE $sql$SELECT create_hypertable('telemetry_points', 'ts', chunk_time_interval => 86400000::bigint, if_not_exists => true)$sql$;
      hypertable := true;
    EXCEPTION WHEN OTHERS THEN
      RAISE NOTICE 'TimescaleDB is not usable (%); partitioning telemetry_points natively', SQLERRM;
    END;
  END IF;

  IF NOT hypertable THEN
    DROP TABLE telemetry_points;
    CREATE TABLE telemetry_points (
      series_id integer NOT NULL,
      ts bigint NOT NULL,
      value double precision NOT NULL,
      CONSTRAINT telemetry_points_pkey PRIMARY KEY (series_id, ts)
    ) PARTITION BY RANGE (ts);
    CREATE TABLE telemetry_points_default PARTITION OF telemetry_points DEFAULT;
    FOR old_partition IN
      SELECT substr(c.relname, length('telemetry_samples_p') + 1) AS day FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'telemetry_samples'::regclass AND c.relname ~ '^telemetry_samples_p[0-9]{8}$'
    LOOP
      lo := (extract(epoch FROM to_date(old_partition.day, 'YYYYMMDD')::timestamp AT TIME ZONE 'UTC') * 1000)::bigint;
      EXECUTE format('CREATE TABLE %I PARTITION OF telemetry_points FOR VALUES FROM (%s) TO (%s)', 'telemetry_points_p' || old_partition.day, lo, lo + 86400000);
    END LOOP;
  END IF;

  INSERT INTO telemetry_series (tenant_id, agent_id, metric, labels_key, labels)
    SELECT DISTINCT ON (tenant_id, agent_id, metric, labels_key) tenant_id, agent_id, metric, labels_key, labels FROM (
      SELECT tenant_id, agent_id, metric, labels_key, labels FROM telemetry_samples
      UNION ALL
      SELECT tenant_id, agent_id, metric, labels_key, labels FROM telemetry_latest
    ) s
    ORDER BY tenant_id, agent_id, metric, labels_key;
  INSERT INTO telemetry_points (series_id, ts, value)
    SELECT s.id, (extract(epoch FROM t.ts) * 1000)::bigint, t.value FROM telemetry_samples t
    JOIN telemetry_series s ON s.tenant_id = t.tenant_id AND s.agent_id = t.agent_id AND s.metric = t.metric AND s.labels_key = t.labels_key;
  INSERT INTO telemetry_series_latest (series_id, ts, value)
    SELECT s.id, (extract(epoch FROM l.ts) * 1000)::bigint, l.value FROM telemetry_latest l
    JOIN telemetry_series s ON s.tenant_id = l.tenant_id AND s.agent_id = l.agent_id AND s.metric = l.metric AND s.labels_key = l.labels_key;
END
$migration$;
