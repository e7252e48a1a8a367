/*
 * job_phase1_pack.c - the job type "phase1.pack": the Phase 1 ("Define & Establish")
 * deliverables of the engagement as ONE self-contained HTML document (artifact
 * "phase1-pack.html": inline CSS and SVG, no external resource), built from the
 * tenant's data: the Phase 1 deliverables and their status, the project charter with
 * its milestones, committees and the integrated RACI, the context (issues, interested
 * parties), the ISMS and AIMS scopes, the policies (the deliverable's status and every
 * policy in the document register with its version, approval and next review), the risk
 * methodology, the IS and AI risk registers, the treatment plan, inherent and residual
 * heat maps, and the status of both Statements of Applicability. Every approvable part shows its
 * approval state (approved version, or changed since approval, or draft).
 *
 * Payload: {}. Result: the artifact (id, name, size, sha256) and the counts shown.
 * The artifact is upserted by (job, name); an audit event records the report.
 *
 * phase1_pack_facts reads everything in the job's transaction (app.tenant_id set);
 * phase1_pack_html is a pure renderer of those facts (unit-tested in test_risk.c),
 * returning malloc'd text the caller frees. Runs on the worker thread that claimed
 * the job.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "job.h"
#include "jsonv.h"
#include "soa.h"
#include "svg.h"
#include "util.h"

int phase1_pack_facts(PGconn *c, struct arena *a, json_t **out, struct err *e);
char *phase1_pack_html(const json_t *facts);

/* Each query returns one json value; NULL (no such record yet) is kept as JSON null. */
static const struct {
	const char *key;
	const char *sql;
} fact_sql[] = {
        {"tenant", "SELECT jsonb_build_object('name', name, 'slug', slug, 'generated_at',"
                   " to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI \"UTC\"'))"
                   " FROM tenants WHERE id = app_tenant()"},
        {"plan", "SELECT engagement_plan()"},
        {"charter", "SELECT charter_doc()"},
        {"committees", "SELECT coalesce(jsonb_agg(jsonb_build_object('name', c.name, 'remit',"
                       " c.remit, 'cadence', c.cadence, 'members', (SELECT coalesce(jsonb_agg("
                       " jsonb_build_object('name', m.name, 'function', m.function, 'chair',"
                       " m.chair)"
                       " ORDER BY m.ord), '[]') FROM committee_members m WHERE m.committee_id ="
                       " c.id))"
                       " ORDER BY c.name), '[]') FROM committees c"},
        {"raci", "SELECT raci_doc()"},
        {"context", "SELECT jsonb_build_object('issues', (SELECT coalesce(jsonb_agg("
                    " jsonb_build_object('kind', i.kind, 'title', i.title, 'description',"
                    " i.description, 'category', i.category, 'applies_to', i.applies_to)"
                    " ORDER BY i.kind, i.created_at), '[]') FROM context_issues i),"
                    " 'parties', (SELECT coalesce(jsonb_agg(jsonb_build_object('name', p.name,"
                    " 'category', p.category, 'applies_to', p.applies_to, 'requirements',"
                    " p.requirements) ORDER BY p.name), '[]') FROM interested_parties p),"
                    " 'approval', approval_state('context', context_content()))"},
        {"isms_scope", "SELECT scope_doc('isms')"},
        {"aims_scope", "SELECT scope_doc('aims')"},
        {"methodology", "SELECT risk_method_current()"},
        {"register", "SELECT risk_register_content() || jsonb_build_object('approval',"
                     " approval_state('risk_register', risk_register_content()))"},
        {"objectives", "SELECT coalesce(jsonb_agg(jsonb_build_object('ref', o.ref, 'title',"
                       " o.title, 'owner', user_label(o.owner_id), 'due_date', o.due_date,"
                       " 'status',"
                       " o.status, 'kpis', (SELECT coalesce(jsonb_agg(k.ref ORDER BY k.ref), '[]')"
                       " FROM objective_kpis ok JOIN kpis k ON k.id = ok.kpi_id"
                       " WHERE ok.objective_id = o.id)) ORDER BY o.ref), '[]') FROM objectives o"},
        {"policies", "SELECT coalesce(jsonb_agg(jsonb_build_object('ref', d.ref, 'title', d.title,"
                     " 'doc_version', d.doc_version, 'status', d.status, 'owner', user_label("
                     "d.owner_id), 'approved_at', d.approved_at, 'approved_by', user_label("
                     "d.approved_by), 'next_review_on', d.next_review_on, 'review_due',"
                     " d.status = 'approved' AND d.next_review_on <= current_date,"
                     " 'location', d.location, 'requirements', (SELECT coalesce(jsonb_agg("
                     "x.framework_id || ':' || x.ref ORDER BY x.framework_id, x.ref), '[]')"
                     " FROM document_requirements x WHERE x.document_id = d.id)) ORDER BY"
                     " d.ref), '[]') FROM documents d WHERE d.kind = 'policy'"
                     " AND d.status <> 'retired'"},
        {"heatmap_is", "SELECT risk_heatmap('is')"},
        {"heatmap_ai", "SELECT risk_heatmap('ai')"},
        {"soa_baselines", "SELECT coalesce(jsonb_object_agg(kind, jsonb_build_object('number',"
                          " number, 'approved_at', approved_at, 'approved_by',"
                          " user_label(approved_by),"
                          " 'sha256', sha256)), '{}') FROM (SELECT DISTINCT ON (kind) * FROM"
                          " baselines"
                          " WHERE kind IN ('soa:iso27001-2022', 'soa:iso42001-2023')"
                          " ORDER BY kind, number DESC) b"},
};

static const char audit_sql[] = "SELECT audit_append('phase1.pack', 'job', $1, NULL, $2::jsonb)";
static const struct jv_field payload_fields[] = {{NULL}};
static const char *const soa_frameworks[] = {"iso27001-2022", "iso42001-2023"};

int phase1_pack_facts(PGconn *c, struct arena *a, json_t **out, struct err *e)
{
	json_t *f = arena_json(a, json_object());
	for (size_t i = 0; i < sizeof fact_sql / sizeof fact_sql[0]; i++) {
		PGresult *r = db_exec(c, a, e, fact_sql[i].sql, 0);
		if (!r)
			return -1;
		json_t *v = PQntuples(r) ? db_json(a, r, 0, 0) : NULL;
		json_object_set(f, fact_sql[i].key, v ? v : json_null());
	}
	/* the SoA module's own view of each Statement of Applicability */
	json_t *soa = json_object();
	json_object_set_new(f, "soa", soa);
	for (int i = 0; i < 2; i++) {
		json_t *doc;
		struct err absent = {0};
		const char *name;
		if (soa_framework(c, a, soa_frameworks[i], &name, &absent)) {
			/* the standard is not in the tenant's catalog: nothing to report */
			json_object_set_new(soa, soa_frameworks[i], json_null());
			continue;
		}
		if (soa_build(c, a, soa_frameworks[i], &doc, e))
			return -1;
		json_object_set_new(soa, soa_frameworks[i],
		        json_pack("{s:s, s:O, s:I}", "name", name, "summary",
		                json_object_get(doc, "summary"), "findings",
		                (json_int_t)json_array_size(json_object_get(doc, "findings"))));
	}
	*out = f;
	return 0;
}

/* ------------------------------------------------------------------ HTML */

static void h(FILE *f, const char *s)
{
	util_html_escape(f, s);
}

static const char *s_(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

/* Text of a scalar member: strings as they are, numbers and booleans printed. */
static void hv(FILE *f, const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);
	if (json_is_string(v))
		h(f, json_string_value(v));
	else if (json_is_integer(v))
		fprintf(f, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		fprintf(f, "%g", json_real_value(v));
	else if (json_is_boolean(v))
		fputs(json_is_true(v) ? "yes" : "no", f);
}

/* The date part of an ISO 8601 timestamp member ("2026-03-01T10:00:00+00:00"). */
static void date_of(FILE *f, const json_t *o, const char *key)
{
	fprintf(f, "%.10s", s_(o, key));
}

static void td(FILE *f, const char *s)
{
	fputs("<td>", f);
	h(f, s);
	fputs("</td>", f);
}

static void th_row(FILE *f, const char *const *cols)
{
	fputs("<table><thead><tr>", f);
	for (; *cols; cols++) {
		fputs("<th>", f);
		h(f, *cols);
		fputs("</th>", f);
	}
	fputs("</tr></thead><tbody>\n", f);
}

static void list_strings(FILE *f, const json_t *arr)
{
	size_t i;
	json_t *v;
	if (json_array_size(arr) == 0) {
		fputs("<span class=\"none\">none</span>", f);
		return;
	}
	json_array_foreach(arr, i, v)
	{
		if (i)
			fputs(", ", f);
		h(f, json_string_value(v));
	}
}

/* "approved (version 2, 2026-03-01, by ...)" or "draft" / "changed since version n". */
static void approval(FILE *f, const json_t *a)
{
	const char *st = s_(a, "status");
	fprintf(f, "<p class=\"approval %s\">Approval: ", st);
	if (strcmp(st, "approved") == 0) {
		fputs("approved, version ", f);
		hv(f, a, "approved_version");
		fputs(" of ", f);
		date_of(f, a, "approved_at");
		fputs(" by ", f);
		h(f, s_(a, "approved_by_name"));
		fputs(" (SHA-256 ", f);
		h(f, s_(a, "sha256"));
		fputs(")", f);
	} else if (strcmp(st, "changed_since_approval") == 0) {
		fputs("changed since approved version ", f);
		hv(f, a, "approved_version");
		fputs(" (", f);
		date_of(f, a, "approved_at");
		fputs(") - not approved in its current form", f);
	} else {
		fputs("draft, never approved", f);
	}
	fputs("</p>\n", f);
}

static void section(FILE *f, const char *id, const char *title)
{
	fprintf(f, "<section id=\"%s\"><h2>", id);
	h(f, title);
	fputs("</h2>\n", f);
}

static void missing(FILE *f, const char *what)
{
	fputs("<p class=\"none\">", f);
	h(f, what);
	fputs("</p>\n", f);
}

static void deliverables(FILE *f, const json_t *plan)
{
	const json_t *p1 = json_array_get(json_object_get(plan, "phases"), 0);
	static const char *const cols[] = {
	        "Ref", "Deliverable", "Status", "How the status is set", NULL};
	fputs("<h3>Deliverables</h3>\n", f);
	th_row(f, cols);
	size_t i, k;
	json_t *d, *c;
	json_array_foreach(json_object_get(p1, "deliverables"), i, d)
	{
		fprintf(f, "<tr class=\"%s\">", s_(d, "status"));
		td(f, s_(d, "ref"));
		td(f, s_(d, "title"));
		td(f, s_(d, "status"));
		fputs("<td>", f);
		if (strcmp(s_(d, "status_source"), "derived") == 0) {
			fputs("from the data:<ul>", f);
			json_array_foreach(json_object_get(d, "conditions"), k, c)
			{
				fputs(json_is_true(json_object_get(c, "met")) ? "<li>&#10003; "
				                                              : "<li>&#10007; ",
				        f);
				h(f, s_(c, "label"));
				if (*s_(c, "detail")) {
					fputs(" (", f);
					h(f, s_(c, "detail"));
					fputs(")", f);
				}
				fputs("</li>", f);
			}
			fputs("</ul>", f);
		} else {
			fputs("by hand", f);
		}
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody></table>\n", f);
	static const char *const mcols[] = {"Ref", "Milestone", "Due", "Status", NULL};
	fputs("<h3>Milestones</h3>\n", f);
	th_row(f, mcols);
	json_array_foreach(json_object_get(p1, "milestones"), i, d)
	{
		fputs("<tr>", f);
		td(f, s_(d, "ref"));
		td(f, s_(d, "title"));
		td(f, s_(d, "due_date"));
		td(f, s_(d, "status"));
		fputs("</tr>\n", f);
	}
	fputs("</tbody></table>\n", f);
}

static void charter(FILE *f, const json_t *c)
{
	section(f, "charter", "Project charter");
	if (!json_is_object(c)) {
		missing(f, "No project charter has been written yet.");
		fputs("</section>\n", f);
		return;
	}
	fputs("<dl><dt>Title</dt><dd>", f);
	h(f, s_(c, "title"));
	fputs("</dd><dt>Sponsor</dt><dd>", f);
	h(f, *s_(c, "sponsor_name") ? s_(c, "sponsor_name") : "(none)");
	fputs("</dd><dt>Scope summary</dt><dd>", f);
	h(f, s_(c, "scope_summary"));
	fputs("</dd><dt>Dates</dt><dd>", f);
	h(f, *s_(c, "start_date") ? s_(c, "start_date") : "?");
	fputs(" to ", f);
	h(f, *s_(c, "target_date") ? s_(c, "target_date") : "?");
	fputs("</dd><dt>Objectives</dt><dd><ol>", f);
	size_t i;
	json_t *o;
	json_array_foreach(json_object_get(c, "objectives"), i, o)
	{
		fputs("<li>", f);
		h(f, json_string_value(o));
		fputs("</li>", f);
	}
	fputs("</ol></dd></dl>\n", f);
	static const char *const cols[] = {"Ref", "Phase", "Milestone", "Due", "Status", NULL};
	th_row(f, cols);
	json_array_foreach(json_object_get(c, "milestones"), i, o)
	{
		fputs("<tr>", f);
		td(f, s_(o, "ref"));
		fputs("<td>", f);
		hv(f, o, "phase");
		fputs("</td>", f);
		td(f, s_(o, "title"));
		td(f, s_(o, "due_date"));
		td(f, s_(o, "status"));
		fputs("</tr>\n", f);
	}
	fputs("</tbody></table>\n", f);
	approval(f, json_object_get(c, "approval"));
	fputs("</section>\n", f);
}

static void governance(
        FILE *f, const json_t *committees, const json_t *raci, const json_t *objectives)
{
	section(f, "governance", "Governance: committees and integrated RACI");
	static const char *const cols[] = {"Committee", "Remit", "Cadence", "Members", NULL};
	size_t i, k;
	json_t *c, *m;
	if (json_array_size(committees) == 0) {
		missing(f, "No committee has been constituted yet.");
	} else {
		th_row(f, cols);
		json_array_foreach(committees, i, c)
		{
			fputs("<tr>", f);
			td(f, s_(c, "name"));
			td(f, s_(c, "remit"));
			td(f, s_(c, "cadence"));
			fputs("<td>", f);
			json_array_foreach(json_object_get(c, "members"), k, m)
			{
				if (k)
					fputs("; ", f);
				h(f, s_(m, "name"));
				if (*s_(m, "function")) {
					fputs(" (", f);
					h(f, s_(m, "function"));
					fputs(")", f);
				}
				if (json_is_true(json_object_get(m, "chair")))
					fputs(" - chair", f);
			}
			fputs("</td></tr>\n", f);
		}
		fputs("</tbody></table>\n", f);
	}
	fputs("<h3>Integrated RACI</h3>\n", f);
	if (!json_is_object(raci)) {
		missing(f, "No RACI matrix has been recorded yet.");
	} else {
		const json_t *roles = json_object_get(raci, "roles");
		fputs("<table class=\"raci\"><thead><tr><th>Activity</th>", f);
		json_array_foreach(roles, k, m)
		{
			fputs("<th>", f);
			h(f, s_(m, "name"));
			fputs("</th>", f);
		}
		fputs("</tr></thead><tbody>\n", f);
		json_array_foreach(json_object_get(raci, "activities"), i, c)
		{
			fputs("<tr>", f);
			td(f, s_(c, "name"));
			const json_t *as = json_object_get(c, "assignments");
			json_array_foreach(roles, k, m) td(f, s_(as, s_(m, "key")));
			fputs("</tr>\n", f);
		}
		fputs("</tbody></table>\n", f);
		approval(f, json_object_get(raci, "approval"));
	}
	fputs("<h3>Objectives (clause 6.2)</h3>\n", f);
	if (json_array_size(objectives) == 0) {
		missing(f, "No objective has been set yet.");
	} else {
		static const char *const ocols[] = {
		        "Ref", "Objective", "Owner", "Due", "Status", "KPIs", NULL};
		th_row(f, ocols);
		json_array_foreach(objectives, i, c)
		{
			fputs("<tr>", f);
			td(f, s_(c, "ref"));
			td(f, s_(c, "title"));
			td(f, s_(c, "owner"));
			td(f, s_(c, "due_date"));
			td(f, s_(c, "status"));
			fputs("<td>", f);
			list_strings(f, json_object_get(c, "kpis"));
			fputs("</td></tr>\n", f);
		}
		fputs("</tbody></table>\n", f);
	}
	fputs("</section>\n", f);
}

static void context(FILE *f, const json_t *ctx)
{
	section(f, "context", "Context of the organisation (clause 4.1, 4.2)");
	static const char *const icols[] = {
	        "Kind", "Issue", "Description", "Category", "Applies to", NULL};
	size_t i, k;
	json_t *x, *q;
	if (json_array_size(json_object_get(ctx, "issues")) == 0) {
		missing(f, "No internal or external issue has been recorded yet.");
	} else {
		th_row(f, icols);
		json_array_foreach(json_object_get(ctx, "issues"), i, x)
		{
			fputs("<tr>", f);
			td(f, s_(x, "kind"));
			td(f, s_(x, "title"));
			td(f, s_(x, "description"));
			td(f, s_(x, "category"));
			td(f, s_(x, "applies_to"));
			fputs("</tr>\n", f);
		}
		fputs("</tbody></table>\n", f);
	}
	static const char *const pcols[] = {
	        "Interested party", "Category", "Applies to", "Requirements", NULL};
	if (json_array_size(json_object_get(ctx, "parties")) == 0) {
		missing(f, "No interested party has been recorded yet.");
	} else {
		th_row(f, pcols);
		json_array_foreach(json_object_get(ctx, "parties"), i, x)
		{
			fputs("<tr>", f);
			td(f, s_(x, "name"));
			td(f, s_(x, "category"));
			td(f, s_(x, "applies_to"));
			fputs("<td><ul>", f);
			json_array_foreach(json_object_get(x, "requirements"), k, q)
			{
				fputs("<li>", f);
				h(f, s_(q, "requirement"));
				if (*s_(q, "addressed_by")) {
					fputs(" - addressed by ", f);
					h(f, s_(q, "addressed_by"));
				}
				fputs("</li>", f);
			}
			fputs("</ul></td></tr>\n", f);
		}
		fputs("</tbody></table>\n", f);
	}
	approval(f, json_object_get(ctx, "approval"));
	fputs("</section>\n", f);
}

static void scope(FILE *f, const char *title, const json_t *s)
{
	fputs("<h3>", f);
	h(f, title);
	fputs("</h3>\n", f);
	if (!json_is_object(s)) {
		missing(f, "Not defined yet.");
		return;
	}
	static const char *const lists[][2] = {{"entities", "Entities"}, {"products", "Products"},
	        {"sites", "Sites"}, {"environments", "Environments"}, {"data", "Data"},
	        {"suppliers", "Suppliers"}, {"ai_roles", "The organisation's AI roles"}};
	fputs("<dl><dt>Description</dt><dd>", f);
	h(f, s_(s, "description"));
	fputs("</dd>", f);
	bool aims = strcmp(s_(s, "system"), "aims") == 0;
	for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
		if (!aims && strcmp(lists[i][0], "ai_roles") == 0)
			continue; /* the organisation's AI roles belong to the AIMS scope */
		fputs("<dt>", f);
		h(f, lists[i][1]);
		fputs("</dt><dd>", f);
		list_strings(f, json_object_get(s, lists[i][0]));
		fputs("</dd>", f);
	}
	fputs("<dt>Exclusions</dt><dd>", f);
	size_t i;
	json_t *x;
	if (json_array_size(json_object_get(s, "exclusions")) == 0)
		fputs("<span class=\"none\">none</span>", f);
	json_array_foreach(json_object_get(s, "exclusions"), i, x)
	{
		fputs("<p>", f);
		h(f, s_(x, "item"));
		fputs(" - justification: ", f);
		h(f, s_(x, "justification"));
		fputs("</p>", f);
	}
	fputs("</dd><dt>Interfaces and dependencies</dt><dd>", f);
	h(f, s_(s, "interfaces"));
	fputs("</dd></dl>\n", f);
	approval(f, json_object_get(s, "approval"));
}

/* The policies deliverable's status, then the register's policies (documents of kind
 * policy that are not retired): version, status, approval, next review, the clauses and
 * controls they answer. */
static void policies(FILE *f, const json_t *plan, const json_t *list)
{
	section(f, "policies", "Policies");
	const json_t *p1 = json_array_get(json_object_get(plan, "phases"), 0);
	size_t i;
	json_t *d;
	json_array_foreach(
	        json_object_get(p1, "deliverables"), i, d) if (strcmp(s_(d, "ref"), "P1.D6") == 0)
	{
		fputs("<p>", f);
		h(f, s_(d, "title"));
		fputs(": <strong>", f);
		h(f, s_(d, "status"));
		fputs("</strong>", f);
		if (*s_(d, "note")) {
			fputs(" - ", f);
			h(f, s_(d, "note"));
		}
		fputs("</p>\n", f);
	}
	if (json_array_size(list) == 0) {
		missing(f, "No policy is registered yet (documents of kind policy).");
		fputs("</section>\n", f);
		return;
	}
	static const char *const cols[] = {"Ref", "Policy", "Version", "Status", "Owner",
	        "Approved", "Next review", "Requirements", "Location", NULL};
	th_row(f, cols);
	json_array_foreach(list, i, d)
	{
		fputs("<tr>", f);
		td(f, s_(d, "ref"));
		td(f, s_(d, "title"));
		td(f, s_(d, "doc_version"));
		td(f, s_(d, "status"));
		td(f, s_(d, "owner"));
		fputs("<td>", f);
		if (*s_(d, "approved_at")) {
			date_of(f, d, "approved_at");
			fputs(" by ", f);
			h(f, s_(d, "approved_by"));
		} else {
			fputs("<span class=\"none\">not approved</span>", f);
		}
		fputs("</td><td>", f);
		h(f, s_(d, "next_review_on"));
		if (json_is_true(json_object_get(d, "review_due")))
			fputs(" <strong>(due)</strong>", f);
		fputs("</td><td>", f);
		list_strings(f, json_object_get(d, "requirements"));
		fputs("</td>", f);
		td(f, s_(d, "location"));
		fputs("</tr>\n", f);
	}
	fputs("</tbody></table>\n</section>\n", f);
}

static const char *level_color(const json_t *method, const char *key)
{
	size_t i;
	json_t *l;
	json_array_foreach(json_object_get(method, "levels"), i,
	        l) if (strcmp(s_(l, "key"), key) == 0) return s_(l, "color");
	return "#cccccc";
}

static void methodology(FILE *f, const json_t *m)
{
	section(f, "methodology", "Risk methodology (IS and AI risks)");
	if (!json_is_object(m)) {
		missing(f, "No risk methodology has been defined yet.");
		fputs("</section>\n", f);
		return;
	}
	fputs("<p>Revision ", f);
	hv(f, m, "revision");
	fputs(". Risk appetite: risks up to level <strong>", f);
	h(f, s_(m, "appetite"));
	fputs("</strong> are tolerated without treatment. AI risks are also assessed for their "
	      "impact on individuals, groups and society; the highest impact places them in "
	      "the matrix.</p>\n",
	        f);
	static const char *const axes[][2] = {{"likelihood", "Likelihood"}, {"impact", "Impact"}};
	size_t i, k;
	json_t *x, *row;
	for (int a = 0; a < 2; a++) {
		static const char *const cols[] = {"Level", "Name", "Criteria", NULL};
		fputs("<h3>", f);
		h(f, axes[a][1]);
		fputs(" scale</h3>\n", f);
		th_row(f, cols);
		json_array_foreach(json_object_get(m, axes[a][0]), i, x)
		{
			fputs("<tr><td>", f);
			hv(f, x, "level");
			fputs("</td>", f);
			td(f, s_(x, "name"));
			td(f, s_(x, "criteria"));
			fputs("</tr>\n", f);
		}
		fputs("</tbody></table>\n", f);
	}
	fputs("<h3>Risk matrix</h3>\n<table class=\"matrix\"><tbody>\n", f);
	const json_t *matrix = json_object_get(m, "matrix");
	for (size_t r = json_array_size(matrix); r-- > 0;) {
		row = json_array_get(matrix, r);
		fputs("<tr><th>", f);
		h(f, s_(json_array_get(json_object_get(m, "likelihood"), r), "name"));
		fputs("</th>", f);
		json_array_foreach(row, k, x)
		{
			fprintf(f, "<td style=\"background:");
			h(f, level_color(m, json_string_value(x)));
			fputs("\">", f);
			h(f, json_string_value(x));
			fputs("</td>", f);
		}
		fputs("</tr>\n", f);
	}
	fputs("<tr><th></th>", f);
	json_array_foreach(json_object_get(m, "impact"), k, x)
	{
		fputs("<th>", f);
		h(f, s_(x, "name"));
		fputs("</th>", f);
	}
	fputs("</tr></tbody></table>\n", f);
	static const char *const acols[] = {
	        "Level", "Review every (months)", "May be accepted by", NULL};
	fputs("<h3>Acceptance criteria</h3>\n", f);
	th_row(f, acols);
	json_array_foreach(json_object_get(m, "levels"), i, x)
	{
		fputs("<tr>", f);
		td(f, s_(x, "name"));
		fputs("<td>", f);
		hv(f, x, "review_months");
		fputs("</td><td>", f);
		const json_t *roles = NULL;
		json_array_foreach(json_object_get(m, "acceptance"), k,
		        row) if (strcmp(s_(row, "level"), s_(x, "key")) == 0) roles =
		        json_object_get(row, "roles");
		if (roles)
			list_strings(f, roles);
		else
			fputs("no one: must be treated", f);
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody></table>\n</section>\n", f);
}

static void level_cell(FILE *f, const json_t *m, const json_t *assessment)
{
	const char *lvl = s_(assessment, "level");
	if (!*lvl) {
		fputs("<td></td>", f);
		return;
	}
	fputs("<td style=\"background:", f);
	h(f, level_color(m, lvl));
	fputs("\">", f);
	h(f, lvl);
	fputs("</td>", f);
}

static void joined(FILE *f, const json_t *arr, const char *field)
{
	size_t i;
	json_t *x;
	json_array_foreach(arr, i, x)
	{
		if (i)
			fputs(", ", f);
		h(f, s_(x, field));
	}
}

static int register_table(FILE *f, const json_t *reg, const json_t *m, const char *type)
{
	static const char *const cols[] = {"Ref", "Risk", "Owner", "Source / threat", "Inherent",
	        "Existing controls", "Treatment", "Planned controls", "Residual", "Status",
	        "Acceptance", "Next review", NULL};
	int n = 0;
	size_t i;
	json_t *r;
	json_array_foreach(json_object_get(reg, "items"), i, r)
	{
		if (strcmp(s_(r, "type"), type) != 0)
			continue;
		if (n++ == 0)
			th_row(f, cols);
		fputs("<tr>", f);
		td(f, s_(r, "ref"));
		fputs("<td><strong>", f);
		h(f, s_(r, "title"));
		fputs("</strong><br>", f);
		h(f, s_(r, "description"));
		if (json_array_size(json_object_get(r, "annex_c_sources"))) {
			fputs("<br><em>Annex C:</em> ", f);
			list_strings(f, json_object_get(r, "annex_c_sources"));
		}
		fputs("</td>", f);
		td(f, s_(r, "owner_name"));
		td(f, s_(r, "risk_source"));
		level_cell(f, m, json_object_get(r, "inherent"));
		fputs("<td>", f);
		joined(f, json_object_get(r, "existing_controls"), "ref");
		fputs("</td>", f);
		td(f, s_(r, "treatment_option"));
		fputs("<td>", f);
		joined(f, json_object_get(r, "planned_controls"), "ref");
		fputs("</td>", f);
		level_cell(f, m, json_object_get(r, "residual"));
		td(f, s_(r, "status"));
		const json_t *acc = json_object_get(r, "acceptance");
		fputs("<td>", f);
		if (json_is_object(acc)) {
			h(f, s_(acc, "accepted_by_name"));
			fputs(" (", f);
			h(f, s_(acc, "role"));
			fputs("), until ", f);
			h(f, s_(acc, "expires_on"));
			fputs(": ", f);
			h(f, s_(acc, "rationale"));
		}
		fputs("</td>", f);
		td(f, s_(r, "next_review_date"));
		fputs("</tr>\n", f);
	}
	if (n)
		fputs("</tbody></table>\n", f);
	else
		missing(f, "No risk of this type has been recorded yet.");
	return n;
}

static int treatment(FILE *f, const json_t *reg)
{
	static const char *const cols[] = {
	        "Risk", "Option", "Action", "Owner", "Due", "Status", NULL};
	int n = 0;
	size_t i, k;
	json_t *r, *a;
	json_array_foreach(json_object_get(reg, "items"), i, r)
	{
		json_array_foreach(json_object_get(r, "actions"), k, a)
		{
			if (n++ == 0)
				th_row(f, cols);
			fputs("<tr>", f);
			td(f, s_(r, "ref"));
			td(f, s_(r, "treatment_option"));
			td(f, s_(a, "title"));
			td(f, s_(a, "owner_name"));
			td(f, s_(a, "due_date"));
			td(f, s_(a, "status"));
			fputs("</tr>\n", f);
		}
	}
	if (n)
		fputs("</tbody></table>\n", f);
	else
		missing(f, "No treatment action has been planned yet.");
	return n;
}

static void heatmaps(FILE *f, const json_t *hm, const char *what)
{
	if (!json_is_object(hm))
		return;
	static const char *const views[] = {"inherent", "residual"};
	fputs("<div class=\"maps\">", f);
	for (int v = 0; v < 2; v++) {
		char title[64];
		snprintf(title, sizeof title, "%s: %s", what, views[v]);
		char *svg = svg_heatmap(hm, views[v], title);
		if (svg) {
			fputs(svg, f);
			free(svg);
		}
	}
	fputs("</div>\n", f);
}

static void soa(FILE *f, const json_t *soa_map, const json_t *baselines)
{
	section(f, "soa", "Statements of Applicability");
	static const char *const cols[] = {"Standard", "Controls", "Applicable", "Excluded",
	        "Implemented", "Partially", "Planned", "Not yet implemented", "Findings",
	        "Approved version", NULL};
	static const char *const keys[] = {"total", "applicable", "excluded", "implemented",
	        "partially_implemented", "planned", "not_implemented"};
	th_row(f, cols);
	static const char *const fw[] = {"iso27001-2022", "iso42001-2023"};
	for (int i = 0; i < 2; i++) {
		const json_t *x = json_object_get(soa_map, fw[i]);
		char kind[40];
		snprintf(kind, sizeof kind, "soa:%s", fw[i]);
		const json_t *b = json_object_get(baselines, kind);
		fputs("<tr>", f);
		td(f, json_is_object(x) ? s_(x, "name") : fw[i]);
		if (!json_is_object(x)) {
			fputs("<td colspan=\"8\">not available</td>", f);
		} else {
			const json_t *sum = json_object_get(x, "summary");
			for (int k = 0; k < 7; k++) {
				fputs("<td>", f);
				hv(f, sum, keys[k]);
				fputs("</td>", f);
			}
			fputs("<td>", f);
			hv(f, x, "findings");
			fputs("</td>", f);
		}
		fputs("<td>", f);
		if (json_is_object(b)) {
			fputs("version ", f);
			hv(f, b, "number");
			fputs(" of ", f);
			date_of(f, b, "approved_at");
		} else {
			fputs("not approved yet", f);
		}
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody></table>\n</section>\n", f);
}

static const char css[] =
        "body{font-family:Helvetica,Arial,sans-serif;margin:2em;color:#1b1f24;max-width:1200px}"
        "h1{font-size:1.6em}h2{border-bottom:2px solid #2f4b6e;padding-bottom:.2em;margin-top:2em}"
        "table{border-collapse:collapse;margin:.6em 0;width:100%;font-size:.85em}"
        "th,td{border:1px solid #c7ced6;padding:.3em .5em;vertical-align:top;text-align:left}"
        "th{background:#e8edf2}tr.done td:nth-child(3){color:#1b5e20;font-weight:bold}"
        ".matrix"
        " td{text-align:center;font-weight:bold;width:7em}.none{color:#6b7280;font-style:italic}"
        ".approval{padding:.4em;border-left:4px solid #9aa5b1;background:#f5f7f9}"
        ".approval.approved{border-color:#2e7d32}.approval.changed_since_approval{border-color:#"
        "ef6c00}"
        ".maps svg{margin:.5em 1em .5em 0}dl dt{font-weight:bold;margin-top:.4em}dl"
        " dd{margin-left:1em}"
        "@media print{section{page-break-inside:avoid}}";

char *phase1_pack_html(const json_t *facts)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		abort();
	const json_t *tenant = json_object_get(facts, "tenant");
	const json_t *plan = json_object_get(facts, "plan");
	const json_t *reg = json_object_get(facts, "register");
	const json_t *m = json_object_get(facts, "methodology");
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	      "<meta name=\"generator\" content=\"Concord\"><title>Phase 1 pack - ",
	        f);
	h(f, s_(tenant, "name"));
	fprintf(f, "</title><style>%s</style></head><body>\n", css);
	fputs("<header><h1>Phase 1 - Define &amp; Establish: ", f);
	h(f, s_(tenant, "name"));
	fputs("</h1><p>Integrated ISO/IEC 27001 ISMS and ISO/IEC 42001 AIMS. Generated ", f);
	h(f, s_(tenant, "generated_at"));
	fputs(" from the tenant's records in Concord.</p></header>\n", f);
	section(f, "plan", "Engagement status");
	deliverables(f, plan);
	fputs("</section>\n", f);
	charter(f, json_object_get(facts, "charter"));
	governance(f, json_object_get(facts, "committees"), json_object_get(facts, "raci"),
	        json_object_get(facts, "objectives"));
	context(f, json_object_get(facts, "context"));
	section(f, "scopes", "Scopes (clause 4.3)");
	scope(f, "ISMS scope (ISO/IEC 27001)", json_object_get(facts, "isms_scope"));
	scope(f, "AIMS scope (ISO/IEC 42001)", json_object_get(facts, "aims_scope"));
	fputs("</section>\n", f);
	policies(f, plan, json_object_get(facts, "policies"));
	methodology(f, m);
	section(f, "registers", "Risk registers");
	approval(f, json_object_get(reg, "approval"));
	fputs("<h3>Information-security risks</h3>\n", f);
	register_table(f, reg, m, "is");
	heatmaps(f, json_object_get(facts, "heatmap_is"), "IS risks");
	fputs("<h3>AI risks</h3>\n", f);
	register_table(f, reg, m, "ai");
	heatmaps(f, json_object_get(facts, "heatmap_ai"), "AI risks");
	fputs("</section>\n", f);
	section(f, "treatment", "Risk treatment plan");
	treatment(f, reg);
	fputs("</section>\n", f);
	soa(f, json_object_get(facts, "soa"), json_object_get(facts, "soa_baselines"));
	fputs("</body></html>\n", f);
	fclose(f);
	return buf;
}

static int phase1_pack_run(
        struct job_ctx *ctx, const json_t *payload, json_t **result, struct err *e)
{
	json_t *facts;
	if (jv_check(payload, payload_fields, e)) {
		char field[sizeof e->field];
		snprintf(field, sizeof field, "payload.%.100s", e->field);
		memcpy(e->field, field, sizeof field);
		return -1;
	}
	if (phase1_pack_facts(ctx->db, ctx->arena, &facts, e))
		return -1;
	char *html = phase1_pack_html(facts);
	size_t len = strlen(html);
	char id[37], sha[65];
	util_sha256_hex(html, len, sha);
	int rc = job_artifact_put(
	        ctx, "phase1-pack.html", "text/html; charset=utf-8", html, len, id, e);
	free(html);
	if (rc)
		return -1;
	const json_t *items = json_object_get(json_object_get(facts, "register"), "items");
	json_t *res = json_pack("{s:s, s:s, s:I, s:s, s:I, s:I}", "artifact_id", id, "name",
	        "phase1-pack.html", "size", (json_int_t)len, "sha256", sha, "risks",
	        (json_int_t)json_array_size(items), "policies",
	        (json_int_t)json_array_size(json_object_get(facts, "policies")));
	char *text = json_dumps(res, JSON_COMPACT);
	PGresult *a = db_exec(ctx->db, ctx->arena, e, audit_sql, 2, ctx->job_id, text);
	free(text);
	if (!a) {
		json_decref(res);
		return -1;
	}
	*result = res;
	return 0;
}

const struct job_type job_phase1_pack = {"phase1.pack", phase1_pack_run};
