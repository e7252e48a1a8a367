-- 0023 the JSON documents of governance, KPIs and the risk register, built by
-- PostgreSQL in one place so that the API, the baselines (frozen content) and the
-- report jobs all show the same thing. Every function here runs with the caller's
-- rights (SECURITY INVOKER), so row-level security limits it to app.tenant_id.

-- Position (1 = least severe) of a risk level key in a methodology, NULL if unknown.
CREATE FUNCTION risk_level_rank(p_method jsonb, p_level text) RETURNS int
LANGUAGE sql IMMUTABLE AS $$
	SELECT o::int FROM jsonb_array_elements(p_method->'levels') WITH ORDINALITY x(l, o)
	WHERE l->>'key' = p_level
$$;

-- The methodology in force (newest revision), or NULL.
CREATE FUNCTION risk_method_current() RETURNS jsonb LANGUAGE sql STABLE AS $$
	SELECT content || jsonb_build_object('revision', revision) FROM risk_methodologies
	ORDER BY revision DESC LIMIT 1
$$;

CREATE FUNCTION user_label(p_user uuid) RETURNS text LANGUAGE sql STABLE AS $$
	SELECT coalesce(nullif(u.display_name, ''), u.email) FROM users u WHERE u.id = p_user
$$;

-- One risk as the API returns it (and, minus volatile fields, as a baseline item).
CREATE FUNCTION risk_doc(r risks) RETURNS jsonb LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object(
		'id', r.id, 'ref', r.ref, 'type', r.type, 'title', r.title,
		'description', r.description, 'status', r.status,
		'owner_id', r.owner_id, 'owner_name', user_label(r.owner_id),
		'risk_source', r.risk_source, 'vulnerability', r.vulnerability,
		'consequences', r.consequences,
		'annex_c_sources', to_jsonb(r.annex_c_sources),
		'annex_c_objectives', to_jsonb(r.annex_c_objectives),
		'assets', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', a.id, 'name', a.name)
				ORDER BY a.name, a.id), '[]')
			FROM risk_assets ra JOIN assets a ON a.tenant_id = ra.tenant_id AND a.id = ra.asset_id
			WHERE ra.tenant_id = r.tenant_id AND ra.risk_id = r.id),
		'ai_system_ids', (SELECT coalesce(jsonb_agg(x.ai_system_id ORDER BY x.ai_system_id), '[]')
			FROM risk_ai_systems x WHERE x.tenant_id = r.tenant_id AND x.risk_id = r.id),
		'existing_controls', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', c.id,
				'ref', c.ref, 'title', c.title) ORDER BY c.ref), '[]')
			FROM risk_controls rc JOIN controls c ON c.tenant_id = rc.tenant_id AND c.id = rc.control_id
			WHERE rc.tenant_id = r.tenant_id AND rc.risk_id = r.id AND rc.relation = 'existing'),
		'planned_controls', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', c.id,
				'ref', c.ref, 'title', c.title) ORDER BY c.ref), '[]')
			FROM risk_controls rc JOIN controls c ON c.tenant_id = rc.tenant_id AND c.id = rc.control_id
			WHERE rc.tenant_id = r.tenant_id AND rc.risk_id = r.id AND rc.relation = 'planned'),
		'inherent', CASE WHEN r.inherent_likelihood IS NULL THEN NULL ELSE jsonb_build_object(
			'likelihood', r.inherent_likelihood, 'impact', r.inherent_impact,
			'ai_impacts', r.inherent_ai_impacts, 'effective_impact', r.inherent_eff_impact,
			'level', r.inherent_level) END,
		'residual', CASE WHEN r.residual_likelihood IS NULL THEN NULL ELSE jsonb_build_object(
			'likelihood', r.residual_likelihood, 'impact', r.residual_impact,
			'ai_impacts', r.residual_ai_impacts, 'effective_impact', r.residual_eff_impact,
			'level', r.residual_level) END,
		'current_level', coalesce(r.residual_level, r.inherent_level),
		'above_appetite', (SELECT risk_level_rank(m.content, coalesce(r.residual_level, r.inherent_level))
				> risk_level_rank(m.content, m.content->>'appetite')
			FROM risk_methodologies m ORDER BY m.revision DESC LIMIT 1),
		'treatment_option', r.treatment_option,
		'actions', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', a.id, 'title', a.title,
				'description', a.description, 'owner_id', a.owner_id,
				'owner_name', user_label(a.owner_id), 'due_date', a.due_date,
				'status', a.status, 'completed_on', a.completed_on, 'version', a.version)
				ORDER BY a.created_at, a.id), '[]')
			FROM risk_treatment_actions a WHERE a.tenant_id = r.tenant_id AND a.risk_id = r.id),
		'acceptance', CASE WHEN r.accepted_at IS NULL THEN NULL ELSE jsonb_build_object(
			'accepted_by', r.accepted_by, 'accepted_by_name', user_label(r.accepted_by),
			'role', r.accepted_role, 'accepted_at', r.accepted_at,
			'rationale', r.acceptance_rationale, 'expires_on', r.acceptance_expires) END,
		'next_review_date', r.next_review_date,
		'methodology_revision', r.methodology_revision,
		'version', r.version, 'created_at', r.created_at, 'updated_at', r.updated_at)
$$;

-- The register as frozen in a "risk_register" baseline: items keyed by ref.
CREATE FUNCTION risk_register_content() RETURNS jsonb LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object(
		'methodology_revision', (SELECT max(revision) FROM risk_methodologies),
		'items', coalesce(jsonb_agg((risk_doc(r) - 'version' - 'created_at' - 'updated_at')
			|| jsonb_build_object('key', r.ref) ORDER BY r.ref), '[]'))
	FROM risks r
$$;

-- Heat map: counts of risks (closed ones excluded) per cell of the matrix, inherent
-- and residual; rows are likelihood 1..n, columns effective impact 1..m. p_type NULL
-- means both IS and AI risks. NULL when the tenant has no methodology.
CREATE FUNCTION risk_heatmap(p_type text) RETURNS jsonb LANGUAGE sql STABLE AS $$
	WITH m AS (SELECT content, revision FROM risk_methodologies ORDER BY revision DESC LIMIT 1),
	d AS (SELECT content, revision, jsonb_array_length(content->'likelihood') AS nl,
		jsonb_array_length(content->'impact') AS ni FROM m),
	rs AS (SELECT * FROM risks WHERE (p_type IS NULL OR type = p_type) AND status <> 'closed'),
	inh AS (SELECT inherent_likelihood AS l, inherent_eff_impact AS i, count(*) AS n FROM rs
		WHERE inherent_likelihood IS NOT NULL GROUP BY 1, 2),
	res AS (SELECT residual_likelihood AS l, residual_eff_impact AS i, count(*) AS n FROM rs
		WHERE residual_likelihood IS NOT NULL GROUP BY 1, 2)
	SELECT jsonb_build_object(
		'type', coalesce(p_type, 'all'),
		'methodology_revision', d.revision,
		'likelihood', (SELECT jsonb_agg(jsonb_build_object('level', x->'level', 'name', x->'name')
			ORDER BY (x->>'level')::int) FROM jsonb_array_elements(d.content->'likelihood') x),
		'impact', (SELECT jsonb_agg(jsonb_build_object('level', x->'level', 'name', x->'name')
			ORDER BY (x->>'level')::int) FROM jsonb_array_elements(d.content->'impact') x),
		'levels', d.content->'levels',
		'matrix', d.content->'matrix',
		'inherent', (SELECT jsonb_agg((SELECT jsonb_agg(coalesce((SELECT n FROM inh
				WHERE inh.l = gl AND inh.i = gi), 0) ORDER BY gi)
				FROM generate_series(1, d.ni) gi) ORDER BY gl)
			FROM generate_series(1, d.nl) gl),
		'residual', (SELECT jsonb_agg((SELECT jsonb_agg(coalesce((SELECT n FROM res
				WHERE res.l = gl AND res.i = gi), 0) ORDER BY gi)
				FROM generate_series(1, d.ni) gi) ORDER BY gl)
			FROM generate_series(1, d.nl) gl),
		'inherent_total', (SELECT coalesce(sum(n), 0) FROM inh),
		'residual_total', (SELECT coalesce(sum(n), 0) FROM res),
		'risks', (SELECT count(*) FROM rs))
	FROM d
$$;

-- Figures of the register for dashboards and the consultancy portfolio.
CREATE FUNCTION risk_summary() RETURNS jsonb LANGUAGE sql STABLE AS $$
	WITH m AS (SELECT content FROM risk_methodologies ORDER BY revision DESC LIMIT 1),
	r AS (SELECT rk.*, coalesce(rk.residual_level, rk.inherent_level) AS lvl,
		risk_level_rank((SELECT content FROM m), coalesce(rk.residual_level, rk.inherent_level))
			> risk_level_rank((SELECT content FROM m), (SELECT content->>'appetite' FROM m))
			AS above
		FROM risks rk WHERE rk.status <> 'closed')
	SELECT jsonb_build_object(
		'open_risks', count(*),
		'is', count(*) FILTER (WHERE type = 'is'),
		'ai', count(*) FILTER (WHERE type = 'ai'),
		'by_level', (SELECT coalesce(jsonb_object_agg(coalesce(lvl, 'unassessed'), n), '{}')
			FROM (SELECT lvl, count(*) AS n FROM r GROUP BY lvl) x),
		'above_appetite', count(*) FILTER (WHERE above),
		'above_appetite_untreated', count(*) FILTER (WHERE above AND treatment_option IS NULL
			AND status <> 'accepted'),
		'accepted', count(*) FILTER (WHERE status = 'accepted'),
		'acceptance_expired', count(*) FILTER (WHERE acceptance_expires < current_date),
		'review_overdue', count(*) FILTER (WHERE next_review_date < current_date),
		'actions_overdue', (SELECT count(*) FROM risk_treatment_actions a JOIN r
			ON r.tenant_id = a.tenant_id AND r.id = a.risk_id
			WHERE a.status IN ('planned', 'in_progress') AND a.due_date < current_date))
	FROM r
$$;

-- One KPI with its objectives, latest measurement and latest computed status.
CREATE FUNCTION kpi_doc(k kpis) RETURNS jsonb LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object(
		'id', k.id, 'ref', k.ref, 'name', k.name, 'definition', k.definition, 'unit', k.unit,
		'direction', k.direction, 'target', k.target,
		'warning_threshold', k.warning_threshold, 'critical_threshold', k.critical_threshold,
		'frequency', k.frequency, 'owner_id', k.owner_id, 'owner_name', user_label(k.owner_id),
		'source', k.source, 'applies_to', k.applies_to, 'start_date', k.start_date,
		'active', k.active,
		'objective_ids', (SELECT coalesce(jsonb_agg(ok.objective_id ORDER BY ok.objective_id), '[]')
			FROM objective_kpis ok WHERE ok.tenant_id = k.tenant_id AND ok.kpi_id = k.id),
		'latest_measurement', (SELECT jsonb_build_object('measured_on', m.measured_on,
				'value', m.value) FROM kpi_measurements m
			WHERE m.tenant_id = k.tenant_id AND m.kpi_id = k.id
			ORDER BY m.measured_on DESC, m.created_at DESC LIMIT 1),
		'status', (SELECT to_jsonb(s) - 'tenant_id' - 'kpi_id' FROM kpi_snapshots s
			WHERE s.tenant_id = k.tenant_id AND s.kpi_id = k.id ORDER BY s.as_of DESC LIMIT 1),
		'version', k.version, 'created_at', k.created_at, 'updated_at', k.updated_at)
$$;

-- Latest computed status of every active KPI, counted.
CREATE FUNCTION kpi_summary() RETURNS jsonb LANGUAGE sql STABLE AS $$
	WITH latest AS (SELECT DISTINCT ON (s.kpi_id) s.* FROM kpi_snapshots s
		JOIN kpis k ON k.tenant_id = s.tenant_id AND k.id = s.kpi_id
		WHERE k.active ORDER BY s.kpi_id, s.as_of DESC)
	SELECT jsonb_build_object(
		'kpis', (SELECT count(*) FROM kpis WHERE active),
		'ok', count(*) FILTER (WHERE status = 'ok'),
		'warning', count(*) FILTER (WHERE status = 'warning'),
		'critical', count(*) FILTER (WHERE status = 'critical'),
		'no_data', count(*) FILTER (WHERE status = 'no_data'),
		'not_computed', (SELECT count(*) FROM kpis WHERE active) - count(*),
		'target_met', count(*) FILTER (WHERE target_met),
		'improving', count(*) FILTER (WHERE trend = 'improving'),
		'deteriorating', count(*) FILTER (WHERE trend = 'deteriorating'),
		'missing_periods', coalesce(sum(missing_count), 0),
		'as_of', max(as_of))
	FROM latest
$$;

-- One condition of a derived deliverable (engagement_template.derive), evaluated on
-- the tenant's data: {"label", "met", "detail"}.
CREATE FUNCTION engagement_condition(c jsonb) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
DECLARE
	met boolean := false;
	detail text;
	b record;
	n bigint;
	total bigint;
BEGIN
	IF c ? 'baseline' THEN
		SELECT bl.number, bl.approved_at INTO b FROM baselines bl
		WHERE bl.kind = c->>'baseline' AND bl.number >= coalesce((c->>'number')::int, 1)
		  AND (NOT c ? 'item_type' OR EXISTS (SELECT 1 FROM jsonb_array_elements(bl.content->'items') i
			WHERE i->>'type' = c->>'item_type'))
		ORDER BY bl.number LIMIT 1;
		IF FOUND THEN
			met := true;
			detail := format('%s v%s frozen on %s', c->>'baseline', b.number,
				to_char(b.approved_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'));
		END IF;
	ELSIF c->>'count' = 'committees' THEN
		SELECT count(*) INTO n FROM committees;
		met := n >= 1;
		detail := format('%s committee(s)', n);
	ELSIF c->>'count' = 'objectives_with_kpis' THEN
		SELECT count(*), count(*) FILTER (WHERE EXISTS (SELECT 1 FROM objective_kpis ok
			WHERE ok.tenant_id = o.tenant_id AND ok.objective_id = o.id))
		INTO total, n FROM objectives o WHERE o.status <> 'cancelled';
		met := total >= 1 AND n = total;
		detail := format('%s of %s objective(s) linked to a KPI', n, total);
	ELSIF c->>'count' = 'kpi_snapshots' THEN
		SELECT count(DISTINCT kpi_id) INTO n FROM kpi_snapshots;
		met := n >= 1;
		detail := format('%s KPI(s) with a computed status', n);
	ELSE
		RAISE EXCEPTION 'unknown engagement condition %', c;
	END IF;
	RETURN jsonb_build_object('label', c->>'label', 'met', met, 'detail', detail);
END $$;

-- The engagement plan: every template item with the tenant's state and its effective
-- status (derived deliverables are done when all their conditions hold; a phase is
-- done when all its activities and deliverables are done or not applicable).
CREATE FUNCTION engagement_plan() RETURNS jsonb LANGUAGE sql STABLE AS $$
	WITH it AS (
		SELECT t.ref, t.kind, t.phase, t.ord, t.title, t.derive, s.status AS manual,
			s.owner_id, s.due_date, s.completed_on, coalesce(s.note, '') AS note,
			coalesce(s.version, 1) AS version,
			(SELECT jsonb_agg(engagement_condition(x.c) ORDER BY x.o)
				FROM jsonb_array_elements(t.derive) WITH ORDINALITY x(c, o)) AS conditions
		FROM engagement_template t LEFT JOIN engagement_items s ON s.ref = t.ref
		WHERE t.kind <> 'phase'),
	st AS (
		SELECT it.*,
			CASE WHEN it.manual = 'not_applicable' THEN 'not_applicable'
			     WHEN it.derive IS NOT NULL AND NOT EXISTS (SELECT 1
				FROM jsonb_array_elements(it.conditions) c WHERE NOT (c->>'met')::boolean)
				THEN 'done'
			     ELSE coalesce(it.manual, 'not_started') END AS status,
			CASE WHEN it.derive IS NULL THEN 'manual' ELSE 'derived' END AS status_source
		FROM it),
	doc AS (
		SELECT st.*, jsonb_strip_nulls(jsonb_build_object('ref', st.ref, 'kind', st.kind,
			'title', st.title, 'status', st.status, 'status_source', st.status_source,
			'conditions', st.conditions, 'owner_id', st.owner_id,
			'owner_name', user_label(st.owner_id), 'due_date', st.due_date,
			'completed_on', st.completed_on, 'note', st.note))
			|| jsonb_build_object('version', st.version) AS j
		FROM st)
	SELECT jsonb_build_object(
		'phases', (SELECT jsonb_agg(jsonb_build_object('ref', p.ref, 'phase', p.phase,
				'title', p.title,
				'status', CASE
					WHEN NOT EXISTS (SELECT 1 FROM doc WHERE doc.phase = p.phase
						AND doc.kind <> 'milestone'
						AND doc.status NOT IN ('done', 'not_applicable')) THEN 'done'
					WHEN EXISTS (SELECT 1 FROM doc WHERE doc.phase = p.phase
						AND doc.kind <> 'milestone'
						AND doc.status IN ('in_progress', 'done')) THEN 'in_progress'
					ELSE 'not_started' END,
				'activities', (SELECT coalesce(jsonb_agg(doc.j ORDER BY doc.ord), '[]') FROM doc
					WHERE doc.phase = p.phase AND doc.kind = 'activity'),
				'deliverables', (SELECT coalesce(jsonb_agg(doc.j ORDER BY doc.ord), '[]') FROM doc
					WHERE doc.phase = p.phase AND doc.kind = 'deliverable'),
				'milestones', (SELECT coalesce(jsonb_agg(doc.j ORDER BY doc.ord), '[]') FROM doc
					WHERE doc.phase = p.phase AND doc.kind = 'milestone'))
				ORDER BY p.ord)
			FROM engagement_template p WHERE p.kind = 'phase'),
		'deliverables', jsonb_build_object(
			'total', (SELECT count(*) FROM doc WHERE kind = 'deliverable'),
			'done', (SELECT count(*) FROM doc WHERE kind = 'deliverable' AND status = 'done'),
			'derived_done', (SELECT count(*) FROM doc WHERE kind = 'deliverable'
				AND status = 'done' AND status_source = 'derived')))
$$;

GRANT EXECUTE ON FUNCTION risk_level_rank(jsonb, text), risk_method_current(), user_label(uuid),
	risk_doc(risks), risk_register_content(), risk_heatmap(text), risk_summary(),
	kpi_doc(kpis), kpi_summary(), engagement_condition(jsonb), engagement_plan() TO concord_app;
