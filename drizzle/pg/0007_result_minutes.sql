CREATE TABLE "check_result_minutes" (
	"tenant_id" uuid NOT NULL,
	"endpoint_id" uuid NOT NULL,
	"minute" timestamp (3) with time zone NOT NULL,
	"agent_id" uuid NOT NULL,
	"checks" integer NOT NULL,
	"successes" integer NOT NULL,
	"latencies" "bytea" NOT NULL,
	CONSTRAINT "check_result_minutes_pkey" PRIMARY KEY("endpoint_id","minute","agent_id")
);
