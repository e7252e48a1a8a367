/*
 * tenants.c - tenant lifecycle: a consultancy (operator tenant) creates, lists,
 * updates, suspends, resumes, deletes (with a grace period) and restores its client
 * tenants, and imports a tenant export into a new client tenant. Export runs as the
 * worker job tenant.export (see api/jobs.c and workers/job_tenant_export.c).
 *
 * Row-level security decides visibility: in an operator tenant's context the tenants
 * table shows the operator itself and its clients; in a client's context only the
 * client. Every mutation writes an audit event in the same transaction.
 */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "config.h"
#include "db.h"
#include "jsonv.h"
#include "tenant_io.h"
#include "util.h"

#define TENANT_JSON                                                                                \
	"jsonb_build_object('id', t.id, 'kind', t.kind, 'parent_id', t.parent_id, 'slug',  \
	t.slug, 'name', t.name, 'status', t.status, 'delete_after', t.delete_after,        \
	'settings', t.settings, 'version', t.version, 'created_at', t.created_at,          \
	'updated_at', t.updated_at)"

static const char get_sql[] = "SELECT " TENANT_JSON " FROM tenants t WHERE t.id = $1";

static const char list_sql[] =
        "SELECT coalesce(jsonb_agg(j ORDER BY (j->>'created_at')::timestamptz, j->>'id'), '[]') "
        "FROM ("
        " SELECT " TENANT_JSON " AS j FROM tenants t"
        " WHERE ($1::text IS NULL OR t.status = $1) AND ($2::text IS NULL OR t.kind = $2)"
        "   AND ($3::timestamptz IS NULL OR (t.created_at, t.id) > ($3::timestamptz, $4::uuid))"
        " ORDER BY t.created_at, t.id LIMIT $5) s";

static const char insert_sql[] =
        "INSERT INTO tenants AS t (kind, parent_id, slug, name, settings)"
        " VALUES ('client', $1, $2, $3, coalesce($4::jsonb, '{}')) RETURNING " TENANT_JSON;
static const char own_users_sql[] =
        "SELECT coalesce(jsonb_agg(id), '[]') FROM users WHERE tenant_id = $1";
static const char member_sql[] =
        "INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, 'operator')";

static const char update_sql[] =
        "UPDATE tenants AS t SET name = coalesce($3, name), settings = coalesce($4::jsonb, "
        "settings),"
        " version = version + 1, updated_at = now() WHERE id = $1 AND version = $2"
        " RETURNING " TENANT_JSON;
static const char status_sql[] =
        "UPDATE tenants AS t SET status = $2, delete_after = $3::timestamptz,"
        " version = version + 1, updated_at = now() WHERE id = $1 AND kind = 'client'"
        " AND ($4::int IS NULL OR version = $4::int) RETURNING " TENANT_JSON;

static const char *const list_query[] = {"limit", "status", "kind", NULL};
static const char *const statuses[] = {"active", "suspended", "deleting", NULL};
static const char *const kinds[] = {"operator", "client", NULL};

static const struct jv_field create_fields[] = {
        {"slug", JV_STRING, JV_REQUIRED, .max = 63},
        {"name", JV_STRING, JV_REQUIRED, .max = 200},
        {"settings", JV_OBJECT, 0, .max = 100},
        {NULL},
};
static const struct jv_field update_fields[] = {
        {"name", JV_STRING, 0, .max = 200},
        {"settings", JV_OBJECT, 0, .max = 100},
        {NULL},
};
static const struct jv_field import_fields[] = {
        {"slug", JV_STRING, JV_REQUIRED, .max = 63},
        {"name", JV_STRING, JV_REQUIRED, .max = 200},
        {"document", JV_OBJECT, JV_REQUIRED, .max = 20},
        {NULL},
};

static bool valid_slug(const char *s)
{
	size_t n = strlen(s);
	if (n < 2 || n > 63)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c == '-' && i > 0)))
			return false;
	}
	return true;
}

static int in_list(const char *v, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(*list, v) == 0)
			return 1;
	return 0;
}

/* The tenant as JSON with its ETag set, or 404. */
static json_t *load(struct req *r, const char *id, struct resp *resp, struct err *e)
{
	const char *p[] = {id};
	json_t *t = db_json_row(r, e, "tenant", get_sql, 1, p);
	if (t && resp)
		resp->etag = arena_printf(r->arena, "%lld",
		        (long long)json_integer_value(json_object_get(t, "version")));
	return t;
}

static int tenant_list(struct req *r, struct resp *resp, struct err *e)
{
	struct page pg;
	const char *status = req_query(r, "status"), *kind = req_query(r, "kind");
	if (page_begin(r, &pg, e))
		return -1;
	if (status && !in_list(status, statuses))
		return err_set(e, ERR_INVALID, "status", "must be active, suspended or deleting");
	if (kind && !in_list(kind, kinds))
		return err_set(e, ERR_INVALID, "kind", "must be operator or client");
	const char *p[] = {status, kind, page_after(&pg, 0), page_after(&pg, 1), pg.limit_plus_one};
	if (pg.after && (!p[2] || !p[3] || !util_is_uuid(p[3])))
		return err_set(e, ERR_INVALID, "cursor", "is not a cursor returned by this API");
	json_t *items = db_json_row(r, e, "tenants", list_sql, 5, p);
	if (!items)
		return -1;
	static const char *const keys[] = {"created_at", "id", NULL};
	resp->body = page_result(r, &pg, json_incref(items), keys);
	return 0;
}

static int tenant_get(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	if (req_param_uuid(r, "id", &id, e))
		return -1;
	json_t *t = load(r, id, resp, e);
	if (!t)
		return -1;
	resp->body = json_incref(t);
	return 0;
}

static int tenant_create(struct req *r, struct resp *resp, struct err *e)
{
	json_t *b;
	if (req_body_object(r, &b, e) || jv_check(b, create_fields, e))
		return -1;
	if (!valid_slug(jv_str(b, "slug")))
		return err_set(e, ERR_INVALID, "slug",
		        "2-63 characters: lower-case letters, digits and '-', not starting with "
		        "'-'");
	char *settings = jv_dump(b, "settings");
	const char *p[] = {r->tenant_id, jv_str(b, "slug"), jv_str(b, "name"), settings};
	json_t *t = db_json_row(r, e, "tenant", insert_sql, 4, p);
	free(settings);
	if (!t)
		return -1;
	const char *id = json_string_value(json_object_get(t, "id"));
	/* the creator becomes operator of the new tenant; audit in both tenants */
	if (audit_record(r, "tenant.create", "tenant", id, NULL, t, e))
		return -1;
	const char *home = r->tenant_id;
	if (req_set_tenant(r, id, e))
		return -1;
	if (r->who.kind == PRINCIPAL_USER &&
	        !db_exec(r->db, r->arena, e, member_sql, 2, id, r->who.user_id))
		return -1;
	if (audit_record(r, "tenant.create", "tenant", id, NULL, t, e) ||
	        req_set_tenant(r, home, e))
		return -1;
	resp->status = 201;
	resp->location = arena_printf(r->arena, "/v1/tenants/%s", id);
	resp->etag = "1";
	resp->body = json_incref(t);
	return 0;
}

static int tenant_update(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	json_t *b;
	long version;
	if (req_param_uuid(r, "id", &id, e) || req_body_object(r, &b, e) ||
	        jv_check(b, update_fields, e) || req_if_match(r, &version, e))
		return -1;
	json_t *before = load(r, id, NULL, e);
	if (!before)
		return -1;
	char vbuf[24];
	snprintf(vbuf, sizeof vbuf, "%ld", version);
	char *settings = jv_dump(b, "settings");
	const char *p[] = {id, vbuf, jv_str(b, "name"), settings};
	PGresult *res = db_execv(r->db, r->arena, e, update_sql, 4, p);
	free(settings);
	if (!res)
		return -1;
	if (PQntuples(res) == 0)
		return err_set(e, ERR_PRECONDITION_FAILED, "If-Match",
		        "the tenant was changed by someone else (current version %lld)",
		        (long long)json_integer_value(json_object_get(before, "version")));
	json_t *after = db_json(r->arena, res, 0, 0);
	if (audit_record(r, "tenant.update", "tenant", id, before, after, e))
		return -1;
	resp->etag = arena_printf(
	        r->arena, "%lld", (long long)json_integer_value(json_object_get(after, "version")));
	resp->body = json_incref(after);
	return 0;
}

/* Move a client tenant to `to` (from one of the allowed states). */
static int transition(struct req *r, struct resp *resp, struct err *e, const char *to,
        const char *const *from, const char *action, bool need_if_match)
{
	const char *id;
	long version = 0;
	if (req_param_uuid(r, "id", &id, e) || (need_if_match && req_if_match(r, &version, e)))
		return -1;
	json_t *before = load(r, id, NULL, e);
	if (!before)
		return -1;
	if (strcmp(json_string_value(json_object_get(before, "kind")), "operator") == 0)
		return err_set(e, ERR_UNPROCESSABLE, "id", "an operator tenant cannot be %s", to);
	if (strcmp(id, r->tenant_id) == 0)
		return err_set(
		        e, ERR_UNPROCESSABLE, "id", "act on a client tenant from its operator");
	const char *cur = json_string_value(json_object_get(before, "status"));
	if (!in_list(cur, from))
		return err_set(e, ERR_CONFLICT, "status", "tenant is %s", cur);
	char vbuf[24], when[64] = "";
	snprintf(vbuf, sizeof vbuf, "%ld", version);
	if (strcmp(to, "deleting") == 0) {
		PGresult *t = db_exec(r->db, r->arena, e,
		        "SELECT (now() + make_interval(secs => $1::int))::text", 1,
		        arena_printf(r->arena, "%d", cfg.tenant_delete_grace));
		if (!t)
			return -1;
		snprintf(when, sizeof when, "%s", PQgetvalue(t, 0, 0));
	}
	const char *p[] = {id, to, when[0] ? when : NULL, need_if_match ? vbuf : NULL};
	PGresult *res = db_execv(r->db, r->arena, e, status_sql, 4, p);
	if (!res)
		return -1;
	if (PQntuples(res) == 0)
		return err_set(e, ERR_PRECONDITION_FAILED, "If-Match",
		        "the tenant was changed by someone else");
	json_t *after = db_json(r->arena, res, 0, 0);
	if (audit_record(r, action, "tenant", id, before, after, e))
		return -1;
	resp->etag = arena_printf(
	        r->arena, "%lld", (long long)json_integer_value(json_object_get(after, "version")));
	resp->body = json_incref(after);
	return 0;
}

static int tenant_suspend(struct req *r, struct resp *resp, struct err *e)
{
	static const char *const from[] = {"active", NULL};
	return transition(r, resp, e, "suspended", from, "tenant.suspend", false);
}

static int tenant_resume(struct req *r, struct resp *resp, struct err *e)
{
	static const char *const from[] = {"suspended", NULL};
	return transition(r, resp, e, "active", from, "tenant.resume", false);
}

static int tenant_delete(struct req *r, struct resp *resp, struct err *e)
{
	static const char *const from[] = {"active", "suspended", NULL};
	if (transition(r, resp, e, "deleting", from, "tenant.delete", true))
		return -1;
	resp->status = 202; /* purged by the worker when the grace period ends */
	return 0;
}

static int tenant_restore(struct req *r, struct resp *resp, struct err *e)
{
	static const char *const from[] = {"deleting", NULL};
	return transition(r, resp, e, "active", from, "tenant.restore", false);
}

static int tenant_import_route(struct req *r, struct resp *resp, struct err *e)
{
	json_t *b;
	if (req_body_object(r, &b, e) || jv_check(b, import_fields, e))
		return -1;
	if (!valid_slug(jv_str(b, "slug")))
		return err_set(e, ERR_INVALID, "slug",
		        "2-63 characters: lower-case letters, digits and '-', not starting with "
		        "'-'");
	const json_t *doc = json_object_get(b, "document");
	json_t *src = json_object_get(doc, "tenant");
	json_t *settings = json_object_get(src, "settings");
	char *st = json_is_object(settings) ? json_dumps(settings, JSON_COMPACT) : NULL;
	const char *p[] = {r->tenant_id, jv_str(b, "slug"), jv_str(b, "name"), st};
	json_t *t = db_json_row(r, e, "tenant", insert_sql, 4, p);
	free(st);
	if (!t)
		return -1;
	const char *id = json_string_value(json_object_get(t, "id"));
	const char *home = r->tenant_id;
	const char *up[] = {home};
	json_t *own_users = db_json_row(r, e, "users", own_users_sql, 1, up);
	if (!own_users)
		return -1;
	if (audit_record(r, "tenant.create", "tenant", id, NULL, t, e) || req_set_tenant(r, id, e))
		return -1;
	if (tenant_import(r->db, r->arena, id, doc, own_users, e))
		return -1;
	/* the importing operator keeps access even if the document had no such member */
	if (r->who.kind == PRINCIPAL_USER && !db_exec(r->db, r->arena, e,
	                                             "INSERT INTO memberships (tenant_id, user_id, "
	                                             "role) VALUES ($1, $2, 'operator')"
	                                             " ON CONFLICT (tenant_id, user_id) DO NOTHING",
	                                             2, id, r->who.user_id))
		return -1;
	json_t *info = json_pack("{s:O, s:O}", "source_tenant", src ? src : json_null(),
	        "source_audit_head",
	        json_object_get(doc, "audit_head") ? json_object_get(doc, "audit_head")
	                                           : json_null());
	int rc = audit_record(r, "tenant.imported", "tenant", id, NULL, info, e);
	json_decref(info);
	if (rc || req_set_tenant(r, home, e))
		return -1;
	resp->status = 201;
	resp->location = arena_printf(r->arena, "/v1/tenants/%s", id);
	resp->body = json_incref(t);
	return 0;
}

const struct route tenant_routes[] = {
        {"GET", "/v1/tenants", tenant_list, "tenants:read", 0,
                "List the tenant the request acts in and, for an operator, its client tenants",
                list_query},
        {"POST", "/v1/tenants", tenant_create, "tenants:admin", ROUTE_OPERATOR,
                "Create a client tenant under the calling consultancy"},
        {"POST", "/v1/tenants/import", tenant_import_route, "tenants:admin", ROUTE_OPERATOR,
                "Create a client tenant from a tenant export document"},
        {"GET", "/v1/tenants/{id}", tenant_get, "tenants:read", 0, "Get a tenant"},
        {"PATCH", "/v1/tenants/{id}", tenant_update, "tenants:write", 0,
                "Update a tenant's name or settings (If-Match required)"},
        {"DELETE", "/v1/tenants/{id}", tenant_delete, "tenants:admin", ROUTE_OPERATOR,
                "Schedule a client tenant for deletion after the grace period (If-Match required)"},
        {"POST", "/v1/tenants/{id}/suspend", tenant_suspend, "tenants:admin", ROUTE_OPERATOR,
                "Suspend a client tenant: its users get 403"},
        {"POST", "/v1/tenants/{id}/resume", tenant_resume, "tenants:admin", ROUTE_OPERATOR,
                "Resume a suspended client tenant"},
        {"POST", "/v1/tenants/{id}/restore", tenant_restore, "tenants:admin", ROUTE_OPERATOR,
                "Cancel a pending deletion during the grace period"},
        {NULL},
};
