/*
 * soa.c - see soa.h. One query gathers the facts of every Annex A control (the
 * tenant's recorded entry, implementing controls with their status and owner, the risks
 * that rely on them); everything else is pure functions over that JSON, so the same
 * assembly serves the API, the export worker and the unit tests.
 */
#include "soa.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"

const char *const soa_reason_codes[] = {
        "risk_treatment", "legal_regulatory", "contractual", "business_practice", NULL};
const char *const soa_statuses[] = {
        "not_implemented", "planned", "partially_implemented", "implemented", NULL};

static const char framework_sql[] =
        "SELECT f.name FROM catalog_frameworks f WHERE f.id = $1 AND f.kind = 'standard'"
        " AND EXISTS (SELECT 1 FROM catalog_requirements r WHERE r.framework_id = f.id"
        "   AND r.catalog_version = catalog_version_for(f.id) AND r.kind = 'annex_a_control')";

/* The facts come as flat rows (assembled in C below): nesting the risks of every
 * implementing control of every line in SQL (jsonb_agg) costs several times more.
 * $1 framework, $2 the tenant's catalog version of it (lines_sql finds it once, as an
 * InitPlan: a function call in a WHERE clause would run for every row), $3 one ref or
 * NULL. Owners' names come with the rows that name them. */
static const char lines_sql[] =
        "SELECT r.ref, r.title, r.parent_ref, p.title,"
        " e.ref IS NOT NULL, e.applicable, to_jsonb(e.reasons)::text, e.reason_text,"
        " e.exclusion_justification, e.implementation_status, e.owner_id, e.version,"
        " r.catalog_version, coalesce(nullif(u.display_name, ''), u.email)"
        " FROM catalog_requirements r"
        " LEFT JOIN catalog_requirements p ON p.framework_id = r.framework_id"
        "   AND p.catalog_version = r.catalog_version AND p.ref = r.parent_ref"
        " LEFT JOIN soa_entries e ON e.framework_id = r.framework_id AND e.ref = r.ref"
        " LEFT JOIN users u ON u.id = e.owner_id"
        " WHERE r.framework_id = $1 AND r.catalog_version = (SELECT catalog_version_for($1))"
        "   AND r.kind = 'annex_a_control' AND ($2::text IS NULL OR r.ref = $2)"
        " ORDER BY r.seq";
/* implementing controls per line; law: the control also serves a law's requirement */
static const char links_sql[] =
        "WITH law AS (SELECT DISTINCT x.control_id FROM control_requirements x"
        "   WHERE x.framework_id IN (SELECT f.id FROM catalog_frameworks f WHERE f.kind = 'law'))"
        " SELECT cr.ref, c.id, c.ref, c.title, c.status, c.owner_id, law.control_id IS NOT NULL,"
        " coalesce(nullif(u.display_name, ''), u.email)"
        " FROM control_requirements cr JOIN controls c ON c.tenant_id = cr.tenant_id"
        "   AND c.id = cr.control_id"
        " LEFT JOIN law ON law.control_id = c.id"
        " LEFT JOIN users u ON u.id = c.owner_id"
        " WHERE cr.framework_id = $1 AND cr.catalog_version = $2"
        "   AND ($3::text IS NULL OR cr.ref = $3)"
        " ORDER BY cr.ref, c.ref";
/* the risks relying on those controls, in display order (row number = order) */
static const char risks_sql[] =
        "SELECT rc.control_id, r.id, r.ref, r.title, r.status, rc.relation"
        " FROM risk_controls rc JOIN risks r ON r.tenant_id = rc.tenant_id AND r.id = rc.risk_id"
        " WHERE rc.control_id IN (SELECT cr.control_id FROM control_requirements cr"
        "   WHERE cr.framework_id = $1 AND cr.catalog_version = $2"
        "   AND ($3::text IS NULL OR cr.ref = $3))"
        " ORDER BY r.ref, r.id, rc.relation";

int soa_framework(
        PGconn *c, struct arena *a, const char *framework, const char **name, struct err *e)
{
	PGresult *r = db_exec(c, a, e, framework_sql, 1, framework);
	if (!r)
		return -1;
	if (PQntuples(r) == 0)
		return err_set(e, ERR_NOT_FOUND, NULL,
		        "no Statement of Applicability for '%.60s' (a standard with Annex A "
		        "controls)",
		        framework);
	*name = PQgetvalue(r, 0, 0);
	return 0;
}

static json_t *text_or_null(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? json_null() : json_string(PQgetvalue(r, row, col));
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

int soa_facts(PGconn *c, struct arena *a, const char *framework, const char *ref, json_t **out,
        struct err *e)
{
	PGresult *lines = db_exec(c, a, e, lines_sql, 2, framework, ref);
	if (!lines)
		return -1;
	int nlines = PQntuples(lines);
	const char *v = nlines ? PQgetvalue(lines, 0, 12) : NULL;
	PGresult *links = NULL, *risks = NULL;
	if (nlines && (!(links = db_exec(c, a, e, links_sql, 3, framework, v, ref)) ||
	                      !(risks = db_exec(c, a, e, risks_sql, 3, framework, v, ref))))
		return -1;
	int nlinks = links ? PQntuples(links) : 0, nrisks = risks ? PQntuples(risks) : 0;
	json_t *names = json_object(); /* owner id -> name */
	for (int k = 0; k < nlines; k++)
		if (!PQgetisnull(lines, k, 10) && !PQgetisnull(lines, k, 13))
			json_object_set_new(names, PQgetvalue(lines, k, 10),
			        json_string(PQgetvalue(lines, k, 13)));
	for (int k = 0; k < nlinks; k++)
		if (!PQgetisnull(links, k, 5) && !PQgetisnull(links, k, 7))
			json_object_set_new(names, PQgetvalue(links, k, 5),
			        json_string(PQgetvalue(links, k, 7)));

	/* the risk rows of each control, in display order: control id -> slot, then the
	 * rows bucketed by slot (counting sort) */
	json_t *slot_of = arena_json(a, json_object());
	int *slot = arena_alloc(a, sizeof *slot * (size_t)(nrisks + 1)), nslots = 0;
	for (int k = 0; k < nrisks; k++) {
		json_t *sl = json_object_get(slot_of, PQgetvalue(risks, k, 0));
		if (!sl)
			json_object_set_new(
			        slot_of, PQgetvalue(risks, k, 0), sl = json_integer(nslots++));
		slot[k] = (int)json_integer_value(sl);
	}
	int *start = arena_alloc(a, sizeof *start * (size_t)(nslots + 2));
	int *bucket = arena_alloc(a, sizeof *bucket * (size_t)(nrisks + 1));
	for (int k = 0; k < nrisks; k++)
		start[slot[k] + 2]++;
	for (int k = 2; k < nslots + 2; k++)
		start[k] += start[k - 1];
	for (int k = 0; k < nrisks; k++)
		bucket[start[slot[k] + 1]++] = k; /* start[x + 1] becomes the end of slot x */
	/* links are grouped by requirement ref: where each requirement's group starts */
	json_t *first = arena_json(a, json_object());
	for (int k = nlinks - 1; k >= 0; k--)
		json_object_set_new(first, PQgetvalue(links, k, 0), json_integer(k));
	json_t *items = json_array();
	int *picked = arena_alloc(a, sizeof *picked * (size_t)(nrisks + 1));
	for (int i = 0; i < nlines; i++) {
		const char *lref = PQgetvalue(lines, i, 0);
		json_t *entry = json_null();
		if (strcmp(PQgetvalue(lines, i, 4), "t") == 0) {
			json_t *reasons = PQgetisnull(lines, i, 6)
			                          ? json_null()
			                          : json_loads(PQgetvalue(lines, i, 6), 0, NULL);
			entry = json_object();
			json_object_set_new(entry, "applicable",
			        PQgetisnull(lines, i, 5)
			                ? json_null()
			                : json_boolean(PQgetvalue(lines, i, 5)[0] == 't'));
			json_object_set_new(entry, "reasons", reasons ? reasons : json_null());
			json_object_set_new(
			        entry, "reason_text", json_string(PQgetvalue(lines, i, 7)));
			json_object_set_new(entry, "exclusion_justification",
			        json_string(PQgetvalue(lines, i, 8)));
			json_object_set_new(
			        entry, "implementation_status", text_or_null(lines, i, 9));
			json_object_set_new(entry, "owner_id", text_or_null(lines, i, 10));
			json_object_set_new(
			        entry, "version", json_integer(atoi(PQgetvalue(lines, i, 11))));
		}
		json_t *controls = json_array();
		int npicked = 0;
		json_t *at = json_object_get(first, lref);
		for (int l = at ? (int)json_integer_value(at) : nlinks;
		        l < nlinks && strcmp(PQgetvalue(links, l, 0), lref) == 0; l++) {
			const char *cid = PQgetvalue(links, l, 1);
			json_t *ctl = json_object();
			json_object_set_new(ctl, "id", json_string(cid));
			json_object_set_new(ctl, "ref", json_string(PQgetvalue(links, l, 2)));
			json_object_set_new(ctl, "title", json_string(PQgetvalue(links, l, 3)));
			json_object_set_new(ctl, "status", json_string(PQgetvalue(links, l, 4)));
			json_object_set_new(ctl, "owner_id", text_or_null(links, l, 5));
			json_object_set_new(
			        ctl, "law", json_boolean(PQgetvalue(links, l, 6)[0] == 't'));
			json_array_append_new(controls, ctl);
			json_t *sl = json_object_get(slot_of, cid);
			if (sl) {
				int x = (int)json_integer_value(sl);
				for (int k = start[x]; k < start[x + 1]; k++)
					picked[npicked++] = bucket[k];
			}
		}
		/* the risks of all its controls, each (risk, relation) once, in display order:
		 * rows of one (risk, relation) are adjacent in the query's order */
		qsort(picked, (size_t)npicked, sizeof *picked, cmp_int);
		json_t *rl = json_array();
		for (int k = 0; k < npicked; k++) {
			int row = picked[k];
			if (k > 0 &&
			        strcmp(PQgetvalue(risks, picked[k - 1], 1),
			                PQgetvalue(risks, row, 1)) == 0 &&
			        strcmp(PQgetvalue(risks, picked[k - 1], 5),
			                PQgetvalue(risks, row, 5)) == 0)
				continue;
			json_t *rk = json_object();
			json_object_set_new(rk, "id", json_string(PQgetvalue(risks, row, 1)));
			json_object_set_new(rk, "ref", json_string(PQgetvalue(risks, row, 2)));
			json_object_set_new(rk, "title", json_string(PQgetvalue(risks, row, 3)));
			json_object_set_new(rk, "status", json_string(PQgetvalue(risks, row, 4)));
			json_object_set_new(rk, "relation", json_string(PQgetvalue(risks, row, 5)));
			json_array_append_new(rl, rk);
		}
		json_t *item = json_object();
		json_object_set_new(item, "ref", json_string(lref));
		json_object_set_new(item, "title", json_string(PQgetvalue(lines, i, 1)));
		json_object_set_new(item, "group", text_or_null(lines, i, 2));
		json_object_set_new(item, "group_title", text_or_null(lines, i, 3));
		json_object_set_new(item, "entry", entry);
		json_object_set_new(item, "controls", controls);
		json_object_set_new(item, "risks", rl);
		json_array_append_new(items, item);
	}
	*out = arena_json(
	        a, json_pack("{s:o, s:o, s:o}", "catalog_version", v ? json_string(v) : json_null(),
	                   "items", items, "users", names));
	return 0;
}

static const char *str(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static bool is_blank(const char *s)
{
	for (; s && *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return false;
	return true;
}

/* A risk treatment relies on the control: a 'planned' link from a risk that is not closed. */
static bool relied_on(const json_t *risk)
{
	const char *st = str(risk, "status");
	return strcmp(str(risk, "relation") ? str(risk, "relation") : "", "planned") == 0 &&
	       !(st && strcmp(st, "closed") == 0);
}

json_t *soa_line(const json_t *fact, const json_t *users)
{
	const json_t *entry = json_object_get(fact, "entry");
	const json_t *controls = json_object_get(fact, "controls");
	const json_t *risks = json_object_get(fact, "risks");
	size_t i;
	json_t *x;
	int n = 0, active = 0, implemented = 0, progress = 0;
	bool law = false, planned = false, one_owner = true;
	const char *owner = NULL;
	json_array_foreach(controls, i, x)
	{
		const char *st = str(x, "status");
		n++;
		if (st && strcmp(st, "not_applicable") == 0)
			continue;
		active++;
		implemented += st && strcmp(st, "implemented") == 0;
		progress += st && strcmp(st, "in_progress") == 0;
		law |= json_is_true(json_object_get(x, "law"));
		const char *o = str(x, "owner_id");
		if (!o || (owner && strcmp(owner, o) != 0))
			one_owner = false;
		else
			owner = o;
	}
	json_array_foreach(risks, i, x) planned |= relied_on(x);

	/* what the library and the risk treatment imply */
	bool d_applicable = !(n > 0 && active == 0);
	json_t *d_reasons = json_array();
	if (planned)
		json_array_append_new(d_reasons, json_string("risk_treatment"));
	if (law)
		json_array_append_new(d_reasons, json_string("legal_regulatory"));
	const char *d_status = active == 0                       ? "not_implemented"
	                       : implemented == active           ? "implemented"
	                       : implemented > 0 || progress > 0 ? "partially_implemented"
	                                                         : "planned";
	const char *d_owner = one_owner ? owner : NULL;

	/* what people recorded wins */
	json_t *e_app = json_object_get(entry, "applicable");
	json_t *e_reasons = json_object_get(entry, "reasons");
	const char *e_status = str(entry, "implementation_status");
	const char *e_owner = str(entry, "owner_id");
	bool applicable = json_is_boolean(e_app) ? json_is_true(e_app) : d_applicable;
	json_t *reasons =
	        json_is_array(e_reasons) ? json_incref(e_reasons) : json_incref(d_reasons);
	const char *status = !applicable ? "not_applicable" : e_status ? e_status : d_status;
	const char *owner_id = e_owner ? e_owner : d_owner;
	json_t *owner_obj = json_null();
	if (owner_id) {
		const char *name = str(users, owner_id);
		owner_obj = json_pack("{s:s, s:s}", "id", owner_id, "name", name ? name : "");
	}
	/* the fact arrays are already in their published shape: share them */
	json_t *ctl = controls ? json_incref((json_t *)controls) : json_array();
	json_t *rsk = risks ? json_incref((json_t *)risks) : json_array();
	json_t *version = json_object_get(entry, "version");
	json_t *line = json_pack(
	        "{s:O, s:O, s:O, s:O?, s:O?, s:b, s:o, s:s, s:s, s:s, s:o, s:o, s:o,"
	        " s:I}",
	        "key", json_object_get(fact, "ref"), "ref", json_object_get(fact, "ref"), "title",
	        json_object_get(fact, "title"), "group", json_object_get(fact, "group"),
	        "group_title", json_object_get(fact, "group_title"), "applicable", applicable,
	        "reasons", reasons, "reason_text",
	        str(entry, "reason_text") ? str(entry, "reason_text") : "",
	        "exclusion_justification",
	        str(entry, "exclusion_justification") ? str(entry, "exclusion_justification") : "",
	        "implementation_status", status, "controls", ctl, "risks", rsk, "owner", owner_obj,
	        "version",
	        (json_int_t)(json_is_integer(version) ? json_integer_value(version) : 1));
	json_object_set_new(line, "sources",
	        json_pack("{s:s, s:s, s:s, s:s}", "applicable",
	                json_is_boolean(e_app) ? "recorded" : "derived", "reasons",
	                json_is_array(e_reasons) ? "recorded" : "derived", "implementation_status",
	                e_status ? "recorded" : "derived", "owner",
	                e_owner ? "recorded" : "derived"));
	json_object_set_new(line, "derived",
	        json_pack("{s:b, s:o, s:s, s:s?}", "applicable", d_applicable, "reasons", d_reasons,
	                "implementation_status", d_status, "owner_id", d_owner));
	return line;
}

static void finding(json_t *out, const json_t *line, const char *rule, json_t *message)
{
	json_array_append_new(out,
	        json_pack("{s:s, s:O, s:O, s:o}", "rule", rule, "ref", json_object_get(line, "ref"),
	                "title", json_object_get(line, "title"), "message", message));
}

json_t *soa_check(const json_t *lines)
{
	json_t *out = json_array();
	size_t i, j;
	json_t *l, *x;
	json_array_foreach(lines, i, l)
	{
		const char *ref = str(l, "ref");
		int active = 0;
		json_array_foreach(json_object_get(l, "controls"), j, x)
		{
			const char *st = str(x, "status");
			active += !(st && strcmp(st, "not_applicable") == 0);
		}
		if (json_is_true(json_object_get(l, "applicable"))) {
			if (json_array_size(json_object_get(l, "reasons")) == 0)
				finding(out, l, "applicable_without_reason",
				        json_sprintf("%s is applicable but no reason for inclusion "
				                     "is recorded",
				                ref));
			if (active == 0)
				finding(out, l, "applicable_without_control",
				        json_sprintf("%s is applicable but no control of the "
				                     "library implements it",
				                ref));
			continue;
		}
		if (is_blank(str(l, "exclusion_justification")))
			finding(out, l, "excluded_without_justification",
			        json_sprintf("%s is excluded without a justification", ref));
		char risks[512] = "";
		size_t used = 0;
		json_array_foreach(json_object_get(l, "risks"), j, x)
		{
			if (!relied_on(x) || used >= sizeof risks - 1)
				continue;
			int w = snprintf(risks + used, sizeof risks - used, "%s%s",
			        used ? ", " : "", str(x, "ref") ? str(x, "ref") : "?");
			if (w > 0)
				used += (size_t)w;
		}
		if (used)
			finding(out, l, "excluded_but_relied_on_by_risk_treatment",
			        json_sprintf("%s is excluded but the treatment of %s relies on it",
			                ref, risks));
	}
	return out;
}

json_t *soa_summary(const json_t *lines, const json_t *findings)
{
	int total = 0, applicable = 0, counts[4] = {0};
	size_t i;
	json_t *l;
	json_array_foreach(lines, i, l)
	{
		total++;
		if (!json_is_true(json_object_get(l, "applicable")))
			continue;
		applicable++;
		for (int k = 0; soa_statuses[k]; k++)
			if (strcmp(str(l, "implementation_status"), soa_statuses[k]) == 0)
				counts[k]++;
	}
	return json_pack("{s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i}", "total", total, "applicable",
	        applicable, "excluded", total - applicable, "not_implemented", counts[0], "planned",
	        counts[1], "partially_implemented", counts[2], "implemented", counts[3], "findings",
	        (int)json_array_size(findings));
}

json_t *soa_frozen_line(const json_t *line)
{
	json_t *out = json_deep_copy(line);
	json_object_del(out, "version");
	json_object_del(out, "sources");
	json_object_del(out, "derived");
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(out, "controls"), i, x)
	{
		json_object_del(x, "id");
		json_object_del(x, "owner_id");
		json_object_del(x, "law");
	}
	json_array_foreach(json_object_get(out, "risks"), i, x) json_object_del(x, "id");
	return out;
}

int soa_build(PGconn *c, struct arena *a, const char *framework, json_t **out, struct err *e)
{
	const char *name;
	json_t *facts;
	if (soa_framework(c, a, framework, &name, e) || soa_facts(c, a, framework, NULL, &facts, e))
		return -1;
	json_t *users = json_object_get(facts, "users");
	json_t *lines = json_array();
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(facts, "items"), i, f)
	        json_array_append_new(lines, soa_line(f, users));
	json_t *findings = soa_check(lines);
	json_t *summary = soa_summary(lines, findings);
	*out = arena_json(
	        a, json_pack("{s:s, s:s, s:O, s:o, s:o, s:o}", "framework", framework, "name", name,
	                   "catalog_version", json_object_get(facts, "catalog_version"), "items",
	                   lines, "findings", findings, "summary", summary));
	return 0;
}
