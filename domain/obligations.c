/*
 * obligations.c - rule set loading, conditions, contract recommendations, dossier, roadmap
 * planning and rendering, classification matrix (see obligations.h).
 *
 * The roadmap planner works on arrays indexed like the input's workstreams (one extra slot,
 * last, for obligations whose article belongs to no workstream). Deadlines are days since
 * 1970-01-01; -1 means "no deadline". Dependencies are ordered once by a depth-first search
 * that also finds cycles; deadlines then flow backwards from each project to the projects it
 * depends on, so a prerequisite ends before its dependent has to start.
 */
#include "obligations.h"

#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "arena.h"
#include "config.h"
#include "log.h"
#include "util.h"

#define DEFAULT_HORIZON_DAYS 90
#define OTHER_DURATION_DAYS  90    /* obligations whose article has no workstream */
#define XLSX_CELL_MAX        32000 /* Excel's cell limit is 32767 characters */

/* ------------------------------------------------------------------- rule set */

static pthread_once_t rules_once = PTHREAD_ONCE_INIT;
static struct aiact_rules *rules_loaded;
static char rules_problem[512];

int oblig_version_cmp(const char *a, const char *b)
{
	while (*a || *b) {
		char *ea, *eb;
		long x = strtol(a, &ea, 10), y = strtol(b, &eb, 10);
		if (ea == a || eb == b)
			return strcmp(a, b);
		if (x != y)
			return x < y ? -1 : 1;
		a = *ea == '.' ? ea + 1 : ea;
		b = *eb == '.' ? eb + 1 : eb;
		if ((*ea != '.' && *ea) || (*eb != '.' && *eb))
			return strcmp(a, b);
		if (!*a && *b)
			return -1;
		if (*a && !*b)
			return 1;
	}
	return 0;
}

static void rules_init(void)
{
	const char *root = cfg.root ? cfg.root : getenv("CONCORD_ROOT");
	char dir[2048], path[4096], best[64] = "";
	snprintf(dir, sizeof dir, "%s/catalog/aiact", root ? root : ".");
	DIR *d = opendir(dir);
	if (!d) {
		snprintf(rules_problem, sizeof rules_problem, "cannot open %.400s", dir);
		goto fail;
	}
	struct dirent *de;
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);
		if (n <= 11 || strncmp(de->d_name, "rules-", 6) ||
		        strcmp(de->d_name + n - 5, ".json"))
			continue;
		char v[64];
		snprintf(v, sizeof v, "%.*s", (int)(n - 11), de->d_name + 6);
		if (!best[0] || oblig_version_cmp(v, best) > 0)
			snprintf(best, sizeof best, "%s", v);
	}
	closedir(d);
	if (!best[0]) {
		snprintf(rules_problem, sizeof rules_problem, "no rules-<version>.json in %.400s",
		        dir);
		goto fail;
	}
	snprintf(path, sizeof path, "%s/rules-%s.json", dir, best);
	struct err e = {0};
	if (aiact_rules_load_file(path, &rules_loaded, &e)) {
		snprintf(rules_problem, sizeof rules_problem, "%.300s: %.64s %.128s", path, e.field,
		        e.message);
		goto fail;
	}
	log_info("AI Act rule set %s loaded from %s", aiact_rules_version(rules_loaded), path);
	return;
fail:
	log_error("AI Act rule set unavailable: %s", rules_problem);
}

int oblig_rules(const struct aiact_rules **out, struct err *e)
{
	pthread_once(&rules_once, rules_init);
	if (!rules_loaded) {
		err_set(e, ERR_INTERNAL, NULL, "the AI Act rule set is unavailable");
		return err_log_detail(e, "%s", rules_problem);
	}
	*out = rules_loaded;
	return 0;
}

/* ---------------------------------------------------------------------- dates */

int oblig_date_parse(const char *s, long *days)
{
	if (!s || !util_is_date(s))
		return -1;
	long y = strtol(s, NULL, 10);
	unsigned m = (unsigned)strtol(s + 5, NULL, 10), d = (unsigned)strtol(s + 8, NULL, 10);
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	*days = era * 146097 + (long)doe - 719468;
	return 0;
}

void oblig_date_format(long z, char out[11])
{
	z += 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long y = (long)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	unsigned d = doy - (153 * mp + 2) / 5 + 1;
	unsigned m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	unsigned yy = y < 0 ? 0u : y > 9999 ? 9999u : (unsigned)y;
	snprintf(out, 11, "%04u-%02u-%02u", yy % 10000u, m % 100u, d % 100u);
}

static json_t *date_json(long days)
{
	char buf[11];
	if (days < 0)
		return json_null();
	oblig_date_format(days, buf);
	return json_string(buf);
}

/* ----------------------------------------------------------------- conditions */

static bool truthy(const json_t *v)
{
	return v && !json_is_null(v) && !json_is_false(v);
}

bool oblig_cond_eval(const json_t *c, const json_t *facts)
{
	if (json_is_boolean(c))
		return json_is_true(c);
	if (json_is_string(c))
		return truthy(json_object_get(facts, json_string_value(c)));
	if (!json_is_object(c) || json_object_size(c) != 1)
		return false;
	const json_t *v;
	size_t i;
	if ((v = json_object_get(c, "not")))
		return !oblig_cond_eval(v, facts);
	if ((v = json_object_get(c, "all"))) {
		const json_t *x;
		json_array_foreach(v, i, x)
		{
			if (!oblig_cond_eval(x, facts))
				return false;
		}
		return true;
	}
	if ((v = json_object_get(c, "any"))) {
		const json_t *x;
		json_array_foreach(v, i, x)
		{
			if (oblig_cond_eval(x, facts))
				return true;
		}
		return false;
	}
	if ((v = json_object_get(c, "eq")) || (v = json_object_get(c, "ne"))) {
		const json_t *fact =
		        json_object_get(facts, json_string_value(json_array_get(v, 0)));
		bool eq = json_equal(fact ? fact : json_null(), json_array_get(v, 1));
		return json_object_get(c, "eq") ? eq : !eq;
	}
	if ((v = json_object_get(c, "in"))) {
		const json_t *fact =
		        json_object_get(facts, json_string_value(json_array_get(v, 0)));
		const json_t *x;
		json_array_foreach(json_array_get(v, 1), i, x)
		{
			if (fact && json_equal(fact, x))
				return true;
		}
		return false;
	}
	return false;
}

static bool known_fact(const char *name, const char *const *known)
{
	for (; known && *known; known++)
		if (strcmp(*known, name) == 0)
			return true;
	return false;
}

int oblig_cond_check(const json_t *c, const char *const *known, struct err *e)
{
	if (json_is_boolean(c))
		return 0;
	if (json_is_string(c))
		return known_fact(json_string_value(c), known)
		               ? 0
		               : err_set(e, ERR_INVALID, "applies_when", "unknown fact \"%.64s\"",
		                         json_string_value(c));
	if (!json_is_object(c) || json_object_size(c) != 1)
		return err_set(
		        e, ERR_INVALID, "applies_when", "a condition object has one operator");
	const char *op = json_object_iter_key(json_object_iter((json_t *)c));
	const json_t *v = json_object_get(c, op);
	size_t i;
	const json_t *x;
	if (strcmp(op, "not") == 0)
		return oblig_cond_check(v, known, e);
	if (strcmp(op, "all") == 0 || strcmp(op, "any") == 0) {
		if (!json_is_array(v) || json_array_size(v) == 0)
			return err_set(
			        e, ERR_INVALID, "applies_when", "%s takes a non-empty array", op);
		json_array_foreach(v, i, x)
		{
			if (oblig_cond_check(x, known, e))
				return -1;
		}
		return 0;
	}
	if (strcmp(op, "eq") == 0 || strcmp(op, "ne") == 0 || strcmp(op, "in") == 0) {
		if (!json_is_array(v) || json_array_size(v) != 2 ||
		        !json_is_string(json_array_get(v, 0)))
			return err_set(
			        e, ERR_INVALID, "applies_when", "%s takes [fact, value]", op);
		if (strcmp(op, "in") == 0 && !json_is_array(json_array_get(v, 1)))
			return err_set(e, ERR_INVALID, "applies_when", "in takes [fact, [values]]");
		return oblig_cond_check(json_array_get(v, 0), known, e);
	}
	return err_set(e, ERR_INVALID, "applies_when", "unknown operator \"%.32s\"", op);
}

const char *const oblig_supplier_facts[] = {
        "supplies_system",             /* the supplier provides the AI system itself */
        "supplies_gpai_model",         /* ... a general-purpose AI model the system uses */
        "supplies_model",              /* ... another model the system uses */
        "supplies_dataset",            /* ... a dataset the system depends on */
        "supplies_service",            /* ... a service the system depends on */
        "only_open_source",            /* everything it supplies is free and open-source */
        "gpai_systemic",               /* a supplied GPAI model has systemic risk */
        "personal_data",               /* personal data flows to, from or within what it supplies */
        "third_country_personal_data", /* ... and leaves the EU */
        "supplier_outside_eu",         /* the supplier is not established in the EU */
        "classified",                  /* the system has an AI Act classification */
        "high_risk",                   /* ... and it is high-risk */
        "transparency",                /* ... and an Art. 50 paragraph is triggered */
        "fria_required",               /* ... and the organisation must carry out a FRIA */
        "tenant_provider",             /* the organisation holds provider duties for the system */
        "tenant_deployer",             /* the organisation holds deployer duties for the system */
        "risk_category",               /* the system's category (string) */
        "effective_role",              /* the organisation's role after Art. 25 (string) */
        NULL,
};

json_t *oblig_contract_recommendations(const json_t *clauses, const json_t *facts)
{
	json_t *out = json_array();
	size_t i;
	const json_t *c;
	json_array_foreach(clauses, i, c)
	{
		if (!oblig_cond_eval(json_object_get(c, "applies_when"), facts))
			continue;
		json_array_append_new(out,
		        json_pack("{s:O, s:O, s:O, s:O}", "id", json_object_get(c, "id"), "basis",
		                json_object_get(c, "basis"), "title", json_object_get(c, "title"),
		                "recommendation", json_object_get(c, "recommendation")));
	}
	return out;
}

/* -------------------------------------------------------------------- dossier */

static const char *jstr(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static bool streq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

/* A new reference to o[key] when it is an array, else a new empty array. */
static json_t *array_or_empty(const json_t *o, const char *key)
{
	json_t *v = o ? json_object_get(o, key) : NULL;
	return json_is_array(v) ? json_incref(v) : json_array();
}

/* What an auditor would question in a section's links: a linked document that is not
 * approved (a draft proves nothing yet) and evidence that is no longer current. entry's
 * "documents" / "evidence" are the briefs of the linked items (document_brief() and
 * evidence_brief(), 0040). */
static json_t *section_attention(const json_t *entry)
{
	json_t *out = json_array();
	size_t i;
	const json_t *d;
	json_array_foreach(entry ? json_object_get(entry, "documents") : NULL, i, d)
	{
		if (!streq(jstr(d, "status"), "approved")) {
			char *m = NULL;
			if (asprintf(&m, "document %s is %s, not approved", jstr(d, "ref"),
			            jstr(d, "status")) >= 0)
				json_array_append_new(out, json_string(m));
			free(m);
		}
	}
	json_array_foreach(entry ? json_object_get(entry, "evidence") : NULL, i, d)
	{
		if (json_is_false(json_object_get(d, "current"))) {
			char *m = NULL;
			if (asprintf(&m, "evidence \"%s\" expired on %s", jstr(d, "title"),
			            jstr(d, "valid_until")) >= 0)
				json_array_append_new(out, json_string(m));
			free(m);
		}
	}
	return out;
}

json_t *oblig_dossier(const json_t *template_rows, const json_t *result, const json_t *entries)
{
	const char *category = jstr(result, "risk_category");
	json_t *holders = json_array();
	size_t i, j;
	const json_t *o;
	json_array_foreach(json_object_get(result, "obligations"), i, o)
	{
		const char *b = jstr(o, "bearer");
		bool have = false;
		const json_t *h;
		json_array_foreach(holders, j, h)
		{
			have |= streq(json_string_value(h), b);
		}
		if (b && !have)
			json_array_append_new(holders, json_string(b));
	}
	bool applicable = streq(category, "high_risk") && json_array_size(holders) > 0;
	json_t *sections = json_array();
	int n_app = 0, n_complete = 0, n_na = 0, n_progress = 0, n_missing = 0, n_attention = 0;
	json_t *by_part = json_object();
	const json_t *row;
	json_array_foreach(template_rows, i, row)
	{
		if (!applicable)
			break;
		bool held = false;
		const json_t *h;
		json_array_foreach(holders, j, h)
		{
			held |= streq(json_string_value(h), jstr(row, "holder"));
		}
		const char *cond = jstr(row, "condition");
		bool holds = streq(cond, "always") ||
		             (streq(cond, "fria") &&
		                     json_is_true(json_object_get(result, "fria_required"))) ||
		             (streq(cond, "registration") && json_is_true(json_object_get(result,
		                                                     "registration_required"))) ||
		             (streq(cond, "annex_iii") &&
		                     streq(jstr(result, "high_risk_basis"), "annex_iii"));
		if (!held || !holds)
			continue;
		const json_t *entry = NULL, *en;
		json_array_foreach(entries, j, en)
		{
			if (streq(jstr(en, "section_id"), jstr(row, "id")))
				entry = en;
		}
		const char *status = entry ? jstr(entry, "status") : "missing";
		json_t *s = json_pack("{s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:s}", "id",
		        json_object_get(row, "id"), "part", json_object_get(row, "part"), "holder",
		        json_object_get(row, "holder"), "basis", json_object_get(row, "basis"),
		        "requirement_ref", json_object_get(row, "requirement_ref"), "title",
		        json_object_get(row, "title"), "expects", json_object_get(row, "expects"),
		        "status", status);
		json_object_set_new(s, "notes",
		        json_string(entry && jstr(entry, "notes") ? jstr(entry, "notes") : ""));
		json_object_set_new(s, "document_ids", array_or_empty(entry, "document_ids"));
		json_object_set_new(s, "evidence_ids", array_or_empty(entry, "evidence_ids"));
		json_object_set_new(s, "documents", array_or_empty(entry, "documents"));
		json_object_set_new(s, "evidence", array_or_empty(entry, "evidence"));
		json_t *attention = section_attention(entry);
		if (json_array_size(attention))
			n_attention++;
		json_object_set_new(s, "attention", attention);
		json_object_set_new(s, "version",
		        json_integer(
		                entry ? json_integer_value(json_object_get(entry, "version")) : 0));
		json_object_set(s, "updated_at",
		        entry && json_object_get(entry, "updated_at")
		                ? json_object_get(entry, "updated_at")
		                : json_null());
		json_array_append_new(sections, s);
		n_app++;
		const char *part = jstr(row, "part");
		json_t *p = json_object_get(by_part, part);
		if (!p) {
			p = json_pack("{s:i, s:i}", "sections", 0, "complete", 0);
			json_object_set_new(by_part, part, p);
		}
		json_object_set_new(p, "sections",
		        json_integer(json_integer_value(json_object_get(p, "sections")) + 1));
		if (streq(status, "complete")) {
			n_complete++;
			json_object_set_new(p, "complete",
			        json_integer(
			                json_integer_value(json_object_get(p, "complete")) + 1));
		} else if (streq(status, "not_applicable")) {
			n_na++;
		} else if (streq(status, "in_progress")) {
			n_progress++;
		} else {
			n_missing++;
		}
	}
	int denom = n_app - n_na;
	json_t *completeness = json_pack("{s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:o}", "sections",
	        n_app, "complete", n_complete, "in_progress", n_progress, "missing", n_missing,
	        "not_applicable", n_na, "needs_attention", n_attention, "percent",
	        denom > 0 ? n_complete * 100 / denom : (n_app ? 100 : 0), "by_part", by_part);
	return json_pack("{s:b, s:s?, s:o, s:o, s:o}", "applicable", applicable, "risk_category",
	        category, "holders", holders, "sections", sections, "completeness", completeness);
}

/* -------------------------------------------------------------------- roadmap */

struct project {
	const json_t *ws; /* the workstream row, NULL for "other" */
	json_t *items;    /* borrowed item objects (array holds references) */
	json_t *controls; /* id -> control (evidence_reuse only) */
	long legal;       /* earliest applies_from, -1 none */
	long deadline;
	long duration;
	bool quick;
	const char *why;
	const char *constrained_by; /* workstream id of the dependent that moved the deadline */
	int state;                  /* DFS: 0 new, 1 on stack, 2 done */
};

static int item_field_error(struct err *e, size_t i, const char *f, const char *msg)
{
	char field[64];
	snprintf(field, sizeof field, "items[%zu].%s", i, f);
	return err_set(e, ERR_INVALID, field, "%s", msg);
}

/* Post-order depth-first search over present projects: deps before dependents. */
static int visit(struct project *p, size_t k, size_t n, const json_t *index, size_t *order,
        size_t *no, struct err *e)
{
	if (p[k].state == 2)
		return 0;
	if (p[k].state == 1)
		return err_set(e, ERR_INVALID, "workstreams", "dependency cycle through \"%.64s\"",
		        jstr(p[k].ws, "id"));
	p[k].state = 1;
	size_t i;
	const json_t *d;
	json_array_foreach(p[k].ws ? json_object_get(p[k].ws, "depends_on") : NULL, i, d)
	{
		const json_t *ix = json_object_get(index, json_string_value(d));
		size_t dk = (size_t)json_integer_value(ix);
		if (ix && dk < n && p[dk].items && visit(p, dk, n, index, order, no, e))
			return -1;
	}
	p[k].state = 2;
	order[(*no)++] = k;
	return 0;
}

static json_t *project_json(const struct project *p, size_t n, const struct project *all,
        const json_t *index, long as_of)
{
	const char *id = p->ws ? jstr(p->ws, "id") : "other";
	json_t *o = json_object();
	json_object_set_new(o, "id", json_sprintf("ws:%s", id));
	json_object_set_new(o, "workstream", json_string(id));
	json_object_set_new(
	        o, "title", json_string(p->ws ? jstr(p->ws, "title") : "Other obligations"));
	json_object_set_new(o, "category", json_string(p->quick ? "quick_win" : "structural"));
	json_object_set_new(o, "category_reason", json_string(p->why));
	json_object_set_new(o, "legal_deadline", date_json(p->legal));
	json_object_set_new(o, "deadline", date_json(p->deadline));
	json_object_set_new(
	        o, "start_by", date_json(p->deadline >= 0 ? p->deadline - p->duration : -1));
	json_object_set_new(o, "duration_days", json_integer(p->duration));
	json_object_set_new(o, "overdue", json_boolean(p->deadline >= 0 && p->deadline < as_of));
	json_object_set_new(
	        o, "at_risk", json_boolean(p->deadline >= 0 && p->deadline - p->duration < as_of));
	json_object_set_new(o, "deadline_set_by",
	        p->constrained_by ? json_sprintf("ws:%s", p->constrained_by) : json_null());

	/* owner: the most frequent owner of the obligations; ties go to the smallest id */
	json_t *counts = json_object();
	size_t i;
	const json_t *it;
	json_array_foreach(p->items, i, it)
	{
		const char *ow = jstr(it, "owner_id");
		if (ow)
			json_object_set_new(counts, ow,
			        json_integer(json_integer_value(json_object_get(counts, ow)) + 1));
	}
	const char *best = NULL, *key;
	json_int_t best_n = 0;
	json_t *v;
	json_object_foreach(counts, key, v)
	{
		if (json_integer_value(v) > best_n ||
		        (json_integer_value(v) == best_n && best && strcmp(key, best) < 0)) {
			best = key;
			best_n = json_integer_value(v);
		}
	}
	json_t *owner = NULL;
	json_array_foreach(p->items, i, it)
	{
		if (owner || !best || !streq(jstr(it, "owner_id"), best))
			continue;
		const json_t *name = json_object_get(it, "owner_name");
		owner = json_pack("{s:s, s:O}", "id", best, "name", name ? name : json_null());
	}
	if (!owner)
		owner = json_null();
	json_decref(counts);
	json_object_set_new(o, "owner", owner);

	json_t *deps = json_array();
	json_array_foreach(p->ws ? json_object_get(p->ws, "depends_on") : NULL, i, it)
	{
		const json_t *ix = json_object_get(index, json_string_value(it));
		size_t dk = (size_t)json_integer_value(ix);
		if (ix && dk < n && all[dk].items)
			json_array_append_new(deps, json_sprintf("ws:%s", json_string_value(it)));
	}
	json_object_set_new(o, "depends_on", deps);

	json_t *systems = json_array(), *seen = json_object(), *obls = json_array();
	json_array_foreach(p->items, i, it)
	{
		const char *sid = jstr(it, "ai_system_id");
		if (sid && !json_object_get(seen, sid)) {
			json_object_set_new(seen, sid, json_true());
			json_array_append_new(
			        systems, json_pack("{s:s, s:O, s:O}", "id", sid, "ref",
			                         json_object_get(it, "system_ref")
			                                 ? json_object_get(it, "system_ref")
			                                 : json_null(),
			                         "name",
			                         json_object_get(it, "system_name")
			                                 ? json_object_get(it, "system_name")
			                                 : json_null()));
		}
		json_t *ob = json_object();
		static const char *const keep[] = {"id", "ai_system_id", "system_ref", "article",
		        "title", "applies_from", "status", "owner_id", NULL};
		for (const char *const *kk = keep; *kk; kk++)
			json_object_set(ob, *kk,
			        json_object_get(it, *kk) ? json_object_get(it, *kk) : json_null());
		json_array_append_new(obls, ob);
	}
	json_decref(seen);
	json_object_set_new(o, "systems", systems);
	json_object_set_new(o, "obligations", obls);

	json_t *gaps = json_array(), *reused = json_array();
	const char *cid;
	json_object_foreach(p->controls, cid, v)
	{
		json_t *c = json_pack("{s:s, s:O, s:O, s:O}", "id", cid, "ref",
		        json_object_get(v, "ref") ? json_object_get(v, "ref") : json_null(),
		        "title",
		        json_object_get(v, "title") ? json_object_get(v, "title") : json_null(),
		        "status",
		        json_object_get(v, "status") ? json_object_get(v, "status") : json_null());
		const char *st = jstr(v, "status");
		if (streq(st, "implemented") || streq(st, "not_applicable"))
			json_array_append_new(reused, c);
		else
			json_array_append_new(gaps, c);
	}
	json_object_set_new(o, "control_gaps", gaps);
	json_object_set_new(o, "controls_reused", reused);
	int unmapped = 0;
	json_array_foreach(p->items, i, it)
	{
		bool any = false;
		size_t j;
		const json_t *c;
		json_array_foreach(json_object_get(it, "controls"), j, c)
		{
			any |= json_is_true(json_object_get(c, "evidence_reuse"));
		}
		unmapped += !any;
	}
	json_object_set_new(o, "obligations_without_control", json_integer(unmapped));
	return o;
}

static bool has_present_deps(const struct project *p, size_t k, size_t n, const json_t *index)
{
	size_t i;
	const json_t *d;
	json_array_foreach(p[k].ws ? json_object_get(p[k].ws, "depends_on") : NULL, i, d)
	{
		const json_t *ix = json_object_get(index, json_string_value(d));
		if (ix && (size_t)json_integer_value(ix) < n && p[json_integer_value(ix)].items)
			return true;
	}
	return false;
}

static int cmp_projects(const void *a, const void *b)
{
	const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	const char *dx = jstr(x, "deadline"), *dy = jstr(y, "deadline");
	if (dx && !dy)
		return -1;
	if (!dx && dy)
		return 1;
	int c = dx ? strcmp(dx, dy) : 0;
	if (c)
		return c;
	json_int_t ox = json_integer_value(json_object_get(x, "_ord")),
	           oy = json_integer_value(json_object_get(y, "_ord"));
	return ox < oy ? -1 : ox > oy;
}

static json_t *sorted(json_t *arr)
{
	size_t n = json_array_size(arr);
	json_t **v = xcalloc(n ? n : 1, sizeof *v);
	for (size_t i = 0; i < n; i++)
		v[i] = json_array_get(arr, i);
	qsort(v, n, sizeof *v, cmp_projects);
	json_t *out = json_array();
	for (size_t i = 0; i < n; i++) {
		json_object_del(v[i], "_ord");
		json_array_append(out, v[i]);
	}
	free(v);
	json_decref(arr);
	return out;
}

int oblig_roadmap_plan(const json_t *input, json_t **out, struct err *e)
{
	const json_t *wss = json_object_get(input, "workstreams");
	const json_t *items = json_object_get(input, "items");
	long as_of, horizon = DEFAULT_HORIZON_DAYS;
	*out = NULL;
	if (oblig_date_parse(jstr(input, "as_of"), &as_of))
		return err_set(e, ERR_INVALID, "as_of", "must be a date (YYYY-MM-DD)");
	const json_t *h = json_object_get(input, "quick_win_horizon_days");
	if (h) {
		if (!json_is_integer(h) || json_integer_value(h) < 1 || json_integer_value(h) > 730)
			return err_set(e, ERR_INVALID, "quick_win_horizon_days",
			        "must be an integer from 1 to 730");
		horizon = (long)json_integer_value(h);
	}
	if (!json_is_array(wss))
		return err_set(e, ERR_INVALID, "workstreams", "must be an array");
	if (!json_is_array(items))
		return err_set(e, ERR_INVALID, "items", "must be an array");
	size_t n = json_array_size(wss), i;
	const json_t *w;
	json_t *index = json_object();
	json_array_foreach(wss, i, w)
	{
		const char *id = jstr(w, "id"), *kind = jstr(w, "kind");
		const json_t *dur = json_object_get(w, "duration_days");
		if (!id || !jstr(w, "title") ||
		        !(streq(kind, "quick_win") || streq(kind, "structural")) ||
		        !json_is_integer(dur) || json_integer_value(dur) < 1 ||
		        !json_is_array(json_object_get(w, "depends_on")) ||
		        json_object_get(index, id)) {
			json_decref(index);
			return err_set(
			        e, ERR_INVALID, "workstreams", "workstream %zu is malformed", i);
		}
		json_object_set_new(index, id, json_integer((json_int_t)i));
	}
	json_array_foreach(wss, i, w)
	{
		size_t j;
		const json_t *d;
		json_array_foreach(json_object_get(w, "depends_on"), j, d)
		{
			if (json_object_get(index, json_string_value(d)))
				continue;
			json_decref(index);
			return err_set(e, ERR_INVALID, "workstreams",
			        "workstream %.64s depends on an unknown workstream", jstr(w, "id"));
		}
	}

	struct project *p = xcalloc(n + 1, sizeof *p);
	size_t *order = xcalloc(n + 1, sizeof *order), no = 0;
	int rc = -1;
	for (size_t k = 0; k <= n; k++) {
		p[k].ws = k < n ? json_array_get(wss, k) : NULL;
		p[k].legal = p[k].deadline = -1;
		p[k].duration =
		        k < n ? (long)json_integer_value(json_object_get(p[k].ws, "duration_days"))
		              : OTHER_DURATION_DAYS;
	}
	const json_t *it;
	json_array_foreach(items, i, it)
	{
		const json_t *af = json_object_get(it, "applies_from");
		long d = -1;
		if (!json_is_object(it) || !jstr(it, "id")) {
			item_field_error(e, i, "id", "is required");
			goto out;
		}
		if (af && !json_is_null(af) && oblig_date_parse(json_string_value(af), &d)) {
			item_field_error(e, i, "applies_from", "must be a date or null");
			goto out;
		}
		const json_t *ix = json_object_get(
		        index, jstr(it, "workstream") ? jstr(it, "workstream") : "");
		size_t k = ix ? (size_t)json_integer_value(ix) : n;
		if (!p[k].items) {
			p[k].items = json_array();
			p[k].controls = json_object();
		}
		json_array_append(p[k].items, (json_t *)it);
		if (d >= 0 && (p[k].legal < 0 || d < p[k].legal))
			p[k].legal = d;
		size_t j;
		const json_t *c;
		json_array_foreach(json_object_get(it, "controls"), j, c)
		{
			if (json_is_true(json_object_get(c, "evidence_reuse")) && jstr(c, "id"))
				json_object_set(p[k].controls, jstr(c, "id"), (json_t *)c);
		}
	}

	for (size_t k = 0; k <= n; k++) {
		if (!p[k].items)
			continue;
		bool gaps = false, unmapped = false;
		const char *cid;
		json_t *c;
		json_object_foreach(p[k].controls, cid, c)
		{
			const char *st = jstr(c, "status");
			gaps |= !(streq(st, "implemented") || streq(st, "not_applicable"));
		}
		json_array_foreach(p[k].items, i, it)
		{
			bool any = false;
			size_t j;
			const json_t *cc;
			json_array_foreach(json_object_get(it, "controls"), j, cc)
			{
				any |= json_is_true(json_object_get(cc, "evidence_reuse"));
			}
			unmapped |= !any;
		}
		if (p[k].ws && streq(jstr(p[k].ws, "kind"), "quick_win")) {
			p[k].quick = true;
			p[k].why =
			        "quick win by nature: a bounded procedure, notice or appointment";
		} else if (json_object_size(p[k].controls) > 0 && !gaps && !unmapped) {
			p[k].quick = true;
			p[k].why = "the controls it relies on are implemented: link their evidence";
		} else {
			p[k].why = unmapped
			                   ? "no control of the library covers some obligations yet"
			                   : "controls it relies on are not implemented yet";
		}
		p[k].deadline = p[k].legal;
	}
	for (size_t k = 0; k <= n; k++)
		if (k < n && p[k].items && visit(p, k, n, index, order, &no, e))
			goto out;
	if (p[n].items)
		order[no++] = n;
	/* reverse post-order: every dependent before the projects it depends on */
	for (size_t x = no; x-- > 0;) {
		struct project *q = &p[order[x]];
		if (q->deadline < 0 || !q->ws)
			continue;
		const json_t *d;
		json_array_foreach(json_object_get(q->ws, "depends_on"), i, d)
		{
			size_t dk = (size_t)json_integer_value(
			        json_object_get(index, json_string_value(d)));
			if (!p[dk].items)
				continue;
			long need = q->deadline - q->duration;
			if (p[dk].deadline < 0 || need < p[dk].deadline) {
				p[dk].deadline = need;
				p[dk].constrained_by = jstr(q->ws, "id");
			}
		}
	}

	/* the horizon is a preference, not a legal date: it pulls in quick wins that wait for
	 * nothing else in the roadmap, after the legal dates have flowed backwards */
	for (size_t k = 0; k <= n; k++) {
		if (!p[k].items || !p[k].quick || has_present_deps(p, k, n, index))
			continue;
		if (p[k].deadline < 0 || p[k].deadline > as_of + horizon) {
			p[k].deadline = as_of + horizon;
			p[k].constrained_by = NULL;
		}
	}

	json_t *quick = json_array(), *structural = json_array(), *gap_ids = json_object(),
	       *sys_ids = json_object();
	int overdue = 0, at_risk = 0, nobl = 0;
	long earliest = -1;
	for (size_t k = 0; k <= n; k++) {
		if (!p[k].items)
			continue;
		json_t *pj = project_json(&p[k], n, p, index, as_of);
		json_object_set_new(pj, "_ord", json_integer((json_int_t)k));
		overdue += json_is_true(json_object_get(pj, "overdue"));
		at_risk += json_is_true(json_object_get(pj, "at_risk"));
		nobl += (int)json_array_size(p[k].items);
		if (p[k].deadline >= 0 && (earliest < 0 || p[k].deadline < earliest))
			earliest = p[k].deadline;
		const json_t *g;
		json_array_foreach(json_object_get(pj, "control_gaps"), i, g)
		{
			json_object_set_new(gap_ids, jstr(g, "id"), json_true());
		}
		json_array_foreach(json_object_get(pj, "systems"), i, g)
		{
			json_object_set_new(sys_ids, jstr(g, "id"), json_true());
		}
		json_array_append_new(p[k].quick ? quick : structural, pj);
	}
	quick = sorted(quick);
	structural = sorted(structural);
	char as_of_s[11];
	oblig_date_format(as_of, as_of_s);
	json_t *summary = json_pack("{s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:o}", "projects",
	        (int)(json_array_size(quick) + json_array_size(structural)), "quick_wins",
	        (int)json_array_size(quick), "structural_initiatives",
	        (int)json_array_size(structural), "open_obligations", nobl, "systems",
	        (int)json_object_size(sys_ids), "control_gaps", (int)json_object_size(gap_ids),
	        "overdue", overdue, "at_risk", at_risk, "earliest_deadline", date_json(earliest));
	json_decref(gap_ids);
	json_decref(sys_ids);
	*out = json_pack("{s:s, s:I, s:o, s:o, s:o}", "as_of", as_of_s, "quick_win_horizon_days",
	        (json_int_t)horizon, "summary", summary, "quick_wins", quick,
	        "structural_initiatives", structural);
	rc = 0;
out:
	for (size_t k = 0; k <= n; k++) {
		json_decref(p[k].items);
		json_decref(p[k].controls);
	}
	free(p);
	free(order);
	json_decref(index);
	return rc;
}

/* ----------------------------------------------------------------------- HTML */

static void html_esc(FILE *f, const char *s)
{
	util_html_escape(f, s);
}

static const char *or_dash(const char *s)
{
	return s ? s : "-";
}

static void html_projects(FILE *f, const json_t *projects, const char *heading)
{
	size_t i, j;
	const json_t *p, *x;
	fputs("<h2>", f);
	html_esc(f, heading);
	fprintf(f, " (%zu)</h2>\n", json_array_size(projects));
	if (json_array_size(projects) == 0)
		fputs("<p>None.</p>\n", f);
	json_array_foreach(projects, i, p)
	{
		fputs("<section class=\"project\">\n<h3>", f);
		html_esc(f, jstr(p, "title"));
		fputs("</h3>\n<table class=\"facts\">\n<tr><th>Deadline</th><td>", f);
		html_esc(f, or_dash(jstr(p, "deadline")));
		if (json_is_true(json_object_get(p, "overdue")))
			fputs(" <strong class=\"late\">overdue</strong>", f);
		else if (json_is_true(json_object_get(p, "at_risk")))
			fputs(" <strong class=\"late\">start now</strong>", f);
		fputs("</td></tr>\n<tr><th>Start by</th><td>", f);
		html_esc(f, or_dash(jstr(p, "start_by")));
		fputs("</td></tr>\n<tr><th>Earliest legal date</th><td>", f);
		html_esc(f, or_dash(jstr(p, "legal_deadline")));
		fputs("</td></tr>\n<tr><th>Owner</th><td>", f);
		const json_t *ow = json_object_get(p, "owner");
		html_esc(f, json_is_object(ow)
		                    ? or_dash(jstr(ow, "name") ? jstr(ow, "name") : jstr(ow, "id"))
		                    : "unassigned");
		fputs("</td></tr>\n<tr><th>Depends on</th><td>", f);
		json_array_foreach(json_object_get(p, "depends_on"), j, x)
		{
			if (j)
				fputs(", ", f);
			html_esc(f, json_string_value(x));
		}
		if (json_array_size(json_object_get(p, "depends_on")) == 0)
			fputs("-", f);
		fputs("</td></tr>\n<tr><th>Why this category</th><td>", f);
		html_esc(f, jstr(p, "category_reason"));
		fputs("</td></tr>\n</table>\n", f);
		fputs("<table>\n<tr><th>System</th><th>Article</th><th>Obligation</th>"
		      "<th>Applies from</th><th>Status</th></tr>\n",
		        f);
		json_array_foreach(json_object_get(p, "obligations"), j, x)
		{
			fputs("<tr><td>", f);
			html_esc(f, or_dash(jstr(x, "system_ref")));
			fputs("</td><td>", f);
			html_esc(f, jstr(x, "article"));
			fputs("</td><td>", f);
			html_esc(f, jstr(x, "title"));
			fputs("</td><td>", f);
			html_esc(f, or_dash(jstr(x, "applies_from")));
			fputs("</td><td>", f);
			html_esc(f, jstr(x, "status"));
			fputs("</td></tr>\n", f);
		}
		fputs("</table>\n", f);
		const json_t *gaps = json_object_get(p, "control_gaps");
		if (json_array_size(gaps)) {
			fputs("<p>Control gaps:</p>\n<ul>\n", f);
			json_array_foreach(gaps, j, x)
			{
				fputs("<li>", f);
				html_esc(f, jstr(x, "ref"));
				fputs(" ", f);
				html_esc(f, jstr(x, "title"));
				fputs(" (", f);
				html_esc(f, jstr(x, "status"));
				fputs(")</li>\n", f);
			}
			fputs("</ul>\n", f);
		}
		const json_t *reused = json_object_get(p, "controls_reused");
		if (json_array_size(reused)) {
			fputs("<p>Implemented controls whose evidence is reused:</p>\n<ul>\n", f);
			json_array_foreach(reused, j, x)
			{
				fputs("<li>", f);
				html_esc(f, jstr(x, "ref"));
				fputs(" ", f);
				html_esc(f, jstr(x, "title"));
				fputs("</li>\n", f);
			}
			fputs("</ul>\n", f);
		}
		fputs("</section>\n", f);
	}
}

int oblig_roadmap_html(const json_t *roadmap, char **out, size_t *len, struct err *e)
{
	const json_t *s = json_object_get(roadmap, "summary");
	if (!json_is_object(s))
		return err_set(e, ERR_INVALID, "summary", "not a planned roadmap");
	FILE *f = open_memstream(out, len);
	if (!f)
		abort();
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<title>AI Act compliance roadmap</title>\n<style>\n"
	      "body{font-family:Helvetica,Arial,sans-serif;margin:2em;color:#222;max-width:72em}\n"
	      "table{border-collapse:collapse;margin:.5em 0}\n"
	      "th,td{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}\n"
	      "table.facts th{background:#f3f3f3;width:12em}\n"
	      ".project{border-top:2px solid #999;margin-top:1.5em}\n.late{color:#c00}\n"
	      "</style>\n</head>\n<body>\n<h1>AI Act compliance roadmap</h1>\n<p>Planned on ",
	        f);
	html_esc(f, jstr(roadmap, "as_of"));
	fprintf(f,
	        ". %lld open obligations on %lld AI systems, grouped into %lld projects: %lld "
	        "quick "
	        "wins and %lld structural initiatives. %lld control gaps; %lld projects overdue, "
	        "%lld to start now.</p>\n",
	        (long long)json_integer_value(json_object_get(s, "open_obligations")),
	        (long long)json_integer_value(json_object_get(s, "systems")),
	        (long long)json_integer_value(json_object_get(s, "projects")),
	        (long long)json_integer_value(json_object_get(s, "quick_wins")),
	        (long long)json_integer_value(json_object_get(s, "structural_initiatives")),
	        (long long)json_integer_value(json_object_get(s, "control_gaps")),
	        (long long)json_integer_value(json_object_get(s, "overdue")),
	        (long long)json_integer_value(json_object_get(s, "at_risk")));
	fputs("<p>Deadlines follow the date each obligation applies from, moved earlier where a "
	      "later project depends on the work.</p>\n",
	        f);
	html_projects(f, json_object_get(roadmap, "quick_wins"), "Quick wins");
	html_projects(
	        f, json_object_get(roadmap, "structural_initiatives"), "Structural initiatives");
	fputs("</body>\n</html>\n", f);
	fclose(f);
	return 0;
}

/* ----------------------------------------------------------------------- XLSX */

struct xlsx {
	char path[512];
	lxw_workbook *wb;
	lxw_format *head, *wrap;
};

static int xlsx_open(struct xlsx *x, struct err *e)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(x->path, sizeof x->path, "%s/concord-xlsx-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	int fd = mkstemp(x->path);
	if (fd < 0)
		return err_set(e, ERR_INTERNAL, NULL, "could not create a temporary file");
	close(fd);
	x->wb = workbook_new(x->path);
	if (!x->wb) {
		unlink(x->path);
		return err_set(e, ERR_INTERNAL, NULL, "could not start the workbook");
	}
	x->head = workbook_add_format(x->wb);
	format_set_bold(x->head);
	format_set_bg_color(x->head, 0xDDDDDD);
	x->wrap = workbook_add_format(x->wb);
	format_set_text_wrap(x->wrap);
	format_set_align(x->wrap, LXW_ALIGN_VERTICAL_TOP);
	return 0;
}

static int xlsx_close(struct xlsx *x, char **out, size_t *len, struct err *e)
{
	lxw_error rc = workbook_close(x->wb);
	x->wb = NULL;
	FILE *f = rc == LXW_NO_ERROR ? fopen(x->path, "rb") : NULL;
	if (!f) {
		unlink(x->path);
		return err_set(e, ERR_INTERNAL, NULL, "could not write the workbook (%d)", (int)rc);
	}
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	*out = xmalloc((size_t)(n > 0 ? n : 1));
	*len = fread(*out, 1, (size_t)(n > 0 ? n : 0), f);
	fclose(f);
	unlink(x->path);
	return 0;
}

/* Write a string cell; NULL as empty, over-long text cut at a character boundary. */
static void cell(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const char *s, lxw_format *fmt)
{
	if (!s)
		s = "";
	size_t n = strlen(s);
	if (n <= XLSX_CELL_MAX) {
		worksheet_write_string(ws, r, c, s, fmt);
		return;
	}
	while (n > XLSX_CELL_MAX || (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80))
		n--;
	char *cut = xmalloc(n + 1);
	memcpy(cut, s, n);
	cut[n] = '\0';
	worksheet_write_string(ws, r, c, cut, fmt);
	free(cut);
}

static void header(struct xlsx *x, lxw_worksheet *ws, const char *const *cols, const double *w)
{
	for (lxw_col_t c = 0; cols[c]; c++) {
		worksheet_write_string(ws, 0, c, cols[c], x->head);
		worksheet_set_column(ws, c, c, w[c], NULL);
	}
	worksheet_freeze_panes(ws, 1, 0);
}

/* "a, b, c" from a string array, or from member key of an object array. */
static char *join(const json_t *arr, const char *key)
{
	char *buf = NULL;
	size_t len = 0, i;
	const json_t *v;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		abort();
	json_array_foreach(arr, i, v)
	{
		const char *s = key ? jstr(v, key) : json_string_value(v);
		fprintf(f, "%s%s", i ? ", " : "", s ? s : "");
	}
	fclose(f);
	return buf;
}

int oblig_roadmap_xlsx(const json_t *roadmap, char **out, size_t *len, struct err *e)
{
	struct xlsx x = {0};
	if (!json_is_object(json_object_get(roadmap, "summary")))
		return err_set(e, ERR_INVALID, "summary", "not a planned roadmap");
	if (xlsx_open(&x, e))
		return -1;
	lxw_worksheet *wp = workbook_add_worksheet(x.wb, "Projects");
	lxw_worksheet *wo = workbook_add_worksheet(x.wb, "Obligations");
	lxw_worksheet *wg = workbook_add_worksheet(x.wb, "Control gaps");
	static const char *const pc[] = {"Category", "Project", "Deadline", "Start by",
	        "Earliest legal date", "Duration (days)", "Owner", "Depends on", "Systems",
	        "Obligations", "Control gaps", "Overdue", "Start now", "Why this category", NULL};
	static const double pw[] = {12, 40, 12, 12, 14, 10, 24, 30, 30, 11, 11, 9, 9, 50};
	static const char *const oc[] = {
	        "Project", "System", "Article", "Obligation", "Applies from", "Status", NULL};
	static const double ow[] = {40, 14, 12, 60, 12, 12};
	static const char *const gc[] = {"Project", "Control", "Title", "Status", NULL};
	static const double gw[] = {40, 12, 50, 14};
	header(&x, wp, pc, pw);
	header(&x, wo, oc, ow);
	header(&x, wg, gc, gw);
	lxw_row_t rp = 1, ro = 1, rg = 1;
	static const char *const lists[] = {"quick_wins", "structural_initiatives"};
	for (int l = 0; l < 2; l++) {
		size_t i, j;
		const json_t *p, *v;
		json_array_foreach(json_object_get(roadmap, lists[l]), i, p)
		{
			const json_t *ownr = json_object_get(p, "owner");
			char *deps = join(json_object_get(p, "depends_on"), NULL);
			char *systems = join(json_object_get(p, "systems"), "ref");
			cell(wp, rp, 0, l ? "structural" : "quick win", NULL);
			cell(wp, rp, 1, jstr(p, "title"), x.wrap);
			cell(wp, rp, 2, jstr(p, "deadline"), NULL);
			cell(wp, rp, 3, jstr(p, "start_by"), NULL);
			cell(wp, rp, 4, jstr(p, "legal_deadline"), NULL);
			worksheet_write_number(wp, rp, 5,
			        (double)json_integer_value(json_object_get(p, "duration_days")),
			        NULL);
			cell(wp, rp, 6,
			        json_is_object(ownr) ? (jstr(ownr, "name") ? jstr(ownr, "name")
			                                                   : jstr(ownr, "id"))
			                             : "unassigned",
			        NULL);
			cell(wp, rp, 7, deps, x.wrap);
			cell(wp, rp, 8, systems, x.wrap);
			worksheet_write_number(wp, rp, 9,
			        (double)json_array_size(json_object_get(p, "obligations")), NULL);
			worksheet_write_number(wp, rp, 10,
			        (double)json_array_size(json_object_get(p, "control_gaps")), NULL);
			cell(wp, rp, 11, json_is_true(json_object_get(p, "overdue")) ? "yes" : "no",
			        NULL);
			cell(wp, rp, 12, json_is_true(json_object_get(p, "at_risk")) ? "yes" : "no",
			        NULL);
			cell(wp, rp, 13, jstr(p, "category_reason"), x.wrap);
			rp++;
			free(deps);
			free(systems);
			json_array_foreach(json_object_get(p, "obligations"), j, v)
			{
				cell(wo, ro, 0, jstr(p, "title"), NULL);
				cell(wo, ro, 1, jstr(v, "system_ref"), NULL);
				cell(wo, ro, 2, jstr(v, "article"), NULL);
				cell(wo, ro, 3, jstr(v, "title"), x.wrap);
				cell(wo, ro, 4, jstr(v, "applies_from"), NULL);
				cell(wo, ro, 5, jstr(v, "status"), NULL);
				ro++;
			}
			json_array_foreach(json_object_get(p, "control_gaps"), j, v)
			{
				cell(wg, rg, 0, jstr(p, "title"), NULL);
				cell(wg, rg, 1, jstr(v, "ref"), NULL);
				cell(wg, rg, 2, jstr(v, "title"), x.wrap);
				cell(wg, rg, 3, jstr(v, "status"), NULL);
				rg++;
			}
		}
	}
	worksheet_autofilter(wp, 0, 0, rp > 1 ? rp - 1 : 1, 13);
	worksheet_autofilter(wo, 0, 0, ro > 1 ? ro - 1 : 1, 5);
	return xlsx_close(&x, out, len, e);
}

static const char *yes_no(const json_t *v)
{
	return json_is_true(v) ? "yes" : "no";
}

int oblig_matrix_xlsx(const json_t *matrix, char **out, size_t *len, struct err *e)
{
	struct xlsx x = {0};
	const json_t *systems = json_object_get(matrix, "systems");
	if (!json_is_array(systems))
		return err_set(e, ERR_INVALID, "systems", "must be an array");
	if (xlsx_open(&x, e))
		return -1;
	lxw_worksheet *wm = workbook_add_worksheet(x.wb, "Matrix");
	lxw_worksheet *wo = workbook_add_worksheet(x.wb, "Obligations");
	static const char *const mc[] = {"System", "Name", "Lifecycle stage", "Declared role",
	        "Effective role", "Risk category", "High-risk basis", "Annex III point",
	        "Prohibited practices", "Transparency (Art. 50)", "FRIA required",
	        "Registration required", "Applies from", "Regime", "Rule set", "Classified at",
	        "Obligations", NULL};
	static const double mw[] = {
	        12, 30, 14, 16, 16, 22, 14, 10, 16, 16, 8, 8, 12, 10, 9, 22, 60};
	static const char *const oc[] = {"System", "Name", "Risk category", "Bearer", "Article",
	        "Obligation", "Applies from", "Status", NULL};
	static const double ow[] = {12, 30, 22, 16, 12, 60, 12, 12};
	header(&x, wm, mc, mw);
	header(&x, wo, oc, ow);
	lxw_row_t rm = 1, ro = 1;
	size_t i, j;
	const json_t *s, *o;
	json_array_foreach(systems, i, s)
	{
		const json_t *a = json_object_get(s, "assessment");
		cell(wm, rm, 0, jstr(s, "ref"), NULL);
		cell(wm, rm, 1, jstr(s, "name"), x.wrap);
		cell(wm, rm, 2, jstr(s, "lifecycle_stage"), NULL);
		cell(wm, rm, 3, jstr(s, "aiact_role"), NULL);
		if (!json_is_object(a)) {
			cell(wm, rm, 5, "not classified", NULL);
			rm++;
			continue;
		}
		char *pp = join(json_object_get(a, "prohibited_practices"), NULL);
		char *tr = join(json_object_get(a, "transparency_obligations"), NULL);
		char *ob = join(json_object_get(a, "obligations"), "article");
		cell(wm, rm, 4, jstr(a, "effective_role"), NULL);
		cell(wm, rm, 5, jstr(a, "risk_category"), NULL);
		cell(wm, rm, 6, jstr(a, "high_risk_basis"), NULL);
		cell(wm, rm, 7, jstr(a, "annex_iii_point"), NULL);
		cell(wm, rm, 8, pp, NULL);
		cell(wm, rm, 9, tr, NULL);
		cell(wm, rm, 10, yes_no(json_object_get(a, "fria_required")), NULL);
		cell(wm, rm, 11, yes_no(json_object_get(a, "registration_required")), NULL);
		cell(wm, rm, 12, jstr(a, "applies_from") ? jstr(a, "applies_from") : "none", NULL);
		cell(wm, rm, 13, jstr(a, "regime"), NULL);
		cell(wm, rm, 14, jstr(a, "rule_set_version"), NULL);
		cell(wm, rm, 15, jstr(a, "assessed_at"), NULL);
		cell(wm, rm, 16, ob, x.wrap);
		free(pp);
		free(tr);
		free(ob);
		rm++;
		json_array_foreach(json_object_get(a, "obligations"), j, o)
		{
			cell(wo, ro, 0, jstr(s, "ref"), NULL);
			cell(wo, ro, 1, jstr(s, "name"), NULL);
			cell(wo, ro, 2, jstr(a, "risk_category"), NULL);
			cell(wo, ro, 3, jstr(o, "bearer"), NULL);
			cell(wo, ro, 4, jstr(o, "article"), NULL);
			cell(wo, ro, 5, jstr(o, "title"), x.wrap);
			cell(wo, ro, 6, jstr(o, "applies_from") ? jstr(o, "applies_from") : "none",
			        NULL);
			cell(wo, ro, 7, jstr(o, "status"), NULL);
			ro++;
		}
	}
	worksheet_autofilter(wm, 0, 0, rm > 1 ? rm - 1 : 1, 16);
	worksheet_autofilter(wo, 0, 0, ro > 1 ? ro - 1 : 1, 7);
	return xlsx_close(&x, out, len, e);
}
