-- 0020 governance: the engagement plan (phases, activities, deliverables, milestones)
-- and the project charter; the context of the organisation (27001/42001 clause 4:
-- issues, interested parties, ISMS and AIMS scopes); committees; the integrated RACI.
--
-- Owned by api/engagement.c, api/context.c and api/governance.c. Approvals freeze a
-- baseline (domain/baseline.c) of kind "charter", "context", "scope:isms", "scope:aims"
-- or "raci"; the tables here hold the current, editable state.

-- The engagement template: the four phases of the offer (PECB IMS2, see
-- /work/shared/seed/offer.txt section 3) with their activities, deliverables and
-- milestones. Global reference data, the same for every tenant. A deliverable with
-- `derive` has its status computed from the tenant's data: every condition must hold
-- (see engagement_condition below); the others are set by hand.
CREATE TABLE engagement_template (
	ref text PRIMARY KEY,
	kind text NOT NULL CHECK (kind IN ('phase', 'activity', 'deliverable', 'milestone')),
	phase int NOT NULL CHECK (phase BETWEEN 1 AND 4),
	ord int NOT NULL UNIQUE,
	title text NOT NULL,
	derive jsonb CHECK (derive IS NULL OR (jsonb_typeof(derive) = 'array' AND kind = 'deliverable'))
);
GRANT SELECT ON engagement_template TO concord_app;

INSERT INTO engagement_template (ref, kind, phase, ord, title, derive) VALUES
	('P1', 'phase', 1, 100, 'Define & Establish', NULL),
	('P1.A1', 'activity', 1, 110, 'Leadership & approval: sponsor, project governance, objectives, milestones', NULL),
	('P1.A2', 'activity', 1, 111, 'Roles & responsibilities: integrated RACI', NULL),
	('P1.A3', 'activity', 1, 112, 'Context & stakeholders: customer expectations, regulators, suppliers, risks', NULL),
	('P1.A4', 'activity', 1, 113, 'ISMS/AIMS scopes: entities, products, environments, data, suppliers', NULL),
	('P1.A5', 'activity', 1, 114, 'Analysis of the current state: security, AI, operations, SDLC/MLOps, documentation', NULL),
	('P1.A6', 'activity', 1, 115, 'Policies: information security policy + AI policy', NULL),
	('P1.A7', 'activity', 1, 116, 'Risk management: IS and AI risk methodology, integration, acceptance criteria', NULL),
	('P1.A8', 'activity', 1, 117, 'Statements of Applicability: ISO/IEC 27001 SoA v1 + ISO/IEC 42001 SoA v1', NULL),
	('P1.D1', 'deliverable', 1, 130, 'Project charter + governance + integrated RACI',
		'[{"label": "project charter approved", "baseline": "charter"},
		  {"label": "at least one committee constituted", "count": "committees"},
		  {"label": "integrated RACI approved", "baseline": "raci"}]'),
	('P1.D2', 'deliverable', 1, 131, 'ISMS/AIMS scopes',
		'[{"label": "ISMS scope approved", "baseline": "scope:isms"},
		  {"label": "AIMS scope approved", "baseline": "scope:aims"}]'),
	('P1.D3', 'deliverable', 1, 132, 'Initial IS risk register (v1) + treatment plan (v1)',
		'[{"label": "a risk register baseline with IS risks frozen", "baseline": "risk_register", "item_type": "is"}]'),
	('P1.D4', 'deliverable', 1, 133, 'AI risk methodology + AI risk register (v1)',
		'[{"label": "risk methodology approved", "baseline": "risk_methodology"},
		  {"label": "a risk register baseline with AI risks frozen", "baseline": "risk_register", "item_type": "ai"}]'),
	('P1.D5', 'deliverable', 1, 134, 'AI register (v1) + initial mapping (flows, suppliers)',
		'[{"label": "AI system registry v1 frozen", "baseline": "ai_registry"}]'),
	('P1.D6', 'deliverable', 1, 135, 'Security policy (v1) + AI policy (v1)', NULL),
	('P1.D7', 'deliverable', 1, 136, 'ISO/IEC 27001 SoA (v1) + ISO/IEC 42001 SoA (v1)',
		'[{"label": "ISO/IEC 27001 SoA v1 approved", "baseline": "soa:iso27001-2022"},
		  {"label": "ISO/IEC 42001 SoA v1 approved", "baseline": "soa:iso42001-2023"}]'),
	('P1.D8', 'deliverable', 1, 137, 'Project plan + evidence plan (structure)', NULL),
	('P1.M1', 'milestone', 1, 150, 'Kick-off and scope definition workshop held', NULL),
	('P1.M2', 'milestone', 1, 151, 'Phase 1 deliverables approved', NULL),
	('P2', 'phase', 2, 200, 'Implement & Operate', NULL),
	('P2.A1', 'activity', 2, 210, 'Selection & design of measures: controls, AIMS measures, supplier requirements, monitoring, logs', NULL),
	('P2.A2', 'activity', 2, 211, 'Implementation of measures: procedures and minimal tools', NULL),
	('P2.A3', 'activity', 2, 212, 'Management of documented information: repository, versions, evidence', NULL),
	('P2.A4', 'activity', 2, 213, 'Communication: usage rules, committees, decision-making', NULL),
	('P2.A5', 'activity', 2, 214, 'Skills & awareness: training', NULL),
	('P2.A6', 'activity', 2, 215, 'Operations management: security operations + AI operations', NULL),
	('P2.D1', 'deliverable', 2, 230, 'AI registry (v2) + use case sheets + flow/supplier maps',
		'[{"label": "AI system registry v2 frozen", "baseline": "ai_registry", "number": 2}]'),
	('P2.D2', 'deliverable', 2, 231, 'IT risk register (v2) + treatment plan + evidence of implementation',
		'[{"label": "a risk register v2 baseline with IS risks frozen", "baseline": "risk_register", "number": 2, "item_type": "is"}]'),
	('P2.D3', 'deliverable', 2, 232, 'AI risk register (v2) + mitigation measures + evidence',
		'[{"label": "a risk register v2 baseline with AI risks frozen", "baseline": "risk_register", "number": 2, "item_type": "ai"}]'),
	('P2.D4', 'deliverable', 2, 233, 'Integrated procedures: IAM, encryption, logs, vulnerabilities, SDLC, third parties, incidents, changes', NULL),
	('P2.D5', 'deliverable', 2, 234, 'AI procedures: validation/release, monitoring, AI incidents, model changes, decommissioning', NULL),
	('P2.D6', 'deliverable', 2, 235, 'Evidence catalog + record templates', NULL),
	('P2.D7', 'deliverable', 2, 236, 'KPI/OKR matrix + dashboard structure',
		'[{"label": "objectives defined, each linked to a KPI", "count": "objectives_with_kpis"},
		  {"label": "KPI status computed by the aggregation job", "count": "kpi_snapshots"}]'),
	('P2.D8', 'deliverable', 2, 237, 'Training plan + materials + certificates', NULL),
	('P2.M1', 'milestone', 2, 250, 'Shared controls operating and producing evidence', NULL),
	('P3', 'phase', 3, 300, 'Monitor & Review', NULL),
	('P3.A1', 'activity', 3, 310, 'Monitoring, measurement, analysis and evaluation: security and AI KPIs', NULL),
	('P3.A2', 'activity', 3, 311, 'Combined internal audit (ISO/IEC 27001 + ISO/IEC 42001)', NULL),
	('P3.A3', 'activity', 3, 312, 'Management review: decisions, trade-offs, resources, improvement plan', NULL),
	('P3.D1', 'deliverable', 3, 330, 'Combined internal audit plan + internal audit report', NULL),
	('P3.D2', 'deliverable', 3, 331, 'Management review minutes + decisions + action plan', NULL),
	('P3.D3', 'deliverable', 3, 332, 'Update of SoA (27001/42001), risks (IS/AI), AI register, evidence', NULL),
	('P3.M1', 'milestone', 3, 350, 'Internal audit completed', NULL),
	('P3.M2', 'milestone', 3, 351, 'Management review held', NULL),
	('P4', 'phase', 4, 400, 'Maintain & Improve', NULL),
	('P4.A1', 'activity', 4, 410, 'Handling non-conformities: corrective actions, verification of effectiveness', NULL),
	('P4.A2', 'activity', 4, 411, 'Continuous improvement: controls, maturity, automation', NULL),
	('P4.D1', 'deliverable', 4, 430, 'Non-conformity log + corrective actions + closure evidence', NULL),
	('P4.D2', 'deliverable', 4, 431, 'Certification readiness package: final evidence file, audit transition plan, checklist', NULL),
	('P4.M1', 'milestone', 4, 450, 'Certification readiness confirmed', NULL);

-- The tenant's state of each template item: status set by hand (for a deliverable with
-- `derive`, only until its conditions hold), owner, due date, completion and a note.
-- A missing row means "not started"; version counts from 1 for that virtual row.
CREATE TABLE engagement_items (
	tenant_id uuid NOT NULL REFERENCES tenants (id),
	ref text NOT NULL CONSTRAINT engagement_items_ref__ref REFERENCES engagement_template (ref),
	status text NOT NULL DEFAULT 'not_started' CONSTRAINT engagement_items_status__status
		CHECK (status IN ('not_started', 'in_progress', 'done', 'not_applicable')),
	owner_id uuid,
	due_date date,
	completed_on date,
	note text NOT NULL DEFAULT '' CONSTRAINT engagement_items_note__note CHECK (length(note) <= 4000),
	version int NOT NULL DEFAULT 2,
	updated_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (tenant_id, ref),
	CONSTRAINT engagement_items_owner__owner_id FOREIGN KEY (tenant_id, owner_id)
		REFERENCES memberships (tenant_id, user_id) ON DELETE SET NULL (owner_id)
);

-- One project charter per tenant (PECB IMS2 "Leadership & approval").
CREATE TABLE project_charters (
	tenant_id uuid PRIMARY KEY REFERENCES tenants (id),
	title text NOT NULL CONSTRAINT project_charters_title__title CHECK (length(title) BETWEEN 1 AND 200),
	sponsor_id uuid,
	objectives jsonb NOT NULL CONSTRAINT project_charters_objectives__objectives
		CHECK (jsonb_typeof(objectives) = 'array'),
	scope_summary text NOT NULL CONSTRAINT project_charters_scope__scope_summary
		CHECK (length(scope_summary) BETWEEN 1 AND 4000),
	start_date date,
	target_date date,
	version int NOT NULL DEFAULT 1,
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now(),
	CONSTRAINT project_charters_dates__target_date CHECK (target_date >= start_date),
	CONSTRAINT project_charters_sponsor__sponsor_id FOREIGN KEY (tenant_id, sponsor_id)
		REFERENCES memberships (tenant_id, user_id) ON DELETE SET NULL (sponsor_id)
);

-- Clause 4.1: internal and external issues.
CREATE TABLE context_issues (
	tenant_id uuid NOT NULL REFERENCES tenants (id),
	id uuid NOT NULL DEFAULT gen_random_uuid(),
	kind text NOT NULL CONSTRAINT context_issues_kind__kind CHECK (kind IN ('internal', 'external')),
	title text NOT NULL CONSTRAINT context_issues_title__title CHECK (length(title) BETWEEN 1 AND 300),
	description text NOT NULL DEFAULT '',
	category text NOT NULL DEFAULT '',
	applies_to text NOT NULL DEFAULT 'both' CONSTRAINT context_issues_applies__applies_to
		CHECK (applies_to IN ('isms', 'aims', 'both')),
	version int NOT NULL DEFAULT 1,
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (tenant_id, id)
);
CREATE INDEX context_issues_list ON context_issues (tenant_id, created_at, id);

-- Clause 4.2: interested parties and their relevant requirements
-- (requirements: [{"requirement", "source", "addressed_by"}]).
CREATE TABLE interested_parties (
	tenant_id uuid NOT NULL REFERENCES tenants (id),
	id uuid NOT NULL DEFAULT gen_random_uuid(),
	name text NOT NULL CONSTRAINT interested_parties_name__name CHECK (length(name) BETWEEN 1 AND 200),
	category text NOT NULL CONSTRAINT interested_parties_category__category CHECK (category IN
		('customer', 'regulator', 'supplier', 'employee', 'management', 'shareholder', 'partner',
		 'ai_subject', 'public', 'other')),
	kind text NOT NULL DEFAULT 'external' CONSTRAINT interested_parties_kind__kind
		CHECK (kind IN ('internal', 'external')),
	applies_to text NOT NULL DEFAULT 'both' CONSTRAINT interested_parties_applies__applies_to
		CHECK (applies_to IN ('isms', 'aims', 'both')),
	requirements jsonb NOT NULL DEFAULT '[]' CONSTRAINT interested_parties_requirements__requirements
		CHECK (jsonb_typeof(requirements) = 'array'),
	version int NOT NULL DEFAULT 1,
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (tenant_id, id),
	CONSTRAINT interested_parties_name_unique__name UNIQUE (tenant_id, name)
);
CREATE INDEX interested_parties_list ON interested_parties (tenant_id, created_at, id);

-- Clause 4.3: the ISMS scope and the AIMS scope, one row each. Lists are JSON arrays of
-- strings; exclusions are [{"item", "justification"}]; ai_roles are the organisation's
-- roles (AI Act and ISO/IEC 22989 vocabulary).
CREATE TABLE scopes (
	tenant_id uuid NOT NULL REFERENCES tenants (id),
	system text NOT NULL CONSTRAINT scopes_system__system CHECK (system IN ('isms', 'aims')),
	description text NOT NULL DEFAULT '',
	entities jsonb NOT NULL DEFAULT '[]',
	products jsonb NOT NULL DEFAULT '[]',
	sites jsonb NOT NULL DEFAULT '[]',
	environments jsonb NOT NULL DEFAULT '[]',
	data jsonb NOT NULL DEFAULT '[]',
	suppliers jsonb NOT NULL DEFAULT '[]',
	exclusions jsonb NOT NULL DEFAULT '[]',
	ai_roles jsonb NOT NULL DEFAULT '[]',
	interfaces text NOT NULL DEFAULT '',
	version int NOT NULL DEFAULT 1,
	updated_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (tenant_id, system)
);

-- Committees (members, remit, cadence).
CREATE TABLE committees (
	tenant_id uuid NOT NULL REFERENCES tenants (id),
	id uuid NOT NULL DEFAULT gen_random_uuid(),
	name text NOT NULL CONSTRAINT committees_name__name CHECK (length(name) BETWEEN 1 AND 200),
	remit text NOT NULL CONSTRAINT committees_remit__remit CHECK (length(remit) BETWEEN 1 AND 4000),
	cadence text NOT NULL CONSTRAINT committees_cadence__cadence CHECK (cadence IN
		('weekly', 'biweekly', 'monthly', 'quarterly', 'semiannual', 'annual', 'ad_hoc')),
	applies_to text NOT NULL DEFAULT 'both' CONSTRAINT committees_applies__applies_to
		CHECK (applies_to IN ('isms', 'aims', 'both')),
	version int NOT NULL DEFAULT 1,
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (tenant_id, id),
	CONSTRAINT committees_name_unique__name UNIQUE (tenant_id, name)
);
CREATE INDEX committees_list ON committees (tenant_id, created_at, id);

-- Members: a tenant member (user_id) or an outside person; the name is kept so the
-- record stays readable if the membership ends (user_id then becomes NULL).
CREATE TABLE committee_members (
	tenant_id uuid NOT NULL REFERENCES tenants (id),
	id uuid NOT NULL DEFAULT gen_random_uuid(),
	committee_id uuid NOT NULL,
	ord int NOT NULL,
	user_id uuid,
	name text NOT NULL CONSTRAINT committee_members_name__members CHECK (length(name) BETWEEN 1 AND 200),
	function text NOT NULL DEFAULT '',
	chair boolean NOT NULL DEFAULT false,
	PRIMARY KEY (tenant_id, id),
	CONSTRAINT committee_members_committee__committee_id FOREIGN KEY (tenant_id, committee_id)
		REFERENCES committees (tenant_id, id) ON DELETE CASCADE,
	CONSTRAINT committee_members_user__members FOREIGN KEY (tenant_id, user_id)
		REFERENCES memberships (tenant_id, user_id) ON DELETE SET NULL (user_id)
);
CREATE INDEX committee_members_committee ON committee_members (tenant_id, committee_id, ord);

-- The integrated RACI: one matrix per tenant, replaced as a whole after validation
-- (domain/raci.c): roles [{"key", "name", "platform_role"}], activities [{"key", "name",
-- "phase", "assignments": {role_key: "R"|"A"|"C"|"I"|"AR"}}].
CREATE TABLE raci_matrices (
	tenant_id uuid PRIMARY KEY REFERENCES tenants (id),
	roles jsonb NOT NULL,
	activities jsonb NOT NULL,
	version int NOT NULL DEFAULT 1,
	updated_at timestamptz NOT NULL DEFAULT now()
);

DO $$
DECLARE t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['engagement_items', 'project_charters', 'context_issues',
		'interested_parties', 'scopes', 'committees', 'committee_members', 'raci_matrices']
	LOOP
		EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
		EXECUTE format('CREATE POLICY %I ON %I USING (tenant_id = app_tenant())'
			' WITH CHECK (tenant_id = app_tenant())', t || '_tenant', t);
		EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO concord_app', t);
	END LOOP;
END $$;

INSERT INTO tenant_tables (name, ord, exported) VALUES
	('engagement_items', 2000, true),
	('project_charters', 2001, true),
	('context_issues', 2002, true),
	('interested_parties', 2003, true),
	('scopes', 2004, true),
	('committees', 2005, true),
	('committee_members', 2006, true),
	('raci_matrices', 2007, true);
