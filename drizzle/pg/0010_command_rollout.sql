ALTER TABLE "commands" ADD COLUMN "max_concurrency" integer;--> statement-breakpoint
ALTER TABLE "commands" ADD COLUMN "max_errors" integer;