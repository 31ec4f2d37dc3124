CREATE TABLE `command_executions` (
	`command_id` text NOT NULL,
	`tenant_id` text NOT NULL,
	`agent_id` text NOT NULL,
	`state` text NOT NULL,
	`reason` text,
	`exit_code` integer,
	`error` text,
	`not_before` integer,
	`expires_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	`delivered_at` integer,
	`started_at` integer,
	`finished_at` integer,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`command_id`, `agent_id`),
	FOREIGN KEY (`command_id`) REFERENCES `commands`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `command_executions_agent_state_idx` ON `command_executions` (`tenant_id`,`agent_id`,`state`);--> statement-breakpoint
CREATE INDEX `command_executions_state_expiry_idx` ON `command_executions` (`state`,`expires_at`);--> statement-breakpoint
CREATE TABLE `commands` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`type` text NOT NULL,
	`payload` text NOT NULL,
	`targets` text NOT NULL,
	`ttl_sec` integer NOT NULL,
	`not_before` integer,
	`expires_at` integer NOT NULL,
	`created_by` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `commands_tenant_idx` ON `commands` (`tenant_id`,`id`);--> statement-breakpoint
CREATE INDEX `commands_tenant_creator_idx` ON `commands` (`tenant_id`,`created_by`);