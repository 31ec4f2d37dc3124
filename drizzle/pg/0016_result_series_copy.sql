-- Custom migration: check results move to check_result_points, one series (tenant, endpoint id, agent) per
-- integer id in check_result_series. The old check_results table is dropped by the next migration.
INSERT INTO "check_result_series" ("tenant_id", "endpoint_id", "agent_id")
SELECT DISTINCT "tenant_id", "endpoint_id", "agent_id" FROM "check_results"
ON CONFLICT DO NOTHING;
--> statement-breakpoint
INSERT INTO "check_result_points" ("series_id", "ts", "id", "check_type", "reachable", "latency_ms", "result", "received_at")
SELECT s."id", r."ts", r."id", r."check_type", r."reachable", r."latency_ms", r."result", r."received_at"
FROM "check_results" r
JOIN "check_result_series" s ON s."tenant_id" = r."tenant_id" AND s."endpoint_id" = r."endpoint_id" AND s."agent_id" = r."agent_id"
ON CONFLICT DO NOTHING;
