-- 0041 the documented information ISO/IEC 27001:2022 and ISO/IEC 42001:2023 expect, as
-- a checklist the register of documents and the evidence catalog (0040) are measured
-- against (GET /v1/documented-information, api/documents.c).
--
-- Global reference data, the same for every tenant. One row per item: the catalog
-- requirement it belongs to (framework_id, ref: the exact catalog ids, checked against
-- the loaded catalog by test_documents), whether it is a maintained document or a
-- retained record, and whether it is always expected (clauses 4-10) or only when the
-- Annex A control is applicable in the tenant's Statement of Applicability. Where
-- Concord itself keeps the record (the approved scope, the SoA, the frozen risk register,
-- the computed KPI results), satisfied_by says which, so those items are covered by the
-- tenant's own data without uploading a copy.
--
-- Source: /work/shared/reference/mandatory_documents.tsv (which states its own sources
-- and caveat: "mandatory" lists interpret the standards' "documented information"
-- phrases; verify against the licensed text). Lettered sub-items there ("6.1.3 d)") are
-- filed under the catalog clause that holds them ("6.1.3"). The descriptions are
-- Concord's own words; no ISO text is reproduced.

CREATE TABLE documented_information (
	framework_id text NOT NULL,
	ref text NOT NULL,
	ord int NOT NULL,
	item text NOT NULL,
	kind text NOT NULL CHECK (kind IN ('document', 'record')),
	applicability text NOT NULL CHECK (applicability IN ('mandatory', 'if_applicable')),
	-- a record Concord itself keeps that is this documented information: an engagement
	-- condition (engagement_condition(), 0023/0040), e.g. an approved SoA baseline
	satisfied_by jsonb,
	PRIMARY KEY (framework_id, ord)
);
GRANT SELECT ON documented_information TO concord_app;

INSERT INTO documented_information (framework_id, ref, ord, item, kind, applicability,
	satisfied_by) VALUES
	('iso27001-2022', '4.3', 10, 'ISMS scope statement with its boundaries', 'document', 'mandatory', '{"label": "ISMS scope approved in Concord", "baseline": "scope:isms"}'),
	('iso27001-2022', '5.2', 20, 'Information security policy', 'document', 'mandatory', NULL),
	('iso27001-2022', '6.1.2', 30, 'Risk assessment process, with acceptance criteria and assessment criteria', 'document', 'mandatory', '{"label": "risk methodology approved in Concord", "baseline": "risk_methodology"}'),
	('iso27001-2022', '6.1.3', 40, 'Risk treatment process', 'document', 'mandatory', '{"label": "risk methodology approved in Concord", "baseline": "risk_methodology"}'),
	('iso27001-2022', '6.1.3', 41, 'Statement of Applicability', 'document', 'mandatory', '{"label": "ISO/IEC 27001 SoA approved in Concord", "baseline": "soa:iso27001-2022"}'),
	('iso27001-2022', '6.1.3', 42, 'Risk treatment plan, with the risk owners'' approval and acceptance of residual risk', 'document', 'mandatory', '{"label": "risk register with IS risks frozen in Concord", "baseline": "risk_register", "item_type": "is"}'),
	('iso27001-2022', '6.2', 50, 'Information security objectives', 'document', 'mandatory', '{"label": "objectives recorded in Concord, each linked to a KPI", "count": "objectives_with_kpis"}'),
	('iso27001-2022', '7.2', 60, 'Evidence of competence (training records, qualifications)', 'record', 'mandatory', NULL),
	('iso27001-2022', '7.5.1', 70, 'Further documented information the organisation decided it needs', 'document', 'mandatory', NULL),
	('iso27001-2022', '8.1', 80, 'Records showing processes ran as planned', 'record', 'mandatory', NULL),
	('iso27001-2022', '8.2', 90, 'Results of risk assessments', 'record', 'mandatory', '{"label": "risk register with IS risks frozen in Concord", "baseline": "risk_register", "item_type": "is"}'),
	('iso27001-2022', '8.3', 100, 'Results of risk treatment', 'record', 'mandatory', '{"label": "risk register with IS risks frozen in Concord", "baseline": "risk_register", "item_type": "is"}'),
	('iso27001-2022', '9.1', 110, 'Monitoring and measurement results', 'record', 'mandatory', '{"label": "KPI results computed in Concord", "count": "kpi_snapshots"}'),
	('iso27001-2022', '9.2.2', 120, 'Audit programme and audit results', 'record', 'mandatory', NULL),
	('iso27001-2022', '9.3.3', 130, 'Results of management reviews', 'record', 'mandatory', NULL),
	('iso27001-2022', '10.2', 140, 'Nonconformities, actions taken and results of corrective actions', 'record', 'mandatory', NULL),
	('iso27001-2022', 'A.5.1', 200, 'Information security policy and topic-specific policies', 'document', 'if_applicable', NULL),
	('iso27001-2022', 'A.5.9', 210, 'Inventory of information and associated assets with owners', 'document', 'if_applicable', NULL),
	('iso27001-2022', 'A.5.10', 220, 'Rules for acceptable use and handling of information and assets', 'document', 'if_applicable', NULL),
	('iso27001-2022', 'A.5.31', 230, 'Legal, statutory, regulatory and contractual requirements and how they are met', 'document', 'if_applicable', NULL),
	('iso27001-2022', 'A.5.37', 240, 'Operating procedures for information processing facilities', 'document', 'if_applicable', NULL),
	('iso27001-2022', 'A.6.6', 250, 'Confidentiality or non-disclosure agreements', 'document', 'if_applicable', NULL),
	('iso27001-2022', 'A.8.9', 260, 'Configurations, including security configurations', 'document', 'if_applicable', NULL),
	('iso27001-2022', 'A.8.15', 270, 'Logs of activities, exceptions, faults and events', 'record', 'if_applicable', NULL),
	('iso27001-2022', 'A.8.27', 280, 'Secure architecture and engineering principles', 'document', 'if_applicable', NULL),
	('iso42001-2023', '4.3', 10, 'AIMS scope statement', 'document', 'mandatory', '{"label": "AIMS scope approved in Concord", "baseline": "scope:aims"}'),
	('iso42001-2023', '4.4', 15, 'Description of the AIMS, its processes and their interactions', 'document', 'mandatory', NULL),
	('iso42001-2023', '5.2', 20, 'AI policy', 'document', 'mandatory', NULL),
	('iso42001-2023', '6.1.1', 25, 'Actions taken on AI risks and opportunities', 'record', 'mandatory', NULL),
	('iso42001-2023', '6.1.2', 30, 'AI risk assessment process', 'document', 'mandatory', '{"label": "risk methodology approved in Concord", "baseline": "risk_methodology"}'),
	('iso42001-2023', '6.1.3', 40, 'AI risk treatment process', 'document', 'mandatory', '{"label": "risk methodology approved in Concord", "baseline": "risk_methodology"}'),
	('iso42001-2023', '6.1.3', 41, 'Statement of Applicability with reasons for inclusion and exclusion', 'document', 'mandatory', '{"label": "ISO/IEC 42001 SoA approved in Concord", "baseline": "soa:iso42001-2023"}'),
	('iso42001-2023', '6.1.3', 42, 'AI risk treatment plan, approved, with acceptance of residual risk', 'document', 'mandatory', '{"label": "risk register with AI risks frozen in Concord", "baseline": "risk_register", "item_type": "ai"}'),
	('iso42001-2023', '6.1.4', 45, 'Results of AI system impact assessments', 'record', 'mandatory', NULL),
	('iso42001-2023', '6.2', 50, 'AI objectives', 'document', 'mandatory', '{"label": "objectives recorded in Concord, each linked to a KPI", "count": "objectives_with_kpis"}'),
	('iso42001-2023', '7.2', 60, 'Evidence of competence', 'record', 'mandatory', NULL),
	('iso42001-2023', '7.5.1', 70, 'Further documented information the organisation decided it needs', 'document', 'mandatory', NULL),
	('iso42001-2023', '8.1', 80, 'Records showing processes ran as planned', 'record', 'mandatory', NULL),
	('iso42001-2023', '8.2', 90, 'Results of AI risk assessments', 'record', 'mandatory', '{"label": "risk register with AI risks frozen in Concord", "baseline": "risk_register", "item_type": "ai"}'),
	('iso42001-2023', '8.3', 100, 'Results of AI risk treatment', 'record', 'mandatory', '{"label": "risk register with AI risks frozen in Concord", "baseline": "risk_register", "item_type": "ai"}'),
	('iso42001-2023', '8.4', 105, 'Results of AI system impact assessments carried out in operation', 'record', 'mandatory', NULL),
	('iso42001-2023', '9.1', 110, 'Monitoring and measurement results', 'record', 'mandatory', '{"label": "KPI results computed in Concord", "count": "kpi_snapshots"}'),
	('iso42001-2023', '9.2.2', 120, 'Audit programme and audit results', 'record', 'mandatory', NULL),
	('iso42001-2023', '9.3.3', 130, 'Results of management reviews', 'record', 'mandatory', NULL),
	('iso42001-2023', '10.2', 140, 'Nonconformities, actions taken and results of corrective actions', 'record', 'mandatory', NULL),
	('iso42001-2023', 'A.2.2', 200, 'AI policy for the development or use of AI systems', 'document', 'if_applicable', NULL),
	('iso42001-2023', 'A.4.2', 210, 'Resources needed across the AI system life cycle', 'document', 'if_applicable', NULL),
	('iso42001-2023', 'A.4.3', 211, 'Data resources of each AI system', 'document', 'if_applicable', NULL),
	('iso42001-2023', 'A.4.4', 212, 'Tooling resources of each AI system', 'document', 'if_applicable', NULL),
	('iso42001-2023', 'A.4.5', 213, 'System and computing resources of each AI system', 'document', 'if_applicable', NULL),
	('iso42001-2023', 'A.4.6', 214, 'Human resources and competences across the life cycle', 'document', 'if_applicable', NULL),
	('iso42001-2023', 'A.5.3', 220, 'Impact assessment results, kept for a set period', 'record', 'if_applicable', NULL),
	('iso42001-2023', 'A.5.4', 221, 'Assessed impacts on individuals and groups', 'record', 'if_applicable', NULL),
	('iso42001-2023', 'A.5.5', 222, 'Assessed societal impacts', 'record', 'if_applicable', NULL),
	('iso42001-2023', 'A.6.1.2', 230, 'Objectives for responsible AI development', 'document', 'if_applicable', NULL),
	('iso42001-2023', 'A.6.1.3', 231, 'Processes for responsible AI design and development', 'document', 'if_applicable', NULL),
	('iso42001-2023', 'A.6.2.2', 240, 'Requirements and specifications of new AI systems or major changes', 'document', 'if_applicable', NULL),
	('iso42001-2023', 'A.6.2.3', 241, 'Design and development documentation', 'document', 'if_applicable', NULL),
	('iso42001-2023', 'A.6.2.4', 242, 'Verification and validation measures and their criteria', 'document', 'if_applicable', NULL),
	('iso42001-2023', 'A.6.2.5', 243, 'Deployment plan', 'document', 'if_applicable', NULL),
	('iso42001-2023', 'A.6.2.6', 244, 'What operation needs: monitoring, repairs, updates, support', 'document', 'if_applicable', NULL),
	('iso42001-2023', 'A.6.2.7', 245, 'Technical documentation for each kind of interested party', 'document', 'if_applicable', NULL),
	('iso42001-2023', 'A.6.2.8', 246, 'Event logs kept at the chosen life-cycle phases', 'record', 'if_applicable', NULL),
	('iso42001-2023', 'A.7.2', 250, 'Data management processes for AI development', 'document', 'if_applicable', NULL),
	('iso42001-2023', 'A.7.3', 251, 'How data is acquired and selected', 'document', 'if_applicable', NULL),
	('iso42001-2023', 'A.7.4', 252, 'Data quality requirements', 'document', 'if_applicable', NULL),
	('iso42001-2023', 'A.7.5', 253, 'Data provenance process and provenance records', 'record', 'if_applicable', NULL),
	('iso42001-2023', 'A.7.6', 254, 'Criteria and methods for data preparation', 'document', 'if_applicable', NULL),
	('iso42001-2023', 'A.8.4', 260, 'Plan for telling users about incidents', 'document', 'if_applicable', NULL),
	('iso42001-2023', 'A.8.5', 261, 'What must be reported about the AI system to interested parties', 'document', 'if_applicable', NULL),
	('iso42001-2023', 'A.9.2', 270, 'Processes for responsible use of AI systems', 'document', 'if_applicable', NULL),
	('iso42001-2023', 'A.9.3', 271, 'Objectives for responsible use of AI systems', 'document', 'if_applicable', NULL);

-- Per checklist item, what the tenant holds for its requirement: the documents linked to
-- it (document_requirements) and the evidence (evidence_requirements), as briefs. The
-- API adds the SoA's applicability and decides the status (api/documents.c).
CREATE FUNCTION documented_information_holdings() RETURNS jsonb LANGUAGE sql STABLE AS $$
	SELECT coalesce(jsonb_agg(jsonb_build_object('framework_id', t.framework_id, 'ref', t.ref,
		'item', t.item, 'kind', t.kind, 'applicability', t.applicability,
		'in_concord', CASE WHEN t.satisfied_by IS NOT NULL THEN engagement_condition(t.satisfied_by) END,
		'title', (SELECT q.title FROM catalog_requirements q WHERE q.framework_id = t.framework_id
			AND q.ref = t.ref AND q.catalog_version = catalog_version_for(t.framework_id)),
		'documents', (SELECT coalesce(jsonb_agg(document_brief(d.id) ORDER BY d.ref), '[]')
			FROM document_requirements x JOIN documents d ON d.tenant_id = x.tenant_id
			AND d.id = x.document_id WHERE x.framework_id = t.framework_id AND x.ref = t.ref
			AND d.status <> 'retired'),
		'evidence', (SELECT coalesce(jsonb_agg(evidence_brief(v.id) ORDER BY v.collected_on DESC,
			v.id), '[]') FROM evidence_requirements x JOIN evidence v ON v.tenant_id = x.tenant_id
			AND v.id = x.evidence_id WHERE x.framework_id = t.framework_id AND x.ref = t.ref))
		ORDER BY t.framework_id, t.ord), '[]')
	FROM documented_information t
$$;
GRANT EXECUTE ON FUNCTION documented_information_holdings() TO concord_app;
