-- 0021 objectives and KPIs (27001/42001 clause 6.2 and 9.1): measurable objectives
-- with an owner and a date, linked to KPIs; KPIs with definition, unit, direction,
-- target and thresholds, frequency, owner and source; measurements recorded over time
-- (append-only); and the snapshots the kpi.aggregate job computes per KPI and date
-- (status against thresholds, trend, missing periods).
--
-- Owned by api/kpis.c, api/governance.c (objectives) and workers/job_kpi_aggregate.c.

CREATE TABLE kpis (
	tenant_id uuid NOT NULL REFERENCES tenants (id),
	id uuid NOT NULL DEFAULT gen_random_uuid(),
	ref text NOT NULL CONSTRAINT kpis_ref__ref CHECK (length(ref) BETWEEN 1 AND 40),
	name text NOT NULL CONSTRAINT kpis_name__name CHECK (length(name) BETWEEN 1 AND 200),
	definition text NOT NULL CONSTRAINT kpis_definition__definition
		CHECK (length(definition) BETWEEN 1 AND 4000),
	unit text NOT NULL CONSTRAINT kpis_unit__unit CHECK (length(unit) BETWEEN 1 AND 40),
	direction text NOT NULL CONSTRAINT kpis_direction__direction
		CHECK (direction IN ('higher_better', 'lower_better')),
	target numeric NOT NULL,
	warning_threshold numeric NOT NULL,
	critical_threshold numeric NOT NULL,
	frequency text NOT NULL CONSTRAINT kpis_frequency__frequency
		CHECK (frequency IN ('weekly', 'monthly', 'quarterly', 'semiannual', 'annual')),
	owner_id uuid,
	source text NOT NULL CONSTRAINT kpis_source__source CHECK (length(source) BETWEEN 1 AND 300),
	applies_to text NOT NULL DEFAULT 'both' CONSTRAINT kpis_applies__applies_to
		CHECK (applies_to IN ('isms', 'aims', 'both')),
	start_date date NOT NULL DEFAULT current_date,
	active boolean NOT NULL DEFAULT true,
	version int NOT NULL DEFAULT 1,
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (tenant_id, id),
	CONSTRAINT kpis_ref_unique__ref UNIQUE (tenant_id, ref),
	-- thresholds are ordered from the target towards "worse"
	CONSTRAINT kpis_thresholds__warning_threshold CHECK (CASE direction
		WHEN 'higher_better' THEN target >= warning_threshold AND warning_threshold >= critical_threshold
		ELSE target <= warning_threshold AND warning_threshold <= critical_threshold END),
	CONSTRAINT kpis_owner__owner_id FOREIGN KEY (tenant_id, owner_id)
		REFERENCES memberships (tenant_id, user_id) ON DELETE SET NULL (owner_id)
);
CREATE INDEX kpis_list ON kpis (tenant_id, ref, id);

-- Append-only: a correction is a later measurement for the same period (the latest
-- recorded value of a period counts).
CREATE TABLE kpi_measurements (
	tenant_id uuid NOT NULL REFERENCES tenants (id),
	id uuid NOT NULL DEFAULT gen_random_uuid(),
	kpi_id uuid NOT NULL,
	measured_on date NOT NULL,
	value numeric NOT NULL,
	note text NOT NULL DEFAULT '' CONSTRAINT kpi_measurements_note__note CHECK (length(note) <= 2000),
	recorded_by uuid,
	created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
	PRIMARY KEY (tenant_id, id),
	CONSTRAINT kpi_measurements_kpi__kpi_id FOREIGN KEY (tenant_id, kpi_id)
		REFERENCES kpis (tenant_id, id)
);
CREATE INDEX kpi_measurements_kpi ON kpi_measurements (tenant_id, kpi_id, measured_on, created_at);

-- Computed by the kpi.aggregate job; one row per KPI and as-of date (re-running the
-- job for the same date replaces it).
CREATE TABLE kpi_snapshots (
	tenant_id uuid NOT NULL REFERENCES tenants (id),
	kpi_id uuid NOT NULL,
	as_of date NOT NULL,
	status text NOT NULL CHECK (status IN ('ok', 'warning', 'critical', 'no_data')),
	target_met boolean,
	latest_value numeric,
	latest_period date,
	trend text NOT NULL CHECK (trend IN ('improving', 'stable', 'deteriorating', 'insufficient_data')),
	slope double precision,
	periods_due int NOT NULL,
	missing_count int NOT NULL,
	missing_periods jsonb NOT NULL,
	computed_at timestamptz NOT NULL DEFAULT now(),
	job_id uuid,
	PRIMARY KEY (tenant_id, kpi_id, as_of),
	CONSTRAINT kpi_snapshots_kpi__kpi_id FOREIGN KEY (tenant_id, kpi_id)
		REFERENCES kpis (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX kpi_snapshots_latest ON kpi_snapshots (tenant_id, as_of DESC);

CREATE TABLE objectives (
	tenant_id uuid NOT NULL REFERENCES tenants (id),
	id uuid NOT NULL DEFAULT gen_random_uuid(),
	ref text NOT NULL CONSTRAINT objectives_ref__ref CHECK (length(ref) BETWEEN 1 AND 40),
	title text NOT NULL CONSTRAINT objectives_title__title CHECK (length(title) BETWEEN 1 AND 300),
	description text NOT NULL DEFAULT '',
	measure text NOT NULL CONSTRAINT objectives_measure__measure CHECK (length(measure) BETWEEN 1 AND 2000),
	applies_to text NOT NULL DEFAULT 'both' CONSTRAINT objectives_applies__applies_to
		CHECK (applies_to IN ('isms', 'aims', 'both')),
	owner_id uuid,
	due_date date NOT NULL,
	status text NOT NULL DEFAULT 'planned' CONSTRAINT objectives_status__status
		CHECK (status IN ('planned', 'on_track', 'at_risk', 'achieved', 'missed', 'cancelled')),
	version int NOT NULL DEFAULT 1,
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (tenant_id, id),
	CONSTRAINT objectives_ref_unique__ref UNIQUE (tenant_id, ref),
	CONSTRAINT objectives_owner__owner_id FOREIGN KEY (tenant_id, owner_id)
		REFERENCES memberships (tenant_id, user_id) ON DELETE SET NULL (owner_id)
);
CREATE INDEX objectives_list ON objectives (tenant_id, ref, id);

CREATE TABLE objective_kpis (
	tenant_id uuid NOT NULL REFERENCES tenants (id),
	objective_id uuid NOT NULL,
	kpi_id uuid NOT NULL,
	PRIMARY KEY (tenant_id, objective_id, kpi_id),
	CONSTRAINT objective_kpis_objective__objective_id FOREIGN KEY (tenant_id, objective_id)
		REFERENCES objectives (tenant_id, id) ON DELETE CASCADE,
	CONSTRAINT objective_kpis_kpi__kpi_ids FOREIGN KEY (tenant_id, kpi_id)
		REFERENCES kpis (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX objective_kpis_kpi ON objective_kpis (tenant_id, kpi_id);

DO $$
DECLARE t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['kpis', 'kpi_measurements', 'kpi_snapshots', 'objectives',
		'objective_kpis']
	LOOP
		EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
		EXECUTE format('CREATE POLICY %I ON %I USING (tenant_id = app_tenant())'
			' WITH CHECK (tenant_id = app_tenant())', t || '_tenant', t);
	END LOOP;
END $$;
GRANT SELECT, INSERT, UPDATE, DELETE ON kpis, objectives, objective_kpis TO concord_app;
GRANT SELECT, INSERT ON kpi_measurements TO concord_app;
GRANT SELECT, INSERT, UPDATE ON kpi_snapshots TO concord_app;

INSERT INTO tenant_tables (name, ord, exported) VALUES
	('kpis', 2100, true),
	('kpi_measurements', 2101, true),
	('kpi_snapshots', 2102, true),
	('objectives', 2103, true),
	('objective_kpis', 2104, true);
