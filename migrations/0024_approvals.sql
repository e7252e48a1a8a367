-- 0024 approvable governance documents: the content that an approval freezes as a
-- baseline (charter, context, ISMS/AIMS scopes, RACI), and whether the current state
-- still equals the latest approved version. Baseline content is {"items": [{"key",
-- ...}]} (domain/baseline.h) so that two versions can be diffed item by item.
-- SECURITY INVOKER: row-level security limits everything to app.tenant_id.

-- Approval state of a document: "draft" (never approved), "approved" (the newest
-- baseline of p_kind holds exactly p_content) or "changed_since_approval".
CREATE FUNCTION approval_state(p_kind text, p_content jsonb) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT coalesce((SELECT jsonb_build_object(
			'status', CASE WHEN b.content = p_content THEN 'approved'
				ELSE 'changed_since_approval' END,
			'approved_version', b.number, 'approved_by', b.approved_by,
			'approved_by_name', user_label(b.approved_by), 'approved_at', b.approved_at,
			'sha256', b.sha256)
		FROM baselines b WHERE b.kind = p_kind ORDER BY b.number DESC LIMIT 1),
		jsonb_build_object('status', 'draft', 'approved_version', NULL))
$$;

CREATE FUNCTION charter_content() RETURNS jsonb LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object('items', jsonb_build_array(
			jsonb_build_object('key', 'title', 'value', c.title),
			jsonb_build_object('key', 'sponsor', 'id', c.sponsor_id,
				'name', user_label(c.sponsor_id)),
			jsonb_build_object('key', 'objectives', 'value', c.objectives),
			jsonb_build_object('key', 'scope_summary', 'value', c.scope_summary),
			jsonb_build_object('key', 'dates', 'start_date', c.start_date,
				'target_date', c.target_date))
		|| coalesce((SELECT jsonb_agg(jsonb_build_object('key', 'milestone:' || t.ref,
				'title', t.title, 'phase', t.phase, 'due_date', s.due_date) ORDER BY t.ord)
			FROM engagement_template t LEFT JOIN engagement_items s ON s.ref = t.ref
			WHERE t.kind = 'milestone'), '[]'))
	FROM project_charters c
$$;

CREATE FUNCTION charter_doc() RETURNS jsonb LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object('title', c.title, 'sponsor_id', c.sponsor_id,
		'sponsor_name', user_label(c.sponsor_id), 'objectives', c.objectives,
		'scope_summary', c.scope_summary, 'start_date', c.start_date,
		'target_date', c.target_date,
		'milestones', (SELECT jsonb_agg(jsonb_build_object('ref', t.ref, 'phase', t.phase,
				'title', t.title, 'due_date', s.due_date,
				'status', coalesce(s.status, 'not_started'), 'completed_on', s.completed_on)
				ORDER BY t.ord)
			FROM engagement_template t LEFT JOIN engagement_items s ON s.ref = t.ref
			WHERE t.kind = 'milestone'),
		'approval', approval_state('charter', charter_content()),
		'version', c.version, 'created_at', c.created_at, 'updated_at', c.updated_at)
	FROM project_charters c
$$;

-- Context of the organisation: issues and interested parties, keyed by id (stable
-- across renames).
CREATE FUNCTION context_content() RETURNS jsonb LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object('items',
		coalesce((SELECT jsonb_agg(jsonb_build_object('key', 'issue:' || i.id, 'kind', i.kind,
				'title', i.title, 'description', i.description, 'category', i.category,
				'applies_to', i.applies_to) ORDER BY i.created_at, i.id)
			FROM context_issues i), '[]')
		|| coalesce((SELECT jsonb_agg(jsonb_build_object('key', 'party:' || p.id,
				'name', p.name, 'category', p.category, 'kind', p.kind,
				'applies_to', p.applies_to, 'requirements', p.requirements)
				ORDER BY p.created_at, p.id)
			FROM interested_parties p), '[]'))
$$;

CREATE FUNCTION scope_content(p_system text) RETURNS jsonb LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object('system', s.system, 'items', jsonb_build_array(
		jsonb_build_object('key', 'description', 'value', s.description),
		jsonb_build_object('key', 'entities', 'values', s.entities),
		jsonb_build_object('key', 'products', 'values', s.products),
		jsonb_build_object('key', 'sites', 'values', s.sites),
		jsonb_build_object('key', 'environments', 'values', s.environments),
		jsonb_build_object('key', 'data', 'values', s.data),
		jsonb_build_object('key', 'suppliers', 'values', s.suppliers),
		jsonb_build_object('key', 'exclusions', 'values', s.exclusions),
		jsonb_build_object('key', 'ai_roles', 'values', s.ai_roles),
		jsonb_build_object('key', 'interfaces', 'value', s.interfaces)))
	FROM scopes s WHERE s.system = p_system
$$;

CREATE FUNCTION scope_doc(p_system text) RETURNS jsonb LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object('system', s.system, 'description', s.description,
		'entities', s.entities, 'products', s.products, 'sites', s.sites,
		'environments', s.environments, 'data', s.data, 'suppliers', s.suppliers,
		'exclusions', s.exclusions, 'ai_roles', s.ai_roles, 'interfaces', s.interfaces,
		'approval', approval_state('scope:' || s.system, scope_content(s.system)),
		'version', s.version, 'updated_at', s.updated_at)
	FROM scopes s WHERE s.system = p_system
$$;

CREATE FUNCTION raci_content() RETURNS jsonb LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object('roles', m.roles, 'items',
		coalesce((SELECT jsonb_agg(jsonb_build_object('key', 'role:' || (r->>'key'),
				'name', r->'name', 'platform_role', r->'platform_role') ORDER BY o)
			FROM jsonb_array_elements(m.roles) WITH ORDINALITY x(r, o)), '[]')
		|| coalesce((SELECT jsonb_agg(jsonb_build_object('key', 'activity:' || (a->>'key'),
				'name', a->'name', 'phase', a->'phase', 'assignments', a->'assignments')
				ORDER BY o)
			FROM jsonb_array_elements(m.activities) WITH ORDINALITY x(a, o)), '[]'))
	FROM raci_matrices m
$$;

CREATE FUNCTION raci_doc() RETURNS jsonb LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object('roles', m.roles, 'activities', m.activities,
		'approval', approval_state('raci', raci_content()),
		'version', m.version, 'updated_at', m.updated_at)
	FROM raci_matrices m
$$;

GRANT EXECUTE ON FUNCTION approval_state(text, jsonb), charter_content(), charter_doc(),
	context_content(), scope_content(text), scope_doc(text), raci_content(), raci_doc()
	TO concord_app;
