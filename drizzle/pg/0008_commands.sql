CREATE TABLE "command_executions" (
	"command_id" uuid NOT NULL,
	"tenant_id" uuid NOT NULL,
	"agent_id" uuid NOT NULL,
	"state" text NOT NULL,
	"reason" text,
	"exit_code" integer,
	"error" text,
	"not_before" timestamp (3) with time zone,
	"expires_at" timestamp (3) with time zone NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	"delivered_at" timestamp (3) with time zone,
	"started_at" timestamp (3) with time zone,
	"finished_at" timestamp (3) with time zone,
	"updated_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "command_executions_command_id_agent_id_pk" PRIMARY KEY("command_id","agent_id")
);
--> statement-breakpoint
CREATE TABLE "commands" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"type" text NOT NULL,
	"payload" jsonb NOT NULL,
	"targets" jsonb NOT NULL,
	"ttl_sec" integer NOT NULL,
	"not_before" timestamp (3) with time zone,
	"expires_at" timestamp (3) with time zone NOT NULL,
	"created_by" text,
	"created_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "command_executions" ADD CONSTRAINT "command_executions_command_id_commands_id_fk" FOREIGN KEY ("command_id") REFERENCES "public"."commands"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "command_executions" ADD CONSTRAINT "command_executions_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "commands" ADD CONSTRAINT "commands_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "command_executions_agent_state_idx" ON "command_executions" USING btree ("tenant_id","agent_id","state");--> statement-breakpoint
CREATE INDEX "command_executions_state_expiry_idx" ON "command_executions" USING btree ("state","expires_at");--> statement-breakpoint
CREATE INDEX "commands_tenant_idx" ON "commands" USING btree ("tenant_id","id");--> statement-breakpoint
CREATE INDEX "commands_tenant_creator_idx" ON "commands" USING btree ("tenant_id","created_by");