-- bench/risks_load.sql - the data set of bench/risks.sh, loaded by the database owner
-- (row-level security does not apply to the owner, so every row names its tenant).
--
-- psql variables (set by bench/risks.sh with -v):
--   big          the client tenant holding the large register
--   user         the consultancy's administrator (a member of every client tenant)
--   risks        risks in the big tenant (10,000)
--   other_risks  risks in each other client tenant (50)
--   kpis         KPIs per client tenant (30)
--   months       monthly measurements per KPI (24)
--   as_of        the as-of date of the KPI run (first day of the current month)
--
-- Expects: the client tenants (slug bench-client-NNN) with the administrator's
-- membership, and the big tenant's risk methodology (revision 1, set through the API,
-- so domain/risk.c has validated it). Levels are looked up in that methodology's
-- matrix, as the API would store them; every other tenant gets the same methodology.
--
-- Deterministic: setseed() fixes the pseudo-random spread, so two runs load the same
-- register. The KPI data encode what the kpi.aggregate job must find (see "KPIs").
\set ON_ERROR_STOP 1
BEGIN;
SELECT setseed(0.25);

-- ------------------------------------------------------------ other methodologies
INSERT INTO risk_methodologies (tenant_id, revision, content, note, created_by)
SELECT t.id, 1, m.content, 'bench: same methodology as the large tenant', :'user'
FROM tenants t CROSS JOIN (SELECT content FROM risk_methodologies
	WHERE tenant_id = :'big' AND revision = 1) m
WHERE t.kind = 'client' AND t.id <> :'big';

-- ------------------------------------------------------------ people of the big tenant
INSERT INTO users (tenant_id, email, display_name)
SELECT :'big', x.email, x.name
FROM (VALUES ('ciso@client.example', 'Chief Information Security Officer'),
	('isms.lead@client.example', 'ISMS Lead'), ('aims.lead@client.example', 'AIMS Lead'),
	('risk@client.example', 'Risk and Compliance Manager'),
	('ml.lead@client.example', 'Head of Machine Learning'),
	('it.ops@client.example', 'IT Operations Manager')) x(email, name);
INSERT INTO memberships (tenant_id, user_id, role)
SELECT :'big', u.id, CASE u.email WHEN 'ciso@client.example' THEN 'security_lead'
	WHEN 'isms.lead@client.example' THEN 'isms_lead' WHEN 'aims.lead@client.example' THEN 'aims_lead'
	WHEN 'risk@client.example' THEN 'risk_compliance' WHEN 'ml.lead@client.example'
	THEN 'product_ai_lead' ELSE 'contributor' END
FROM users u WHERE u.tenant_id = :'big';
CREATE TEMP TABLE people AS
SELECT (row_number() OVER (ORDER BY u.email) - 1)::int AS n, u.id
FROM users u WHERE u.tenant_id = :'big';

-- ------------------------------------------------------------ linked objects (big tenant)
INSERT INTO controls (tenant_id, ref, title, description, status, owner_id)
SELECT :'big', 'CTL-' || lpad(i::text, 3, '0'), 'Control ' || i,
	'How the organisation implements control ' || i,
	(ARRAY['planned', 'in_progress', 'implemented', 'implemented'])[1 + i % 4],
	(SELECT id FROM people WHERE n = i % 6)
FROM generate_series(1, 200) i;
INSERT INTO assets (tenant_id, name, type, description, owner_id, classification,
	confidentiality, integrity, availability)
SELECT :'big', 'Asset ' || lpad(i::text, 3, '0'),
	(ARRAY['information', 'software', 'hardware', 'service', 'people', 'site', 'supplier',
		'other'])[1 + i % 8], 'Inventory entry ' || i, (SELECT id FROM people WHERE n = i % 6),
	(ARRAY['public', 'internal', 'confidential', 'restricted'])[1 + i % 4],
	1 + i % 4, 1 + (i / 4) % 4, 1 + (i / 16) % 4
FROM generate_series(1, 300) i;
INSERT INTO ai_systems (tenant_id, ref, name, intended_purpose, sourcing, lifecycle_stage)
SELECT :'big', 'AIS-' || lpad(i::text, 3, '0'), 'AI system ' || i,
	'Supports decision ' || i || ' of the business', CASE WHEN i % 3 = 0 THEN 'third_party'
	ELSE 'in_house' END, (ARRAY['design', 'validation', 'deployed', 'monitoring'])[1 + i % 4]
FROM generate_series(1, 40) i;

-- ------------------------------------------------------------ risks
-- One row per risk to create: 60 % IS, 40 % AI; likelihood and impacts 1..5 with a
-- bias to the middle (sum of two uniform draws), so every cell of the matrix is used
-- and the middle ones most; statuses spread as in a register under treatment.
CREATE TEMP TABLE spec AS
SELECT g.tenant_id, g.i,
	CASE WHEN g.u_type < 0.6 THEN 'is' ELSE 'ai' END AS type,
	least(5, 1 + floor((random() + random()) * 2.5))::int AS l,
	least(5, 1 + floor((random() + random()) * 2.5))::int AS imp,
	least(5, 1 + floor((random() + random()) * 2.5))::int AS a_ind,
	least(5, 1 + floor((random() + random()) * 2.5))::int AS a_grp,
	least(5, 1 + floor((random() + random()) * 2.5))::int AS a_soc,
	random() AS u_status, random() AS u_res, random() AS u_review
FROM (SELECT :'big'::uuid AS tenant_id, i, random() AS u_type FROM generate_series(1, :risks) i
	UNION ALL
	SELECT t.id, i, random() FROM tenants t CROSS JOIN generate_series(1, :other_risks) i
	WHERE t.kind = 'client' AND t.id <> :'big') g;
ALTER TABLE spec ADD COLUMN n int, ADD COLUMN status text, ADD COLUMN eff int,
	ADD COLUMN rl int, ADD COLUMN ri int, ADD COLUMN r_ind int, ADD COLUMN r_grp int,
	ADD COLUMN r_soc int, ADD COLUMN reff int;
-- numbered per tenant and type: IS-001 ... IS-999, IS-1000 ...
UPDATE spec s SET n = x.n FROM (SELECT tenant_id, i, row_number() OVER (PARTITION BY tenant_id,
	type ORDER BY i) AS n FROM spec) x WHERE x.tenant_id = s.tenant_id AND x.i = s.i;
UPDATE spec SET
	status = CASE WHEN u_status < 0.10 THEN 'draft' WHEN u_status < 0.45 THEN 'open'
		WHEN u_status < 0.93 THEN 'treated' ELSE 'closed' END,
	eff = CASE WHEN type = 'ai' THEN greatest(imp, a_ind, a_grp, a_soc) ELSE imp END;
-- treatment lowers likelihood and/or impact; never raises them
UPDATE spec SET rl = greatest(1, l - 1 - (u_res < 0.3)::int),
	ri = greatest(1, imp - (u_res > 0.5)::int),
	r_ind = greatest(1, a_ind - 1), r_grp = greatest(1, a_grp - 1), r_soc = greatest(1, a_soc - 1)
WHERE status IN ('treated', 'closed');
UPDATE spec SET reff = CASE WHEN type = 'ai' THEN greatest(ri, r_ind, r_grp, r_soc) ELSE ri END
WHERE rl IS NOT NULL;

INSERT INTO risks (tenant_id, ref, type, title, description, owner_id, status,
	treatment_option, risk_source, vulnerability, consequences, annex_c_sources,
	annex_c_objectives, methodology_revision, inherent_likelihood, inherent_impact,
	inherent_ai_impacts, inherent_eff_impact, inherent_level, residual_likelihood,
	residual_impact, residual_ai_impacts, residual_eff_impact, residual_level, next_review_date)
SELECT s.tenant_id,
	upper(s.type) || '-' || CASE WHEN s.n < 1000 THEN lpad(s.n::text, 3, '0') ELSE s.n::text END,
	s.type,
	CASE s.type WHEN 'is' THEN (ARRAY['Ransomware on file servers', 'Phishing of finance staff',
		'Unpatched internet-facing service', 'Loss of backup media', 'Supplier data breach',
		'Insider misuse of privileged access', 'Cloud misconfiguration exposes data',
		'Outage of the primary data centre'])[1 + s.i % 8]
	ELSE (ARRAY['Biased CV screening model', 'Model drift degrades fraud detection',
		'Prompt injection in the support chatbot', 'Training data contains personal data',
		'Opaque credit scoring decisions', 'Hallucinated answers given to customers',
		'Model extraction through the public API', 'Unlabelled synthetic content'])[1 + s.i % 8]
	END || ' (' || s.i || ')',
	'Scenario ' || s.i || ': how the threat meets the weakness, who is affected and how the '
		|| 'organisation would notice. Recorded in the risk workshop.',
	CASE WHEN s.tenant_id = :'big' THEN (SELECT id FROM people WHERE n = s.i % 6)
		ELSE :'user'::uuid END,
	s.status,
	CASE WHEN s.status = 'treated'
		THEN (ARRAY['modify', 'modify', 'modify', 'share', 'avoid'])[1 + s.i % 5]
		WHEN s.status = 'closed' THEN 'avoid' WHEN s.status = 'open' AND s.i % 3 = 0 THEN 'modify' END,
	'Threat actor or event ' || s.i % 17, 'Weakness ' || s.i % 23, 'Consequence ' || s.i % 11,
	CASE WHEN s.type = 'ai' THEN ARRAY['C.3.' || (1 + s.i % 7)] ELSE '{}' END,
	CASE WHEN s.type = 'ai' THEN ARRAY['C.2.' || (1 + s.i % 11), 'C.2.' || (1 + (s.i / 11) % 11)]
		ELSE '{}' END,
	1, s.l, s.imp,
	CASE WHEN s.type = 'ai' THEN jsonb_build_object('individuals', s.a_ind, 'groups', s.a_grp,
		'society', s.a_soc) END,
	s.eff, m.content->'matrix'->(s.l - 1)->>(s.eff - 1),
	s.rl, s.ri,
	CASE WHEN s.type = 'ai' AND s.rl IS NOT NULL THEN jsonb_build_object('individuals', s.r_ind,
		'groups', s.r_grp, 'society', s.r_soc) END,
	s.reff, m.content->'matrix'->(s.rl - 1)->>(s.reff - 1),
	current_date - 30 + (s.u_review * 365)::int
FROM spec s JOIN risk_methodologies m ON m.tenant_id = s.tenant_id AND m.revision = 1;

-- A fifth of the treated risks whose residual level the methodology lets a role accept
-- are accepted by that role (retain), for a year.
WITH acc AS (SELECT a->>'level' AS level, a->'roles'->>0 AS role
	FROM risk_methodologies m, jsonb_array_elements(m.content->'acceptance') a
	WHERE m.tenant_id = :'big' AND m.revision = 1)
UPDATE risks r SET status = 'accepted', treatment_option = 'retain',
	accepted_by = (SELECT u.user_id FROM memberships u WHERE u.tenant_id = r.tenant_id
		AND u.role = acc.role LIMIT 1),
	accepted_role = acc.role, accepted_at = now() - interval '20 days',
	acceptance_rationale = 'Within the appetite after treatment; reviewed in the risk committee',
	acceptance_expires = current_date + 345
FROM acc
WHERE r.tenant_id = :'big' AND r.status = 'treated' AND r.residual_level = acc.level
	AND EXISTS (SELECT 1 FROM memberships u WHERE u.tenant_id = r.tenant_id AND u.role = acc.role)
	AND hashtext(r.ref) % 5 = 0;

-- links of the big tenant's risks: two existing controls each, one planned control per
-- treated or accepted risk, one or two assets per IS risk, one AI system per AI risk,
-- one or two treatment actions per treated risk
CREATE TEMP TABLE rk AS SELECT id, type, status, (row_number() OVER (ORDER BY ref) - 1)::int AS n
FROM risks WHERE tenant_id = :'big';
CREATE TEMP TABLE ctl AS SELECT id, (row_number() OVER (ORDER BY ref) - 1)::int AS n
FROM controls WHERE tenant_id = :'big';
INSERT INTO risk_controls (tenant_id, risk_id, control_id, relation)
SELECT :'big', rk.id, ctl.id, x.relation
FROM rk
CROSS JOIN (VALUES ('existing', 7, 0), ('existing', 11, 3), ('planned', 13, 1)) x(relation, m, o)
JOIN ctl ON ctl.n = (rk.n * x.m + x.o) % 200
WHERE x.relation = 'existing' OR rk.status IN ('treated', 'accepted')
ON CONFLICT DO NOTHING;
INSERT INTO risk_assets (tenant_id, risk_id, asset_id)
SELECT :'big', rk.id, a.id
FROM rk JOIN (SELECT id, row_number() OVER (ORDER BY name) - 1 AS n FROM assets
	WHERE tenant_id = :'big') a ON a.n = rk.n % 300 OR (rk.n % 2 = 0 AND a.n = (rk.n * 7 + 1) % 300)
WHERE rk.type = 'is'
ON CONFLICT DO NOTHING;
INSERT INTO risk_ai_systems (tenant_id, risk_id, ai_system_id)
SELECT :'big', rk.id, s.id
FROM rk JOIN (SELECT id, row_number() OVER (ORDER BY ref) - 1 AS n FROM ai_systems
	WHERE tenant_id = :'big') s ON s.n = rk.n % 40
WHERE rk.type = 'ai';
INSERT INTO risk_treatment_actions (tenant_id, risk_id, title, description, owner_id, due_date,
	status, completed_on)
SELECT :'big', rk.id, 'Treatment step ' || k || ' of ' || rk.n, 'Implement the planned control',
	(SELECT id FROM people WHERE n = (rk.n + k) % 6), current_date + (rk.n % 120) - 30,
	(ARRAY['planned', 'in_progress', 'done'])[1 + (rk.n + k) % 3],
	CASE WHEN (rk.n + k) % 3 = 2 THEN current_date - (rk.n % 60) END
FROM rk CROSS JOIN generate_series(1, 2) k
WHERE rk.status IN ('treated', 'accepted') AND (k = 1 OR rk.n % 2 = 0);

-- ------------------------------------------------------------ KPIs
-- Every client tenant: :kpis monthly KPIs with :months measurements each (one per month,
-- on the 10th, the last in the month before :as_of). KPI j of tenant t is built to end
-- in a known state: status (j + t) % 3 (ok, warning, critical), trend (j / 3 + t) % 3
-- (improving, stable, deteriorating: a constant step over the last periods), and every
-- fifth KPI started two months before its first measurement (2 missing periods). The
-- expectation is written into the KPI's source so that bench/risks.sh can check every
-- snapshot the job stores against it.
CREATE TEMP TABLE kspec AS
SELECT t.id AS tenant_id, t.n AS t, j,
	CASE WHEN j % 2 = 0 THEN 'higher_better' ELSE 'lower_better' END AS direction,
	(ARRAY['ok', 'warning', 'critical'])[1 + (j + t.n) % 3] AS status,
	(ARRAY['improving', 'stable', 'deteriorating'])[1 + (j / 3 + t.n) % 3] AS trend,
	CASE WHEN j % 5 = 0 THEN 2 ELSE 0 END AS missing
FROM (SELECT id, row_number() OVER (ORDER BY slug) AS n FROM tenants WHERE kind = 'client') t
CROSS JOIN generate_series(0, :kpis - 1) j;
INSERT INTO kpis (tenant_id, ref, name, definition, unit, direction, target, warning_threshold,
	critical_threshold, frequency, owner_id, source, applies_to, start_date)
SELECT k.tenant_id, 'KPI-' || lpad((k.j + 1)::text, 3, '0'),
	CASE k.direction WHEN 'higher_better' THEN 'Share of systems meeting baseline ' || k.j
		ELSE 'Mean days to close findings of type ' || k.j END,
	'Measured monthly from the bench data set', CASE k.direction WHEN 'higher_better' THEN '%'
		ELSE 'days' END, k.direction,
	CASE k.direction WHEN 'higher_better' THEN 95 ELSE 10 END,
	CASE k.direction WHEN 'higher_better' THEN 90 ELSE 15 END,
	CASE k.direction WHEN 'higher_better' THEN 80 ELSE 30 END,
	'monthly', :'user',
	format('bench expects %s %s %s', k.status, k.trend, k.missing),
	(ARRAY['isms', 'aims', 'both'])[1 + k.j % 3],
	(:'as_of'::date - make_interval(months => :months + k.missing))::date
FROM kspec k;
-- latest value by direction and status; step per month by direction and trend
INSERT INTO kpi_measurements (tenant_id, kpi_id, measured_on, value, note, recorded_by)
SELECT k.tenant_id, kp.id,
	(:'as_of'::date - make_interval(months => :months - m))::date + 9,
	v.latest + v.step * (m - (:months - 1)), '', :'user'
FROM kspec k
JOIN kpis kp ON kp.tenant_id = k.tenant_id AND kp.ref = 'KPI-' || lpad((k.j + 1)::text, 3, '0')
CROSS JOIN LATERAL (SELECT
	CASE k.direction WHEN 'higher_better' THEN CASE k.status WHEN 'ok' THEN 96
			WHEN 'warning' THEN 85 ELSE 70 END
		ELSE CASE k.status WHEN 'ok' THEN 8 WHEN 'warning' THEN 20 ELSE 40 END END AS latest,
	(CASE k.trend WHEN 'improving' THEN 1 WHEN 'stable' THEN 0 ELSE -1 END)
		* CASE k.direction WHEN 'higher_better' THEN 0.5 ELSE -0.3 END AS step) v
CROSS JOIN generate_series(0, :months - 1) m;
COMMIT;
