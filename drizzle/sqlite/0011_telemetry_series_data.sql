-- Custom migration (the schema snapshot is unchanged): the time-series layout takes over the samples.
-- telemetry_points is recreated WITHOUT ROWID (drizzle-kit cannot express it): its rows live in the
-- (series_id, ts) key's b-tree. Existing samples and latest values are then carried over: one series per
-- tenant + agent + metric + labels, samples and latest values keyed by its id. Migration 0012 drops the old tables.
DROP TABLE `telemetry_points`;
--> statement-breakpoint
CREATE TABLE `telemetry_points` (
	`series_id` integer NOT NULL,
	`ts` integer NOT NULL,
	`value` real NOT NULL,
	PRIMARY KEY(`series_id`, `ts`)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `telemetry_series` (`tenant_id`, `agent_id`, `metric`, `labels_key`, `labels`)
  SELECT `tenant_id`, `agent_id`, `metric`, `labels_key`, max(`labels`) FROM (
    SELECT `tenant_id`, `agent_id`, `metric`, `labels_key`, `labels` FROM `telemetry_samples`
    UNION ALL
    SELECT `tenant_id`, `agent_id`, `metric`, `labels_key`, `labels` FROM `telemetry_latest`
  )
  GROUP BY `tenant_id`, `agent_id`, `metric`, `labels_key`
  ORDER BY `agent_id`, `metric`, `labels_key`;
--> statement-breakpoint
INSERT INTO `telemetry_points` (`series_id`, `ts`, `value`)
  SELECT s.`id`, t.`ts`, t.`value` FROM `telemetry_samples` t
  JOIN `telemetry_series` s ON s.`tenant_id` = t.`tenant_id` AND s.`agent_id` = t.`agent_id` AND s.`metric` = t.`metric` AND s.`labels_key` = t.`labels_key`
  ORDER BY s.`id`, t.`ts`;
--> statement-breakpoint
INSERT INTO `telemetry_series_latest` (`series_id`, `ts`, `value`)
  SELECT s.`id`, l.`ts`, l.`value` FROM `telemetry_latest` l
  JOIN `telemetry_series` s ON s.`tenant_id` = l.`tenant_id` AND s.`agent_id` = l.`agent_id` AND s.`metric` = l.`metric` AND s.`labels_key` = l.`labels_key`;
