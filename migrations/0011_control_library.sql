-- 0011 the tenant's use of the catalog: which catalog version each tenant is pinned
-- to per framework, private overlays of licensed standard text, and the control
-- library's links to requirements (one control, many requirements of any framework).
--
--   tenant_frameworks     (tenant, framework) -> pinned catalog_version, selected for scope
--   catalog_overlays      licensed text a tenant imported, shown next to Concord's guidance
--   control_requirements  control <-> requirement, with the basis of the link (why the
--                         control serves it; the starter set writes the crosswalk rationale)
--   controls.starter_key  the catalog requirement a generated starter control is anchored
--                         on ("iso42001-2023:A.6.2.8"), so re-running the generator finds it
--
-- Rows that name a requirement carry its catalog_version; a BEFORE INSERT trigger fills
-- it from the tenant's pin (pinning the tenant to the newest version on first use) and
-- refuses a version other than the pinned one, so one tenant never mixes versions.

CREATE TABLE tenant_frameworks (
	tenant_id uuid NOT NULL REFERENCES tenants (id),
	framework_id text NOT NULL CONSTRAINT tenant_frameworks_framework__framework_id
		REFERENCES catalog_frameworks (id),
	catalog_version text NOT NULL,
	selected boolean NOT NULL DEFAULT false, -- in the tenant's scope (starter set, coverage)
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (tenant_id, framework_id),
	CONSTRAINT tenant_frameworks_version__catalog_version FOREIGN KEY (framework_id, catalog_version)
		REFERENCES catalog_versions (framework_id, catalog_version)
);

-- The catalog version the current tenant uses for a framework: its pin, else the newest.
CREATE FUNCTION catalog_version_for(p_framework text) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
	SELECT coalesce(
		(SELECT tf.catalog_version FROM tenant_frameworks tf
		  WHERE tf.tenant_id = app_tenant() AND tf.framework_id = p_framework),
		(SELECT f.catalog_version FROM catalog_frameworks f WHERE f.id = p_framework))
$$;

-- BEFORE INSERT on rows with (tenant_id, framework_id, catalog_version): fill and pin.
CREATE FUNCTION catalog_pin_row() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE pinned text;
BEGIN
	SELECT tf.catalog_version INTO pinned FROM tenant_frameworks tf
	 WHERE tf.tenant_id = NEW.tenant_id AND tf.framework_id = NEW.framework_id;
	IF pinned IS NULL THEN
		pinned := coalesce(NEW.catalog_version,
			(SELECT f.catalog_version FROM catalog_frameworks f WHERE f.id = NEW.framework_id));
		IF pinned IS NULL THEN
			RAISE EXCEPTION 'unknown framework %', NEW.framework_id USING HINT = 'framework_id';
		END IF;
		INSERT INTO tenant_frameworks (tenant_id, framework_id, catalog_version)
		VALUES (NEW.tenant_id, NEW.framework_id, pinned) ON CONFLICT DO NOTHING;
	END IF;
	IF NEW.catalog_version IS NULL THEN
		NEW.catalog_version := pinned;
	ELSIF NEW.catalog_version <> pinned THEN
		RAISE EXCEPTION 'requirement is from catalog version % but the tenant uses % for %',
			NEW.catalog_version, pinned, NEW.framework_id USING HINT = 'catalog_version';
	END IF;
	RETURN NEW;
END $$;

CREATE TABLE catalog_overlays (
	tenant_id uuid NOT NULL REFERENCES tenants (id),
	framework_id text NOT NULL,
	catalog_version text NOT NULL,
	ref text NOT NULL,
	text text NOT NULL CONSTRAINT catalog_overlays_text__text CHECK (length(text) BETWEEN 1 AND 100000),
	licence text NOT NULL DEFAULT '' CONSTRAINT catalog_overlays_licence__licence CHECK (length(licence) <= 500),
	version int NOT NULL DEFAULT 1,
	updated_by uuid,
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (tenant_id, framework_id, ref),
	CONSTRAINT catalog_overlays_requirement__ref FOREIGN KEY (framework_id, catalog_version, ref)
		REFERENCES catalog_requirements (framework_id, catalog_version, ref)
);
CREATE TRIGGER catalog_overlays_pin BEFORE INSERT ON catalog_overlays
	FOR EACH ROW EXECUTE FUNCTION catalog_pin_row();

-- The owner must be a member of the tenant (a composite key, as for risks), and leaving
-- the tenant clears it instead of blocking the membership's removal.
ALTER TABLE controls DROP CONSTRAINT controls_owner__owner_id,
	ADD CONSTRAINT controls_owner__owner_id FOREIGN KEY (tenant_id, owner_id)
		REFERENCES memberships (tenant_id, user_id) ON DELETE SET NULL (owner_id);
ALTER TABLE controls ADD COLUMN starter_key text
	CONSTRAINT controls_starter_key_len__starter_key CHECK (length(starter_key) <= 80);
ALTER TABLE controls ADD CONSTRAINT controls_starter_key__starter_key UNIQUE (tenant_id, starter_key);
CREATE INDEX controls_status ON controls (tenant_id, status, ref);

CREATE TABLE control_requirements (
	tenant_id uuid NOT NULL REFERENCES tenants (id),
	control_id uuid NOT NULL,
	framework_id text NOT NULL,
	ref text NOT NULL,
	catalog_version text NOT NULL,
	basis text NOT NULL DEFAULT '' CONSTRAINT control_requirements_basis__basis CHECK (length(basis) <= 2000),
	created_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (tenant_id, control_id, framework_id, ref),
	CONSTRAINT control_requirements_control__control_id FOREIGN KEY (tenant_id, control_id)
		REFERENCES controls (tenant_id, id) ON DELETE CASCADE,
	CONSTRAINT control_requirements_requirement__requirements FOREIGN KEY (framework_id, catalog_version, ref)
		REFERENCES catalog_requirements (framework_id, catalog_version, ref)
);
CREATE INDEX control_requirements_requirement ON control_requirements (tenant_id, framework_id, ref, control_id);
CREATE TRIGGER control_requirements_pin BEFORE INSERT ON control_requirements
	FOR EACH ROW EXECUTE FUNCTION catalog_pin_row();

DO $$
DECLARE t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['tenant_frameworks', 'catalog_overlays', 'control_requirements'] LOOP
		EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
		EXECUTE format('CREATE POLICY %I ON %I USING (tenant_id = app_tenant())'
			' WITH CHECK (tenant_id = app_tenant())', t || '_tenant', t);
	END LOOP;
END $$;

GRANT SELECT, INSERT, UPDATE ON tenant_frameworks TO concord_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON catalog_overlays, control_requirements TO concord_app;
GRANT EXECUTE ON FUNCTION catalog_version_for(text) TO concord_app;

INSERT INTO tenant_tables (name, ord, exported) VALUES
	('tenant_frameworks', 1100, true),
	('catalog_overlays', 1101, true),
	('control_requirements', 1102, true);
