-- 0002 baselines: immutable, hashed, numbered versions of a register (SoA per
-- standard, risk register, AI system registry, ...). One mechanism for all of them:
-- domain/baseline.c. A baseline can be inserted, never updated or deleted (a trigger
-- refuses it for every role; tenant purge is the only exception).

CREATE TABLE baselines (
	tenant_id uuid NOT NULL REFERENCES tenants (id),
	id uuid NOT NULL DEFAULT gen_random_uuid(),
	kind text NOT NULL CONSTRAINT baselines_kind__kind CHECK (kind ~ '^[a-z0-9_.:-]{1,64}$'),
	number int NOT NULL CHECK (number >= 1),
	content jsonb NOT NULL,
	sha256 text NOT NULL,
	item_count int NOT NULL,
	approved_by uuid,
	approved_at timestamptz NOT NULL DEFAULT now(),
	note text NOT NULL DEFAULT '',
	PRIMARY KEY (tenant_id, id),
	CONSTRAINT baselines_number__number UNIQUE (tenant_id, kind, number)
);

CREATE FUNCTION baselines_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'DELETE' AND current_setting('concord.purging', true) = 'on' THEN
		RETURN OLD;
	END IF;
	RAISE EXCEPTION 'baseline % v% is frozen and cannot be changed', OLD.kind, OLD.number
		USING HINT = 'version';
END $$;
CREATE TRIGGER baselines_immutable BEFORE UPDATE OR DELETE ON baselines
	FOR EACH ROW EXECUTE FUNCTION baselines_immutable();

ALTER TABLE baselines ENABLE ROW LEVEL SECURITY;
CREATE POLICY baselines_tenant ON baselines USING (tenant_id = app_tenant())
	WITH CHECK (tenant_id = app_tenant());
GRANT SELECT, INSERT ON baselines TO concord_app;
INSERT INTO tenant_tables (name, ord, exported) VALUES ('baselines', 900, true);

-- tenant_purge must be able to remove a purged tenant's baselines.
CREATE OR REPLACE FUNCTION tenant_purge(p_tenant uuid) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE r record;
BEGIN
	IF NOT EXISTS (SELECT 1 FROM tenants WHERE id = p_tenant AND status = 'deleting'
			AND delete_after <= now()) THEN
		RETURN false;
	END IF;
	IF EXISTS (SELECT 1 FROM tenants WHERE parent_id = p_tenant) THEN
		RETURN false;
	END IF;
	PERFORM set_config('concord.purging', 'on', true);
	FOR r IN SELECT name FROM tenant_tables ORDER BY ord DESC LOOP
		EXECUTE format('DELETE FROM %I WHERE tenant_id = $1', r.name) USING p_tenant;
	END LOOP;
	DELETE FROM memberships WHERE user_id IN (SELECT id FROM users WHERE tenant_id = p_tenant);
	DELETE FROM tenants WHERE id = p_tenant;
	PERFORM set_config('concord.purging', 'off', true);
	RETURN true;
END $$;
