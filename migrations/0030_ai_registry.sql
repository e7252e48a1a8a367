-- 0030 AI system registry (ISO/IEC 42001 clause 4 and A.4-A.10; EU AI Act inventory):
--   suppliers              AI suppliers and sub-processors (the supply chain's organisations)
--   ai_systems             one row per AI system: purpose, owners, lifecycle stage, AI Act role
--   ai_use_cases           the "use case sheets" of a system
--   ai_components          datasets, models and services a system is built from
--   ai_system_components   which components a system uses
--   ai_flows               directed flows between systems, components and suppliers, with the
--                          data categories they carry and whether they leave the EU
--   ai_system_controls     links to the tenant's control library
--   ai_system_documents    links to documents (checked by ai_link_exists, see below)
--   ai_system_records      immutable release approvals and withdrawal records (lifecycle gates)
--   ai_system_transitions  immutable lifecycle history; ai_system_transition() is the only way
--                          a system changes stage and enforces the gates
-- Read by api/ai_systems.c, api/suppliers.c, workers/job_ai_maps.c.

CREATE TABLE suppliers (
	tenant_id uuid NOT NULL REFERENCES tenants (id),
	id uuid NOT NULL DEFAULT gen_random_uuid(),
	name text NOT NULL CONSTRAINT suppliers_name__name CHECK (length(name) BETWEEN 1 AND 200),
	country text CONSTRAINT suppliers_country__country CHECK (country ~ '^[A-Z]{2}$'),
	eu_established boolean NOT NULL DEFAULT true,
	description text NOT NULL DEFAULT ''
		CONSTRAINT suppliers_description__description CHECK (length(description) <= 5000),
	contact text NOT NULL DEFAULT ''
		CONSTRAINT suppliers_contact__contact CHECK (length(contact) <= 500),
	version int NOT NULL DEFAULT 1,
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (tenant_id, id),
	CONSTRAINT suppliers_name_unique__name UNIQUE (tenant_id, name)
);

CREATE TABLE ai_systems (
	tenant_id uuid NOT NULL REFERENCES tenants (id),
	id uuid NOT NULL DEFAULT gen_random_uuid(),
	ref text NOT NULL CONSTRAINT ai_systems_ref__ref CHECK (length(ref) BETWEEN 1 AND 40),
	name text NOT NULL CONSTRAINT ai_systems_name__name CHECK (length(name) BETWEEN 1 AND 200),
	intended_purpose text NOT NULL
		CONSTRAINT ai_systems_purpose__intended_purpose CHECK (length(intended_purpose) BETWEEN 1 AND 5000),
	description text NOT NULL DEFAULT '',
	business_owner_id uuid,
	technical_owner_id uuid,
	-- design = design/selection; the stage changes only through ai_system_transition()
	lifecycle_stage text NOT NULL DEFAULT 'design' CONSTRAINT ai_systems_stage__lifecycle_stage
		CHECK (lifecycle_stage IN ('design', 'validation', 'deployed', 'monitoring', 'change',
			'decommissioned')),
	-- the organisation's own AI Act role for this system (NULL: not yet determined)
	aiact_role text CONSTRAINT ai_systems_role__aiact_role CHECK (aiact_role IN ('provider',
		'deployer', 'importer', 'distributor', 'authorised_representative',
		'product_manufacturer')),
	deployment_context text NOT NULL DEFAULT ''
		CONSTRAINT ai_systems_context__deployment_context CHECK (length(deployment_context) <= 2000),
	sourcing text NOT NULL CONSTRAINT ai_systems_sourcing__sourcing
		CHECK (sourcing IN ('in_house', 'third_party')),
	supplier_id uuid,
	version int NOT NULL DEFAULT 1,
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (tenant_id, id),
	CONSTRAINT ai_systems_ref_unique__ref UNIQUE (tenant_id, ref),
	CONSTRAINT ai_systems_business_owner__business_owner_id FOREIGN KEY (business_owner_id)
		REFERENCES users (id),
	CONSTRAINT ai_systems_technical_owner__technical_owner_id FOREIGN KEY (technical_owner_id)
		REFERENCES users (id),
	CONSTRAINT ai_systems_supplier__supplier_id FOREIGN KEY (tenant_id, supplier_id)
		REFERENCES suppliers (tenant_id, id),
	-- only a third-party system has a supplier (its provider)
	CONSTRAINT ai_systems_supplier_sourcing__supplier_id
		CHECK (supplier_id IS NULL OR sourcing = 'third_party')
);
CREATE INDEX ai_systems_supplier ON ai_systems (tenant_id, supplier_id);
CREATE INDEX ai_systems_stage ON ai_systems (tenant_id, lifecycle_stage, ref);

CREATE TABLE ai_use_cases (
	tenant_id uuid NOT NULL REFERENCES tenants (id),
	id uuid NOT NULL DEFAULT gen_random_uuid(),
	ai_system_id uuid NOT NULL,
	title text NOT NULL CONSTRAINT ai_use_cases_title__title CHECK (length(title) BETWEEN 1 AND 200),
	context text NOT NULL DEFAULT '',
	affected_persons text[] NOT NULL DEFAULT '{}',
	decisions_supported text NOT NULL DEFAULT '',
	human_oversight text NOT NULL DEFAULT '',
	autonomy text NOT NULL CONSTRAINT ai_use_cases_autonomy__autonomy CHECK (autonomy IN
		('assistive', 'human_in_the_loop', 'human_on_the_loop', 'autonomous')),
	data_categories text[] NOT NULL DEFAULT '{}',
	personal_data boolean NOT NULL DEFAULT false,
	special_category_data boolean NOT NULL DEFAULT false,
	version int NOT NULL DEFAULT 1,
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (tenant_id, id),
	CONSTRAINT ai_use_cases_system__ai_system_id FOREIGN KEY (tenant_id, ai_system_id)
		REFERENCES ai_systems (tenant_id, id) ON DELETE CASCADE,
	CONSTRAINT ai_use_cases_title_unique__title UNIQUE (tenant_id, ai_system_id, title),
	CONSTRAINT ai_use_cases_special__special_category_data
		CHECK (NOT special_category_data OR personal_data)
);

CREATE TABLE ai_components (
	tenant_id uuid NOT NULL REFERENCES tenants (id),
	id uuid NOT NULL DEFAULT gen_random_uuid(),
	kind text NOT NULL CONSTRAINT ai_components_kind__kind
		CHECK (kind IN ('dataset', 'model', 'service')),
	name text NOT NULL CONSTRAINT ai_components_name__name CHECK (length(name) BETWEEN 1 AND 200),
	description text NOT NULL DEFAULT '',
	supplier_id uuid,
	-- datasets
	provenance text NOT NULL DEFAULT '',
	licence text NOT NULL DEFAULT '',
	open_source boolean NOT NULL DEFAULT false,
	personal_data boolean NOT NULL DEFAULT false,
	special_category_data boolean NOT NULL DEFAULT false,
	-- models
	origin text CONSTRAINT ai_components_origin__origin CHECK (origin IN ('in_house', 'third_party')),
	gpai boolean NOT NULL DEFAULT false,
	systemic_risk boolean NOT NULL DEFAULT false,
	model_version text NOT NULL DEFAULT '',
	version int NOT NULL DEFAULT 1,
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (tenant_id, id),
	CONSTRAINT ai_components_name_unique__name UNIQUE (tenant_id, kind, name),
	CONSTRAINT ai_components_supplier__supplier_id FOREIGN KEY (tenant_id, supplier_id)
		REFERENCES suppliers (tenant_id, id),
	CONSTRAINT ai_components_model_origin__origin CHECK ((kind = 'model') = (origin IS NOT NULL)),
	CONSTRAINT ai_components_gpai__gpai CHECK (NOT gpai OR kind = 'model'),
	CONSTRAINT ai_components_systemic__systemic_risk CHECK (NOT systemic_risk OR gpai),
	CONSTRAINT ai_components_special__special_category_data
		CHECK (NOT special_category_data OR personal_data),
	CONSTRAINT ai_components_third_party__supplier_id
		CHECK (origin IS DISTINCT FROM 'in_house' OR supplier_id IS NULL)
);
CREATE INDEX ai_components_supplier ON ai_components (tenant_id, supplier_id);

CREATE TABLE ai_system_components (
	tenant_id uuid NOT NULL REFERENCES tenants (id),
	ai_system_id uuid NOT NULL,
	component_id uuid NOT NULL,
	PRIMARY KEY (tenant_id, ai_system_id, component_id),
	CONSTRAINT ai_system_components_system__ai_system_id FOREIGN KEY (tenant_id, ai_system_id)
		REFERENCES ai_systems (tenant_id, id) ON DELETE CASCADE,
	CONSTRAINT ai_system_components_component__component_ids FOREIGN KEY (tenant_id, component_id)
		REFERENCES ai_components (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX ai_system_components_component ON ai_system_components (tenant_id, component_id);

-- A flow's ends are each exactly one of a system, a component or a supplier.
CREATE TABLE ai_flows (
	tenant_id uuid NOT NULL REFERENCES tenants (id),
	id uuid NOT NULL DEFAULT gen_random_uuid(),
	description text NOT NULL DEFAULT ''
		CONSTRAINT ai_flows_description__description CHECK (length(description) <= 2000),
	from_system_id uuid,
	from_component_id uuid,
	from_supplier_id uuid,
	to_system_id uuid,
	to_component_id uuid,
	to_supplier_id uuid,
	data_categories text[] NOT NULL DEFAULT '{}',
	personal_data boolean NOT NULL DEFAULT false,
	special_category_data boolean NOT NULL DEFAULT false,
	leaves_eu boolean NOT NULL DEFAULT false,
	destination_country text CONSTRAINT ai_flows_country__destination_country
		CHECK (destination_country ~ '^[A-Z]{2}$'),
	version int NOT NULL DEFAULT 1,
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (tenant_id, id),
	CONSTRAINT ai_flows_from_one__from
		CHECK (num_nonnulls(from_system_id, from_component_id, from_supplier_id) = 1),
	CONSTRAINT ai_flows_to_one__to
		CHECK (num_nonnulls(to_system_id, to_component_id, to_supplier_id) = 1),
	CONSTRAINT ai_flows_loop__to CHECK (from_system_id IS DISTINCT FROM to_system_id
		OR from_system_id IS NULL),
	CONSTRAINT ai_flows_loop_component__to CHECK (from_component_id IS DISTINCT FROM
		to_component_id OR from_component_id IS NULL),
	CONSTRAINT ai_flows_loop_supplier__to CHECK (from_supplier_id IS DISTINCT FROM
		to_supplier_id OR from_supplier_id IS NULL),
	CONSTRAINT ai_flows_special__special_category_data
		CHECK (NOT special_category_data OR personal_data),
	CONSTRAINT ai_flows_from_system__from FOREIGN KEY (tenant_id, from_system_id)
		REFERENCES ai_systems (tenant_id, id) ON DELETE CASCADE,
	CONSTRAINT ai_flows_from_component__from FOREIGN KEY (tenant_id, from_component_id)
		REFERENCES ai_components (tenant_id, id),
	CONSTRAINT ai_flows_from_supplier__from FOREIGN KEY (tenant_id, from_supplier_id)
		REFERENCES suppliers (tenant_id, id),
	CONSTRAINT ai_flows_to_system__to FOREIGN KEY (tenant_id, to_system_id)
		REFERENCES ai_systems (tenant_id, id) ON DELETE CASCADE,
	CONSTRAINT ai_flows_to_component__to FOREIGN KEY (tenant_id, to_component_id)
		REFERENCES ai_components (tenant_id, id),
	CONSTRAINT ai_flows_to_supplier__to FOREIGN KEY (tenant_id, to_supplier_id)
		REFERENCES suppliers (tenant_id, id)
);
CREATE INDEX ai_flows_from_system ON ai_flows (tenant_id, from_system_id);
CREATE INDEX ai_flows_to_system ON ai_flows (tenant_id, to_system_id);
CREATE INDEX ai_flows_from_component ON ai_flows (tenant_id, from_component_id);
CREATE INDEX ai_flows_to_component ON ai_flows (tenant_id, to_component_id);
CREATE INDEX ai_flows_from_supplier ON ai_flows (tenant_id, from_supplier_id);
CREATE INDEX ai_flows_to_supplier ON ai_flows (tenant_id, to_supplier_id);
CREATE INDEX ai_flows_transfer ON ai_flows (tenant_id, created_at, id)
	WHERE personal_data AND leaves_eu;

CREATE TABLE ai_system_controls (
	tenant_id uuid NOT NULL REFERENCES tenants (id),
	ai_system_id uuid NOT NULL,
	control_id uuid NOT NULL,
	PRIMARY KEY (tenant_id, ai_system_id, control_id),
	CONSTRAINT ai_system_controls_system__ai_system_id FOREIGN KEY (tenant_id, ai_system_id)
		REFERENCES ai_systems (tenant_id, id) ON DELETE CASCADE,
	CONSTRAINT ai_system_controls_control__control_ids FOREIGN KEY (tenant_id, control_id)
		REFERENCES controls (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX ai_system_controls_control ON ai_system_controls (tenant_id, control_id);

-- Documents live in another module; ai_link_exists() checks a link when it is made.
CREATE TABLE ai_system_documents (
	tenant_id uuid NOT NULL REFERENCES tenants (id),
	ai_system_id uuid NOT NULL,
	document_id uuid NOT NULL,
	PRIMARY KEY (tenant_id, ai_system_id, document_id),
	CONSTRAINT ai_system_documents_system__ai_system_id FOREIGN KEY (tenant_id, ai_system_id)
		REFERENCES ai_systems (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX ai_system_documents_document ON ai_system_documents (tenant_id, document_id);

-- Lifecycle gate records. transition_seq is the number of transitions the system had when
-- the record was made, so a gate can require "recorded during the current stage".
CREATE TABLE ai_system_records (
	tenant_id uuid NOT NULL REFERENCES tenants (id),
	id uuid NOT NULL DEFAULT gen_random_uuid(),
	ai_system_id uuid NOT NULL,
	kind text NOT NULL CONSTRAINT ai_system_records_kind__kind
		CHECK (kind IN ('release_approval', 'withdrawal')),
	decision text NOT NULL CONSTRAINT ai_system_records_decision__decision
		CHECK (decision IN ('approved', 'rejected')),
	summary text NOT NULL
		CONSTRAINT ai_system_records_summary__summary CHECK (length(summary) BETWEEN 1 AND 5000),
	details jsonb NOT NULL DEFAULT '{}',
	document_ids uuid[] NOT NULL DEFAULT '{}',
	stage text NOT NULL,
	transition_seq int NOT NULL,
	system_version int NOT NULL,
	decided_by uuid,
	created_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (tenant_id, id),
	CONSTRAINT ai_system_records_system__ai_system_id FOREIGN KEY (tenant_id, ai_system_id)
		REFERENCES ai_systems (tenant_id, id)
);
CREATE INDEX ai_system_records_system ON ai_system_records (tenant_id, ai_system_id, created_at, id);

CREATE TABLE ai_system_transitions (
	tenant_id uuid NOT NULL REFERENCES tenants (id),
	id uuid NOT NULL DEFAULT gen_random_uuid(),
	ai_system_id uuid NOT NULL,
	seq int NOT NULL CHECK (seq >= 1),
	from_stage text NOT NULL,
	to_stage text NOT NULL,
	record_id uuid,
	reason text NOT NULL DEFAULT '',
	actor_id uuid,
	system_version int NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (tenant_id, id),
	CONSTRAINT ai_system_transitions_seq__version UNIQUE (tenant_id, ai_system_id, seq),
	CONSTRAINT ai_system_transitions_system__ai_system_id FOREIGN KEY (tenant_id, ai_system_id)
		REFERENCES ai_systems (tenant_id, id),
	CONSTRAINT ai_system_transitions_record__record_id FOREIGN KEY (tenant_id, record_id)
		REFERENCES ai_system_records (tenant_id, id)
);

DO $$
DECLARE t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['suppliers', 'ai_systems', 'ai_use_cases', 'ai_components',
		'ai_system_components', 'ai_flows', 'ai_system_controls', 'ai_system_documents',
		'ai_system_records', 'ai_system_transitions'] LOOP
		EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
		EXECUTE format('CREATE POLICY %I ON %I USING (tenant_id = app_tenant())'
			' WITH CHECK (tenant_id = app_tenant())', t || '_tenant', t);
	END LOOP;
END $$;

GRANT SELECT, INSERT, UPDATE, DELETE ON suppliers, ai_systems, ai_use_cases, ai_components,
	ai_flows TO concord_app;
GRANT SELECT, INSERT, DELETE ON ai_system_components, ai_system_controls, ai_system_documents
	TO concord_app;
-- gate records and the lifecycle history are append-only
GRANT SELECT, INSERT ON ai_system_records, ai_system_transitions TO concord_app;

INSERT INTO tenant_tables (name, ord, exported) VALUES
	('suppliers', 3000, true),
	('ai_systems', 3001, true),
	('ai_use_cases', 3002, true),
	('ai_components', 3003, true),
	('ai_system_components', 3004, true),
	('ai_flows', 3005, true),
	('ai_system_controls', 3006, true),
	('ai_system_documents', 3007, true),
	('ai_system_records', 3008, true),
	('ai_system_transitions', 3009, true);

-- Does a linked object of another module exist in the current tenant? kind 'document' or
-- 'evidence'. The owning modules' tables may be added by later migrations, so the lookup is
-- dynamic; a module that does not exist has no objects. Runs as the caller (RLS applies).
CREATE FUNCTION ai_link_exists(p_kind text, p_id uuid) RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
DECLARE
	tbl text := CASE p_kind WHEN 'document' THEN 'documents' WHEN 'evidence' THEN 'evidence' END;
	found boolean;
BEGIN
	IF tbl IS NULL OR to_regclass(tbl) IS NULL THEN
		RETURN false;
	END IF;
	EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I WHERE tenant_id = app_tenant() AND id = $1)', tbl)
		INTO found USING p_id;
	RETURN found;
END $$;
GRANT EXECUTE ON FUNCTION ai_link_exists(text, uuid) TO concord_app;

-- The one way a system changes lifecycle stage. Enforces the allowed moves and the gates:
-- 'deployed' needs an approved release approval recorded during the current validation
-- stage; 'decommissioned' needs an approved withdrawal record made during the current stage.
-- Checks the expected version (optimistic concurrency: {"conflict": current} when it differs),
-- bumps it and appends the transition. NULL when the system does not exist. Rule violations
-- raise P0001 with HINT = the offending field (the API answers 422).
CREATE FUNCTION ai_system_transition(p_system uuid, p_version int, p_to text, p_record uuid,
	p_reason text) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
	s ai_systems;
	rec ai_system_records;
	n int;
	allowed text[];
BEGIN
	SELECT * INTO s FROM ai_systems WHERE tenant_id = app_tenant() AND id = p_system FOR UPDATE;
	IF NOT FOUND THEN
		RETURN NULL;
	END IF;
	IF s.version <> p_version THEN
		RETURN jsonb_build_object('conflict', s.version);
	END IF;
	allowed := CASE s.lifecycle_stage
		WHEN 'design' THEN ARRAY['validation', 'decommissioned']
		WHEN 'validation' THEN ARRAY['design', 'deployed', 'decommissioned']
		WHEN 'deployed' THEN ARRAY['monitoring', 'change', 'decommissioned']
		WHEN 'monitoring' THEN ARRAY['change', 'decommissioned']
		WHEN 'change' THEN ARRAY['validation', 'decommissioned']
		ELSE ARRAY[]::text[] END;
	IF NOT p_to = ANY (allowed) THEN
		RAISE EXCEPTION 'a system in stage % cannot move to %', s.lifecycle_stage, p_to
			USING HINT = 'to';
	END IF;
	SELECT count(*) INTO n FROM ai_system_transitions
		WHERE tenant_id = app_tenant() AND ai_system_id = p_system;
	IF p_to IN ('deployed', 'decommissioned') THEN
		IF p_record IS NULL THEN
			IF p_to = 'deployed' THEN
				RAISE EXCEPTION 'deploying requires an approved release approval recorded during validation'
					USING HINT = 'record_id';
			END IF;
			RAISE EXCEPTION 'decommissioning requires an approved withdrawal record'
				USING HINT = 'record_id';
		END IF;
		SELECT * INTO rec FROM ai_system_records
			WHERE tenant_id = app_tenant() AND id = p_record AND ai_system_id = p_system;
		IF NOT FOUND THEN
			RAISE EXCEPTION 'no such record for this system' USING HINT = 'record_id';
		END IF;
		IF rec.kind <> (CASE p_to WHEN 'deployed' THEN 'release_approval' ELSE 'withdrawal' END) THEN
			RAISE EXCEPTION 'a % record cannot authorise moving to %', rec.kind, p_to
				USING HINT = 'record_id';
		END IF;
		IF rec.decision <> 'approved' THEN
			RAISE EXCEPTION 'the record''s decision is %', rec.decision USING HINT = 'record_id';
		END IF;
		IF rec.transition_seq <> n THEN
			RAISE EXCEPTION 'the record was made before the system entered its current stage'
				USING HINT = 'record_id';
		END IF;
	ELSIF p_record IS NOT NULL THEN
		RAISE EXCEPTION 'only deployment and decommissioning take a record' USING HINT = 'record_id';
	END IF;
	UPDATE ai_systems SET lifecycle_stage = p_to, version = version + 1, updated_at = now()
		WHERE tenant_id = app_tenant() AND id = p_system;
	INSERT INTO ai_system_transitions (tenant_id, ai_system_id, seq, from_stage, to_stage,
		record_id, reason, actor_id, system_version)
	VALUES (app_tenant(), p_system, n + 1, s.lifecycle_stage, p_to, p_record,
		coalesce(p_reason, ''), app_user(), s.version + 1);
	RETURN jsonb_build_object('seq', n + 1, 'from', s.lifecycle_stage, 'to', p_to,
		'record_id', p_record, 'version', s.version + 1);
END $$;
GRANT EXECUTE ON FUNCTION ai_system_transition(uuid, int, text, uuid, text) TO concord_app;

-- The dependency graph as edges between node keys 's:<system>', 'c:<component>',
-- 'p:<supplier>': supplied-by (supplier -> component or system), uses (component -> system)
-- and flows (from -> to). A system depends on every node from which it is reachable.
CREATE VIEW ai_graph_edges WITH (security_invoker = true) AS
	SELECT tenant_id, 'p:' || supplier_id AS src, 's:' || id AS dst, 'supplies' AS kind,
		NULL::uuid AS flow_id
	FROM ai_systems WHERE supplier_id IS NOT NULL
	UNION ALL
	SELECT tenant_id, 'p:' || supplier_id, 'c:' || id, 'supplies', NULL
	FROM ai_components WHERE supplier_id IS NOT NULL
	UNION ALL
	SELECT tenant_id, 'c:' || component_id, 's:' || ai_system_id, 'uses', NULL
	FROM ai_system_components
	UNION ALL
	SELECT tenant_id,
		coalesce('s:' || from_system_id, 'c:' || from_component_id, 'p:' || from_supplier_id),
		coalesce('s:' || to_system_id, 'c:' || to_component_id, 'p:' || to_supplier_id),
		'flow', id
	FROM ai_flows;
GRANT SELECT ON ai_graph_edges TO concord_app;

-- Systems that depend on supplier p_supplier: every system reachable downstream from it
-- (directly supplied, through a component it supplies, or through flows). `direct` is true
-- when the supplier provides the system itself.
CREATE FUNCTION ai_supplier_dependents(p_supplier uuid)
RETURNS TABLE (ai_system_id uuid, direct boolean)
LANGUAGE sql STABLE AS $$
	WITH RECURSIVE walk (node) AS (
		SELECT 'p:' || p_supplier
		UNION
		SELECT e.dst FROM walk w JOIN ai_graph_edges e
			ON e.src = w.node AND e.tenant_id = app_tenant()
	)
	SELECT s.id, s.supplier_id IS NOT DISTINCT FROM p_supplier
	FROM walk w JOIN ai_systems s ON w.node = 's:' || s.id AND s.tenant_id = app_tenant()
$$;
GRANT EXECUTE ON FUNCTION ai_supplier_dependents(uuid) TO concord_app;
