-- Every ingestion batch updates the latest value of most series it carries. With pages left half empty,
-- the new row version fits on the page of the old one: a HOT update (no new index entry, less WAL, dead
-- versions reclaimed on the page), instead of a row moved elsewhere plus an index insert per sample.
-- CLUSTER rewrites the existing rows with the new fill factor (the table holds one small row per series).
ALTER TABLE "telemetry_series_latest" SET (fillfactor = 50);--> statement-breakpoint
CLUSTER "telemetry_series_latest" USING "telemetry_series_latest_pkey";
