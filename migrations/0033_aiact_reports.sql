-- 0033 inputs of the AI Act deliverables, built by PostgreSQL as JSON so that the API
-- (synchronous previews) and the workers (files) read exactly the same data:
--   ai_supplier_relationships(supplier)  each AI system linked to a supplier with the facts
--                                        the contract clauses read (domain/obligations.h)
--   aiact_roadmap_input(as_of, horizon)  open obligations with their workstream and the
--                                        crosswalked controls, for oblig_roadmap_plan()
--   aiact_matrix_input()                 every system with its current classification and
--                                        obligation statuses, for oblig_matrix_xlsx()
-- All run as the caller: row-level security scopes them to the request's or job's tenant.

-- A relationship is a system that depends on the supplier (reachable downstream from it or
-- from a component it supplies) or that sends data to it (the supplier reachable from the
-- system). Facts about flows are those touching the supplier or a component it supplies.
CREATE FUNCTION ai_supplier_relationships(p_supplier uuid) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	WITH RECURSIVE e AS (
		SELECT src, dst FROM ai_graph_edges WHERE tenant_id = app_tenant()
	), origins (origin) AS (
		SELECT 'p:' || p_supplier
		UNION ALL
		SELECT 'c:' || c.id FROM ai_components c
		WHERE c.tenant_id = app_tenant() AND c.supplier_id = p_supplier
	), down (origin, node) AS (
		SELECT origin, origin FROM origins
		UNION
		SELECT d.origin, e.dst FROM down d JOIN e ON e.src = d.node
	), up (origin, node) AS (
		SELECT origin, origin FROM origins
		UNION
		SELECT u.origin, e.src FROM up u JOIN e ON e.dst = u.node
	), reach AS (
		SELECT DISTINCT origin, substr(node, 3)::uuid AS ai_system_id
		FROM (SELECT * FROM down UNION ALL SELECT * FROM up) w WHERE node LIKE 's:%'
	), rel AS (
		SELECT s.id, s.ref, s.name, s.supplier_id,
			coalesce(bool_or(c.kind = 'model' AND c.gpai), false) AS gpai_model,
			coalesce(bool_or(c.kind = 'model' AND NOT c.gpai), false) AS model,
			coalesce(bool_or(c.kind = 'dataset'), false) AS dataset,
			coalesce(bool_or(c.kind = 'service'), false) AS service,
			coalesce(bool_and(c.open_source) FILTER (WHERE c.id IS NOT NULL), false) AS all_open,
			coalesce(bool_or(c.systemic_risk), false) AS systemic,
			coalesce(bool_or(c.personal_data), false) AS comp_personal
		FROM reach r JOIN ai_systems s ON s.tenant_id = app_tenant() AND s.id = r.ai_system_id
		LEFT JOIN ai_components c ON c.tenant_id = app_tenant() AND 'c:' || c.id = r.origin
		GROUP BY s.id, s.ref, s.name, s.supplier_id
	), touching AS (
		SELECT f.* FROM ai_flows f WHERE f.tenant_id = app_tenant()
		  AND (p_supplier IN (f.from_supplier_id, f.to_supplier_id)
			OR EXISTS (SELECT 1 FROM ai_components c WHERE c.tenant_id = app_tenant()
				AND c.supplier_id = p_supplier
				AND c.id IN (f.from_component_id, f.to_component_id)))
	), sup AS (
		SELECT eu_established FROM suppliers WHERE tenant_id = app_tenant() AND id = p_supplier
	)
	SELECT coalesce(jsonb_agg(jsonb_build_object(
		'ai_system', jsonb_build_object('id', rel.id, 'ref', rel.ref, 'name', rel.name),
		'facts', jsonb_build_object(
			'supplies_system', rel.supplier_id IS NOT DISTINCT FROM p_supplier,
			'supplies_gpai_model', rel.gpai_model,
			'supplies_model', rel.model,
			'supplies_dataset', rel.dataset,
			'supplies_service', rel.service,
			'only_open_source', rel.all_open AND rel.supplier_id IS DISTINCT FROM p_supplier,
			'gpai_systemic', rel.systemic,
			'personal_data', rel.comp_personal OR EXISTS (SELECT 1 FROM touching t
				WHERE t.personal_data),
			'third_country_personal_data', EXISTS (SELECT 1 FROM touching t
				WHERE t.personal_data AND t.leaves_eu),
			'supplier_outside_eu', NOT sup.eu_established,
			'classified', a.seq IS NOT NULL,
			'high_risk', coalesce(a.risk_category = 'high_risk', false),
			'transparency', coalesce(a.risk_category = 'limited_risk_transparency'
				OR jsonb_array_length(a.result->'transparency_obligations') > 0, false),
			'fria_required', coalesce((a.result->>'fria_required')::boolean, false),
			'tenant_provider', coalesce(a.result->>'effective_role' IN ('provider',
				'product_manufacturer') OR EXISTS (SELECT 1 FROM jsonb_array_elements(
				a.result->'obligations') o WHERE o->>'bearer' = 'provider'), false),
			'tenant_deployer', coalesce(a.result->>'effective_role' = 'deployer' OR EXISTS (
				SELECT 1 FROM jsonb_array_elements(a.result->'obligations') o
				WHERE o->>'bearer' = 'deployer'), false),
			'risk_category', a.risk_category,
			'effective_role', a.result->'effective_role'))
		ORDER BY rel.ref), '[]')
	FROM rel CROSS JOIN sup
	LEFT JOIN aiact_current a ON a.tenant_id = app_tenant() AND a.ai_system_id = rel.id
$$;
GRANT EXECUTE ON FUNCTION ai_supplier_relationships(uuid) TO concord_app;

CREATE FUNCTION aiact_roadmap_input(p_as_of date, p_horizon int) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	WITH open AS (
		SELECT o.*, s.ref AS system_ref, s.name AS system_name
		FROM aiact_obligations o JOIN ai_systems s ON s.tenant_id = o.tenant_id
			AND s.id = o.ai_system_id
		WHERE o.tenant_id = app_tenant() AND o.active AND o.status IN ('open', 'in_progress')
		  AND s.lifecycle_stage <> 'decommissioned'
	), refs AS (
		SELECT DISTINCT requirement_ref FROM open
	), ctl AS (
		SELECT r.requirement_ref, jsonb_agg(jsonb_build_object('id', c.control_id, 'ref',
			c.control_ref, 'title', c.title, 'status', c.status, 'owner_id', c.owner_id,
			'via', c.via, 'relation', c.relation, 'evidence_reuse', c.evidence_reuse)
			ORDER BY c.control_ref) AS controls
		FROM refs r, LATERAL aiact_requirement_controls(r.requirement_ref) c
		GROUP BY r.requirement_ref
	)
	SELECT jsonb_build_object('as_of', p_as_of, 'quick_win_horizon_days', p_horizon,
		'workstreams', (SELECT jsonb_agg(jsonb_build_object('id', w.id, 'title', w.title,
			'kind', w.kind, 'duration_days', w.duration_days, 'depends_on',
			to_jsonb(w.depends_on)) ORDER BY w.ord) FROM aiact_workstreams w),
		'items', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', o.id,
			'ai_system_id', o.ai_system_id, 'system_ref', o.system_ref,
			'system_name', o.system_name, 'obligation_key', o.obligation_key,
			'article', o.article, 'requirement_ref', o.requirement_ref, 'title', o.title,
			'applies_from', o.applies_from, 'status', o.status, 'owner_id', o.owner_id,
			'owner_name', (SELECT coalesce(nullif(u.display_name, ''), u.email) FROM users u
				WHERE u.id = o.owner_id),
			'workstream', wa.workstream_id, 'controls', coalesce(ctl.controls, '[]'))
			ORDER BY o.system_ref, o.obligation_key), '[]')
			FROM open o
			LEFT JOIN aiact_workstream_articles wa ON wa.requirement_ref = o.requirement_ref
			LEFT JOIN ctl ON ctl.requirement_ref = o.requirement_ref))
$$;
GRANT EXECUTE ON FUNCTION aiact_roadmap_input(date, int) TO concord_app;

CREATE FUNCTION aiact_matrix_input() RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object('generated_at', now(), 'systems', coalesce(jsonb_agg(
		jsonb_build_object('id', s.id, 'ref', s.ref, 'name', s.name,
			'lifecycle_stage', s.lifecycle_stage, 'aiact_role', s.aiact_role,
			'assessment', CASE WHEN a.seq IS NULL THEN NULL ELSE jsonb_build_object(
				'effective_role', a.result->'effective_role',
				'risk_category', a.risk_category,
				'high_risk_basis', a.result->'high_risk_basis',
				'annex_iii_point', (a.answers::jsonb)->'annex_iii_point',
				'prohibited_practices', a.result->'prohibited_practices',
				'transparency_obligations', a.result->'transparency_obligations',
				'fria_required', a.result->'fria_required',
				'registration_required', a.result->'registration_required',
				'applies_from', a.applies_from, 'regime', a.regime,
				'rule_set_version', a.rule_set_version, 'assessed_at', a.created_at,
				'obligations', (SELECT coalesce(jsonb_agg(jsonb_build_object(
					'article', x.o->>'article', 'title', x.o->>'title',
					'bearer', x.o->>'bearer', 'applies_from', x.o->'applies_from',
					'status', ob.status) ORDER BY x.n), '[]')
					FROM jsonb_array_elements(a.result->'obligations') WITH ORDINALITY x(o, n)
					LEFT JOIN aiact_obligations ob ON ob.tenant_id = a.tenant_id
						AND ob.ai_system_id = a.ai_system_id AND ob.obligation_key = x.o->>'id'))
			END) ORDER BY s.ref), '[]'))
	FROM ai_systems s
	LEFT JOIN aiact_current a ON a.tenant_id = s.tenant_id AND a.ai_system_id = s.id
	WHERE s.tenant_id = app_tenant()
$$;
GRANT EXECUTE ON FUNCTION aiact_matrix_input() TO concord_app;
