ALTER TABLE `commands` ADD `max_concurrency` integer;--> statement-breakpoint
ALTER TABLE `commands` ADD `max_errors` integer;