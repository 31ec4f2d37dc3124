CREATE TABLE `command_output` (
	`command_id` text NOT NULL,
	`agent_id` text NOT NULL,
	`tenant_id` text NOT NULL,
	`stream` text NOT NULL,
	`offset` integer NOT NULL,
	`length` integer NOT NULL,
	`data` text NOT NULL,
	`dropped` integer NOT NULL,
	PRIMARY KEY(`command_id`, `agent_id`, `stream`, `offset`),
	FOREIGN KEY (`command_id`) REFERENCES `commands`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
ALTER TABLE `command_executions` ADD `output_bytes` integer NOT NULL;--> statement-breakpoint
ALTER TABLE `command_executions` ADD `stored_bytes` integer NOT NULL;--> statement-breakpoint
ALTER TABLE `command_executions` ADD `truncated` integer NOT NULL;--> statement-breakpoint
ALTER TABLE `command_executions` ADD `cancel_requested` integer NOT NULL;