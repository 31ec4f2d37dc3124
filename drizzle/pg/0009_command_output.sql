CREATE TABLE "command_output" (
	"command_id" uuid NOT NULL,
	"agent_id" uuid NOT NULL,
	"tenant_id" uuid NOT NULL,
	"stream" text NOT NULL,
	"offset" bigint NOT NULL,
	"length" integer NOT NULL,
	"data" text NOT NULL,
	"dropped" boolean NOT NULL,
	CONSTRAINT "command_output_command_id_agent_id_stream_offset_pk" PRIMARY KEY("command_id","agent_id","stream","offset")
);
--> statement-breakpoint
ALTER TABLE "command_executions" ADD COLUMN "output_bytes" bigint NOT NULL;--> statement-breakpoint
ALTER TABLE "command_executions" ADD COLUMN "stored_bytes" bigint NOT NULL;--> statement-breakpoint
ALTER TABLE "command_executions" ADD COLUMN "truncated" boolean NOT NULL;--> statement-breakpoint
ALTER TABLE "command_executions" ADD COLUMN "cancel_requested" boolean NOT NULL;--> statement-breakpoint
ALTER TABLE "command_output" ADD CONSTRAINT "command_output_command_id_commands_id_fk" FOREIGN KEY ("command_id") REFERENCES "public"."commands"("id") ON DELETE cascade ON UPDATE no action;