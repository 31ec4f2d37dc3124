DROP TABLE "telemetry_latest" CASCADE;--> statement-breakpoint
DROP TABLE "telemetry_samples" CASCADE;