CREATE TABLE `telemetry_points` (
	`series_id` integer NOT NULL,
	`ts` integer NOT NULL,
	`value` real NOT NULL,
	PRIMARY KEY(`series_id`, `ts`)
);
--> statement-breakpoint
CREATE TABLE `telemetry_series` (
	`id` integer PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`agent_id` text NOT NULL,
	`metric` text NOT NULL,
	`labels_key` text NOT NULL,
	`labels` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `telemetry_series_key` ON `telemetry_series` (`tenant_id`,`agent_id`,`metric`,`labels_key`);--> statement-breakpoint
CREATE TABLE `telemetry_series_latest` (
	`series_id` integer PRIMARY KEY NOT NULL,
	`ts` integer NOT NULL,
	`value` real NOT NULL
);
