-- 0022 unified risk management: the tenant's risk methodology (revisions kept), a
-- minimal asset inventory, and the unified IS + AI risk register built on `risks` and
-- `risk_controls` (0003): assessment (inherent and residual, with the AI impact
-- dimensions of ISO/IEC 42001 6.1.4), Annex C tags, affected assets and AI systems,
-- treatment actions, acceptance, review dates and the history of every level change.
--
-- Owned by api/risks.c and api/assets.c; levels are computed by domain/risk.c.

-- Each change of the methodology is a new revision; the newest is in force. Content:
-- {"likelihood": [{level, name, criteria}], "impact": [...], "levels": [{key, name, color,
-- review_months}], "matrix": [[level key per impact] per likelihood], "appetite": key,
-- "acceptance": [{"level": key, "roles": [role...]}]} (validated by domain/risk.c).
CREATE TABLE risk_methodologies (
	tenant_id uuid NOT NULL REFERENCES tenants (id),
	id uuid NOT NULL DEFAULT gen_random_uuid(),
	revision int NOT NULL CHECK (revision >= 1),
	content jsonb NOT NULL,
	note text NOT NULL DEFAULT '',
	created_by uuid,
	created_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (tenant_id, id),
	CONSTRAINT risk_methodologies_revision__revision UNIQUE (tenant_id, revision)
);

CREATE TABLE assets (
	tenant_id uuid NOT NULL REFERENCES tenants (id),
	id uuid NOT NULL DEFAULT gen_random_uuid(),
	name text NOT NULL CONSTRAINT assets_name__name CHECK (length(name) BETWEEN 1 AND 200),
	type text NOT NULL CONSTRAINT assets_type__type CHECK (type IN ('information', 'software',
		'hardware', 'service', 'people', 'site', 'supplier', 'other')),
	description text NOT NULL DEFAULT '',
	owner_id uuid,
	classification text NOT NULL CONSTRAINT assets_classification__classification
		CHECK (classification IN ('public', 'internal', 'confidential', 'restricted')),
	confidentiality int NOT NULL CONSTRAINT assets_c__confidentiality CHECK (confidentiality BETWEEN 1 AND 4),
	integrity int NOT NULL CONSTRAINT assets_i__integrity CHECK (integrity BETWEEN 1 AND 4),
	availability int NOT NULL CONSTRAINT assets_a__availability CHECK (availability BETWEEN 1 AND 4),
	version int NOT NULL DEFAULT 1,
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (tenant_id, id),
	CONSTRAINT assets_name_unique__name UNIQUE (tenant_id, name),
	CONSTRAINT assets_owner__owner_id FOREIGN KEY (tenant_id, owner_id)
		REFERENCES memberships (tenant_id, user_id) ON DELETE SET NULL (owner_id)
);

-- The register. *_eff_impact is the impact that places the risk in the matrix: for an
-- AI risk the highest of the organisational impact and the impacts on individuals,
-- groups and society; for an IS risk the impact itself.
ALTER TABLE risks
	ADD COLUMN risk_source text NOT NULL DEFAULT ''
		CONSTRAINT risks_source__risk_source CHECK (length(risk_source) <= 2000),
	ADD COLUMN vulnerability text NOT NULL DEFAULT ''
		CONSTRAINT risks_vulnerability__vulnerability CHECK (length(vulnerability) <= 2000),
	ADD COLUMN consequences text NOT NULL DEFAULT ''
		CONSTRAINT risks_consequences__consequences CHECK (length(consequences) <= 2000),
	ADD COLUMN annex_c_sources text[] NOT NULL DEFAULT '{}',
	ADD COLUMN annex_c_objectives text[] NOT NULL DEFAULT '{}',
	ADD COLUMN methodology_revision int,
	ADD COLUMN inherent_likelihood int,
	ADD COLUMN inherent_impact int,
	ADD COLUMN inherent_ai_impacts jsonb,
	ADD COLUMN inherent_eff_impact int,
	ADD COLUMN inherent_level text,
	ADD COLUMN residual_likelihood int,
	ADD COLUMN residual_impact int,
	ADD COLUMN residual_ai_impacts jsonb,
	ADD COLUMN residual_eff_impact int,
	ADD COLUMN residual_level text,
	ADD COLUMN accepted_by uuid,
	ADD COLUMN accepted_role text,
	ADD COLUMN accepted_at timestamptz,
	ADD COLUMN acceptance_rationale text,
	ADD COLUMN acceptance_expires date,
	ADD COLUMN next_review_date date,
	ADD CONSTRAINT risks_inherent__inherent CHECK ((inherent_likelihood IS NULL) =
		(inherent_impact IS NULL) AND (inherent_likelihood IS NULL) = (inherent_level IS NULL)),
	ADD CONSTRAINT risks_residual__residual CHECK ((residual_likelihood IS NULL) =
		(residual_impact IS NULL) AND (residual_likelihood IS NULL) = (residual_level IS NULL)),
	ADD CONSTRAINT risks_acceptance__acceptance CHECK ((accepted_at IS NULL) = (accepted_role IS NULL)
		AND (accepted_at IS NULL) = (acceptance_rationale IS NULL)
		AND (accepted_at IS NULL) = (acceptance_expires IS NULL)),
	ADD CONSTRAINT risks_accepted_status__status CHECK ((status = 'accepted') = (accepted_at IS NOT NULL)),
	DROP CONSTRAINT risks_owner__owner_id,
	ADD CONSTRAINT risks_owner__owner_id FOREIGN KEY (tenant_id, owner_id)
		REFERENCES memberships (tenant_id, user_id) ON DELETE SET NULL (owner_id);
CREATE INDEX risks_list ON risks (tenant_id, ref, id);

CREATE TABLE risk_assets (
	tenant_id uuid NOT NULL REFERENCES tenants (id),
	risk_id uuid NOT NULL,
	asset_id uuid NOT NULL,
	PRIMARY KEY (tenant_id, risk_id, asset_id),
	CONSTRAINT risk_assets_risk__risk_id FOREIGN KEY (tenant_id, risk_id)
		REFERENCES risks (tenant_id, id) ON DELETE CASCADE,
	CONSTRAINT risk_assets_asset__asset_ids FOREIGN KEY (tenant_id, asset_id)
		REFERENCES assets (tenant_id, id)
);
CREATE INDEX risk_assets_asset ON risk_assets (tenant_id, asset_id);

-- Affected AI systems. The foreign key to ai_systems (tenant_id, id) is added by the
-- AI system registry's migration, which runs after this one.
CREATE TABLE risk_ai_systems (
	tenant_id uuid NOT NULL REFERENCES tenants (id),
	risk_id uuid NOT NULL,
	ai_system_id uuid NOT NULL,
	PRIMARY KEY (tenant_id, risk_id, ai_system_id),
	CONSTRAINT risk_ai_systems_risk__risk_id FOREIGN KEY (tenant_id, risk_id)
		REFERENCES risks (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX risk_ai_systems_system ON risk_ai_systems (tenant_id, ai_system_id);

CREATE TABLE risk_treatment_actions (
	tenant_id uuid NOT NULL REFERENCES tenants (id),
	id uuid NOT NULL DEFAULT gen_random_uuid(),
	risk_id uuid NOT NULL,
	title text NOT NULL CONSTRAINT risk_treatment_actions_title__title CHECK (length(title) BETWEEN 1 AND 300),
	description text NOT NULL DEFAULT '',
	owner_id uuid,
	due_date date,
	status text NOT NULL DEFAULT 'planned' CONSTRAINT risk_treatment_actions_status__status
		CHECK (status IN ('planned', 'in_progress', 'done', 'cancelled')),
	completed_on date,
	version int NOT NULL DEFAULT 1,
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (tenant_id, id),
	CONSTRAINT risk_treatment_actions_risk__risk_id FOREIGN KEY (tenant_id, risk_id)
		REFERENCES risks (tenant_id, id) ON DELETE CASCADE,
	CONSTRAINT risk_treatment_actions_owner__owner_id FOREIGN KEY (tenant_id, owner_id)
		REFERENCES memberships (tenant_id, user_id) ON DELETE SET NULL (owner_id),
	CONSTRAINT risk_treatment_actions_done__completed_on CHECK ((status = 'done') = (completed_on IS NOT NULL))
);
CREATE INDEX risk_treatment_actions_risk ON risk_treatment_actions (tenant_id, risk_id, created_at);

-- Every change of a risk's levels: on creation, on re-assessment and when a new
-- methodology revision re-evaluates the register. Append-only; kept when a risk is
-- deleted (no foreign key) so the trail survives.
CREATE TABLE risk_level_history (
	tenant_id uuid NOT NULL REFERENCES tenants (id),
	id uuid NOT NULL DEFAULT gen_random_uuid(),
	risk_id uuid NOT NULL,
	at timestamptz NOT NULL DEFAULT clock_timestamp(),
	cause text NOT NULL CHECK (cause IN ('created', 'assessment', 'methodology')),
	methodology_revision int NOT NULL,
	inherent_likelihood int,
	inherent_impact int,
	inherent_level text,
	residual_likelihood int,
	residual_impact int,
	residual_level text,
	acceptance_revoked boolean NOT NULL DEFAULT false,
	actor_id uuid,
	PRIMARY KEY (tenant_id, id)
);
CREATE INDEX risk_level_history_risk ON risk_level_history (tenant_id, risk_id, at);

DO $$
DECLARE t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['risk_methodologies', 'assets', 'risk_assets', 'risk_ai_systems',
		'risk_treatment_actions', 'risk_level_history']
	LOOP
		EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
		EXECUTE format('CREATE POLICY %I ON %I USING (tenant_id = app_tenant())'
			' WITH CHECK (tenant_id = app_tenant())', t || '_tenant', t);
	END LOOP;
END $$;
GRANT SELECT, INSERT ON risk_methodologies, risk_level_history TO concord_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON assets, risk_assets, risk_ai_systems,
	risk_treatment_actions TO concord_app;

INSERT INTO tenant_tables (name, ord, exported) VALUES
	('risk_methodologies', 2200, true),
	('assets', 2201, true),
	('risk_assets', 2202, true),
	('risk_ai_systems', 2203, true),
	('risk_treatment_actions', 2204, true),
	('risk_level_history', 2205, true);
