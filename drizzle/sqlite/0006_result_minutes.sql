CREATE TABLE `check_result_minutes` (
	`tenant_id` text NOT NULL,
	`endpoint_id` text NOT NULL,
	`minute` integer NOT NULL,
	`agent_id` text NOT NULL,
	`checks` integer NOT NULL,
	`successes` integer NOT NULL,
	`latencies` blob NOT NULL,
	PRIMARY KEY(`endpoint_id`, `minute`, `agent_id`)
);
