/*
 * context.c - the context of the organisation (ISO/IEC 27001 and 42001 clause 4):
 * internal and external issues, interested parties with their requirements, and the
 * ISMS and AIMS scopes.
 *
 *   GET  /v1/context                          counts and approval state of the register
 *   POST /v1/context/approve                  freeze issues + parties as baseline "context"
 *   /v1/context/issues[/{id}]                 list, create, get, update, delete
 *   /v1/context/parties[/{id}]                list, create, get, update, delete
 *   GET  /v1/scopes/{system}                  the ISMS ("isms") or AIMS ("aims") scope
 *   PUT  /v1/scopes/{system}                  create or replace it
 *   POST /v1/scopes/{system}/approve          freeze it as baseline "scope:<system>"
 *
 * Versioning: every record carries a version (ETag, If-Match); an approval freezes the
 * current content as the next numbered, hashed baseline (domain/baseline.c), and the
 * documents report whether they still equal the approved version (approval_state(),
 * migration 0024). Every mutation is audited in the request transaction.
 *
 * Handlers run on the server's pool threads inside the request transaction; memory
 * is the request arena.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "baseline.h"
#include "db.h"
#include "jsonv.h"
#include "util.h"

#define ISSUE_JSON                                                                                 \
	"jsonb_build_object('id', i.id, 'kind', i.kind, 'title', i.title, 'description',   \
	i.description, 'category', i.category, 'applies_to', i.applies_to, 'version',       \
	i.version, 'created_at', i.created_at, 'updated_at', i.updated_at)"
#define PARTY_JSON                                                                                 \
	"jsonb_build_object('id', p.id, 'name', p.name, 'category', p.category, 'kind',     \
	p.kind, 'applies_to', p.applies_to, 'requirements', p.requirements, 'version',      \
	p.version, 'created_at', p.created_at, 'updated_at', p.updated_at)"

static const char issue_list_sql[] =
        "SELECT coalesce(jsonb_agg(j ORDER BY (j->>'created_at')::timestamptz, j->>'id'), '[]')"
        " FROM (SELECT " ISSUE_JSON " AS j FROM context_issues i"
        " WHERE ($1::text IS NULL OR i.kind = $1) AND ($2::text IS NULL OR i.applies_to = $2)"
        "   AND ($3::timestamptz IS NULL OR (i.created_at, i.id) > ($3::timestamptz, $4::uuid))"
        " ORDER BY i.created_at, i.id LIMIT $5) s";
static const char issue_get_sql[] = "SELECT " ISSUE_JSON " FROM context_issues i WHERE i.id = $1";
static const char issue_insert_sql[] =
        "INSERT INTO context_issues AS i (tenant_id, kind, title, description, category,"
        " applies_to)"
        " VALUES (app_tenant(), $1, $2, coalesce($3, ''), coalesce($4, ''), coalesce($5, 'both'))"
        " RETURNING " ISSUE_JSON;
static const char issue_update_sql[] =
        "UPDATE context_issues AS i SET kind = $3, title = $4, description = $5, category = $6,"
        " applies_to = $7, version = version + 1, updated_at = now()"
        " WHERE i.id = $1 AND i.version = $2::int RETURNING " ISSUE_JSON;
static const char issue_delete_sql[] =
        "DELETE FROM context_issues WHERE id = $1 AND version = $2::int";

static const char party_list_sql[] =
        "SELECT coalesce(jsonb_agg(j ORDER BY (j->>'created_at')::timestamptz, j->>'id'), '[]')"
        " FROM (SELECT " PARTY_JSON " AS j FROM interested_parties p"
        " WHERE ($1::text IS NULL OR p.category = $1) AND ($2::text IS NULL OR p.applies_to = $2)"
        "   AND ($3::timestamptz IS NULL OR (p.created_at, p.id) > ($3::timestamptz, $4::uuid))"
        " ORDER BY p.created_at, p.id LIMIT $5) s";
static const char party_get_sql[] =
        "SELECT " PARTY_JSON " FROM interested_parties p WHERE p.id = $1";
static const char party_insert_sql[] =
        "INSERT INTO interested_parties AS p (tenant_id, name, category, kind, applies_to,"
        " requirements) VALUES (app_tenant(), $1, $2, coalesce($3, 'external'),"
        " coalesce($4, 'both'), coalesce($5::jsonb, '[]')) RETURNING " PARTY_JSON;
static const char party_update_sql[] =
        "UPDATE interested_parties AS p SET name = $3, category = $4, kind = $5, applies_to = $6,"
        " requirements = $7::jsonb, version = version + 1, updated_at = now()"
        " WHERE p.id = $1 AND p.version = $2::int RETURNING " PARTY_JSON;
static const char party_delete_sql[] =
        "DELETE FROM interested_parties WHERE id = $1 AND version = $2::int";

static const char context_sql[] =
        "SELECT jsonb_build_object("
        " 'internal_issues', (SELECT count(*) FROM context_issues WHERE kind = 'internal'),"
        " 'external_issues', (SELECT count(*) FROM context_issues WHERE kind = 'external'),"
        " 'interested_parties', (SELECT count(*) FROM interested_parties),"
        " 'requirements', (SELECT coalesce(sum(jsonb_array_length(requirements)), 0)"
        "   FROM interested_parties),"
        " 'approval', approval_state('context', context_content()))";
static const char context_content_sql[] = "SELECT context_content()";

static const char scope_doc_sql[] = "SELECT scope_doc($1)";
static const char scope_content_sql[] = "SELECT scope_content($1)";
static const char scope_version_sql[] = "SELECT version FROM scopes WHERE system = $1";
static const char scope_upsert_sql[] =
        "INSERT INTO scopes AS s (tenant_id, system, description, entities, products, sites,"
        " environments, data, suppliers, exclusions, ai_roles, interfaces)"
        " VALUES (app_tenant(), $1, $2, $3::jsonb, $4::jsonb, $5::jsonb, $6::jsonb, $7::jsonb,"
        " $8::jsonb, $9::jsonb, $10::jsonb, $11)"
        " ON CONFLICT (tenant_id, system) DO UPDATE SET description = EXCLUDED.description,"
        " entities = EXCLUDED.entities, products = EXCLUDED.products, sites = EXCLUDED.sites,"
        " environments = EXCLUDED.environments, data = EXCLUDED.data,"
        " suppliers = EXCLUDED.suppliers, exclusions = EXCLUDED.exclusions,"
        " ai_roles = EXCLUDED.ai_roles, interfaces = EXCLUDED.interfaces,"
        " version = s.version + 1, updated_at = now() WHERE s.version = $12::int"
        " RETURNING s.version";

static const char *const kinds[] = {"internal", "external", NULL};
static const char *const applies[] = {"isms", "aims", "both", NULL};
static const char *const party_categories[] = {"customer", "regulator", "supplier", "employee",
        "management", "shareholder", "partner", "ai_subject", "public", "other", NULL};
/* The organisation's roles: EU AI Act (Art. 3) and ISO/IEC 22989 vocabulary. */
static const char *const ai_roles[] = {"provider", "deployer", "importer", "distributor",
        "authorised_representative", "product_manufacturer", "ai_producer", "ai_customer",
        "ai_partner", "ai_subject", NULL};
/* The list fields of a scope, each an array of short strings. */
static const char *const scope_lists[] = {
        "entities", "products", "sites", "environments", "data", "suppliers", NULL};

static const struct jv_field issue_fields[] = {
        {"kind", JV_ENUM, JV_REQUIRED, .values = kinds},
        {"title", JV_STRING, JV_REQUIRED, .max = 300},
        {"description", JV_TEXT, 0, .max = 4000},
        {"category", JV_TEXT, 0, .max = 100},
        {"applies_to", JV_ENUM, 0, .values = applies},
        {NULL},
};
static const struct jv_field issue_patch_fields[] = {
        {"kind", JV_ENUM, 0, .values = kinds},
        {"title", JV_STRING, 0, .max = 300},
        {"description", JV_TEXT, 0, .max = 4000},
        {"category", JV_TEXT, 0, .max = 100},
        {"applies_to", JV_ENUM, 0, .values = applies},
        {NULL},
};
static const struct jv_field party_fields[] = {
        {"name", JV_STRING, JV_REQUIRED, .max = 200},
        {"category", JV_ENUM, JV_REQUIRED, .values = party_categories},
        {"kind", JV_ENUM, 0, .values = kinds},
        {"applies_to", JV_ENUM, 0, .values = applies},
        {"requirements", JV_ARRAY, 0, .max = 100},
        {NULL},
};
static const struct jv_field party_patch_fields[] = {
        {"name", JV_STRING, 0, .max = 200},
        {"category", JV_ENUM, 0, .values = party_categories},
        {"kind", JV_ENUM, 0, .values = kinds},
        {"applies_to", JV_ENUM, 0, .values = applies},
        {"requirements", JV_ARRAY, 0, .max = 100},
        {NULL},
};
static const struct jv_field requirement_fields[] = {
        {"requirement", JV_STRING, JV_REQUIRED, .max = 2000},
        {"source", JV_TEXT, 0, .max = 300},
        {"addressed_by", JV_TEXT, 0, .max = 500},
        {NULL},
};
static const struct jv_field scope_fields[] = {
        {"description", JV_TEXT, 0, .max = 4000},
        {"entities", JV_ARRAY, 0, .max = 100},
        {"products", JV_ARRAY, 0, .max = 100},
        {"sites", JV_ARRAY, 0, .max = 100},
        {"environments", JV_ARRAY, 0, .max = 100},
        {"data", JV_ARRAY, 0, .max = 100},
        {"suppliers", JV_ARRAY, 0, .max = 100},
        {"exclusions", JV_ARRAY, 0, .max = 100},
        {"ai_roles", JV_ARRAY, 0, .max = 10},
        {"interfaces", JV_TEXT, 0, .max = 4000},
        {NULL},
};
static const struct jv_field exclusion_fields[] = {
        {"item", JV_STRING, JV_REQUIRED, .max = 300},
        {"justification", JV_STRING, JV_REQUIRED, .max = 2000},
        {NULL},
};
static const struct jv_field approve_fields[] = {
        {"note", JV_TEXT, 0, .max = 2000},
        {NULL},
};

static const char *const issue_query[] = {"limit", "kind", "applies_to", NULL};
static const char *const party_query[] = {"limit", "category", "applies_to", NULL};

static const char *version_text(struct req *r, const json_t *doc)
{
	return arena_printf(
	        r->arena, "%lld", (long long)json_integer_value(json_object_get(doc, "version")));
}

static bool in_list(const char *v, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(*list, v) == 0)
			return true;
	return false;
}

/* jv_check on each element of an array of objects, naming fields "<name>[i].<field>". */
static int check_items(
        const json_t *a, const char *name, const struct jv_field *spec, struct err *e)
{
	size_t i;
	json_t *it;
	char path[64];
	json_array_foreach(a, i, it)
	{
		snprintf(path, sizeof path, "%s[%zu]", name, i);
		if (!json_is_object(it))
			return err_set(e, ERR_INVALID, path, "must be an object");
		if (jv_check(it, spec, e)) {
			char f[sizeof e->field];
			snprintf(f, sizeof f, "%.40s.%.80s", path, e->field);
			snprintf(e->field, sizeof e->field, "%s", f);
			return -1;
		}
	}
	return 0;
}

/* An array of distinct non-empty strings of at most max bytes (from `allowed` if given). */
static int check_strings(
        const json_t *a, const char *name, long long max, const char *const *allowed, struct err *e)
{
	struct jv_field f = {name, allowed ? JV_ENUM : JV_STRING, 0, .max = max, .values = allowed};
	size_t i, k;
	json_t *it;
	char path[64];
	json_array_foreach(a, i, it)
	{
		snprintf(path, sizeof path, "%s[%zu]", name, i);
		if (jv_check_value(it, &f, path, e))
			return -1;
		for (k = 0; k < i; k++)
			if (json_equal(it, json_array_get(a, k)))
				return err_set(e, ERR_INVALID, path, "is listed twice");
	}
	return 0;
}

/* An optional JSON body (approve routes accept none or {"note": ...}). */
static int optional_body(struct req *r, json_t **out, struct err *e)
{
	*out = r->body;
	if (!r->body)
		return 0;
	return req_body_object(r, out, e) || jv_check(*out, approve_fields, e) ? -1 : 0;
}

/* Freeze content as the next baseline of kind, audit it, answer 201. */
static int approve(struct req *r, struct resp *resp, const char *kind, const json_t *content,
        const char *note, struct err *e)
{
	json_t *meta;
	if (baseline_freeze(r->db, r->arena, kind, content, r->who.user_id, note, &meta, e))
		return -1;
	long long n = (long long)json_integer_value(json_object_get(meta, "number"));
	if (audit_record(r,
	            arena_printf(
	                    r->arena, "%s.approve", strncmp(kind, "scope", 5) ? kind : "scope"),
	            "baseline", arena_printf(r->arena, "%s:%lld", kind, n), NULL, meta, e))
		return -1;
	resp->status = 201;
	resp->location = arena_printf(r->arena, "/v1/baselines/%s/%lld", kind, n);
	resp->body = json_incref(meta);
	return 0;
}

/* Parse ?kind-like filters against an enumeration. */
static int filter(struct req *r, const char *name, const char *const *allowed, const char **out,
        struct err *e)
{
	*out = req_query(r, name);
	if (*out && !in_list(*out, allowed))
		return err_set(e, ERR_INVALID, name, "unknown value");
	return 0;
}

static int list(struct req *r, struct resp *resp, const char *sql, const char *f1, const char *f2,
        struct err *e)
{
	struct page pg;
	if (page_begin(r, &pg, e))
		return -1;
	const char *p[] = {f1, f2, page_after(&pg, 0), page_after(&pg, 1), pg.limit_plus_one};
	if (pg.after && (!p[2] || !p[3] || !util_is_uuid(p[3])))
		return err_set(e, ERR_INVALID, "cursor", "is not a cursor returned by this API");
	json_t *items = db_json_row(r, e, "list", sql, 5, p);
	if (!items)
		return -1;
	static const char *const keys[] = {"created_at", "id", NULL};
	resp->body = page_result(r, &pg, json_incref(items), keys);
	return 0;
}

static json_t *load(struct req *r, const char *sql, const char *id, const char *what,
        struct resp *resp, struct err *e)
{
	const char *p[] = {id};
	json_t *j = db_json_row(r, e, what, sql, 1, p);
	if (j && resp)
		resp->etag = version_text(r, j);
	return j;
}

/* Load, check If-Match, delete, audit. */
static int remove_row(struct req *r, struct resp *resp, const char *get_sql, const char *del_sql,
        const char *what, const char *action, struct err *e)
{
	const char *id;
	long version;
	if (req_param_uuid(r, "id", &id, e) || req_if_match(r, &version, e))
		return -1;
	json_t *before = load(r, get_sql, id, what, NULL, e);
	if (!before)
		return -1;
	char vbuf[24];
	snprintf(vbuf, sizeof vbuf, "%ld", version);
	PGresult *d = db_exec(r->db, r->arena, e, del_sql, 2, id, vbuf);
	if (!d)
		return -1;
	if (strcmp(PQcmdTuples(d), "1") != 0)
		return err_set(e, ERR_PRECONDITION_FAILED, "If-Match",
		        "the %s was changed by someone else (current version %s)", what,
		        version_text(r, before));
	if (audit_record(r, action, what, id, before, NULL, e))
		return -1;
	resp->status = 204;
	return 0;
}

/* ------------------------------------------------------------------ register */

static int context_get(struct req *r, struct resp *resp, struct err *e)
{
	json_t *c = db_json_row(r, e, "context", context_sql, 0, NULL);
	if (!c)
		return -1;
	resp->body = json_incref(c);
	return 0;
}

/* Clause 4.1 needs internal and external issues, 4.2 interested parties. */
static int context_approve(struct req *r, struct resp *resp, struct err *e)
{
	json_t *b;
	if (optional_body(r, &b, e))
		return -1;
	json_t *c = db_json_row(r, e, "context", context_sql, 0, NULL);
	if (!c)
		return -1;
	if (json_integer_value(json_object_get(c, "internal_issues")) == 0)
		return err_set(e, ERR_UNPROCESSABLE, "issues",
		        "record at least one internal issue before approving the context");
	if (json_integer_value(json_object_get(c, "external_issues")) == 0)
		return err_set(e, ERR_UNPROCESSABLE, "issues",
		        "record at least one external issue before approving the context");
	if (json_integer_value(json_object_get(c, "interested_parties")) == 0)
		return err_set(e, ERR_UNPROCESSABLE, "parties",
		        "record at least one interested party before approving the context");
	json_t *content = db_json_row(r, e, "context", context_content_sql, 0, NULL);
	return content ? approve(r, resp, "context", content, jv_str(b, "note"), e) : -1;
}

/* ------------------------------------------------------------------ issues */

static int issue_list(struct req *r, struct resp *resp, struct err *e)
{
	const char *kind, *ap;
	if (filter(r, "kind", kinds, &kind, e) || filter(r, "applies_to", applies, &ap, e))
		return -1;
	return list(r, resp, issue_list_sql, kind, ap, e);
}

static int issue_get(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	if (req_param_uuid(r, "id", &id, e))
		return -1;
	json_t *i = load(r, issue_get_sql, id, "issue", resp, e);
	if (!i)
		return -1;
	resp->body = json_incref(i);
	return 0;
}

static int issue_create(struct req *r, struct resp *resp, struct err *e)
{
	json_t *b;
	if (req_body_object(r, &b, e) || jv_check(b, issue_fields, e))
		return -1;
	const char *p[] = {jv_str(b, "kind"), jv_str(b, "title"), jv_str(b, "description"),
	        jv_str(b, "category"), jv_str(b, "applies_to")};
	json_t *i = db_json_row(r, e, "issue", issue_insert_sql, 5, p);
	if (!i)
		return -1;
	const char *id = json_string_value(json_object_get(i, "id"));
	if (audit_record(r, "context_issue.create", "context_issue", id, NULL, i, e))
		return -1;
	resp->status = 201;
	resp->location = arena_printf(r->arena, "/v1/context/issues/%s", id);
	resp->etag = "1";
	resp->body = json_incref(i);
	return 0;
}

static int issue_update(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	json_t *b;
	long version;
	if (req_param_uuid(r, "id", &id, e) || req_body_object(r, &b, e) ||
	        jv_check(b, issue_patch_fields, e) || req_if_match(r, &version, e))
		return -1;
	json_t *before = load(r, issue_get_sql, id, "issue", NULL, e);
	if (!before)
		return -1;
	json_t *m = arena_json(r->arena, json_deep_copy(before));
	json_object_update(m, b);
	char vbuf[24];
	snprintf(vbuf, sizeof vbuf, "%ld", version);
	const char *p[] = {id, vbuf, jv_str(m, "kind"), jv_str(m, "title"),
	        jv_str(m, "description"), jv_str(m, "category"), jv_str(m, "applies_to")};
	PGresult *u = db_execv(r->db, r->arena, e, issue_update_sql, 7, p);
	if (!u)
		return -1;
	if (PQntuples(u) == 0)
		return err_set(e, ERR_PRECONDITION_FAILED, "If-Match",
		        "the issue was changed by someone else (current version %s)",
		        version_text(r, before));
	json_t *after = db_json(r->arena, u, 0, 0);
	if (audit_record(r, "context_issue.update", "context_issue", id, before, after, e))
		return -1;
	resp->etag = version_text(r, after);
	resp->body = json_incref(after);
	return 0;
}

static int issue_delete(struct req *r, struct resp *resp, struct err *e)
{
	return remove_row(r, resp, issue_get_sql, issue_delete_sql, "context_issue",
	        "context_issue.delete", e);
}

/* ------------------------------------------------------------------ parties */

static int party_list(struct req *r, struct resp *resp, struct err *e)
{
	const char *cat, *ap;
	if (filter(r, "category", party_categories, &cat, e) ||
	        filter(r, "applies_to", applies, &ap, e))
		return -1;
	return list(r, resp, party_list_sql, cat, ap, e);
}

static int party_get(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	if (req_param_uuid(r, "id", &id, e))
		return -1;
	json_t *p = load(r, party_get_sql, id, "interested_party", resp, e);
	if (!p)
		return -1;
	resp->body = json_incref(p);
	return 0;
}

static int party_create(struct req *r, struct resp *resp, struct err *e)
{
	json_t *b;
	if (req_body_object(r, &b, e) || jv_check(b, party_fields, e) ||
	        check_items(
	                json_object_get(b, "requirements"), "requirements", requirement_fields, e))
		return -1;
	char *reqs = jv_dump(b, "requirements");
	const char *p[] = {jv_str(b, "name"), jv_str(b, "category"), jv_str(b, "kind"),
	        jv_str(b, "applies_to"), reqs};
	json_t *party = db_json_row(r, e, "interested_party", party_insert_sql, 5, p);
	free(reqs);
	if (!party)
		return -1;
	const char *id = json_string_value(json_object_get(party, "id"));
	if (audit_record(r, "interested_party.create", "interested_party", id, NULL, party, e))
		return -1;
	resp->status = 201;
	resp->location = arena_printf(r->arena, "/v1/context/parties/%s", id);
	resp->etag = "1";
	resp->body = json_incref(party);
	return 0;
}

static int party_update(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	json_t *b;
	long version;
	if (req_param_uuid(r, "id", &id, e) || req_body_object(r, &b, e) ||
	        jv_check(b, party_patch_fields, e) ||
	        check_items(json_object_get(b, "requirements"), "requirements", requirement_fields,
	                e) ||
	        req_if_match(r, &version, e))
		return -1;
	json_t *before = load(r, party_get_sql, id, "interested_party", NULL, e);
	if (!before)
		return -1;
	json_t *m = arena_json(r->arena, json_deep_copy(before));
	json_object_update(m, b);
	char vbuf[24];
	snprintf(vbuf, sizeof vbuf, "%ld", version);
	char *reqs = jv_dump(m, "requirements");
	const char *p[] = {id, vbuf, jv_str(m, "name"), jv_str(m, "category"), jv_str(m, "kind"),
	        jv_str(m, "applies_to"), reqs};
	PGresult *u = db_execv(r->db, r->arena, e, party_update_sql, 7, p);
	free(reqs);
	if (!u)
		return -1;
	if (PQntuples(u) == 0)
		return err_set(e, ERR_PRECONDITION_FAILED, "If-Match",
		        "the interested party was changed by someone else (current version %s)",
		        version_text(r, before));
	json_t *after = db_json(r->arena, u, 0, 0);
	if (audit_record(r, "interested_party.update", "interested_party", id, before, after, e))
		return -1;
	resp->etag = version_text(r, after);
	resp->body = json_incref(after);
	return 0;
}

static int party_delete(struct req *r, struct resp *resp, struct err *e)
{
	return remove_row(r, resp, party_get_sql, party_delete_sql, "interested_party",
	        "interested_party.delete", e);
}

/* ------------------------------------------------------------------ scopes */

static int scope_param(struct req *r, const char **system, struct err *e)
{
	*system = req_param(r, "system");
	if (strcmp(*system, "isms") != 0 && strcmp(*system, "aims") != 0)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such scope (isms or aims)");
	return 0;
}

static int scope_get(struct req *r, struct resp *resp, struct err *e)
{
	const char *system;
	if (scope_param(r, &system, e))
		return -1;
	json_t *s = load(r, scope_doc_sql, system, "scope", resp, e);
	if (!s)
		return -1;
	resp->body = json_incref(s);
	return 0;
}

static int scope_put(struct req *r, struct resp *resp, struct err *e)
{
	const char *system;
	json_t *b;
	if (scope_param(r, &system, e) || req_body_object(r, &b, e) || jv_check(b, scope_fields, e))
		return -1;
	for (const char *const *l = scope_lists; *l; l++)
		if (check_strings(json_object_get(b, *l), *l, 300, NULL, e))
			return -1;
	if (check_items(json_object_get(b, "exclusions"), "exclusions", exclusion_fields, e) ||
	        check_strings(json_object_get(b, "ai_roles"), "ai_roles", 40, ai_roles, e))
		return -1;
	if (strcmp(system, "isms") == 0 && json_array_size(json_object_get(b, "ai_roles")))
		return err_set(e, ERR_INVALID, "ai_roles",
		        "the organisation's AI roles belong to the AIMS scope");
	PGresult *cur = db_exec(r->db, r->arena, e, scope_version_sql, 1, system);
	if (!cur)
		return -1;
	bool exists = PQntuples(cur) == 1;
	long version = 0;
	json_t *before = NULL;
	if (exists) {
		if (req_if_match(r, &version, e))
			return -1;
		if (version != atol(PQgetvalue(cur, 0, 0)))
			return err_set(e, ERR_PRECONDITION_FAILED, "If-Match",
			        "the scope was changed by someone else (current version %s)",
			        PQgetvalue(cur, 0, 0));
		if (!(before = load(r, scope_doc_sql, system, "scope", NULL, e)))
			return -1;
	}
	char vbuf[24];
	snprintf(vbuf, sizeof vbuf, "%ld", version);
	char *lists[9];
	static const char *const list_keys[] = {"entities", "products", "sites", "environments",
	        "data", "suppliers", "exclusions", "ai_roles"};
	for (int i = 0; i < 8; i++) {
		lists[i] = jv_dump(b, list_keys[i]);
		if (!lists[i])
			lists[i] = xstrdup("[]");
	}
	const char *desc = jv_str(b, "description"), *ifc = jv_str(b, "interfaces");
	const char *p[] = {system, desc ? desc : "", lists[0], lists[1], lists[2], lists[3],
	        lists[4], lists[5], lists[6], lists[7], ifc ? ifc : "", vbuf};
	PGresult *w = db_execv(r->db, r->arena, e, scope_upsert_sql, 12, p);
	for (int i = 0; i < 8; i++)
		free(lists[i]);
	if (!w)
		return -1;
	if (PQntuples(w) == 0)
		return err_set(e, ERR_PRECONDITION_FAILED, "If-Match",
		        "the scope was changed by someone else");
	json_t *after = load(r, scope_doc_sql, system, "scope", resp, e);
	if (!after || audit_record(r, exists ? "scope.update" : "scope.create", "scope", system,
	                      before, after, e))
		return -1;
	resp->status = exists ? 200 : 201;
	resp->body = json_incref(after);
	return 0;
}

/* A scope names at least one entity; the AIMS scope also the organisation's AI roles. */
static int scope_approve(struct req *r, struct resp *resp, struct err *e)
{
	const char *system;
	json_t *b;
	if (scope_param(r, &system, e) || optional_body(r, &b, e))
		return -1;
	json_t *s = load(r, scope_doc_sql, system, "scope", NULL, e);
	if (!s)
		return -1;
	if (json_array_size(json_object_get(s, "entities")) == 0)
		return err_set(e, ERR_UNPROCESSABLE, "entities",
		        "name at least one entity in the scope before approving it");
	if (strcmp(system, "aims") == 0 && json_array_size(json_object_get(s, "ai_roles")) == 0)
		return err_set(e, ERR_UNPROCESSABLE, "ai_roles",
		        "state the organisation's AI roles (provider, deployer, ...) in the AIMS"
		        " scope");
	const char *p[] = {system};
	json_t *content = db_json_row(r, e, "scope", scope_content_sql, 1, p);
	return content ? approve(r, resp, arena_printf(r->arena, "scope:%s", system), content,
	                         jv_str(b, "note"), e)
	               : -1;
}

const struct route context_routes[] = {
        {"GET", "/v1/context", context_get, "governance:read", 0,
                "The context register: counts of issues, parties and requirements, approval state"},
        {"POST", "/v1/context/approve", context_approve, "governance:approve", 0,
                "Approve the context (issues and interested parties): freeze baseline context"},
        {"GET", "/v1/context/issues", issue_list, "governance:read", 0,
                "List internal and external issues (clause 4.1)", issue_query},
        {"POST", "/v1/context/issues", issue_create, "governance:write", 0,
                "Record an internal or external issue"},
        {"GET", "/v1/context/issues/{id}", issue_get, "governance:read", 0, "Get an issue"},
        {"PATCH", "/v1/context/issues/{id}", issue_update, "governance:write", 0,
                "Update an issue (If-Match required)"},
        {"DELETE", "/v1/context/issues/{id}", issue_delete, "governance:write", 0,
                "Delete an issue (If-Match required)"},
        {"GET", "/v1/context/parties", party_list, "governance:read", 0,
                "List interested parties with their requirements (clause 4.2)", party_query},
        {"POST", "/v1/context/parties", party_create, "governance:write", 0,
                "Record an interested party and its requirements"},
        {"GET", "/v1/context/parties/{id}", party_get, "governance:read", 0,
                "Get an interested party"},
        {"PATCH", "/v1/context/parties/{id}", party_update, "governance:write", 0,
                "Update an interested party (If-Match required)"},
        {"DELETE", "/v1/context/parties/{id}", party_delete, "governance:write", 0,
                "Delete an interested party (If-Match required)"},
        {"GET", "/v1/scopes/{system}", scope_get, "governance:read", 0,
                "The ISMS (isms) or AIMS (aims) scope with its approval state"},
        {"PUT", "/v1/scopes/{system}", scope_put, "governance:write", 0,
                "Create or replace a scope (If-Match required once it exists)"},
        {"POST", "/v1/scopes/{system}/approve", scope_approve, "governance:approve", 0,
                "Approve a scope: freeze it as the next version of baseline scope:<system>"},
        {NULL},
};
