-- 0043 the risk register at scale (bench/risks.sh: one tenant with 10,000 risks).
--
-- Measured before this migration (bench/RESULTS.md, "Risk register and KPI aggregation"):
-- a page of GET /v1/risks cost 20-37 ms in PostgreSQL, because risk_doc() (0023) is not
-- inlined, so each of the 51 rows ran the function body and its helpers; the heat map
-- cost 0.7-1.5 s, of which ~0.9 s was JIT compilation triggered by the cost estimate of
-- its nested generate_series subqueries, and the rest a wide CTE over every risk.
--
--   risk_docs(ids)    the documents of many risks in ONE statement (lateral joins per
--                     link table); risk_doc(r), the list, GET and the register baseline
--                     all go through it, so the document has one definition
--   risk_heatmap()    one narrow index-only scan grouped twice (GROUPING SETS), the
--                     matrices built from at most 2 x 25 counts (same output as 0023)
--   risks_heat        a covering index for that scan
--   jit = off         for this database: an API answers in milliseconds; compiling a
--                     query costs hundreds (PostgreSQL's cost-based trigger fired on the
--                     heat map's estimate, not on real work)
--   RLS policies      tenant_id = (SELECT app_tenant()): evaluated once per statement
--                     (an InitPlan) instead of once per row in sequential scans

-- PL/pgSQL, not SQL: a session keeps its plan, where an SQL function that is not inlined
-- is planned again on every call (3 ms of a page's 10). People's names come from joins
-- (what user_label() returns, without a query per name).
CREATE FUNCTION risk_docs(p_ids uuid[]) RETURNS TABLE (id uuid, ref text, doc jsonb)
LANGUAGE plpgsql STABLE AS $$
#variable_conflict use_column
BEGIN
	RETURN QUERY
	WITH m AS (SELECT content FROM risk_methodologies ORDER BY revision DESC LIMIT 1),
	rank AS (SELECT x.l->>'key' AS k, x.o AS o
		FROM m, jsonb_array_elements(m.content->'levels') WITH ORDINALITY x(l, o))
	SELECT r.id, r.ref, jsonb_build_object(
		'id', r.id, 'ref', r.ref, 'type', r.type, 'title', r.title,
		'description', r.description, 'status', r.status,
		'owner_id', r.owner_id, 'owner_name', coalesce(nullif(ou.display_name, ''), ou.email),
		'risk_source', r.risk_source, 'vulnerability', r.vulnerability,
		'consequences', r.consequences,
		'annex_c_sources', to_jsonb(r.annex_c_sources),
		'annex_c_objectives', to_jsonb(r.annex_c_objectives),
		'assets', ast.j, 'ai_system_ids', ais.j,
		'existing_controls', ctl.existing, 'planned_controls', ctl.planned,
		'inherent', CASE WHEN r.inherent_likelihood IS NULL THEN NULL ELSE jsonb_build_object(
			'likelihood', r.inherent_likelihood, 'impact', r.inherent_impact,
			'ai_impacts', r.inherent_ai_impacts, 'effective_impact', r.inherent_eff_impact,
			'level', r.inherent_level) END,
		'residual', CASE WHEN r.residual_likelihood IS NULL THEN NULL ELSE jsonb_build_object(
			'likelihood', r.residual_likelihood, 'impact', r.residual_impact,
			'ai_impacts', r.residual_ai_impacts, 'effective_impact', r.residual_eff_impact,
			'level', r.residual_level) END,
		'current_level', coalesce(r.residual_level, r.inherent_level),
		'above_appetite', (SELECT a.o > b.o FROM m, rank a, rank b
			WHERE a.k = coalesce(r.residual_level, r.inherent_level)
			AND b.k = m.content->>'appetite'),
		'treatment_option', r.treatment_option,
		'actions', act.j,
		'acceptance', CASE WHEN r.accepted_at IS NULL THEN NULL ELSE jsonb_build_object(
			'accepted_by', r.accepted_by, 'accepted_by_name', coalesce(nullif(au.display_name, ''), au.email),
			'role', r.accepted_role, 'accepted_at', r.accepted_at,
			'rationale', r.acceptance_rationale, 'expires_on', r.acceptance_expires) END,
		'next_review_date', r.next_review_date,
		'methodology_revision', r.methodology_revision,
		'version', r.version, 'created_at', r.created_at, 'updated_at', r.updated_at)
	FROM risks r
	LEFT JOIN users ou ON ou.id = r.owner_id
	LEFT JOIN users au ON au.id = r.accepted_by
	CROSS JOIN LATERAL (SELECT
		coalesce(jsonb_agg(jsonb_build_object('id', c.id, 'ref', c.ref, 'title', c.title)
			ORDER BY c.ref) FILTER (WHERE rc.relation = 'existing'), '[]') AS existing,
		coalesce(jsonb_agg(jsonb_build_object('id', c.id, 'ref', c.ref, 'title', c.title)
			ORDER BY c.ref) FILTER (WHERE rc.relation = 'planned'), '[]') AS planned
		FROM risk_controls rc JOIN controls c ON c.tenant_id = rc.tenant_id AND c.id = rc.control_id
		WHERE rc.tenant_id = r.tenant_id AND rc.risk_id = r.id) ctl
	CROSS JOIN LATERAL (SELECT coalesce(jsonb_agg(jsonb_build_object('id', a.id, 'name', a.name)
			ORDER BY a.name, a.id), '[]') AS j
		FROM risk_assets ra JOIN assets a ON a.tenant_id = ra.tenant_id AND a.id = ra.asset_id
		WHERE ra.tenant_id = r.tenant_id AND ra.risk_id = r.id) ast
	CROSS JOIN LATERAL (SELECT coalesce(jsonb_agg(x.ai_system_id ORDER BY x.ai_system_id), '[]') AS j
		FROM risk_ai_systems x WHERE x.tenant_id = r.tenant_id AND x.risk_id = r.id) ais
	CROSS JOIN LATERAL (SELECT coalesce(jsonb_agg(jsonb_build_object('id', a.id, 'title', a.title,
			'description', a.description, 'owner_id', a.owner_id,
			'owner_name', coalesce(nullif(u.display_name, ''), u.email), 'due_date', a.due_date,
			'status', a.status, 'completed_on', a.completed_on, 'version', a.version)
			ORDER BY a.created_at, a.id), '[]') AS j
		FROM risk_treatment_actions a LEFT JOIN users u ON u.id = a.owner_id
		WHERE a.tenant_id = r.tenant_id AND a.risk_id = r.id) act
	WHERE r.id = ANY (p_ids);
END $$;
GRANT EXECUTE ON FUNCTION risk_docs(uuid[]) TO concord_app;

CREATE OR REPLACE FUNCTION risk_doc(r risks) RETURNS jsonb LANGUAGE sql STABLE AS $$
	SELECT d.doc FROM risk_docs(ARRAY[r.id]) d
$$;

CREATE OR REPLACE FUNCTION risk_register_content() RETURNS jsonb LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object(
		'methodology_revision', (SELECT max(revision) FROM risk_methodologies),
		'items', coalesce((SELECT jsonb_agg((d.doc - 'version' - 'created_at' - 'updated_at')
			|| jsonb_build_object('key', d.ref) ORDER BY d.ref)
			FROM risk_docs(ARRAY(SELECT id FROM risks)) d), '[]'))
$$;

CREATE INDEX risks_heat ON risks (tenant_id, type, status) INCLUDE (inherent_likelihood,
	inherent_eff_impact, residual_likelihood, residual_eff_impact);

CREATE OR REPLACE FUNCTION risk_heatmap(p_type text) RETURNS jsonb LANGUAGE sql STABLE AS $$
	WITH m AS (SELECT content, revision FROM risk_methodologies ORDER BY revision DESC LIMIT 1),
	rs AS (SELECT inherent_likelihood AS il, inherent_eff_impact AS ii,
			residual_likelihood AS rl, residual_eff_impact AS ri
		FROM risks WHERE (p_type IS NULL OR type = p_type) AND status <> 'closed'),
	-- one pass, two groupings: inherent cells and residual cells
	g AS (SELECT GROUPING(il) = 0 AS inh, coalesce(il, rl) AS l,
			CASE WHEN GROUPING(il) = 0 THEN ii ELSE ri END AS i, count(*) AS n
		FROM rs GROUP BY GROUPING SETS ((il, ii), (rl, ri))),
	c AS (SELECT coalesce(jsonb_object_agg(CASE WHEN inh THEN 'i' ELSE 'r' END || l || ',' || i, n)
			FILTER (WHERE l IS NOT NULL AND i IS NOT NULL), '{}') AS cells,
		coalesce(sum(n) FILTER (WHERE inh AND l IS NOT NULL), 0) AS inherent_total,
		coalesce(sum(n) FILTER (WHERE NOT inh AND l IS NOT NULL), 0) AS residual_total,
		coalesce(sum(n) FILTER (WHERE inh), 0) AS risks FROM g)
	SELECT jsonb_build_object(
		'type', coalesce(p_type, 'all'),
		'methodology_revision', m.revision,
		'likelihood', (SELECT jsonb_agg(jsonb_build_object('level', x->'level', 'name', x->'name')
			ORDER BY (x->>'level')::int) FROM jsonb_array_elements(m.content->'likelihood') x),
		'impact', (SELECT jsonb_agg(jsonb_build_object('level', x->'level', 'name', x->'name')
			ORDER BY (x->>'level')::int) FROM jsonb_array_elements(m.content->'impact') x),
		'levels', m.content->'levels',
		'matrix', m.content->'matrix',
		'inherent', (SELECT jsonb_agg((SELECT jsonb_agg(coalesce((c.cells->>('i' || gl || ',' || gi))::int, 0)
				ORDER BY gi) FROM generate_series(1, jsonb_array_length(m.content->'impact')) gi)
				ORDER BY gl)
			FROM generate_series(1, jsonb_array_length(m.content->'likelihood')) gl),
		'residual', (SELECT jsonb_agg((SELECT jsonb_agg(coalesce((c.cells->>('r' || gl || ',' || gi))::int, 0)
				ORDER BY gi) FROM generate_series(1, jsonb_array_length(m.content->'impact')) gi)
				ORDER BY gl)
			FROM generate_series(1, jsonb_array_length(m.content->'likelihood')) gl),
		'inherent_total', c.inherent_total,
		'residual_total', c.residual_total,
		'risks', c.risks)
	FROM m, c
$$;

-- Only the database's owner (or a superuser) may do this; where the migrating role is
-- neither (a database provisioned by someone else), say so and go on: the statements
-- above no longer depend on it.
DO $$
BEGIN
	EXECUTE format('ALTER DATABASE %I SET jit = off', current_database());
EXCEPTION WHEN insufficient_privilege THEN
	RAISE WARNING 'jit left as configured: % (ask the database owner for ALTER DATABASE % SET jit = off)',
		SQLERRM, current_database();
END $$;

-- Every tenant policy of the form tenant_id = app_tenant() (0001 onwards) evaluates the
-- setting once per statement. Policies with other shapes are left as they are.
DO $$
DECLARE
	p record;
	q constant text := 'tenant_id = (SELECT app_tenant())';
BEGIN
	FOR p IN SELECT schemaname, tablename, policyname, cmd FROM pg_policies
		WHERE schemaname = current_schema() AND coalesce(qual, '(tenant_id = app_tenant())') =
			'(tenant_id = app_tenant())'
		AND coalesce(with_check, '(tenant_id = app_tenant())') = '(tenant_id = app_tenant())'
	LOOP
		EXECUTE format('ALTER POLICY %I ON %I.%I', p.policyname, p.schemaname, p.tablename)
			|| CASE WHEN p.cmd = 'INSERT' THEN '' ELSE ' USING (' || q || ')' END
			|| CASE WHEN p.cmd IN ('SELECT', 'DELETE') THEN '' ELSE ' WITH CHECK (' || q || ')' END;
	END LOOP;
END $$;
