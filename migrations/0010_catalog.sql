-- 0010 standards catalog: ISO/IEC 27001:2022, ISO/IEC 42001:2023 (with Annex C) and the
-- EU AI Act, plus the crosswalk between them. Global, read-only reference data: no
-- tenant_id, no row-level security; the schema owner loads it from catalog/*.tsv
-- (domain/catalog.c, run by `concord-api migrate` and `concord-api catalog load`) and
-- the application role may only SELECT it.
--
-- Versions. A catalog version ("2026.1") versions guidance, evidence, attributes,
-- crosswalk and legal consolidation; a new edition of a standard is a new framework id.
-- Every requirement row is keyed by (framework_id, catalog_version, ref), so a new
-- catalog version is loaded beside the old one and nothing that refers to the old one
-- changes: tenants are pinned to a version per framework (tenant_frameworks, 0011)
-- and their links carry the version they were made against. A loaded version is
-- immutable: catalog_files keeps the SHA-256 of every file per version and the loader
-- refuses a changed file that claims a version already loaded.
--
-- Annex C of ISO/IEC 42001 (objectives and risk sources, used as tags on AI risks) is
-- loaded as rows of framework iso42001-2023 with kinds annex_c_objective and
-- annex_c_risk_source, so their public ids are "iso42001-2023:C.2.5" like any other
-- requirement of the standard they belong to.

CREATE TABLE catalog_frameworks (
	id text PRIMARY KEY CONSTRAINT catalog_frameworks_id__id CHECK (id ~ '^[a-z0-9][a-z0-9-]{1,39}$'),
	name text NOT NULL,
	version text NOT NULL,          -- edition of the standard or law ("2022 (incl. Amd 1:2024)")
	kind text NOT NULL CONSTRAINT catalog_frameworks_kind__kind CHECK (kind IN ('standard', 'law')),
	catalog_version text,           -- newest catalog version loaded for it
	source text NOT NULL DEFAULT '', -- "# source:" of that version's requirement file
	updated_at timestamptz NOT NULL DEFAULT now()
);

-- Which catalog versions of a framework are loaded (old ones stay for pinned tenants).
CREATE TABLE catalog_versions (
	framework_id text NOT NULL REFERENCES catalog_frameworks (id),
	catalog_version text NOT NULL CONSTRAINT catalog_versions_format__catalog_version
		CHECK (catalog_version ~ '^[0-9]{4}\.[0-9]{1,3}$'),
	source text NOT NULL,
	loaded_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (framework_id, catalog_version)
);

-- One row per loaded file and version: "iso27001-2022/requirements", "crosswalk/relations".
-- A frozen copy (catalog/<dir>/v<version>/...) has the same key and must be byte-identical.
CREATE TABLE catalog_files (
	file_key text NOT NULL,
	catalog_version text NOT NULL,
	sha256 text NOT NULL,
	row_count int NOT NULL,
	loaded_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (file_key, catalog_version)
);

CREATE TABLE catalog_requirements (
	framework_id text NOT NULL,
	catalog_version text NOT NULL,
	ref text NOT NULL CONSTRAINT catalog_requirements_ref__ref CHECK (length(ref) BETWEEN 1 AND 40),
	seq int NOT NULL,                 -- document order within the framework and version
	kind text NOT NULL,
	parent_ref text,
	title text NOT NULL,
	guidance text NOT NULL DEFAULT '',
	typical_evidence jsonb NOT NULL DEFAULT '[]',
	attributes jsonb NOT NULL DEFAULT '{}',
	-- a requirement that controls are expected to meet: Annex A controls, articles
	-- and the lowest-level clauses (containers such as 6.1 only group them)
	actionable boolean NOT NULL DEFAULT false,
	PRIMARY KEY (framework_id, catalog_version, ref),
	FOREIGN KEY (framework_id, catalog_version) REFERENCES catalog_versions (framework_id, catalog_version),
	FOREIGN KEY (framework_id, catalog_version, parent_ref)
		REFERENCES catalog_requirements (framework_id, catalog_version, ref) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX catalog_requirements_kind ON catalog_requirements (framework_id, catalog_version, kind, seq);
CREATE INDEX catalog_requirements_parent ON catalog_requirements (framework_id, catalog_version, parent_ref);

-- Typed relations between requirements of two frameworks. Each pair appears once, in
-- one direction; reading it backwards swaps subset and superset. no_counterpart rows
-- name the framework searched in to_framework and have no to_ref.
CREATE TABLE catalog_relations (
	catalog_version text NOT NULL,
	seq int NOT NULL,
	from_framework text NOT NULL,
	from_ref text NOT NULL,
	relation text NOT NULL CONSTRAINT catalog_relations_relation__relation
		CHECK (relation IN ('equal', 'subset', 'superset', 'intersects', 'related', 'no_counterpart')),
	to_framework text NOT NULL,
	to_ref text,
	rationale text NOT NULL CONSTRAINT catalog_relations_rationale__rationale CHECK (rationale <> ''),
	PRIMARY KEY (catalog_version, seq),
	CONSTRAINT catalog_relations_shape CHECK ((relation = 'no_counterpart') = (to_ref IS NULL)),
	FOREIGN KEY (from_framework, catalog_version, from_ref)
		REFERENCES catalog_requirements (framework_id, catalog_version, ref),
	FOREIGN KEY (to_framework, catalog_version, to_ref)
		REFERENCES catalog_requirements (framework_id, catalog_version, ref),
	FOREIGN KEY (to_framework) REFERENCES catalog_frameworks (id)
);
CREATE UNIQUE INDEX catalog_relations_pair
	ON catalog_relations (catalog_version, from_framework, from_ref, to_framework, coalesce(to_ref, ''));
CREATE INDEX catalog_relations_to ON catalog_relations (to_framework, catalog_version, to_ref);

GRANT SELECT ON catalog_frameworks, catalog_versions, catalog_files, catalog_requirements,
	catalog_relations TO concord_app;
