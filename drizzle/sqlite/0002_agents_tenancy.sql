CREATE TABLE `agent_registrations` (
	`agent_id` text PRIMARY KEY NOT NULL,
	`claim_token_hash` text NOT NULL,
	`hostname` text NOT NULL,
	`agent_version` text NOT NULL,
	`ip_addresses` text NOT NULL,
	`poll_count` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`claimed_at` integer,
	`tenant_id` text,
	`key_delivered_at` integer,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `agent_registrations_expires_idx` ON `agent_registrations` (`expires_at`);--> statement-breakpoint
CREATE TABLE `agents` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`section_id` text,
	`name` text NOT NULL,
	`hostname` text NOT NULL,
	`os` text,
	`arch` text,
	`agent_version` text,
	`hardware_id` text,
	`capabilities` text NOT NULL,
	`tags` text NOT NULL,
	`ip_addresses` text,
	`status` text NOT NULL,
	`enrolled_via` text NOT NULL,
	`key_hash` text,
	`key_prefix` text,
	`previous_key_hash` text,
	`previous_key_expires_at` integer,
	`online` integer NOT NULL,
	`last_seen_at` integer,
	`online_changed_at` integer,
	`latest_heartbeat` text,
	`latest_status` text,
	`status_reported_at` integer,
	`version` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`section_id`) REFERENCES `sections`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `agents_key_hash_key` ON `agents` (`key_hash`);--> statement-breakpoint
CREATE INDEX `agents_previous_key_hash_idx` ON `agents` (`previous_key_hash`);--> statement-breakpoint
CREATE UNIQUE INDEX `agents_tenant_hardware_key` ON `agents` (`tenant_id`,`hardware_id`);--> statement-breakpoint
CREATE INDEX `agents_tenant_idx` ON `agents` (`tenant_id`,`id`);--> statement-breakpoint
CREATE INDEX `agents_online_seen_idx` ON `agents` (`online`,`last_seen_at`);--> statement-breakpoint
CREATE TABLE `enrollment_secrets` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`section_id` text,
	`name` text NOT NULL,
	`prefix` text NOT NULL,
	`secret_hash` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer,
	`revoked_at` integer,
	`last_used_at` integer,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`section_id`) REFERENCES `sections`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `enrollment_secrets_secret_hash_key` ON `enrollment_secrets` (`secret_hash`);--> statement-breakpoint
CREATE INDEX `enrollment_secrets_tenant_idx` ON `enrollment_secrets` (`tenant_id`,`id`);--> statement-breakpoint
CREATE TABLE `sections` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`version` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sections_tenant_name_key` ON `sections` (`tenant_id`,`name`);