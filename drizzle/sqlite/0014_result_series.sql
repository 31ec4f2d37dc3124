CREATE TABLE `check_result_points` (
	`series_id` integer NOT NULL,
	`ts` integer NOT NULL,
	`id` text NOT NULL,
	`check_type` text NOT NULL,
	`reachable` integer NOT NULL,
	`latency_ms` real,
	`result` text NOT NULL,
	`received_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `check_result_points_id_idx` ON `check_result_points` (`id`);--> statement-breakpoint
CREATE INDEX `check_result_points_series_ts_idx` ON `check_result_points` (`series_id`,`ts`,`reachable`,`latency_ms`);--> statement-breakpoint
CREATE TABLE `check_result_series` (
	`id` integer PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`endpoint_id` text NOT NULL,
	`agent_id` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `check_result_series_key_idx` ON `check_result_series` (`tenant_id`,`endpoint_id`,`agent_id`);