-- 0042 AI Act compliance dossier: one SQL function gathers everything a system's dossier is
-- assembled from, so that GET /v1/ai-systems/{id}/aiact/dossier (api/aiact.c) and the job
-- aiact.dossier (workers/job_aiact_dossier.c, the exportable HTML + JSON dossier) read the
-- same facts; domain/obligations.c oblig_dossier() assembles them in both (through
-- domain/dossier.c dossier_assemble()).
--
--   aiact_dossier_input(p_system uuid) -> jsonb, NULL when the tenant has no such system:
--     system          {id, ref, name, intended_purpose, lifecycle_stage, aiact_role}
--     classification  null (never classified) or the current assessment: {seq, regime,
--                     rule_set_version, reason, risk_category, applies_from,
--                     annex_iii_point (the answer), created_at, result (engine output)}
--     template        the rows of aiact_dossier_template in order (id, ord, holder, part,
--                     condition, requirement_ref, basis, title, expects)
--     entries         the stored sections of the system (status, notes, links, version,
--                     updated_by, updated_at) with document_brief() / evidence_brief() (0040)
--                     of every linked item, in link order
--     locations       {documents: {id: location}, evidence: {id: location}} of the items
--                     the entries link: where an auditor finds each one (the export shows
--                     it; the briefs, and so the JSON dossier of the API, do not carry it)
--
-- SECURITY INVOKER (the default): row-level security applies as for the caller, so another
-- tenant's system is "no such system". No table is created: nothing to register in
-- tenant_tables.

CREATE FUNCTION aiact_dossier_input(p_system uuid) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object(
		'system', jsonb_build_object('id', s.id, 'ref', s.ref, 'name', s.name,
			'intended_purpose', s.intended_purpose, 'lifecycle_stage', s.lifecycle_stage,
			'aiact_role', s.aiact_role),
		'classification', (SELECT jsonb_build_object('seq', a.seq, 'regime', a.regime,
				'rule_set_version', a.rule_set_version, 'reason', a.reason,
				'risk_category', a.risk_category, 'applies_from', a.applies_from,
				'annex_iii_point', (a.answers::jsonb)->'annex_iii_point',
				'created_at', a.created_at, 'result', a.result)
			FROM aiact_current a WHERE a.ai_system_id = s.id),
		'template', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', t.id, 'ord', t.ord,
				'holder', t.holder, 'part', t.part, 'condition', t.condition,
				'requirement_ref', t.requirement_ref, 'basis', t.basis, 'title', t.title,
				'expects', to_jsonb(t.expects)) ORDER BY t.ord), '[]')
			FROM aiact_dossier_template t),
		'entries', (SELECT coalesce(jsonb_agg(jsonb_build_object('section_id', d.section_id,
				'status', d.status, 'notes', d.notes,
				'document_ids', to_jsonb(d.document_ids),
				'evidence_ids', to_jsonb(d.evidence_ids), 'version', d.version,
				'updated_by', d.updated_by, 'updated_at', d.updated_at,
				'documents', (SELECT coalesce(jsonb_agg(document_brief(u.id) ORDER BY u.n),
					'[]') FROM unnest(d.document_ids) WITH ORDINALITY u(id, n)),
				'evidence', (SELECT coalesce(jsonb_agg(evidence_brief(u.id) ORDER BY u.n),
					'[]') FROM unnest(d.evidence_ids) WITH ORDINALITY u(id, n)))
				ORDER BY d.section_id), '[]')
			FROM aiact_dossier_entries d WHERE d.ai_system_id = s.id),
		'locations', jsonb_build_object(
			'documents', (SELECT coalesce(jsonb_object_agg(x.id::text, x.location), '{}')
				FROM documents x WHERE x.id IN (SELECT unnest(d.document_ids)
					FROM aiact_dossier_entries d WHERE d.ai_system_id = s.id)),
			'evidence', (SELECT coalesce(jsonb_object_agg(x.id::text, x.location), '{}')
				FROM evidence x WHERE x.id IN (SELECT unnest(d.evidence_ids)
					FROM aiact_dossier_entries d WHERE d.ai_system_id = s.id))))
	FROM ai_systems s WHERE s.id = p_system
$$;
GRANT EXECUTE ON FUNCTION aiact_dossier_input(uuid) TO concord_app;
