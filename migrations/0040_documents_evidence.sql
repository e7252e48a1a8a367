-- 0040 documented information and evidence: the register of the tenant's policies,
-- procedures, plans and records (27001/42001 clause 7.5) and the evidence catalog that
-- shows controls operate and obligations are met.
--
--   documents              one row per controlled document: reference, kind, title, the
--                          author's version label, where the content lives (and its hash),
--                          owner, classification, review interval; status draft ->
--                          in_review -> approved -> retired. Only document_approve()
--                          makes a document approved.
--   document_approvals     immutable history: what was approved (version label, location,
--                          hash, title), by whom, when
--   document_requirements  the catalog requirements a document is the documented
--                          information for ("iso27001-2022:5.2" = the IS policy)
--   document_controls      the controls a document governs
--   evidence               one item of evidence: what it is, where it lives (and its hash),
--                          which system produced it, when it was collected and until when
--                          it stays valid, the document it is a record under
--   evidence_controls      the controls it shows operating
--   evidence_requirements  the catalog requirements it serves directly
--
-- AI Act obligation items and dossier sections link documents and evidence by id
-- (aiact_obligations / aiact_dossier_entries, checked by ai_link_exists of 0030, which
-- finds these tables by name). A document or evidence item that anything links to
-- cannot be deleted (document_links / evidence_links say where), and an approved
-- document is retired, never deleted, so every link an auditor follows still resolves.
--
-- Owned by api/documents.c and api/evidence.c; read by the Phase 1 pack
-- (workers/job_phase1_pack.c), the engagement plan (P1.D6 is derived from approved
-- policies) and the control library (api/controls.c shows a control's documents and
-- evidence).

CREATE TABLE documents (
	tenant_id uuid NOT NULL REFERENCES tenants (id),
	id uuid NOT NULL DEFAULT gen_random_uuid(),
	ref text NOT NULL CONSTRAINT documents_ref__ref CHECK (length(ref) BETWEEN 1 AND 40),
	kind text NOT NULL CONSTRAINT documents_kind__kind CHECK (kind IN ('policy', 'procedure',
		'plan', 'standard', 'register', 'record', 'report', 'other')),
	title text NOT NULL CONSTRAINT documents_title__title CHECK (length(title) BETWEEN 1 AND 300),
	summary text NOT NULL DEFAULT ''
		CONSTRAINT documents_summary__summary CHECK (length(summary) <= 5000),
	doc_version text NOT NULL DEFAULT '0.1'
		CONSTRAINT documents_doc_version__doc_version CHECK (length(doc_version) BETWEEN 1 AND 20),
	location text NOT NULL DEFAULT ''
		CONSTRAINT documents_location__location CHECK (length(location) <= 2000),
	content_sha256 text CONSTRAINT documents_sha256__content_sha256
		CHECK (content_sha256 ~ '^[0-9a-f]{64}$'),
	classification text NOT NULL DEFAULT 'internal'
		CONSTRAINT documents_classification__classification
		CHECK (classification IN ('public', 'internal', 'confidential', 'restricted')),
	owner_id uuid,
	status text NOT NULL DEFAULT 'draft' CONSTRAINT documents_status__status
		CHECK (status IN ('draft', 'in_review', 'approved', 'retired')),
	review_months int NOT NULL DEFAULT 12
		CONSTRAINT documents_review_months__review_months CHECK (review_months BETWEEN 1 AND 60),
	approved_by uuid,
	approved_at timestamptz,
	next_review_on date,
	version int NOT NULL DEFAULT 1,
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (tenant_id, id),
	CONSTRAINT documents_ref_unique__ref UNIQUE (tenant_id, ref),
	CONSTRAINT documents_owner__owner_id FOREIGN KEY (tenant_id, owner_id)
		REFERENCES memberships (tenant_id, user_id) ON DELETE SET NULL (owner_id),
	CONSTRAINT documents_approval__status CHECK ((status = 'approved') = (approved_at IS NOT NULL))
);
CREATE INDEX documents_kind ON documents (tenant_id, kind, ref);

CREATE TABLE document_approvals (
	tenant_id uuid NOT NULL REFERENCES tenants (id),
	id uuid NOT NULL DEFAULT gen_random_uuid(),
	document_id uuid NOT NULL,
	seq int NOT NULL,
	doc_version text NOT NULL,
	title text NOT NULL,
	location text NOT NULL,
	content_sha256 text,
	note text NOT NULL DEFAULT '' CONSTRAINT document_approvals_note__note CHECK (length(note) <= 2000),
	approved_by uuid NOT NULL,
	approved_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (tenant_id, id),
	CONSTRAINT document_approvals_seq UNIQUE (tenant_id, document_id, seq),
	CONSTRAINT document_approvals_document__document_id FOREIGN KEY (tenant_id, document_id)
		REFERENCES documents (tenant_id, id)
);

CREATE TABLE document_requirements (
	tenant_id uuid NOT NULL REFERENCES tenants (id),
	document_id uuid NOT NULL,
	framework_id text NOT NULL,
	ref text NOT NULL,
	PRIMARY KEY (tenant_id, document_id, framework_id, ref),
	CONSTRAINT document_requirements_document__document_id FOREIGN KEY (tenant_id, document_id)
		REFERENCES documents (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX document_requirements_ref ON document_requirements (tenant_id, framework_id, ref);

CREATE TABLE document_controls (
	tenant_id uuid NOT NULL REFERENCES tenants (id),
	document_id uuid NOT NULL,
	control_id uuid NOT NULL,
	PRIMARY KEY (tenant_id, document_id, control_id),
	CONSTRAINT document_controls_document__document_id FOREIGN KEY (tenant_id, document_id)
		REFERENCES documents (tenant_id, id) ON DELETE CASCADE,
	CONSTRAINT document_controls_control__control_ids FOREIGN KEY (tenant_id, control_id)
		REFERENCES controls (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX document_controls_control ON document_controls (tenant_id, control_id);

CREATE TABLE evidence (
	tenant_id uuid NOT NULL REFERENCES tenants (id),
	id uuid NOT NULL DEFAULT gen_random_uuid(),
	title text NOT NULL CONSTRAINT evidence_title__title CHECK (length(title) BETWEEN 1 AND 300),
	description text NOT NULL DEFAULT ''
		CONSTRAINT evidence_description__description CHECK (length(description) <= 5000),
	kind text NOT NULL CONSTRAINT evidence_kind__kind CHECK (kind IN ('record', 'log', 'report',
		'screenshot', 'configuration', 'attestation', 'certificate', 'minutes', 'other')),
	source text NOT NULL DEFAULT '' CONSTRAINT evidence_source__source CHECK (length(source) <= 200),
	location text NOT NULL
		CONSTRAINT evidence_location__location CHECK (length(location) BETWEEN 1 AND 2000),
	sha256 text CONSTRAINT evidence_sha256__sha256 CHECK (sha256 ~ '^[0-9a-f]{64}$'),
	collected_on date NOT NULL,
	collected_by uuid,
	valid_until date,
	document_id uuid,
	version int NOT NULL DEFAULT 1,
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (tenant_id, id),
	CONSTRAINT evidence_validity__valid_until CHECK (valid_until IS NULL OR valid_until >= collected_on),
	CONSTRAINT evidence_collector__collected_by FOREIGN KEY (tenant_id, collected_by)
		REFERENCES memberships (tenant_id, user_id) ON DELETE SET NULL (collected_by),
	CONSTRAINT evidence_document__document_id FOREIGN KEY (tenant_id, document_id)
		REFERENCES documents (tenant_id, id)
);
CREATE INDEX evidence_collected ON evidence (tenant_id, collected_on DESC, id);
CREATE INDEX evidence_document ON evidence (tenant_id, document_id);

CREATE TABLE evidence_controls (
	tenant_id uuid NOT NULL REFERENCES tenants (id),
	evidence_id uuid NOT NULL,
	control_id uuid NOT NULL,
	PRIMARY KEY (tenant_id, evidence_id, control_id),
	CONSTRAINT evidence_controls_evidence__evidence_id FOREIGN KEY (tenant_id, evidence_id)
		REFERENCES evidence (tenant_id, id) ON DELETE CASCADE,
	CONSTRAINT evidence_controls_control__control_ids FOREIGN KEY (tenant_id, control_id)
		REFERENCES controls (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX evidence_controls_control ON evidence_controls (tenant_id, control_id);

CREATE TABLE evidence_requirements (
	tenant_id uuid NOT NULL REFERENCES tenants (id),
	evidence_id uuid NOT NULL,
	framework_id text NOT NULL,
	ref text NOT NULL,
	PRIMARY KEY (tenant_id, evidence_id, framework_id, ref),
	CONSTRAINT evidence_requirements_evidence__evidence_id FOREIGN KEY (tenant_id, evidence_id)
		REFERENCES evidence (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX evidence_requirements_ref ON evidence_requirements (tenant_id, framework_id, ref);

DO $$
DECLARE t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['documents', 'document_approvals', 'document_requirements',
		'document_controls', 'evidence', 'evidence_controls', 'evidence_requirements']
	LOOP
		EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
		EXECUTE format('CREATE POLICY %I ON %I USING (tenant_id = app_tenant())'
			' WITH CHECK (tenant_id = app_tenant())', t || '_tenant', t);
	END LOOP;
END $$;
GRANT SELECT, INSERT ON document_approvals TO concord_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON documents, document_requirements, document_controls,
	evidence, evidence_controls, evidence_requirements TO concord_app;

INSERT INTO tenant_tables (name, ord, exported) VALUES
	('documents', 4000, true),
	('document_approvals', 4001, true),
	('document_requirements', 4002, true),
	('document_controls', 4003, true),
	('evidence', 4004, true),
	('evidence_controls', 4005, true),
	('evidence_requirements', 4006, true);

-- Where a document is linked from, as {"<where>": count} for the non-zero ones: the
-- reasons it cannot be deleted.
CREATE FUNCTION document_links(p_id uuid) RETURNS jsonb LANGUAGE sql STABLE AS $$
	SELECT coalesce(jsonb_object_agg(k, n) FILTER (WHERE n > 0), '{}') FROM (VALUES
		('evidence', (SELECT count(*) FROM evidence WHERE document_id = p_id)),
		('ai_systems', (SELECT count(*) FROM ai_system_documents WHERE document_id = p_id)),
		('ai_system_records', (SELECT count(*) FROM ai_system_records
			WHERE p_id = ANY (document_ids))),
		('aiact_obligations', (SELECT count(*) FROM aiact_obligations
			WHERE p_id = ANY (document_ids))),
		('aiact_dossier_sections', (SELECT count(*) FROM aiact_dossier_entries
			WHERE p_id = ANY (document_ids))),
		('approvals', (SELECT count(*) FROM document_approvals WHERE document_id = p_id))
	) AS x(k, n)
$$;

CREATE FUNCTION evidence_links(p_id uuid) RETURNS jsonb LANGUAGE sql STABLE AS $$
	SELECT coalesce(jsonb_object_agg(k, n) FILTER (WHERE n > 0), '{}') FROM (VALUES
		('controls', (SELECT count(*) FROM evidence_controls WHERE evidence_id = p_id)),
		('aiact_obligations', (SELECT count(*) FROM aiact_obligations
			WHERE p_id = ANY (evidence_ids))),
		('aiact_dossier_sections', (SELECT count(*) FROM aiact_dossier_entries
			WHERE p_id = ANY (evidence_ids)))
	) AS x(k, n)
$$;
GRANT EXECUTE ON FUNCTION document_links(uuid), evidence_links(uuid) TO concord_app;

-- A document's short form, as other modules show a link to it.
CREATE FUNCTION document_brief(p_id uuid) RETURNS jsonb LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object('id', d.id, 'ref', d.ref, 'kind', d.kind, 'title', d.title,
		'doc_version', d.doc_version, 'status', d.status, 'approved_at', d.approved_at,
		'next_review_on', d.next_review_on)
	FROM documents d WHERE d.id = p_id
$$;
CREATE FUNCTION evidence_brief(p_id uuid) RETURNS jsonb LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object('id', v.id, 'title', v.title, 'kind', v.kind, 'collected_on',
		v.collected_on, 'valid_until', v.valid_until, 'current',
		v.valid_until IS NULL OR v.valid_until >= current_date)
	FROM evidence v WHERE v.id = p_id
$$;
GRANT EXECUTE ON FUNCTION document_brief(uuid), evidence_brief(uuid) TO concord_app;

-- Approve a document: the caller (app_user()) approves what the row says now. Checks the
-- expected row version ({"conflict": current} when it differs); the document must have a
-- location (what is approved must be somewhere an auditor can read it) and must not be
-- retired. Records the approval, sets the next review date. NULL when it does not
-- exist. Rule violations raise P0001 with HINT = the offending field (the API answers 422).
CREATE FUNCTION document_approve(p_id uuid, p_version int, p_note text) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
	d documents;
	n int;
BEGIN
	SELECT * INTO d FROM documents WHERE tenant_id = app_tenant() AND id = p_id FOR UPDATE;
	IF NOT FOUND THEN
		RETURN NULL;
	END IF;
	IF d.version <> p_version THEN
		RETURN jsonb_build_object('conflict', d.version);
	END IF;
	IF app_user() IS NULL THEN
		RAISE EXCEPTION 'an approval needs a person' USING HINT = 'approved_by';
	END IF;
	IF d.status = 'retired' THEN
		RAISE EXCEPTION 'a retired document cannot be approved; create a new version'
			USING HINT = 'status';
	END IF;
	IF d.status = 'approved' THEN
		RAISE EXCEPTION 'this version of the document is already approved' USING HINT = 'status';
	END IF;
	IF d.location = '' THEN
		RAISE EXCEPTION 'set the location of the content before approving it'
			USING HINT = 'location';
	END IF;
	SELECT count(*) INTO n FROM document_approvals WHERE document_id = p_id;
	INSERT INTO document_approvals (tenant_id, document_id, seq, doc_version, title, location,
		content_sha256, note, approved_by)
	VALUES (app_tenant(), p_id, n + 1, d.doc_version, d.title, d.location, d.content_sha256,
		coalesce(p_note, ''), app_user());
	UPDATE documents SET status = 'approved', approved_by = app_user(), approved_at = now(),
		next_review_on = (current_date + make_interval(months => d.review_months))::date,
		version = version + 1, updated_at = now()
	WHERE tenant_id = app_tenant() AND id = p_id;
	RETURN jsonb_build_object('approved', n + 1);
END $$;
GRANT EXECUTE ON FUNCTION document_approve(uuid, int, text) TO concord_app;

-- The engagement plan learns one more derivation: {"document": kind, "requirement":
-- "<framework>:<ref>"} holds when an approved document of that kind is linked to that
-- requirement. P1.D6 ("Security policy (v1) + AI policy (v1)") is derived from it.
CREATE OR REPLACE FUNCTION engagement_condition(c jsonb) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
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
	ELSIF c ? 'document' THEN
		SELECT d.ref, d.doc_version, d.approved_at INTO b FROM documents d
		WHERE d.kind = c->>'document' AND d.status = 'approved'
		  AND EXISTS (SELECT 1 FROM document_requirements dr WHERE dr.document_id = d.id
			AND dr.framework_id = split_part(c->>'requirement', ':', 1)
			AND dr.ref = substr(c->>'requirement', strpos(c->>'requirement', ':') + 1))
		ORDER BY d.approved_at LIMIT 1;
		IF FOUND THEN
			met := true;
			detail := format('%s v%s approved on %s', b.ref, b.doc_version,
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

UPDATE engagement_template SET derive =
	'[{"label": "information security policy approved (ISO/IEC 27001 5.2)", "document": "policy",
	   "requirement": "iso27001-2022:5.2"},
	  {"label": "AI policy approved (ISO/IEC 42001 5.2)", "document": "policy",
	   "requirement": "iso42001-2023:5.2"}]'
WHERE ref = 'P1.D6';
