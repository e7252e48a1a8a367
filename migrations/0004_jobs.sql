-- 0004 jobs: the attempt log of background jobs, artifacts tied to their job, and
-- the checks and list indexes of schedules (tables from 0001_platform.sql).
--
-- job_attempts records every run of a job: which worker, when, how it ended, the
-- error and, for a failure, when the next attempt may start (the backoff). A job can
-- be retried by a user (attempts restart at 1), so rows are numbered by `seq` over
-- the job's whole life. Operational data: not exported, purged with the tenant.

CREATE TABLE job_attempts (
	tenant_id uuid NOT NULL REFERENCES tenants (id),
	job_id uuid NOT NULL,
	seq int NOT NULL CONSTRAINT job_attempts_seq__seq CHECK (seq >= 1),
	attempt int NOT NULL CONSTRAINT job_attempts_attempt__attempt CHECK (attempt >= 1),
	worker_id text NOT NULL,
	started_at timestamptz NOT NULL DEFAULT now(),
	finished_at timestamptz,
	outcome text NOT NULL DEFAULT 'running' CONSTRAINT job_attempts_outcome__outcome
		CHECK (outcome IN ('running', 'succeeded', 'failed', 'abandoned')),
	error text,
	retry_at timestamptz,
	PRIMARY KEY (tenant_id, job_id, seq),
	CONSTRAINT job_attempts_job__job_id FOREIGN KEY (tenant_id, job_id)
		REFERENCES jobs (tenant_id, id) ON DELETE CASCADE
);
ALTER TABLE job_attempts ENABLE ROW LEVEL SECURITY;
CREATE POLICY job_attempts_tenant ON job_attempts USING (tenant_id = app_tenant())
	WITH CHECK (tenant_id = app_tenant());
GRANT SELECT, INSERT, UPDATE ON job_attempts TO concord_app;
INSERT INTO tenant_tables (name, ord, exported) VALUES ('job_attempts', 400, false);

-- An artifact produced by a job belongs to that job, in the same tenant.
ALTER TABLE artifacts ADD CONSTRAINT artifacts_job__job_id FOREIGN KEY (tenant_id, job_id)
	REFERENCES jobs (tenant_id, id) ON DELETE CASCADE;
CREATE INDEX artifacts_job ON artifacts (tenant_id, job_id, name, id);

-- Jobs listed by state or type, newest first.
CREATE INDEX jobs_state_list ON jobs (tenant_id, state, created_at DESC, id DESC);
CREATE INDEX jobs_type_list ON jobs (tenant_id, type, created_at DESC, id DESC);

-- Schedules: errors name the offending field; listed oldest first.
ALTER TABLE schedules
	ADD CONSTRAINT schedules_job_type__job_type CHECK (job_type ~ '^[a-z][a-z0-9_.-]{0,63}$'),
	ADD CONSTRAINT schedules_cron__cron CHECK (length(cron) BETWEEN 1 AND 200),
	ADD CONSTRAINT schedules_payload__payload CHECK (jsonb_typeof(payload) = 'object');
CREATE INDEX schedules_list ON schedules (tenant_id, created_at, id);

-- The tenant.export job runs as the application role and records the schema version
-- in the document (tenants/tenant_io.c reads schema_migrations).
GRANT SELECT ON schema_migrations TO concord_app;
