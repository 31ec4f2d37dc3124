CREATE TABLE "check_results" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"agent_id" uuid NOT NULL,
	"endpoint_id" uuid NOT NULL,
	"check_type" text NOT NULL,
	"ts" timestamp (3) with time zone NOT NULL,
	"reachable" boolean NOT NULL,
	"latency_ms" double precision,
	"result" jsonb NOT NULL,
	"received_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "endpoint_states" (
	"tenant_id" uuid NOT NULL,
	"agent_id" uuid NOT NULL,
	"endpoint_id" uuid NOT NULL,
	"reachable" boolean NOT NULL,
	"latency_ms" double precision,
	"check_type" text NOT NULL,
	"result_id" uuid NOT NULL,
	"checked_at" timestamp (3) with time zone NOT NULL,
	"changed_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "endpoint_states_pkey" PRIMARY KEY("agent_id","endpoint_id")
);
--> statement-breakpoint
CREATE TABLE "monitored_endpoints" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"name" text NOT NULL,
	"address" text NOT NULL,
	"check_type" text,
	"port" integer,
	"interval_sec" integer NOT NULL,
	"timeout_sec" integer NOT NULL,
	"tags" jsonb NOT NULL,
	"enabled" boolean NOT NULL,
	"assigned_agent_ids" jsonb NOT NULL,
	"assigned_section_id" uuid,
	"assigned_tags" jsonb NOT NULL,
	"origin" text NOT NULL,
	"reported_by" uuid,
	"linked_endpoint_id" uuid,
	"version" integer NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "monitored_endpoints_pkey" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "monitored_endpoints" ADD CONSTRAINT "monitored_endpoints_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "check_results_endpoint_ts_idx" ON "check_results" USING btree ("endpoint_id","ts","tenant_id","agent_id","reachable","latency_ms");--> statement-breakpoint
CREATE INDEX "endpoint_states_endpoint_idx" ON "endpoint_states" USING btree ("tenant_id","endpoint_id");--> statement-breakpoint
CREATE INDEX "monitored_endpoints_linked_idx" ON "monitored_endpoints" USING btree ("tenant_id","linked_endpoint_id");