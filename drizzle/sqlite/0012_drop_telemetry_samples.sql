DROP TABLE `telemetry_latest`;--> statement-breakpoint
DROP TABLE `telemetry_samples`;