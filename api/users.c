/*
 * users.c - the people of a tenant and their roles.
 *
 *   /v1/users                         local users and members of the request's tenant
 *   /v1/tenants/{id}/assignments      consultants of the operator assigned to a client
 *
 * A user belongs to one home tenant; a membership gives a user a role in a tenant
 * (their home tenant, or a client tenant they are assigned to as a consultant).
 * Removing a membership ends access at the caller's next request (auth_context()).
 * Role changes and removals are audited with before/after.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "db.h"
#include "jsonv.h"
#include "password.h"
#include "util.h"

#define MEMBER_JSON                                                                                \
	"jsonb_build_object('id', u.id, 'email', u.email, 'display_name', u.display_name,  \
	'home_tenant_id', u.tenant_id, 'status', u.status, 'source', u.source, 'role', m.role,  \
	'version', m.version + u.version - 1, 'created_at', m.created_at)"

static const char list_sql[] =
        "SELECT coalesce(jsonb_agg(j ORDER BY j->>'email', j->>'id'), '[]') FROM ("
        " SELECT " MEMBER_JSON " AS j FROM memberships m JOIN users u ON u.id = m.user_id"
        " WHERE m.tenant_id = $1 AND ($2::text IS NULL OR m.role = $2)"
        "   AND ($3::text IS NULL OR (lower(u.email), u.id) > ($3, $4::uuid))"
        " ORDER BY lower(u.email), u.id LIMIT $5) s";
static const char get_sql[] =
        "SELECT " MEMBER_JSON " FROM memberships m JOIN users u ON u.id = m.user_id"
        " WHERE m.tenant_id = $1 AND u.id = $2";
static const char insert_user_sql[] =
        "INSERT INTO users (tenant_id, email, display_name, password_hash) VALUES ($1, $2, $3, $4)"
        " RETURNING id";
static const char insert_member_sql[] =
        "INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, $3)";
static const char update_user_sql[] =
        "UPDATE users SET display_name = coalesce($2, display_name), status = coalesce($3, status),"
        " version = version + 1, updated_at = now() WHERE id = $1 AND tenant_id = app_tenant()";
static const char update_role_sql[] =
        "UPDATE memberships SET role = $3, version = version + 1, updated_at = now()"
        " WHERE tenant_id = $1 AND user_id = $2";
static const char delete_member_sql[] =
        "DELETE FROM memberships WHERE tenant_id = $1 AND user_id = $2";
static const char delete_user_sql[] =
        "DELETE FROM users WHERE id = $1 AND tenant_id = app_tenant()";

static const char *const roles_enum[] = {"operator", "consultant", "sponsor", "isms_lead",
        "aims_lead", "product_ai_lead", "risk_compliance", "security_lead", "contributor",
        "auditor", "viewer", NULL};

static const struct jv_field create_fields[] = {
        {"email", JV_EMAIL, JV_REQUIRED, .max = 320},
        {"display_name", JV_STRING, 0, .max = 200},
        {"password", JV_STRING, 0, .max = PASSWORD_MAX},
        {"role", JV_ENUM, JV_REQUIRED, .values = roles_enum},
        {NULL},
};
static const struct jv_field update_fields[] = {
        {"display_name", JV_STRING, 0, .max = 200},
        {"status", JV_ENUM, 0, .values = (const char *const[]){"active", "disabled", NULL}},
        {"role", JV_ENUM, 0, .values = roles_enum},
        {NULL},
};
static const struct jv_field assign_fields[] = {
        {"role", JV_ENUM, JV_REQUIRED, .values = roles_enum},
        {NULL},
};

static json_t *load_member(
        struct req *r, const char *tenant, const char *id, struct resp *resp, struct err *e)
{
	const char *p[] = {tenant, id};
	json_t *m = db_json_row(r, e, "user", get_sql, 2, p);
	if (m && resp)
		resp->etag = arena_printf(r->arena, "%lld",
		        (long long)json_integer_value(json_object_get(m, "version")));
	return m;
}

/* Only an operator may grant or hold the operator role, and only in its own tenants. */
static int check_role_grant(struct req *r, const char *role, struct err *e)
{
	if (strcmp(role, "operator") == 0 && strcmp(r->who.role, "operator") != 0)
		return err_set(
		        e, ERR_FORBIDDEN, "role", "only an operator may grant the operator role");
	return 0;
}

static int user_list(struct req *r, struct resp *resp, struct err *e)
{
	struct page pg;
	const char *role = req_query(r, "role");
	if (page_begin(r, &pg, e))
		return -1;
	if (role && !authz_is_role(role))
		return err_set(e, ERR_INVALID, "role", "unknown role");
	const char *after_email = page_after(&pg, 0), *after_id = page_after(&pg, 1);
	if (pg.after && (!after_email || !after_id || !util_is_uuid(after_id)))
		return err_set(e, ERR_INVALID, "cursor", "is not a cursor returned by this API");
	char *lower = after_email ? arena_strdup(r->arena, after_email) : NULL;
	for (char *c = lower; c && *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c + 32);
	const char *p[] = {r->tenant_id, role, lower, after_id, pg.limit_plus_one};
	json_t *items = db_json_row(r, e, "users", list_sql, 5, p);
	if (!items)
		return -1;
	static const char *const keys[] = {"email", "id", NULL};
	resp->body = page_result(r, &pg, json_incref(items), keys);
	return 0;
}

static int user_get(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	if (req_param_uuid(r, "id", &id, e))
		return -1;
	json_t *m = load_member(r, r->tenant_id, id, resp, e);
	if (!m)
		return -1;
	resp->body = json_incref(m);
	return 0;
}

static int user_create(struct req *r, struct resp *resp, struct err *e)
{
	json_t *b;
	if (req_body_object(r, &b, e) || jv_check(b, create_fields, e) ||
	        check_role_grant(r, jv_str(b, "role"), e))
		return -1;
	char hash[256];
	const char *pwd = jv_str(b, "password");
	if (pwd &&
	        (password_policy(pwd, "password", e) || password_hash(pwd, hash, sizeof hash, e)))
		return -1;
	const char *name = jv_str(b, "display_name");
	PGresult *u = db_exec(r->db, r->arena, e, insert_user_sql, 4, r->tenant_id,
	        jv_str(b, "email"), name ? name : "", pwd ? hash : NULL);
	if (!u)
		return -1;
	const char *id = PQgetvalue(u, 0, 0);
	if (!db_exec(r->db, r->arena, e, insert_member_sql, 3, r->tenant_id, id, jv_str(b, "role")))
		return -1;
	json_t *m = load_member(r, r->tenant_id, id, resp, e);
	if (!m || audit_record(r, "user.create", "user", id, NULL, m, e))
		return -1;
	resp->status = 201;
	resp->location = arena_printf(r->arena, "/v1/users/%s", id);
	resp->body = json_incref(m);
	return 0;
}

static int user_update(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	json_t *b;
	long version;
	if (req_param_uuid(r, "id", &id, e) || req_body_object(r, &b, e) ||
	        jv_check(b, update_fields, e) || req_if_match(r, &version, e))
		return -1;
	json_t *before = load_member(r, r->tenant_id, id, NULL, e);
	if (!before)
		return -1;
	if (json_integer_value(json_object_get(before, "version")) != version)
		return err_set(e, ERR_PRECONDITION_FAILED, "If-Match",
		        "the user was changed by someone else");
	const char *role = jv_str(b, "role");
	if (role && check_role_grant(r, role, e))
		return -1;
	if (role && strcmp(id, r->who.user_id) == 0)
		return err_set(e, ERR_UNPROCESSABLE, "role", "you cannot change your own role");
	if (jv_str(b, "display_name") || jv_str(b, "status")) {
		const char *home = json_string_value(json_object_get(before, "home_tenant_id"));
		if (strcmp(home, r->tenant_id) != 0)
			return err_set(e, ERR_UNPROCESSABLE, "display_name",
			        "this member's account is managed by its home tenant");
		if (!db_exec(r->db, r->arena, e, update_user_sql, 3, id, jv_str(b, "display_name"),
		            jv_str(b, "status")))
			return -1;
	}
	if (role && !db_exec(r->db, r->arena, e, update_role_sql, 3, r->tenant_id, id, role))
		return -1;
	json_t *after = load_member(r, r->tenant_id, id, resp, e);
	if (!after)
		return -1;
	const char *action =
	        role && strcmp(role, json_string_value(json_object_get(before, "role")))
	                ? "user.role_change"
	                : "user.update";
	if (audit_record(r, action, "user", id, before, after, e))
		return -1;
	resp->body = json_incref(after);
	return 0;
}

static int user_delete(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	long version;
	if (req_param_uuid(r, "id", &id, e) || req_if_match(r, &version, e))
		return -1;
	json_t *before = load_member(r, r->tenant_id, id, NULL, e);
	if (!before)
		return -1;
	if (json_integer_value(json_object_get(before, "version")) != version)
		return err_set(e, ERR_PRECONDITION_FAILED, "If-Match",
		        "the user was changed by someone else");
	if (strcmp(id, r->who.user_id) == 0)
		return err_set(e, ERR_UNPROCESSABLE, "id", "you cannot remove yourself");
	bool home = strcmp(json_string_value(json_object_get(before, "home_tenant_id")),
	                    r->tenant_id) == 0;
	if (!db_exec(r->db, r->arena, e, home ? delete_user_sql : delete_member_sql, home ? 1 : 2,
	            home ? id : r->tenant_id, id))
		return -1;
	if (audit_record(
	            r, home ? "user.delete" : "membership.delete", "user", id, before, NULL, e))
		return -1;
	resp->status = 204;
	return 0;
}

/* ---------------------------------------------------------------- assignments */

static const char client_of_sql[] =
        "SELECT 1 FROM tenants WHERE id = $1 AND parent_id = app_tenant()";
static const char own_user_sql[] = "SELECT 1 FROM users WHERE id = $1 AND tenant_id = app_tenant()";
static const char upsert_assign_sql[] =
        "INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, $3)"
        " ON CONFLICT (tenant_id, user_id) DO UPDATE SET role = EXCLUDED.role,"
        " version = memberships.version + 1, updated_at = now()"
        " RETURNING jsonb_build_object('tenant_id', tenant_id, 'user_id', user_id, 'role', role,"
        " 'version', version)";
static const char assign_list_sql[] =
        "SELECT coalesce(jsonb_agg(jsonb_build_object('user_id', m.user_id, 'role', m.role,"
        " 'email', u.email, 'display_name', u.display_name) ORDER BY m.user_id), '[]')"
        " FROM memberships m JOIN users u ON u.id = m.user_id"
        " WHERE m.tenant_id = $1 AND u.tenant_id = $2"
        "   AND ($3::uuid IS NULL OR m.user_id > $3::uuid)";

static int client_context(struct req *r, const char **client, struct err *e)
{
	if (req_param_uuid(r, "id", client, e))
		return -1;
	PGresult *c = db_exec(r->db, r->arena, e, client_of_sql, 1, *client);
	if (!c)
		return -1;
	if (PQntuples(c) == 0)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such tenant");
	return 0;
}

static int assignment_list(struct req *r, struct resp *resp, struct err *e)
{
	const char *client;
	if (client_context(r, &client, e))
		return -1;
	const char *op = r->tenant_id;
	if (req_set_tenant(r, client, e))
		return -1;
	const char *p[] = {client, op, NULL};
	json_t *items = db_json_row(r, e, "assignments", assign_list_sql, 3, p);
	if (!items || req_set_tenant(r, op, e))
		return -1;
	resp->body = json_pack("{s:O, s:n}", "items", items, "next");
	return 0;
}

static int assignment_put(struct req *r, struct resp *resp, struct err *e)
{
	const char *client, *user;
	json_t *b;
	if (client_context(r, &client, e) || req_param_uuid(r, "user_id", &user, e) ||
	        req_body_object(r, &b, e) || jv_check(b, assign_fields, e) ||
	        check_role_grant(r, jv_str(b, "role"), e))
		return -1;
	PGresult *u = db_exec(r->db, r->arena, e, own_user_sql, 1, user);
	if (!u)
		return -1;
	if (PQntuples(u) == 0)
		return err_set(e, ERR_INVALID, "user_id", "not a user of this consultancy");
	const char *op = r->tenant_id;
	if (req_set_tenant(r, client, e))
		return -1;
	const char *p[] = {client, user, jv_str(b, "role")};
	json_t *m = db_json_row(r, e, "assignment", upsert_assign_sql, 3, p);
	if (!m || audit_record(r, "membership.assign", "user", user, NULL, m, e) ||
	        req_set_tenant(r, op, e) ||
	        audit_record(r, "membership.assign", "user", user, NULL, m, e))
		return -1;
	resp->body = json_incref(m);
	return 0;
}

static int assignment_delete(struct req *r, struct resp *resp, struct err *e)
{
	const char *client, *user;
	if (client_context(r, &client, e) || req_param_uuid(r, "user_id", &user, e))
		return -1;
	const char *op = r->tenant_id;
	if (req_set_tenant(r, client, e))
		return -1;
	PGresult *d = db_exec(r->db, r->arena, e,
	        "DELETE FROM memberships WHERE tenant_id = $1 AND user_id = $2"
	        " AND user_id IN (SELECT id FROM users WHERE tenant_id = $3) RETURNING role",
	        3, client, user, op);
	if (!d)
		return -1;
	if (PQntuples(d) == 0)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such assignment");
	json_t *before = json_pack("{s:s, s:s}", "user_id", user, "role", PQgetvalue(d, 0, 0));
	int rc = audit_record(r, "membership.unassign", "user", user, before, NULL, e);
	if (!rc)
		rc = req_set_tenant(r, op, e);
	if (!rc)
		rc = audit_record(r, "membership.unassign", "user", user, before, NULL, e);
	json_decref(before);
	resp->status = 204;
	return rc;
}

static const char *const list_query[] = {"limit", "role", NULL};

const struct route user_routes[] = {
        {"GET", "/v1/users", user_list, "members:read", 0, "List the members of the tenant",
                list_query},
        {"POST", "/v1/users", user_create, "members:admin", 0,
                "Create a local user in the tenant with a role"},
        {"GET", "/v1/users/{id}", user_get, "members:read", 0, "Get a member"},
        {"PATCH", "/v1/users/{id}", user_update, "members:admin", 0,
                "Change a member's name, status or role (If-Match required)"},
        {"DELETE", "/v1/users/{id}", user_delete, "members:admin", 0,
                "Remove a member (deletes a local user of this tenant; If-Match required)"},
        {"GET", "/v1/tenants/{id}/assignments", assignment_list, "members:admin", ROUTE_OPERATOR,
                "Consultants of this consultancy assigned to a client tenant", list_query},
        {"PUT", "/v1/tenants/{id}/assignments/{user_id}", assignment_put, "members:admin",
                ROUTE_OPERATOR, "Assign a consultant to a client tenant with a role"},
        {"DELETE", "/v1/tenants/{id}/assignments/{user_id}", assignment_delete, "members:admin",
                ROUTE_OPERATOR, "End a consultant's assignment (access ends at the next request)"},
        {NULL},
};
