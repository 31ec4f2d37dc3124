CREATE TABLE "inventory_changes" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"agent_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"before" jsonb,
	"after" jsonb,
	"collected_at" timestamp (3) with time zone NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "inventory_snapshots" (
	"agent_id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"collected_at" timestamp (3) with time zone NOT NULL,
	"received_at" timestamp (3) with time zone NOT NULL,
	"snapshot" jsonb NOT NULL,
	"hash" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "inventory_software" (
	"tenant_id" uuid NOT NULL,
	"agent_id" uuid NOT NULL,
	"name" text NOT NULL,
	"version" text NOT NULL,
	CONSTRAINT "inventory_software_pkey" PRIMARY KEY("agent_id","name")
);
--> statement-breakpoint
CREATE TABLE "telemetry_latest" (
	"tenant_id" uuid NOT NULL,
	"agent_id" uuid NOT NULL,
	"metric" text NOT NULL,
	"labels_key" text NOT NULL,
	"labels" jsonb NOT NULL,
	"ts" timestamp (3) with time zone NOT NULL,
	"value" double precision NOT NULL,
	CONSTRAINT "telemetry_latest_pkey" PRIMARY KEY("agent_id","metric","labels_key")
);
--> statement-breakpoint
CREATE TABLE "telemetry_samples" (
	"tenant_id" uuid NOT NULL,
	"agent_id" uuid NOT NULL,
	"metric" text NOT NULL,
	"ts" timestamp (3) with time zone NOT NULL,
	"value" double precision NOT NULL,
	"labels" jsonb NOT NULL,
	"labels_key" text NOT NULL,
	CONSTRAINT "telemetry_samples_pkey" PRIMARY KEY("agent_id","metric","ts","labels_key")
);
--> statement-breakpoint
ALTER TABLE "inventory_changes" ADD CONSTRAINT "inventory_changes_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inventory_snapshots" ADD CONSTRAINT "inventory_snapshots_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inventory_software" ADD CONSTRAINT "inventory_software_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "inventory_changes_agent_idx" ON "inventory_changes" USING btree ("tenant_id","agent_id","id");--> statement-breakpoint
CREATE INDEX "inventory_changes_created_idx" ON "inventory_changes" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "inventory_snapshots_tenant_idx" ON "inventory_snapshots" USING btree ("tenant_id");--> statement-breakpoint
CREATE INDEX "inventory_software_tenant_name_idx" ON "inventory_software" USING btree ("tenant_id","name","version");