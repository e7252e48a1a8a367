-- 0032 links from the AI registry and the AI Act obligations to other modules:
--   aiact_requirement_controls(ref)  controls of the tenant's library that serve a catalog
--                                    requirement directly (control_requirements) or through
--                                    the crosswalk (catalog_relations), with the relation read
--                                    from the requirement's side and whether evidence of the
--                                    control can be reused for it
--   aiact_requirement_info(ref)      the catalog row: title, guidance and typical evidence
--   risk_ai_systems                  the risk register's links to AI systems get their foreign
--                                    key to ai_systems here, when that table exists (it is
--                                    created by the risk register's migration without one)

-- p_ref is a public requirement id "<framework>:<ref>", e.g. "eu-ai-act:Art. 26". The
-- tenant's pinned catalog version of that framework selects the crosswalk rows.
CREATE FUNCTION aiact_requirement_controls(p_ref text)
RETURNS TABLE (control_id uuid, control_ref text, title text, status text, owner_id uuid,
	via text, relation text, evidence_reuse boolean)
LANGUAGE sql STABLE AS $$
	WITH req AS (
		SELECT split_part(p_ref, ':', 1) AS fw, substr(p_ref, strpos(p_ref, ':') + 1) AS ref
	), ver AS (
		SELECT catalog_version_for(fw) AS v FROM req
	), related (fw, ref, relation) AS (
		SELECT fw, ref, 'direct' FROM req
		UNION
		-- "A subset B" read from B's side is "B superset A"
		SELECT r.from_framework, r.from_ref, CASE r.relation WHEN 'subset' THEN 'superset'
			WHEN 'superset' THEN 'subset' ELSE r.relation END
		FROM catalog_relations r, req, ver
		WHERE r.catalog_version = ver.v AND r.to_framework = req.fw AND r.to_ref = req.ref
		UNION
		SELECT r.to_framework, r.to_ref, r.relation
		FROM catalog_relations r, req, ver
		WHERE r.catalog_version = ver.v AND r.from_framework = req.fw AND r.from_ref = req.ref
		  AND r.to_ref IS NOT NULL
	)
	SELECT DISTINCT ON (c.id) c.id, c.ref, c.title, c.status, c.owner_id,
		rel.fw || ':' || rel.ref, rel.relation,
		rel.relation IN ('direct', 'equal', 'subset', 'superset', 'intersects')
	FROM related rel
	JOIN control_requirements cr ON cr.tenant_id = app_tenant() AND cr.framework_id = rel.fw
		AND cr.ref = rel.ref
	JOIN controls c ON c.tenant_id = cr.tenant_id AND c.id = cr.control_id
	ORDER BY c.id, array_position(ARRAY['direct', 'equal', 'superset', 'subset', 'intersects',
		'related'], rel.relation), rel.fw, rel.ref
$$;
GRANT EXECUTE ON FUNCTION aiact_requirement_controls(text) TO concord_app;

CREATE FUNCTION aiact_requirement_info(p_ref text) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object('id', p_ref, 'framework_id', r.framework_id,
		'catalog_version', r.catalog_version, 'ref', r.ref, 'title', r.title,
		'typical_evidence', r.typical_evidence)
	FROM catalog_requirements r
	WHERE r.framework_id = split_part(p_ref, ':', 1)
	  AND r.ref = substr(p_ref, strpos(p_ref, ':') + 1)
	  AND r.catalog_version = catalog_version_for(split_part(p_ref, ':', 1))
$$;
GRANT EXECUTE ON FUNCTION aiact_requirement_info(text) TO concord_app;

DO $$
BEGIN
	IF to_regclass('risk_ai_systems') IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pg_constraint
			WHERE conrelid = 'risk_ai_systems'::regclass AND confrelid = 'ai_systems'::regclass) THEN
		ALTER TABLE risk_ai_systems ADD CONSTRAINT risk_ai_systems_system__ai_system_id
			FOREIGN KEY (tenant_id, ai_system_id) REFERENCES ai_systems (tenant_id, id)
			ON DELETE CASCADE;
		-- import and purge walk tenant_tables by ord: the link must come after ai_systems
		UPDATE tenant_tables SET ord = 3010 WHERE name = 'risk_ai_systems' AND ord < 3001;
	END IF;
END $$;

-- The risks linked to an AI system (risk register), as [{id, ref, title, type, status}].
-- Defined over risk_ai_systems when the risk register created it, else over no links.
DO $$
BEGIN
	IF to_regclass('risk_ai_systems') IS NOT NULL THEN
		EXECUTE $f$
		CREATE FUNCTION ai_system_risks(p_system uuid) RETURNS jsonb
		LANGUAGE sql STABLE AS $b$
			SELECT coalesce(jsonb_agg(jsonb_build_object('id', r.id, 'ref', r.ref,
				'title', r.title, 'type', r.type, 'status', r.status) ORDER BY r.ref), '[]')
			FROM risk_ai_systems l JOIN risks r ON r.tenant_id = l.tenant_id AND r.id = l.risk_id
			WHERE l.tenant_id = app_tenant() AND l.ai_system_id = p_system
		$b$ $f$;
	ELSE
		EXECUTE $f$
		CREATE FUNCTION ai_system_risks(p_system uuid) RETURNS jsonb
		LANGUAGE sql STABLE AS $b$ SELECT '[]'::jsonb $b$ $f$;
	END IF;
END $$;
GRANT EXECUTE ON FUNCTION ai_system_risks(uuid) TO concord_app;
