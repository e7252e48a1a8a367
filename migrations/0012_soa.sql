-- 0012 Statements of Applicability (ISO/IEC 27001:2022 and ISO/IEC 42001:2023).
--
-- The SoA has one line per Annex A control of the standard. A line is assembled from
-- the control library (implementing controls, their status and owner) and the risk
-- treatment (risk_controls 'planned'); soa_entries keeps only what people decided or
-- overrode. A NULL column means "take the value derived from the library" (see
-- domain/soa.c), so the SoA stays pre-filled as the library changes. Approved
-- versions are frozen as baselines (kind "soa:<framework>", 0002), never here.

CREATE TABLE soa_entries (
	tenant_id uuid NOT NULL REFERENCES tenants (id),
	framework_id text NOT NULL,
	catalog_version text NOT NULL,
	ref text NOT NULL,
	applicable boolean,
	-- structured reasons for inclusion
	reasons text[] CONSTRAINT soa_entries_reasons__reasons CHECK (reasons <@
		ARRAY['risk_treatment', 'legal_regulatory', 'contractual', 'business_practice']::text[]),
	reason_text text NOT NULL DEFAULT ''
		CONSTRAINT soa_entries_reason_text__reason_text CHECK (length(reason_text) <= 4000),
	exclusion_justification text NOT NULL DEFAULT ''
		CONSTRAINT soa_entries_justification__exclusion_justification
		CHECK (length(exclusion_justification) <= 4000),
	implementation_status text CONSTRAINT soa_entries_status__implementation_status
		CHECK (implementation_status IN ('not_implemented', 'planned', 'partially_implemented',
			'implemented')),
	owner_id uuid,
	version int NOT NULL DEFAULT 2, -- an untouched line is version 1
	updated_by uuid,
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (tenant_id, framework_id, ref),
	CONSTRAINT soa_entries_requirement__ref FOREIGN KEY (framework_id, catalog_version, ref)
		REFERENCES catalog_requirements (framework_id, catalog_version, ref),
	CONSTRAINT soa_entries_owner__owner_id FOREIGN KEY (tenant_id, owner_id)
		REFERENCES memberships (tenant_id, user_id) ON DELETE SET NULL (owner_id)
);
CREATE TRIGGER soa_entries_pin BEFORE INSERT ON soa_entries
	FOR EACH ROW EXECUTE FUNCTION catalog_pin_row();

ALTER TABLE soa_entries ENABLE ROW LEVEL SECURITY;
CREATE POLICY soa_entries_tenant ON soa_entries USING (tenant_id = app_tenant())
	WITH CHECK (tenant_id = app_tenant());
GRANT SELECT, INSERT, UPDATE ON soa_entries TO concord_app;

INSERT INTO tenant_tables (name, ord, exported) VALUES ('soa_entries', 1200, true);
