CREATE TABLE `inventory_changes` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`agent_id` text NOT NULL,
	`kind` text NOT NULL,
	`name` text NOT NULL,
	`before` text,
	`after` text,
	`collected_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`agent_id`) REFERENCES `agents`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `inventory_changes_agent_idx` ON `inventory_changes` (`tenant_id`,`agent_id`,`id`);--> statement-breakpoint
CREATE INDEX `inventory_changes_created_idx` ON `inventory_changes` (`created_at`);--> statement-breakpoint
CREATE TABLE `inventory_snapshots` (
	`agent_id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`collected_at` integer NOT NULL,
	`received_at` integer NOT NULL,
	`snapshot` text NOT NULL,
	`hash` text NOT NULL,
	FOREIGN KEY (`agent_id`) REFERENCES `agents`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `inventory_snapshots_tenant_idx` ON `inventory_snapshots` (`tenant_id`);--> statement-breakpoint
CREATE TABLE `inventory_software` (
	`tenant_id` text NOT NULL,
	`agent_id` text NOT NULL,
	`name` text NOT NULL,
	`version` text NOT NULL,
	PRIMARY KEY(`agent_id`, `name`),
	FOREIGN KEY (`agent_id`) REFERENCES `agents`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `inventory_software_tenant_name_idx` ON `inventory_software` (`tenant_id`,`name`,`version`);--> statement-breakpoint
CREATE TABLE `telemetry_latest` (
	`tenant_id` text NOT NULL,
	`agent_id` text NOT NULL,
	`metric` text NOT NULL,
	`labels_key` text NOT NULL,
	`labels` text NOT NULL,
	`ts` integer NOT NULL,
	`value` real NOT NULL,
	PRIMARY KEY(`agent_id`, `metric`, `labels_key`)
);
--> statement-breakpoint
CREATE TABLE `telemetry_samples` (
	`tenant_id` text NOT NULL,
	`agent_id` text NOT NULL,
	`metric` text NOT NULL,
	`ts` integer NOT NULL,
	`value` real NOT NULL,
	`labels` text NOT NULL,
	`labels_key` text NOT NULL,
	PRIMARY KEY(`agent_id`, `metric`, `ts`, `labels_key`)
);
