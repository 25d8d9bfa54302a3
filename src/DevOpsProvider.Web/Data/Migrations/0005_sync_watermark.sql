-- Per-site planning watermark: every catalog version up to planned_through has been handled for the site (accepted,
-- rejected or deleted), so a run only looks at components whose version is above it. plan_epoch grows whenever
-- something other than the catalog changes what the site should hold (scopes, install, enable); a run that started
-- under an older epoch does not move the watermark.
ALTER TABLE tenant_sync ADD COLUMN planned_through bigint NOT NULL DEFAULT 0;
ALTER TABLE tenant_sync ADD COLUMN plan_epoch bigint NOT NULL DEFAULT 0;
