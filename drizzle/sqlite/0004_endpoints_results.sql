CREATE TABLE `check_results` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`agent_id` text NOT NULL,
	`endpoint_id` text NOT NULL,
	`check_type` text NOT NULL,
	`ts` integer NOT NULL,
	`reachable` integer NOT NULL,
	`latency_ms` real,
	`result` text NOT NULL,
	`received_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `check_results_endpoint_ts_idx` ON `check_results` (`endpoint_id`,`ts`,`tenant_id`,`agent_id`,`reachable`,`latency_ms`);--> statement-breakpoint
CREATE TABLE `endpoint_states` (
	`tenant_id` text NOT NULL,
	`agent_id` text NOT NULL,
	`endpoint_id` text NOT NULL,
	`reachable` integer NOT NULL,
	`latency_ms` real,
	`check_type` text NOT NULL,
	`result_id` text NOT NULL,
	`checked_at` integer NOT NULL,
	`changed_at` integer NOT NULL,
	PRIMARY KEY(`agent_id`, `endpoint_id`)
);
--> statement-breakpoint
CREATE INDEX `endpoint_states_endpoint_idx` ON `endpoint_states` (`tenant_id`,`endpoint_id`);--> statement-breakpoint
CREATE TABLE `monitored_endpoints` (
	`tenant_id` text NOT NULL,
	`id` text NOT NULL,
	`name` text NOT NULL,
	`address` text NOT NULL,
	`check_type` text,
	`port` integer,
	`interval_sec` integer NOT NULL,
	`timeout_sec` integer NOT NULL,
	`tags` text NOT NULL,
	`enabled` integer NOT NULL,
	`assigned_agent_ids` text NOT NULL,
	`assigned_section_id` text,
	`assigned_tags` text NOT NULL,
	`origin` text NOT NULL,
	`reported_by` text,
	`linked_endpoint_id` text,
	`version` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`tenant_id`, `id`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `monitored_endpoints_linked_idx` ON `monitored_endpoints` (`tenant_id`,`linked_endpoint_id`);