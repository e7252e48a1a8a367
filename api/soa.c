/*
 * soa.c - the Statements of Applicability over HTTP (ISO/IEC 27001:2022 and
 * ISO/IEC 42001:2023; any standard of the catalog with Annex A controls).
 *
 *   GET   /v1/soa/{framework}                        the current SoA, pre-filled from the
 *                                                    control library and risk treatment
 *   GET   /v1/soa/{framework}/items/{ref}            one line (ETag)
 *   PATCH /v1/soa/{framework}/items/{ref}            record decisions (If-Match); null resets
 *                                                    a field to the value derived from the library
 *   GET   /v1/soa/{framework}/check                  the auditor's findings
 *   POST  /v1/soa/{framework}/approve                freeze the current SoA as version n
 *   GET   /v1/soa/{framework}/versions[/{n}]         frozen versions (hash re-checked on read)
 *   GET   /v1/soa/{framework}/versions/{a}/diff/{b}  what changed between two versions
 *   POST  /v1/soa/export                             XLSX + CSV + JSON by the soa.export job
 *
 * Assembly and check rules are domain/soa.c; frozen versions are baselines of kind
 * "soa:<framework>" (domain/baseline.c), immutable by trigger. A line's ETag counts
 * recorded edits (1 = untouched). Handlers run in the request's transaction; memory
 * is the request arena's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "baseline.h"
#include "db.h"
#include "jsonv.h"
#include "queue.h"
#include "soa.h"

#define REASONS_PARAM                                                                              \
	"CASE WHEN $4::jsonb IS NULL THEN NULL"                                                    \
	" ELSE ARRAY(SELECT jsonb_array_elements_text($4::jsonb)) END"

static const char insert_sql[] =
        "INSERT INTO soa_entries (tenant_id, framework_id, ref, applicable, reasons, reason_text,"
        " exclusion_justification, implementation_status, owner_id, updated_by)"
        " VALUES (app_tenant(), $1, $2, $3::boolean, " REASONS_PARAM ", $5, $6, $7, $8::uuid,"
        " app_user()) ON CONFLICT DO NOTHING RETURNING version";
static const char update_sql[] =
        "UPDATE soa_entries SET applicable = $3::boolean, reasons = " REASONS_PARAM ","
        " reason_text = $5, exclusion_justification = $6, implementation_status = $7,"
        " owner_id = $8::uuid, version = version + 1, updated_by = app_user(), updated_at = now()"
        " WHERE framework_id = $1 AND ref = $2 AND version = $9::int RETURNING version";
static const char approver_sql[] =
        "SELECT coalesce((SELECT coalesce(nullif(u.display_name, ''), u.email) FROM users u"
        " WHERE u.id = $1::uuid), (SELECT 'service account ' || s.name FROM service_accounts s"
        " WHERE s.id = $1::uuid), '')";
static const char member_sql[] =
        "SELECT 1 FROM memberships WHERE tenant_id = app_tenant() AND user_id = $1::uuid";

static const struct jv_field entry_fields[] = {
        {"applicable", JV_BOOL, JV_NULLABLE},
        {"reasons", JV_ARRAY, JV_NULLABLE, .max = 4},
        {"reason_text", JV_TEXT, 0, .max = 4000},
        {"exclusion_justification", JV_TEXT, 0, .max = 4000},
        {"implementation_status", JV_ENUM, JV_NULLABLE, .values = soa_statuses},
        {"owner_id", JV_UUID, JV_NULLABLE},
        {NULL},
};
static const struct jv_field reason_item = {"reasons", JV_ENUM, 0, .values = soa_reason_codes};
static const struct jv_field approve_fields[] = {
        {"note", JV_TEXT, 0, .max = 2000},
        {NULL},
};
static const struct jv_field export_fields[] = {
        {"formats", JV_ARRAY, 0, .max = 3},
        {NULL},
};
static const struct jv_field format_item = {
        "formats", JV_ENUM, 0, .values = (const char *const[]){"xlsx", "csv", "json", NULL}};

/* The {framework} parameter names a standard with an SoA; *kind is its baseline kind. */
static int framework_param(struct req *r, const char **fw, const char **kind, struct err *e)
{
	const char *name;
	*fw = req_param(r, "framework");
	if (strlen(*fw) > 40)
		return err_set(
		        e, ERR_NOT_FOUND, NULL, "no Statement of Applicability for this framework");
	if (soa_framework(r->db, r->arena, *fw, &name, e))
		return -1;
	if (kind)
		*kind = arena_printf(r->arena, "soa:%s", *fw);
	return 0;
}

static int parse_number(const char *s, int *out, struct err *e)
{
	char *end;
	long v = s ? strtol(s, &end, 10) : 0;
	if (!s || !*s || *end || v < 1 || v > 1000000)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such version");
	*out = (int)v;
	return 0;
}

/* One line with its ETag, or 404 when ref is not an Annex A control of fw. */
static json_t *load_line(
        struct req *r, const char *fw, const char *ref, struct resp *resp, struct err *e)
{
	json_t *facts;
	if (strlen(ref) > 40 || soa_facts(r->db, r->arena, fw, ref, &facts, e))
		return NULL;
	json_t *items = json_object_get(facts, "items");
	if (json_array_size(items) != 1) {
		err_set(e, ERR_NOT_FOUND, NULL, "no such Annex A control");
		return NULL;
	}
	json_t *line = arena_json(
	        r->arena, soa_line(json_array_get(items, 0), json_object_get(facts, "users")));
	if (resp)
		resp->etag = arena_printf(r->arena, "%lld",
		        (long long)json_integer_value(json_object_get(line, "version")));
	return line;
}

/* A growable text buffer for fast_json (malloc'd). */
struct text {
	char *p;
	size_t len, cap;
};

static void put(struct text *t, const char *s, size_t n)
{
	if (t->len + n + 1 > t->cap) {
		t->cap = (t->len + n + 1) * 2;
		t->p = xrealloc(t->p, t->cap);
	}
	memcpy(t->p + t->len, s, n);
	t->len += n;
}

static void put_string(struct text *t, const char *s, size_t n)
{
	put(t, "\"", 1);
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		put(t, s + run, i - run);
		run = i + 1;
		char esc[8];
		switch (c) {
		case '"':
			put(t, "\\\"", 2);
			break;
		case '\\':
			put(t, "\\\\", 2);
			break;
		case '\n':
			put(t, "\\n", 2);
			break;
		case '\r':
			put(t, "\\r", 2);
			break;
		case '\t':
			put(t, "\\t", 2);
			break;
		case '\b':
			put(t, "\\b", 2);
			break;
		case '\f':
			put(t, "\\f", 2);
			break;
		default:
			snprintf(esc, sizeof esc, "\\u%04x", c);
			put(t, esc, 6);
		}
	}
	put(t, s + run, n - run);
	put(t, "\"", 1);
}

/* Compact JSON text of v, as json_dumps(JSON_COMPACT) writes it but several times faster
 * (a full SoA is about half a megabyte of short strings): keys in insertion order, the
 * same escapes, reals as "%.17g". */
static void fast_json(struct text *t, const json_t *v)
{
	char num[40];
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		const char *k;
		json_t *x;
		bool first = true;
		put(t, "{", 1);
		json_object_foreach((json_t *)v, k, x)
		{
			if (!first)
				put(t, ",", 1);
			first = false;
			put_string(t, k, strlen(k));
			put(t, ":", 1);
			fast_json(t, x);
		}
		put(t, "}", 1);
		break;
	}
	case JSON_ARRAY: {
		size_t i;
		json_t *x;
		put(t, "[", 1);
		json_array_foreach(v, i, x)
		{
			if (i)
				put(t, ",", 1);
			fast_json(t, x);
		}
		put(t, "]", 1);
		break;
	}
	case JSON_STRING:
		put_string(t, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		put(t, num,
		        (size_t)snprintf(
		                num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v)));
		break;
	case JSON_REAL: {
		int n = snprintf(num, sizeof num, "%.17g", json_real_value(v));
		put(t, num, (size_t)n);
		if (!strpbrk(num, ".eE"))
			put(t, ".0", 2);
		break;
	}
	case JSON_TRUE:
		put(t, "true", 4);
		break;
	case JSON_FALSE:
		put(t, "false", 5);
		break;
	case JSON_NULL:
		put(t, "null", 4);
		break;
	}
}

static int soa_get(struct req *r, struct resp *resp, struct err *e)
{
	const char *fw, *kind;
	json_t *soa, *versions;
	if (framework_param(r, &fw, &kind, e) || soa_build(r->db, r->arena, fw, &soa, e) ||
	        baseline_list(r->db, r->arena, kind, &versions, e))
		return -1;
	size_t n = json_array_size(versions);
	json_object_set(soa, "approved", n ? json_array_get(versions, n - 1) : json_null());
	struct text t = {0};
	fast_json(&t, soa);
	arena_defer(r->arena, free, t.p);
	resp->raw = t.p;
	resp->raw_len = t.len;
	resp->content_type = "application/json";
	return 0;
}

static int soa_item_get(struct req *r, struct resp *resp, struct err *e)
{
	const char *fw;
	if (framework_param(r, &fw, NULL, e))
		return -1;
	json_t *line = load_line(r, fw, req_param(r, "ref"), resp, e);
	if (!line)
		return -1;
	resp->body = json_incref(line);
	return 0;
}

/* The value to store for key: the body's when present (null = derived), else the entry's. */
static json_t *pick(const json_t *body, const json_t *entry, const char *key)
{
	json_t *v = json_object_get(body, key);
	if (v)
		return v;
	v = json_object_get(entry, key);
	return v ? v : json_null();
}

static const char *text_of(const json_t *v)
{
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static int soa_item_update(struct req *r, struct resp *resp, struct err *e)
{
	const char *fw, *ref = req_param(r, "ref");
	json_t *b;
	long version;
	if (framework_param(r, &fw, NULL, e) || req_body_object(r, &b, e) ||
	        jv_check(b, entry_fields, e))
		return -1;
	json_t *reasons = json_object_get(b, "reasons");
	json_t *seen = arena_json(r->arena, json_object());
	size_t i;
	json_t *x;
	json_array_foreach(reasons, i, x)
	{
		char path[48];
		snprintf(path, sizeof path, "reasons[%zu]", i);
		if (jv_check_value(x, &reason_item, path, e))
			return -1;
		if (json_object_get(seen, json_string_value(x)))
			return err_set(e, ERR_INVALID, path, "listed twice");
		json_object_set_new(seen, json_string_value(x), json_true());
	}
	if (req_if_match(r, &version, e))
		return -1;
	json_t *before = load_line(r, fw, ref, NULL, e);
	if (!before)
		return -1;
	long current = (long)json_integer_value(json_object_get(before, "version"));
	if (version != current)
		return err_set(e, ERR_PRECONDITION_FAILED, "If-Match",
		        "the line was changed by someone else (current version %ld)", current);
	const char *owner = jv_str(b, "owner_id");
	if (owner) {
		PGresult *m = db_exec(r->db, r->arena, e, member_sql, 1, owner);
		if (!m)
			return -1;
		if (PQntuples(m) == 0)
			return err_set(e, ERR_INVALID, "owner_id", "not a member of this tenant");
	}
	/* the recorded entry (soa_facts' "entry") merged with the body */
	json_t *facts;
	if (soa_facts(r->db, r->arena, fw, ref, &facts, e))
		return -1;
	json_t *entry =
	        json_object_get(json_array_get(json_object_get(facts, "items"), 0), "entry");
	json_t *app = pick(b, entry, "applicable");
	json_t *rs = pick(b, entry, "reasons");
	char *rs_text = json_is_array(rs) ? json_dumps(rs, JSON_COMPACT) : NULL;
	const char *rt = text_of(pick(b, entry, "reason_text"));
	const char *ej = text_of(pick(b, entry, "exclusion_justification"));
	char vbuf[24];
	snprintf(vbuf, sizeof vbuf, "%ld", current);
	const char *p[] = {fw, ref,
	        json_is_boolean(app) ? (json_is_true(app) ? "true" : "false") : NULL,
	        rs_text ? arena_strdup(r->arena, rs_text) : NULL, rt ? rt : "", ej ? ej : "",
	        text_of(pick(b, entry, "implementation_status")),
	        text_of(pick(b, entry, "owner_id")), vbuf};
	free(rs_text);
	PGresult *w = db_execv(r->db, r->arena, e,
	        json_is_null(entry) || !entry ? insert_sql : update_sql,
	        json_is_null(entry) || !entry ? 8 : 9, p);
	if (!w)
		return -1;
	if (PQntuples(w) == 0)
		return err_set(e, ERR_PRECONDITION_FAILED, "If-Match",
		        "the line was changed by someone else");
	json_t *after = load_line(r, fw, ref, resp, e);
	if (!after || audit_record(r, "soa.update", "soa_entry",
	                      arena_printf(r->arena, "%s:%s", fw, ref), before, after, e))
		return -1;
	resp->body = json_incref(after);
	return 0;
}

static int soa_check_route(struct req *r, struct resp *resp, struct err *e)
{
	const char *fw;
	json_t *soa;
	if (framework_param(r, &fw, NULL, e) || soa_build(r->db, r->arena, fw, &soa, e))
		return -1;
	json_t *findings = json_object_get(soa, "findings");
	json_t *by_rule = json_object();
	size_t i;
	json_t *f;
	json_array_foreach(findings, i, f)
	{
		const char *rule = json_string_value(json_object_get(f, "rule"));
		json_object_set_new(by_rule, rule,
		        json_integer(json_integer_value(json_object_get(by_rule, rule)) + 1));
	}
	resp->body = json_pack("{s:s, s:O, s:b, s:O, s:o}", "framework", fw, "catalog_version",
	        json_object_get(soa, "catalog_version"), "clean", json_array_size(findings) == 0,
	        "findings", findings, "by_rule", by_rule);
	return 0;
}

static int soa_approve(struct req *r, struct resp *resp, struct err *e)
{
	const char *fw, *kind;
	json_t *b = r->body, *soa, *meta;
	if (b && jv_check(b, approve_fields, e))
		return -1;
	if (framework_param(r, &fw, &kind, e) || soa_build(r->db, r->arena, fw, &soa, e))
		return -1;
	json_t *frozen = json_array();
	size_t i;
	json_t *l;
	json_array_foreach(json_object_get(soa, "items"), i, l)
	        json_array_append_new(frozen, soa_frozen_line(l));
	json_t *content = json_pack("{s:s, s:O, s:O, s:o, s:O, s:O}", "framework", fw, "name",
	        json_object_get(soa, "name"), "catalog_version",
	        json_object_get(soa, "catalog_version"), "items", frozen, "findings",
	        json_object_get(soa, "findings"), "summary", json_object_get(soa, "summary"));
	arena_json(r->arena, content);
	/* who approved is part of the frozen, hashed content */
	const char *approver = r->who.user_id[0] ? r->who.user_id : NULL;
	PGresult *an = approver ? db_exec(r->db, r->arena, e, approver_sql, 1, approver) : NULL;
	if (approver && !an)
		return -1;
	json_object_set_new(content, "approver",
	        approver ? json_pack("{s:s, s:s}", "id", approver, "name", PQgetvalue(an, 0, 0))
	                 : json_null());
	if (baseline_freeze(r->db, r->arena, kind, content, approver, b ? jv_str(b, "note") : NULL,
	            &meta, e) ||
	        audit_record(r, "soa.approve", "soa", kind, NULL, meta, e))
		return -1;
	resp->status = 201;
	resp->location = arena_printf(r->arena, "/v1/soa/%s/versions/%lld", fw,
	        (long long)json_integer_value(json_object_get(meta, "number")));
	resp->body = json_incref(meta);
	return 0;
}

static int soa_versions(struct req *r, struct resp *resp, struct err *e)
{
	const char *fw, *kind;
	json_t *items;
	if (framework_param(r, &fw, &kind, e) || baseline_list(r->db, r->arena, kind, &items, e))
		return -1;
	resp->body = json_pack("{s:O, s:n}", "items", items, "next");
	return 0;
}

static int soa_version_get(struct req *r, struct resp *resp, struct err *e)
{
	const char *fw, *kind;
	int n;
	json_t *v;
	if (framework_param(r, &fw, &kind, e) || parse_number(req_param(r, "n"), &n, e) ||
	        baseline_get(r->db, r->arena, kind, n, &v, e))
		return -1;
	resp->body = json_incref(v);
	return 0;
}

static int soa_version_diff(struct req *r, struct resp *resp, struct err *e)
{
	const char *fw, *kind;
	int na, nb;
	json_t *a, *b;
	if (framework_param(r, &fw, &kind, e) || parse_number(req_param(r, "a"), &na, e) ||
	        parse_number(req_param(r, "b"), &nb, e) ||
	        baseline_get(r->db, r->arena, kind, na, &a, e) ||
	        baseline_get(r->db, r->arena, kind, nb, &b, e))
		return -1;
	json_t *d = baseline_diff(json_object_get(a, "content"), json_object_get(b, "content"));
	json_object_set_new(d, "framework", json_string(fw));
	json_object_set_new(d, "from", json_integer(na));
	json_object_set_new(d, "to", json_integer(nb));
	json_object_set(d, "from_sha256", json_object_get(a, "sha256"));
	json_object_set(d, "to_sha256", json_object_get(b, "sha256"));
	resp->body = d;
	return 0;
}

static int soa_export(struct req *r, struct resp *resp, struct err *e)
{
	json_t *b = r->body, *job;
	if (b && jv_check(b, export_fields, e))
		return -1;
	json_t *formats = b ? json_object_get(b, "formats") : NULL;
	size_t i;
	json_t *x;
	json_array_foreach(formats, i, x)
	{
		char path[48];
		snprintf(path, sizeof path, "formats[%zu]", i);
		if (jv_check_value(x, &format_item, path, e))
			return -1;
	}
	json_t *fmts = json_array_size(formats) ? json_incref(formats)
	                                        : json_pack("[sss]", "xlsx", "csv", "json");
	json_t *payload = arena_json(r->arena, json_pack("{s:o}", "formats", fmts));
	if (q_enqueue(r, "soa.export", payload, NULL, &job, e) ||
	        audit_record(r, "soa.export", "job", json_string_value(json_object_get(job, "id")),
	                NULL, job, e))
		return -1;
	resp->status = 202;
	resp->location = arena_printf(
	        r->arena, "/v1/jobs/%s", json_string_value(json_object_get(job, "id")));
	resp->body = json_incref(job);
	return 0;
}

const struct route soa_routes[] = {
        {"POST", "/v1/soa/export", soa_export, "soa:read", 0,
                "Export both Statements of Applicability (XLSX, CSV, JSON) as a job artifact"},
        {"GET", "/v1/soa/{framework}", soa_get, "soa:read", 0,
                "The current Statement of Applicability, pre-filled from the control library"},
        {"GET", "/v1/soa/{framework}/items/{ref}", soa_item_get, "soa:read", 0,
                "One line of the Statement of Applicability"},
        {"PATCH", "/v1/soa/{framework}/items/{ref}", soa_item_update, "soa:write", 0,
                "Record applicability, reasons, justification, status or owner (If-Match "
                "required)"},
        {"GET", "/v1/soa/{framework}/check", soa_check_route, "soa:read", 0,
                "Findings an auditor would raise against the current Statement of Applicability"},
        {"POST", "/v1/soa/{framework}/approve", soa_approve, "soa:approve", 0,
                "Approve the current Statement of Applicability: freeze it as the next version"},
        {"GET", "/v1/soa/{framework}/versions", soa_versions, "soa:read", 0,
                "Approved (frozen) versions of the Statement of Applicability"},
        {"GET", "/v1/soa/{framework}/versions/{n}", soa_version_get, "soa:read", 0,
                "One approved version with its content and an integrity check of its hash"},
        {"GET", "/v1/soa/{framework}/versions/{a}/diff/{b}", soa_version_diff, "soa:read", 0,
                "What changed between two approved versions"},
        {NULL},
};
