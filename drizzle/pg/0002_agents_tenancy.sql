CREATE TABLE "agent_registrations" (
	"agent_id" uuid PRIMARY KEY NOT NULL,
	"claim_token_hash" text NOT NULL,
	"hostname" text NOT NULL,
	"agent_version" text NOT NULL,
	"ip_addresses" jsonb NOT NULL,
	"poll_count" integer NOT NULL,
	"expires_at" timestamp (3) with time zone NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL,
	"claimed_at" timestamp (3) with time zone,
	"tenant_id" uuid,
	"key_delivered_at" timestamp (3) with time zone
);
--> statement-breakpoint
CREATE TABLE "agents" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"section_id" uuid,
	"name" text NOT NULL,
	"hostname" text NOT NULL,
	"os" text,
	"arch" text,
	"agent_version" text,
	"hardware_id" text,
	"capabilities" jsonb NOT NULL,
	"tags" jsonb NOT NULL,
	"ip_addresses" jsonb,
	"status" text NOT NULL,
	"enrolled_via" text NOT NULL,
	"key_hash" text,
	"key_prefix" text,
	"previous_key_hash" text,
	"previous_key_expires_at" timestamp (3) with time zone,
	"online" boolean NOT NULL,
	"last_seen_at" timestamp (3) with time zone,
	"online_changed_at" timestamp (3) with time zone,
	"latest_heartbeat" jsonb,
	"latest_status" jsonb,
	"status_reported_at" timestamp (3) with time zone,
	"version" integer NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "enrollment_secrets" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"section_id" uuid,
	"name" text NOT NULL,
	"prefix" text NOT NULL,
	"secret_hash" text NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	"expires_at" timestamp (3) with time zone,
	"revoked_at" timestamp (3) with time zone,
	"last_used_at" timestamp (3) with time zone
);
--> statement-breakpoint
CREATE TABLE "sections" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"version" integer NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "agent_registrations" ADD CONSTRAINT "agent_registrations_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agents" ADD CONSTRAINT "agents_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agents" ADD CONSTRAINT "agents_section_id_sections_id_fk" FOREIGN KEY ("section_id") REFERENCES "public"."sections"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "enrollment_secrets" ADD CONSTRAINT "enrollment_secrets_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "enrollment_secrets" ADD CONSTRAINT "enrollment_secrets_section_id_sections_id_fk" FOREIGN KEY ("section_id") REFERENCES "public"."sections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sections" ADD CONSTRAINT "sections_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "agent_registrations_expires_idx" ON "agent_registrations" USING btree ("expires_at");--> statement-breakpoint
CREATE UNIQUE INDEX "agents_key_hash_key" ON "agents" USING btree ("key_hash");--> statement-breakpoint
CREATE INDEX "agents_previous_key_hash_idx" ON "agents" USING btree ("previous_key_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "agents_tenant_hardware_key" ON "agents" USING btree ("tenant_id","hardware_id");--> statement-breakpoint
CREATE INDEX "agents_tenant_idx" ON "agents" USING btree ("tenant_id","id");--> statement-breakpoint
CREATE INDEX "agents_online_seen_idx" ON "agents" USING btree ("online","last_seen_at");--> statement-breakpoint
CREATE UNIQUE INDEX "enrollment_secrets_secret_hash_key" ON "enrollment_secrets" USING btree ("secret_hash");--> statement-breakpoint
CREATE INDEX "enrollment_secrets_tenant_idx" ON "enrollment_secrets" USING btree ("tenant_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "sections_tenant_name_key" ON "sections" USING btree ("tenant_id","name");