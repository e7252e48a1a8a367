-- 0003 GRC core: the tables that the control library, the SoA, the risk register and
-- the AI system registry all refer to. Each owning module extends them in its own
-- migrations (ALTER TABLE ... ADD COLUMN); this file fixes the shared contract:
--   controls       the tenant's control library (one control, many requirements)
--   risks          the unified IS + AI risk register
--   risk_controls  which controls a risk relies on: 'existing' (already in place) or
--                  'planned' (risk treatment); planned controls feed the SoA's
--                  "risk treatment" inclusion reason and its exclusion check.

CREATE TABLE controls (
	tenant_id uuid NOT NULL REFERENCES tenants (id),
	id uuid NOT NULL DEFAULT gen_random_uuid(),
	ref text NOT NULL CONSTRAINT controls_ref__ref CHECK (length(ref) BETWEEN 1 AND 40),
	title text NOT NULL CONSTRAINT controls_title__title CHECK (length(title) BETWEEN 1 AND 300),
	description text NOT NULL DEFAULT '',
	owner_id uuid,
	status text NOT NULL DEFAULT 'planned' CONSTRAINT controls_status__status
		CHECK (status IN ('planned', 'in_progress', 'implemented', 'not_applicable')),
	review_date date,
	version int NOT NULL DEFAULT 1,
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (tenant_id, id),
	CONSTRAINT controls_ref_unique__ref UNIQUE (tenant_id, ref),
	CONSTRAINT controls_owner__owner_id FOREIGN KEY (owner_id) REFERENCES users (id)
);

CREATE TABLE risks (
	tenant_id uuid NOT NULL REFERENCES tenants (id),
	id uuid NOT NULL DEFAULT gen_random_uuid(),
	ref text NOT NULL CONSTRAINT risks_ref__ref CHECK (length(ref) BETWEEN 1 AND 40),
	type text NOT NULL CONSTRAINT risks_type__type CHECK (type IN ('is', 'ai')),
	title text NOT NULL CONSTRAINT risks_title__title CHECK (length(title) BETWEEN 1 AND 300),
	description text NOT NULL DEFAULT '',
	owner_id uuid,
	status text NOT NULL DEFAULT 'open' CONSTRAINT risks_status__status
		CHECK (status IN ('draft', 'open', 'treated', 'accepted', 'closed')),
	treatment_option text CONSTRAINT risks_treatment__treatment_option
		CHECK (treatment_option IN ('modify', 'avoid', 'share', 'retain')),
	version int NOT NULL DEFAULT 1,
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (tenant_id, id),
	CONSTRAINT risks_ref_unique__ref UNIQUE (tenant_id, ref),
	CONSTRAINT risks_owner__owner_id FOREIGN KEY (owner_id) REFERENCES users (id)
);

CREATE TABLE risk_controls (
	tenant_id uuid NOT NULL REFERENCES tenants (id),
	risk_id uuid NOT NULL,
	control_id uuid NOT NULL,
	relation text NOT NULL CONSTRAINT risk_controls_relation__relation
		CHECK (relation IN ('existing', 'planned')),
	created_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (tenant_id, risk_id, control_id, relation),
	CONSTRAINT risk_controls_risk__risk_id FOREIGN KEY (tenant_id, risk_id)
		REFERENCES risks (tenant_id, id) ON DELETE CASCADE,
	CONSTRAINT risk_controls_control__control_id FOREIGN KEY (tenant_id, control_id)
		REFERENCES controls (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX risk_controls_control ON risk_controls (tenant_id, control_id);

DO $$
DECLARE t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['controls', 'risks', 'risk_controls'] LOOP
		EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
		EXECUTE format('CREATE POLICY %I ON %I USING (tenant_id = app_tenant())'
			' WITH CHECK (tenant_id = app_tenant())', t || '_tenant', t);
		EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO concord_app', t);
	END LOOP;
END $$;

INSERT INTO tenant_tables (name, ord, exported) VALUES
	('controls', 300, true),
	('risks', 310, true),
	('risk_controls', 320, true);
