-- 0031 EU AI Act engine integration:
--   aiact_results           the engine's results, stored once per tenant and keyed by the
--                           SHA-256 of their canonical JSON (systems with the same answers
--                           share one; a result names its rule-set version and regime)
--   aiact_assessments       immutable history of questionnaire answers and classifications per
--                           AI system; the newest (highest seq) is current. rule_set_version
--                           records the rule set used, so a rule-set change is detectable.
--   aiact_obligations       one tracked item per obligation of a system (status, owner, evidence)
--   aiact_dossier_entries   the compliance dossier's sections per high-risk system
-- and Concord reference data (not tenant-owned, read-only for the application):
--   aiact_dossier_template  dossier sections: Annex IV points and the provider, deployer,
--                           importer and distributor records, with what each expects
--   aiact_contract_clauses  contractual recommendations per AI supplier relationship
--   aiact_workstreams       roadmap projects that obligations are grouped into
-- Functions: aiact_requirement_ref, aiact_record (store classifications and synchronise the
-- obligation items), ai_registry_content (baseline content), ai_map_graph (flow/supplier map),
-- aiact_tenants_with_stale_assessments (SECURITY DEFINER, for re-classification scheduling).

CREATE TABLE aiact_results (
	tenant_id uuid NOT NULL REFERENCES tenants (id),
	sha256 text NOT NULL CONSTRAINT aiact_results_sha256__sha256 CHECK (sha256 ~ '^[0-9a-f]{64}$'),
	result jsonb NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (tenant_id, sha256)
);
ALTER TABLE aiact_results ALTER COLUMN result SET COMPRESSION lz4;

CREATE TABLE aiact_assessments (
	tenant_id uuid NOT NULL REFERENCES tenants (id),
	id uuid NOT NULL DEFAULT gen_random_uuid(),
	ai_system_id uuid NOT NULL,
	seq int NOT NULL CHECK (seq >= 1),
	-- the answers exactly as classified (JSON text: jsonb would rewrite a number such as
	-- a training compute of 2e+25 FLOP as a 26-digit integer that JSON parsers reject)
	answers text NOT NULL CONSTRAINT aiact_assessments_answers__answers
		CHECK (jsonb_typeof(answers::jsonb) = 'object'),
	regime text NOT NULL CONSTRAINT aiact_assessments_regime__regime
		CHECK (regime IN ('amended', 'original')),
	rule_set_version text NOT NULL,
	result_sha256 text NOT NULL,
	risk_category text NOT NULL,
	applies_from date,
	reason text NOT NULL CONSTRAINT aiact_assessments_reason__reason
		CHECK (reason IN ('answers', 'regime', 'rule_set_change')),
	rationale text NOT NULL DEFAULT '',
	created_by uuid,
	created_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (tenant_id, id),
	CONSTRAINT aiact_assessments_seq__version UNIQUE (tenant_id, ai_system_id, seq),
	CONSTRAINT aiact_assessments_system__ai_system_id FOREIGN KEY (tenant_id, ai_system_id)
		REFERENCES ai_systems (tenant_id, id),
	CONSTRAINT aiact_assessments_result__result FOREIGN KEY (tenant_id, result_sha256)
		REFERENCES aiact_results (tenant_id, sha256)
);

CREATE TABLE aiact_obligations (
	tenant_id uuid NOT NULL REFERENCES tenants (id),
	id uuid NOT NULL DEFAULT gen_random_uuid(),
	ai_system_id uuid NOT NULL,
	obligation_key text NOT NULL, -- the rule set's obligation id, e.g. "art26"
	article text NOT NULL,        -- e.g. "Art. 49(1)"
	requirement_ref text NOT NULL, -- catalog requirement, e.g. "eu-ai-act:Art. 49"
	title text NOT NULL,
	bearer text NOT NULL,
	applies_from date,
	active boolean NOT NULL DEFAULT true, -- false once the current classification no longer has it
	status text NOT NULL DEFAULT 'open' CONSTRAINT aiact_obligations_status__status
		CHECK (status IN ('open', 'in_progress', 'implemented', 'not_applicable')),
	owner_id uuid,
	due_date date,
	notes text NOT NULL DEFAULT ''
		CONSTRAINT aiact_obligations_notes__notes CHECK (length(notes) <= 5000),
	evidence_ids uuid[] NOT NULL DEFAULT '{}',
	document_ids uuid[] NOT NULL DEFAULT '{}',
	version int NOT NULL DEFAULT 1,
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (tenant_id, id),
	CONSTRAINT aiact_obligations_key__obligation_key UNIQUE (tenant_id, ai_system_id, obligation_key),
	CONSTRAINT aiact_obligations_system__ai_system_id FOREIGN KEY (tenant_id, ai_system_id)
		REFERENCES ai_systems (tenant_id, id) ON DELETE CASCADE,
	CONSTRAINT aiact_obligations_owner__owner_id FOREIGN KEY (owner_id) REFERENCES users (id)
);
CREATE INDEX aiact_obligations_list ON aiact_obligations (tenant_id, active, ai_system_id, id);
CREATE INDEX aiact_obligations_ref ON aiact_obligations (tenant_id, requirement_ref);

CREATE TABLE aiact_dossier_template (
	id text PRIMARY KEY,
	ord int NOT NULL UNIQUE,
	holder text NOT NULL CHECK (holder IN ('provider', 'deployer', 'importer', 'distributor')),
	part text NOT NULL CHECK (part IN ('annex_iv', 'provider_records', 'deployer_records',
		'importer_records', 'distributor_records')),
	-- when the section applies to a high-risk system this actor holds duties for:
	-- always | fria (Art. 27 triggered) | registration (an Art. 49 registration by this actor)
	-- | annex_iii (high-risk through Annex III)
	condition text NOT NULL CHECK (condition IN ('always', 'fria', 'registration', 'annex_iii')),
	requirement_ref text NOT NULL,
	basis text NOT NULL,
	title text NOT NULL,
	expects text[] NOT NULL
);
GRANT SELECT ON aiact_dossier_template TO concord_app;

CREATE TABLE aiact_dossier_entries (
	tenant_id uuid NOT NULL REFERENCES tenants (id),
	ai_system_id uuid NOT NULL,
	section_id text NOT NULL CONSTRAINT aiact_dossier_entries_section__section
		REFERENCES aiact_dossier_template (id),
	status text NOT NULL DEFAULT 'missing' CONSTRAINT aiact_dossier_entries_status__status
		CHECK (status IN ('missing', 'in_progress', 'complete', 'not_applicable')),
	notes text NOT NULL DEFAULT ''
		CONSTRAINT aiact_dossier_entries_notes__notes CHECK (length(notes) <= 5000),
	document_ids uuid[] NOT NULL DEFAULT '{}',
	evidence_ids uuid[] NOT NULL DEFAULT '{}',
	updated_by uuid,
	version int NOT NULL DEFAULT 1,
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (tenant_id, ai_system_id, section_id),
	CONSTRAINT aiact_dossier_entries_system__ai_system_id FOREIGN KEY (tenant_id, ai_system_id)
		REFERENCES ai_systems (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE aiact_contract_clauses (
	id text PRIMARY KEY,
	ord int NOT NULL UNIQUE,
	basis text NOT NULL,
	title text NOT NULL,
	recommendation text NOT NULL,
	-- a condition over the relationship's facts (see domain/obligations.h, oblig_cond_eval)
	applies_when jsonb NOT NULL
);
GRANT SELECT ON aiact_contract_clauses TO concord_app;

CREATE TABLE aiact_workstreams (
	id text PRIMARY KEY,
	ord int NOT NULL UNIQUE,
	title text NOT NULL,
	kind text NOT NULL CHECK (kind IN ('quick_win', 'structural')),
	duration_days int NOT NULL CHECK (duration_days BETWEEN 1 AND 730),
	depends_on text[] NOT NULL DEFAULT '{}',
	description text NOT NULL
);
-- every catalog article belongs to exactly one workstream
CREATE TABLE aiact_workstream_articles (
	requirement_ref text PRIMARY KEY,
	workstream_id text NOT NULL REFERENCES aiact_workstreams (id)
);
GRANT SELECT ON aiact_workstreams, aiact_workstream_articles TO concord_app;

DO $$
DECLARE t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['aiact_results', 'aiact_assessments', 'aiact_obligations',
		'aiact_dossier_entries'] LOOP
		EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
		EXECUTE format('CREATE POLICY %I ON %I USING (tenant_id = app_tenant())'
			' WITH CHECK (tenant_id = app_tenant())', t || '_tenant', t);
	END LOOP;
END $$;
-- classifications are history: never updated or deleted by the application
GRANT SELECT, INSERT ON aiact_results, aiact_assessments TO concord_app;
GRANT SELECT, INSERT, UPDATE ON aiact_obligations, aiact_dossier_entries TO concord_app;

INSERT INTO tenant_tables (name, ord, exported) VALUES
	('aiact_results', 3100, true),
	('aiact_assessments', 3101, true),
	('aiact_obligations', 3102, true),
	('aiact_dossier_entries', 3103, true);

-- "Art. 49(1)" -> "eu-ai-act:Art. 49": the catalog keys articles without paragraphs.
CREATE FUNCTION aiact_requirement_ref(p_article text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT 'eu-ai-act:' || coalesce(substring(p_article FROM '^(Art\. [0-9]+[a-z]?)'), p_article)
$$;
GRANT EXECUTE ON FUNCTION aiact_requirement_ref(text) TO concord_app;

-- Store classifications and bring the systems' obligation items in line with them, in bulk
-- (PUT /v1/ai-systems/{id}/aiact stores one, the job aiact.reclassify thousands at a time).
-- p_results: [{sha256, result}], results not stored yet (kept if present); p_items:
-- [{ai_system_id, seq, answers (JSON text), regime, rule_set_version, result_sha256,
-- rationale}], seq being the system's next number (the caller holds the current one), each
-- naming a result stored now or earlier.
-- Each system's obligations are those of its result: new ones are added (status open),
-- changed ones refreshed and re-activated (status, owner and evidence are kept), those no
-- longer in the result deactivated. Returns the number of assessments stored.
-- (jit off: the planner cannot estimate the JSON set functions and would otherwise spend a
-- second compiling each statement of a bulk call)
CREATE FUNCTION aiact_record(p_results jsonb, p_items jsonb, p_reason text) RETURNS int
LANGUAGE plpgsql SET jit = off AS $$
DECLARE
	n int;
	sys uuid[];
	ch record;
BEGIN
	INSERT INTO aiact_results (tenant_id, sha256, result)
	SELECT app_tenant(), r.sha256, r.result
	FROM jsonb_to_recordset(p_results) AS r (sha256 text, result jsonb)
	ON CONFLICT DO NOTHING;

	-- each distinct result of the batch, read back once (it may have been sent earlier)
	WITH items AS (
		SELECT * FROM jsonb_to_recordset(p_items) AS i (ai_system_id uuid, seq int,
			answers text, regime text, rule_set_version text, result_sha256 text, rationale text)
	), res AS (
		SELECT r.sha256, r.result->>'risk_category' AS category,
			(r.result->>'applies_from')::date AS applies_from
		FROM aiact_results r
		WHERE r.tenant_id = app_tenant() AND r.sha256 IN (SELECT result_sha256 FROM items)
	), ins AS (
		INSERT INTO aiact_assessments (tenant_id, ai_system_id, seq, answers, regime,
			rule_set_version, result_sha256, risk_category, applies_from, reason, rationale,
			created_by)
		SELECT app_tenant(), i.ai_system_id, i.seq, i.answers, i.regime, i.rule_set_version,
			i.result_sha256, res.category, res.applies_from, p_reason, coalesce(i.rationale, ''),
			app_user()
		FROM items i JOIN res ON res.sha256 = i.result_sha256
		RETURNING ai_system_id)
	SELECT array_agg(ai_system_id), count(*) INTO sys, n FROM ins;
	IF n <> jsonb_array_length(p_items) THEN
		RAISE EXCEPTION 'aiact_record: % of % items name no stored result',
			jsonb_array_length(p_items) - n, jsonb_array_length(p_items);
	END IF;

	-- what the batch's obligation items should be (each system gets the obligations of its
	-- result, each distinct result expanded once) against what they are: one full join,
	-- then only the differences are written
	IF to_regclass('pg_temp.aiact_record_diff') IS NULL THEN
		CREATE TEMP TABLE aiact_record_diff (action text, id uuid, s uuid, k text, a text,
			t text, b text, f date) ON COMMIT DROP;
	END IF;
	TRUNCATE aiact_record_diff;
	WITH items AS (
		SELECT * FROM jsonb_to_recordset(p_items) AS i (ai_system_id uuid, result_sha256 text)
	), ro AS (
		SELECT r.sha256, ob->>'id' AS k, ob->>'article' AS a, ob->>'title' AS t,
			ob->>'bearer' AS b, (ob->>'applies_from')::date AS f
		FROM aiact_results r, jsonb_array_elements(r.result->'obligations') ob
		WHERE r.tenant_id = app_tenant() AND r.sha256 IN (SELECT result_sha256 FROM items)
	), want AS (
		SELECT i.ai_system_id AS s, ro.k, ro.a, ro.t, ro.b, ro.f
		FROM items i JOIN ro ON ro.sha256 = i.result_sha256
	), cur AS (
		SELECT o.id, o.ai_system_id, o.obligation_key, o.article, o.title, o.bearer,
			o.applies_from, o.active
		FROM aiact_obligations o
		WHERE o.tenant_id = app_tenant() AND o.ai_system_id = ANY (sys)
	), diff AS (
		SELECT CASE WHEN cur.id IS NULL THEN 'insert'
			WHEN want.s IS NULL THEN CASE WHEN cur.active THEN 'deactivate' END
			WHEN (cur.article, cur.title, cur.bearer, cur.applies_from, cur.active)
				IS DISTINCT FROM (want.a, want.t, want.b, want.f, true) THEN 'update' END AS action,
			cur.id, want.s, want.k, want.a, want.t, want.b, want.f
		FROM cur FULL JOIN want ON cur.ai_system_id = want.s AND cur.obligation_key = want.k
	)
	INSERT INTO aiact_record_diff SELECT * FROM diff WHERE action IS NOT NULL;

	-- changes are few (a rule-set change rarely moves an obligation) and touch rows inserted
	-- moments ago that the planner's statistics do not know: update them one by one through
	-- the primary key, insert the new ones in bulk
	FOR ch IN SELECT * FROM aiact_record_diff WHERE action IN ('update', 'deactivate') LOOP
		IF ch.action = 'update' THEN
			UPDATE aiact_obligations SET article = ch.a,
				requirement_ref = aiact_requirement_ref(ch.a), title = ch.t, bearer = ch.b,
				applies_from = ch.f, active = true, version = version + 1, updated_at = now()
			WHERE tenant_id = app_tenant() AND id = ch.id;
		ELSE
			UPDATE aiact_obligations SET active = false, version = version + 1, updated_at = now()
			WHERE tenant_id = app_tenant() AND id = ch.id;
		END IF;
	END LOOP;
	INSERT INTO aiact_obligations (tenant_id, ai_system_id, obligation_key, article,
		requirement_ref, title, bearer, applies_from)
	SELECT app_tenant(), x.s, x.k, x.a, aiact_requirement_ref(x.a), x.t, x.b, x.f
	FROM aiact_record_diff x WHERE x.action = 'insert';
	TRUNCATE aiact_record_diff;
	RETURN n;
END $$;
GRANT EXECUTE ON FUNCTION aiact_record(jsonb, jsonb, text) TO concord_app;

-- The current assessment of each system of the tenant, with its result.
CREATE VIEW aiact_current WITH (security_invoker = true) AS
	SELECT c.*, r.result
	FROM (SELECT DISTINCT ON (tenant_id, ai_system_id) * FROM aiact_assessments
		ORDER BY tenant_id, ai_system_id, seq DESC) c
	JOIN aiact_results r ON r.tenant_id = c.tenant_id AND r.sha256 = c.result_sha256;
GRANT SELECT ON aiact_current TO concord_app;

-- Tenants with a current assessment made under another rule set than p_version: the
-- scheduler enqueues aiact.reclassify for each (cross-tenant, identifiers only).
CREATE FUNCTION aiact_tenants_with_stale_assessments(p_version text)
RETURNS TABLE (tenant_id uuid, stale bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
	SELECT c.tenant_id, count(*) FROM (
		SELECT DISTINCT ON (tenant_id, ai_system_id) tenant_id, rule_set_version
		FROM aiact_assessments ORDER BY tenant_id, ai_system_id, seq DESC) c
	JOIN tenants t ON t.id = c.tenant_id AND t.status = 'active'
	WHERE c.rule_set_version <> p_version GROUP BY c.tenant_id
$$;
REVOKE ALL ON FUNCTION aiact_tenants_with_stale_assessments(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION aiact_tenants_with_stale_assessments(text) TO concord_app;

-- The AI system registry as baseline content ({"items": [...]} keyed by the system's ref),
-- frozen by POST /v1/ai-registry/approve as the next version of kind "ai_registry".
CREATE FUNCTION ai_registry_content() RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object('items', coalesce(jsonb_agg(jsonb_build_object(
		'key', s.ref, 'id', s.id, 'name', s.name, 'intended_purpose', s.intended_purpose,
		'lifecycle_stage', s.lifecycle_stage, 'aiact_role', s.aiact_role,
		'deployment_context', s.deployment_context, 'sourcing', s.sourcing,
		'supplier', sp.name, 'business_owner_id', s.business_owner_id,
		'technical_owner_id', s.technical_owner_id, 'version', s.version,
		'use_cases', (SELECT coalesce(jsonb_agg(jsonb_build_object('title', u.title,
				'autonomy', u.autonomy, 'affected_persons', u.affected_persons,
				'personal_data', u.personal_data,
				'special_category_data', u.special_category_data) ORDER BY u.title), '[]')
			FROM ai_use_cases u WHERE u.tenant_id = s.tenant_id AND u.ai_system_id = s.id),
		'components', (SELECT coalesce(jsonb_agg(c.kind || ':' || c.name ORDER BY c.kind, c.name),
				'[]')
			FROM ai_system_components sc JOIN ai_components c
				ON c.tenant_id = sc.tenant_id AND c.id = sc.component_id
			WHERE sc.tenant_id = s.tenant_id AND sc.ai_system_id = s.id),
		'controls', (SELECT coalesce(jsonb_agg(ct.ref ORDER BY ct.ref), '[]')
			FROM ai_system_controls x JOIN controls ct
				ON ct.tenant_id = x.tenant_id AND ct.id = x.control_id
			WHERE x.tenant_id = s.tenant_id AND x.ai_system_id = s.id),
		'aiact', CASE WHEN a.seq IS NULL THEN NULL ELSE jsonb_build_object(
			'risk_category', a.risk_category, 'effective_role', a.result->'effective_role',
			'applies_from', a.applies_from, 'regime', a.regime,
			'rule_set_version', a.rule_set_version, 'assessment_seq', a.seq) END)
		ORDER BY s.ref), '[]'))
	FROM ai_systems s
	LEFT JOIN suppliers sp ON sp.tenant_id = s.tenant_id AND sp.id = s.supplier_id
	LEFT JOIN aiact_current a ON a.tenant_id = s.tenant_id AND a.ai_system_id = s.id
	WHERE s.tenant_id = app_tenant()
$$;
GRANT EXECUTE ON FUNCTION ai_registry_content() TO concord_app;

-- The flow and supplier map as {"nodes": [...], "edges": [...]} (input of domain/aimap.c).
-- p_system NULL: the whole tenant; otherwise the system, everything it depends on (upstream:
-- reachable backwards over any edge) and everything its data reaches (downstream: forwards
-- over data flows only), with the edges between those nodes.
CREATE FUNCTION ai_map_graph(p_system uuid) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	WITH RECURSIVE e AS (
		SELECT * FROM ai_graph_edges WHERE tenant_id = app_tenant()
	), up (node) AS (
		SELECT 's:' || p_system WHERE p_system IS NOT NULL
		UNION SELECT e.src FROM up JOIN e ON e.dst = up.node
	), down (node) AS (
		SELECT 's:' || p_system WHERE p_system IS NOT NULL
		UNION SELECT e.dst FROM down JOIN e ON e.src = down.node AND e.kind = 'flow'
	), scope AS (
		SELECT node FROM up UNION SELECT node FROM down
	), nodes AS (
		SELECT 's:' || s.id AS key, jsonb_build_object('key', 's:' || s.id, 'kind', 'system',
			'id', s.id, 'label', s.ref || ' ' || s.name, 'stage', s.lifecycle_stage,
			'sourcing', s.sourcing, 'risk_category', a.risk_category) AS j
		FROM ai_systems s LEFT JOIN aiact_current a
			ON a.tenant_id = s.tenant_id AND a.ai_system_id = s.id
		WHERE s.tenant_id = app_tenant()
		UNION ALL
		SELECT 'c:' || c.id, jsonb_build_object('key', 'c:' || c.id, 'kind', c.kind, 'id', c.id,
			'label', c.name, 'personal_data', c.personal_data, 'gpai', c.gpai,
			'model_version', nullif(c.model_version, ''), 'origin', c.origin,
			'licence', nullif(c.licence, ''))
		FROM ai_components c WHERE c.tenant_id = app_tenant()
		UNION ALL
		SELECT 'p:' || p.id, jsonb_build_object('key', 'p:' || p.id, 'kind', 'supplier',
			'id', p.id, 'label', p.name, 'country', p.country,
			'eu_established', p.eu_established)
		FROM suppliers p WHERE p.tenant_id = app_tenant()
	), kept AS (
		SELECT key, j FROM nodes
		WHERE p_system IS NULL OR key IN (SELECT node FROM scope)
	)
	SELECT jsonb_build_object(
		'scope', CASE WHEN p_system IS NULL THEN 'tenant' ELSE 'system' END,
		'ai_system_id', p_system,
		'nodes', (SELECT coalesce(jsonb_agg(j ORDER BY j->>'kind', j->>'label', key), '[]')
			FROM kept),
		'edges', (SELECT coalesce(jsonb_agg(jsonb_build_object('from', e.src, 'to', e.dst,
				'kind', e.kind, 'flow_id', e.flow_id, 'data_categories', f.data_categories,
				'personal_data', f.personal_data,
				'special_category_data', f.special_category_data, 'leaves_eu', f.leaves_eu,
				'destination_country', f.destination_country,
				'description', nullif(f.description, ''))
			ORDER BY e.src, e.dst, e.kind, e.flow_id), '[]')
			FROM e LEFT JOIN ai_flows f ON f.tenant_id = e.tenant_id AND f.id = e.flow_id
			WHERE e.src IN (SELECT key FROM kept) AND e.dst IN (SELECT key FROM kept)))
$$;
GRANT EXECUTE ON FUNCTION ai_map_graph(uuid) TO concord_app;

-- ------------------------------------------------------------------ reference data
-- Dossier sections. Annex IV titles quote the opening words of each point of Annex IV of
-- Regulation (EU) 2024/1689 (catalog/eu-ai-act/requirements.tsv); the other titles and the
-- expected items are Concord's.
INSERT INTO aiact_dossier_template (id, ord, holder, part, condition, requirement_ref, basis,
	title, expects) VALUES
('annex_iv.1', 10, 'provider', 'annex_iv', 'always', 'eu-ai-act:Annex IV 1', 'Annex IV point 1',
	'A general description of the AI system',
	'{"Intended purpose, provider and version","Interaction with other hardware and software","Hardware the system is intended to run on","Instructions for use"}'),
('annex_iv.2', 20, 'provider', 'annex_iv', 'always', 'eu-ai-act:Annex IV 2', 'Annex IV point 2',
	'A detailed description of the elements of the AI system and of the process for its development',
	'{"Design specifications and key design choices","System architecture","Data sheets for training, validation and test data","Human oversight assessment (Art. 14)","Validation and testing procedures and reports"}'),
('annex_iv.3', 30, 'provider', 'annex_iv', 'always', 'eu-ai-act:Annex IV 3', 'Annex IV point 3',
	'Detailed information about the monitoring, functioning and control of the AI system',
	'{"Capabilities and limitations in performance","Foreseeable unintended outcomes and sources of risk","Human oversight measures","Input data specifications"}'),
('annex_iv.4', 40, 'provider', 'annex_iv', 'always', 'eu-ai-act:Annex IV 4', 'Annex IV point 4',
	'A description of the appropriateness of the performance metrics for the specific AI system',
	'{"Performance metrics and their rationale"}'),
('annex_iv.5', 50, 'provider', 'annex_iv', 'always', 'eu-ai-act:Annex IV 5', 'Annex IV point 5',
	'A detailed description of the risk management system in accordance with Article 9',
	'{"Risk management plan","Risk register for health, safety and fundamental rights","Residual-risk acceptance"}'),
('annex_iv.6', 60, 'provider', 'annex_iv', 'always', 'eu-ai-act:Annex IV 6', 'Annex IV point 6',
	'A description of relevant changes made by the provider to the system through its lifecycle',
	'{"Change log with version history"}'),
('annex_iv.7', 70, 'provider', 'annex_iv', 'always', 'eu-ai-act:Annex IV 7', 'Annex IV point 7',
	'A list of the harmonised standards applied in full or in part',
	'{"Standards and common specifications applied","Solutions adopted where no harmonised standard was applied"}'),
('annex_iv.8', 80, 'provider', 'annex_iv', 'always', 'eu-ai-act:Annex IV 8', 'Annex IV point 8',
	'A copy of the EU declaration of conformity referred to in Article 47',
	'{"Signed EU declaration of conformity"}'),
('annex_iv.9', 90, 'provider', 'annex_iv', 'always', 'eu-ai-act:Annex IV 9', 'Annex IV point 9',
	'A detailed description of the system in place to evaluate the AI system performance in the post-market phase in accordance with Article 72',
	'{"Post-market monitoring plan"}'),
('provider.qms', 110, 'provider', 'provider_records', 'always', 'eu-ai-act:Art. 17', 'Art. 17',
	'Quality management system',
	'{"QMS policies and procedures","Accountability framework"}'),
('provider.conformity', 120, 'provider', 'provider_records', 'always', 'eu-ai-act:Art. 43',
	'Art. 43; Art. 48', 'Conformity assessment and CE marking',
	'{"Conformity assessment record (Annex VI or VII, or the sectoral procedure)","Notified body certificate where applicable","CE marking evidence"}'),
('provider.registration', 130, 'provider', 'provider_records', 'registration',
	'eu-ai-act:Art. 49', 'Art. 49(1)', 'Registration in the EU database',
	'{"EU database registration confirmation"}'),
('provider.logs', 140, 'provider', 'provider_records', 'always', 'eu-ai-act:Art. 19', 'Art. 19',
	'Automatically generated logs kept for at least six months',
	'{"Log retention configuration","Log samples"}'),
('provider.incidents', 150, 'provider', 'provider_records', 'always', 'eu-ai-act:Art. 73',
	'Art. 73; Art. 20', 'Serious incident reporting and corrective actions',
	'{"Serious incident reporting procedure","Corrective action records"}'),
('deployer.instructions', 210, 'deployer', 'deployer_records', 'always', 'eu-ai-act:Art. 26',
	'Art. 26(1)', 'Use in accordance with the instructions for use',
	'{"Provider''s instructions for use","Operating procedure"}'),
('deployer.oversight', 220, 'deployer', 'deployer_records', 'always', 'eu-ai-act:Art. 26',
	'Art. 26(2)', 'Human oversight by competent persons',
	'{"Oversight role assignments","Competence and training records of overseers"}'),
('deployer.input_data', 230, 'deployer', 'deployer_records', 'always', 'eu-ai-act:Art. 26',
	'Art. 26(4)', 'Relevance and representativeness of input data',
	'{"Input data quality checks"}'),
('deployer.monitoring', 240, 'deployer', 'deployer_records', 'always', 'eu-ai-act:Art. 26',
	'Art. 26(5)', 'Monitoring of operation and incident reporting',
	'{"Monitoring records","Notifications to the provider and authorities","Suspension decisions"}'),
('deployer.logs', 250, 'deployer', 'deployer_records', 'always', 'eu-ai-act:Art. 26',
	'Art. 26(6)', 'Logs under the deployer''s control kept for at least six months',
	'{"Log retention configuration","Log samples"}'),
('deployer.workers', 260, 'deployer', 'deployer_records', 'always', 'eu-ai-act:Art. 26',
	'Art. 26(7)', 'Information of workers'' representatives and affected workers (workplace use)',
	'{"Information notices to workers and their representatives"}'),
('deployer.affected_persons', 270, 'deployer', 'deployer_records', 'annex_iii',
	'eu-ai-act:Art. 26', 'Art. 26(11)',
	'Information of natural persons subject to decisions the system makes or assists',
	'{"Notice to affected persons"}'),
('deployer.fria', 280, 'deployer', 'deployer_records', 'fria', 'eu-ai-act:Art. 27', 'Art. 27',
	'Fundamental rights impact assessment',
	'{"FRIA covering Art. 27(1)(a)-(f)","Notification to the market surveillance authority"}'),
('deployer.registration', 290, 'deployer', 'deployer_records', 'registration',
	'eu-ai-act:Art. 49', 'Art. 49(3)', 'Registration of the use in the EU database',
	'{"EU database registration of the use"}'),
('deployer.explanation', 300, 'deployer', 'deployer_records', 'annex_iii', 'eu-ai-act:Art. 86',
	'Art. 86', 'Explanation of individual decisions on request',
	'{"Explanation procedure","Log of explanation requests and answers"}'),
('importer.verification', 410, 'importer', 'importer_records', 'always', 'eu-ai-act:Art. 23',
	'Art. 23', 'Pre-market verification by the importer',
	'{"Verification checklist","Copies of certificate, declaration and instructions (10 years)"}'),
('distributor.verification', 510, 'distributor', 'distributor_records', 'always',
	'eu-ai-act:Art. 24', 'Art. 24', 'Verification by the distributor',
	'{"Verification checklist","Corrective action and notification records"}');

-- Contractual recommendations per AI supplier relationship. The facts a condition may read
-- are listed in domain/obligations.h (OBLIG_SUPPLIER_FACTS). Recommendations are Concord's
-- wording; the basis names the provision that motivates the clause.
INSERT INTO aiact_contract_clauses (id, ord, basis, title, recommendation, applies_when) VALUES
('baseline_ai_supplier', 10, 'ISO/IEC 42001 A.10.3',
	'AI supplier baseline terms',
	'Require the supplier to describe the intended purpose, known limitations and performance of what it supplies, to notify material changes (model versions, data sources, sub-processors) in advance, and to support your own AI risk and impact assessments.',
	'true'),
('art25_4_written_agreement', 20, 'Art. 25(4)',
	'Written agreement on information and assistance for a high-risk system',
	'As provider of a high-risk system, agree in writing with this supplier the information, capabilities, technical access and other assistance you need to meet the Regulation''s obligations, based on the generally acknowledged state of the art. Free and open-source tools and components other than general-purpose AI models are exempt.',
	'{"all": ["high_risk", "tenant_provider", {"any": ["supplies_gpai_model", {"not": "only_open_source"}]}]}'),
('art25_2_cooperation', 30, 'Art. 25(2)',
	'Cooperation of the initial provider after a change of provider',
	'Where you become the provider of the supplier''s high-risk system (own name or trademark, substantial modification, or a change of intended purpose), require the initial provider to make available the technical documentation, information on known limitations and failure modes, and targeted technical access needed for your obligations, unless it specified that the system is not to be changed into a high-risk system.',
	'{"all": ["high_risk", "tenant_provider", "supplies_system"]}'),
('art53_1_b_downstream_information', 40, 'Art. 53(1)(b); Annex XII',
	'Downstream provider information from the GPAI model provider',
	'Obtain, and keep up to date, the information and documentation the general-purpose AI model provider must make available to downstream providers: capabilities and limitations, integration requirements and the elements listed in Annex XII, sufficient for you to meet your own obligations.',
	'"supplies_gpai_model"'),
('art53_1_cd_copyright', 50, 'Art. 53(1)(c)-(d)',
	'Copyright policy, training content summary and IP terms',
	'Require the GPAI model provider to confirm its copyright policy (including respect of text-and-data-mining opt-outs) and the publication of its training content summary; agree warranties and indemnities for intellectual property in training data and outputs.',
	'"supplies_gpai_model"'),
('art55_systemic_risk', 60, 'Art. 55(1)',
	'Systemic-risk model: evaluations and serious incidents',
	'For a model with systemic risk, require information on model evaluations and adversarial testing relevant to your use, and prompt notice of serious incidents and corrective measures reported to the AI Office.',
	'"gpai_systemic"'),
('instructions_for_use', 70, 'Art. 13; Art. 26(1)',
	'Instructions for use and change notice',
	'Require complete instructions for use (characteristics, capabilities and limitations, human oversight measures, expected lifetime, maintenance, logging) and advance notice of changes, so that you can use the high-risk system in accordance with them.',
	'{"all": ["high_risk", "tenant_deployer", "supplies_system"]}'),
('conformity_documents', 80, 'Art. 47; Art. 48; Art. 49(1)',
	'Conformity documents and registration',
	'Require the EU declaration of conformity, evidence of CE marking and of EU database registration where applicable, and notice of any substantial modification or withdrawal of conformity.',
	'{"all": ["high_risk", "supplies_system"]}'),
('logs_access', 90, 'Art. 12; Art. 19; Art. 26(6)',
	'Access to and retention of automatically generated logs',
	'Secure access to the logs the system generates automatically, retained for at least six months (longer where sectoral or data protection law requires), in a format you can analyse for monitoring and incident investigation.',
	'{"all": ["high_risk", {"any": ["supplies_system", "supplies_service"]}]}'),
('incident_notification', 100, 'Art. 73; Art. 26(5); Art. 20',
	'Serious incident and corrective action notification',
	'Require notice without undue delay of serious incidents, malfunctions, risks within the meaning of Art. 79(1) and corrective actions, with the cooperation needed to meet the reporting deadlines of Art. 73.',
	'{"all": ["high_risk", {"any": ["supplies_system", "supplies_service", "supplies_model", "supplies_gpai_model"]}]}'),
('transparency_support', 110, 'Art. 50(1)-(2)',
	'Support for transparency duties',
	'Require the functions needed for the Art. 50 duties that apply to the system: disclosure that people are interacting with AI, and machine-readable, detectable marking of synthetic audio, image, video or text outputs.',
	'{"all": ["transparency", {"any": ["supplies_system", "supplies_model", "supplies_gpai_model", "supplies_service"]}]}'),
('authorised_representative', 120, 'Art. 22; Art. 54',
	'EU authorised representative of a third-country provider',
	'Obtain the identity and mandate of the supplier''s authorised representative established in the Union before the system or model is made available to you.',
	'{"all": ["supplier_outside_eu", {"any": ["supplies_gpai_model", {"all": ["high_risk", "supplies_system"]}]}]}'),
('data_protection_terms', 130, 'Regulation (EU) 2016/679 Art. 28; AI Act Art. 10',
	'Personal data processing terms',
	'Put data processing terms in place for the personal data exchanged: purposes, no use of your data to train or improve the supplier''s models without agreement, security measures, sub-processors, deletion or return at the end of the contract, and support for data subject rights.',
	'"personal_data"'),
('third_country_transfers', 140, 'Regulation (EU) 2016/679 Chapter V',
	'Transfers of personal data to third countries',
	'Personal data flows with this supplier leave the EU: document the transfer mechanism (adequacy decision, standard contractual clauses or another Chapter V tool), a transfer impact assessment and supplementary measures.',
	'"third_country_personal_data"');

-- Roadmap workstreams: how obligations group into projects, their default kind, typical
-- duration and dependencies (Concord's planning data, reviewed by the AI Act workshop).
INSERT INTO aiact_workstreams (id, ord, title, kind, duration_days, depends_on, description) VALUES
('prohibited', 10, 'Art. 5 practices: stop, redesign or meet the conditions', 'quick_win', 30, '{}',
	'Stop or redesign any prohibited practice; for permitted real-time remote biometric identification, meet the Art. 5(2) preconditions.'),
('literacy', 20, 'AI literacy programme', 'quick_win', 60, '{}',
	'Role-based AI literacy measures for staff and others operating AI systems.'),
('transparency', 30, 'Transparency towards natural persons (Art. 50)', 'quick_win', 60, '{}',
	'Disclosures, labels and machine-readable marking required by Art. 50.'),
('representative', 40, 'Authorised representative', 'quick_win', 45, '{}',
	'Appoint an EU authorised representative by written mandate.'),
('value_chain', 50, 'Importer and distributor verification', 'quick_win', 30, '{}',
	'Verification checklists and records for importers and distributors.'),
('explanation', 60, 'Right to explanation procedure', 'quick_win', 45, '{}',
	'A procedure to explain individual decisions to affected persons on request.'),
('incidents', 70, 'Serious incidents, corrective actions and authority cooperation', 'quick_win', 45,
	'{}', 'Incident reporting and corrective action procedures aligned with the ISMS/AIMS incident process.'),
('risk_management', 100, 'AI risk management system', 'structural', 120, '{}',
	'A lifecycle risk management system for each high-risk system, integrated with the AI risk register.'),
('data_governance', 110, 'Data governance for training, validation and test data', 'structural',
	120, '{}', 'Data quality, provenance, bias examination and data preparation practices.'),
('logging', 120, 'Logging and record-keeping', 'structural', 90, '{}',
	'Automatic event logging capability and log retention.'),
('instructions', 130, 'Instructions for use', 'structural', 60, '{risk_management}',
	'Instructions for use for deployers, including limitations and oversight measures.'),
('oversight', 140, 'Human oversight by design', 'structural', 90, '{risk_management}',
	'Oversight measures built into the system and described to deployers.'),
('robustness', 150, 'Accuracy, robustness and cybersecurity', 'structural', 120, '{risk_management}',
	'Accuracy targets, robustness testing and security controls for the system.'),
('technical_documentation', 160, 'Technical documentation (Annex IV)', 'structural', 90,
	'{risk_management,data_governance}', 'Annex IV technical documentation kept up to date and retained for ten years.'),
('qms', 170, 'Quality management system', 'structural', 150, '{}',
	'A quality management system for high-risk AI, integrated with the AIMS.'),
('post_market', 180, 'Post-market monitoring', 'structural', 90, '{logging}',
	'A post-market monitoring system and plan feeding the risk management system.'),
('conformity', 190, 'Conformity assessment, EU declaration and CE marking', 'structural', 90,
	'{qms,technical_documentation,risk_management,data_governance,logging,instructions,oversight,robustness}',
	'Conformity assessment before placing on the market, declaration of conformity and CE marking.'),
('registration', 200, 'Classification record and EU database registration', 'quick_win', 30,
	'{conformity}', 'Document Art. 6(4) assessments and register in the EU database where required.'),
('deployer_operations', 210, 'Deployer operating controls (Art. 26)', 'structural', 90, '{}',
	'Use according to instructions, oversight staffing, input data, monitoring, logs, information duties.'),
('fria', 220, 'Fundamental rights impact assessment', 'structural', 60, '{}',
	'Art. 27 assessment before first use, notified to the market surveillance authority.'),
('gpai', 230, 'General-purpose AI model provider obligations', 'structural', 120, '{}',
	'Documentation for the AI Office and downstream providers, copyright policy, training content summary, systemic-risk duties.');

INSERT INTO aiact_workstream_articles (requirement_ref, workstream_id) VALUES
('eu-ai-act:Art. 4', 'literacy'),
('eu-ai-act:Art. 5', 'prohibited'),
('eu-ai-act:Art. 6', 'registration'),
('eu-ai-act:Art. 8', 'qms'),
('eu-ai-act:Art. 9', 'risk_management'),
('eu-ai-act:Art. 10', 'data_governance'),
('eu-ai-act:Art. 11', 'technical_documentation'),
('eu-ai-act:Art. 12', 'logging'),
('eu-ai-act:Art. 13', 'instructions'),
('eu-ai-act:Art. 14', 'oversight'),
('eu-ai-act:Art. 15', 'robustness'),
('eu-ai-act:Art. 16', 'qms'),
('eu-ai-act:Art. 17', 'qms'),
('eu-ai-act:Art. 18', 'technical_documentation'),
('eu-ai-act:Art. 19', 'logging'),
('eu-ai-act:Art. 20', 'incidents'),
('eu-ai-act:Art. 21', 'incidents'),
('eu-ai-act:Art. 22', 'representative'),
('eu-ai-act:Art. 23', 'value_chain'),
('eu-ai-act:Art. 24', 'value_chain'),
('eu-ai-act:Art. 26', 'deployer_operations'),
('eu-ai-act:Art. 27', 'fria'),
('eu-ai-act:Art. 43', 'conformity'),
('eu-ai-act:Art. 47', 'conformity'),
('eu-ai-act:Art. 48', 'conformity'),
('eu-ai-act:Art. 49', 'registration'),
('eu-ai-act:Art. 50', 'transparency'),
('eu-ai-act:Art. 52', 'gpai'),
('eu-ai-act:Art. 53', 'gpai'),
('eu-ai-act:Art. 54', 'representative'),
('eu-ai-act:Art. 55', 'gpai'),
('eu-ai-act:Art. 72', 'post_market'),
('eu-ai-act:Art. 73', 'incidents'),
('eu-ai-act:Art. 86', 'explanation');
