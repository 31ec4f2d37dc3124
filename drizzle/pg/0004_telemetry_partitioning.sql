-- Custom migration (drizzle-kit cannot express partitioned tables; the schema snapshot is unchanged).
-- telemetry_samples is stored by time:
--   * as a TimescaleDB hypertable with daily chunks when the extension is available and loads, else
--   * partitioned by range of ts: daily partitions telemetry_samples_pYYYYMMDD, created ahead by the
--     application (TelemetryRepository.prepare), plus telemetry_samples_default catching anything outside them.
-- The application detects which one it got from the catalogs (TelemetryRepository.storageMode).
-- TimescaleDB is called through EXECUTE so this block parses where the extension is absent; if creating the
-- extension or the hypertable fails (e.g. not in shared_preload_libraries), the sub-block rolls back and
-- the native partitioning is used instead.
DO $migration$
DECLARE
  hypertable boolean := false;
BEGIN
  IF EXISTS (SELECT 1 FROM pg_partitioned_table WHERE partrelid = 'telemetry_samples'::regclass) THEN
    RETURN;
  END IF;

  IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb') THEN
    BEGIN
      EXECUTE 'CREATE EXTENSION IF NOT EXISTS timescaledb';
      EXECUTE $sql$SELECT create_hypertable('telemetry_samples', 'ts', chunk_time_interval => interval '1 day', if_not_exists => true, migrate_data => true)$sql$;
      hypertable := true;
    EXCEPTION WHEN OTHERS THEN
      RAISE NOTICE 'TimescaleDB is not usable (%); partitioning telemetry_samples natively', SQLERRM;
    END;
  END IF;
  IF hypertable THEN
    RETURN;
  END IF;

  -- The table was created empty by 0003; any rows are carried over into the default partition anyway.
  ALTER TABLE telemetry_samples RENAME TO telemetry_samples_unpartitioned;
  ALTER TABLE telemetry_samples_unpartitioned RENAME CONSTRAINT telemetry_samples_pkey TO telemetry_samples_unpartitioned_pkey;
  CREATE TABLE telemetry_samples (
    tenant_id uuid NOT NULL,
    agent_id uuid NOT NULL,
    metric text NOT NULL,
    ts timestamp (3) with time zone NOT NULL,
    value double precision NOT NULL,
    labels jsonb NOT NULL,
    labels_key text NOT NULL,
    CONSTRAINT telemetry_samples_pkey PRIMARY KEY (agent_id, metric, ts, labels_key)
  ) PARTITION BY RANGE (ts);
  CREATE TABLE telemetry_samples_default PARTITION OF telemetry_samples DEFAULT;
  INSERT INTO telemetry_samples (tenant_id, agent_id, metric, ts, value, labels, labels_key)
    SELECT tenant_id, agent_id, metric, ts, value, labels, labels_key FROM telemetry_samples_unpartitioned;
  DROP TABLE telemetry_samples_unpartitioned;
END
$migration$;
