/*
 * portfolio.c - the consultancy-wide view: KPI status and risk figures of every client
 * tenant of the calling consultancy that the caller is a member of.
 *
 *   GET /v1/portfolio/kpis     per client: kpi_summary() (latest kpi.aggregate results)
 *   GET /v1/portfolio/risks    per client: risk_summary()
 *
 * Runs in an operator tenant's context. The clients come from the caller's own
 * memberships (row-level security shows a user their memberships in any context) joined
 * with the tenants this operator owns, so a client the caller is not a member of is
 * never read. For each client the request transaction switches app.tenant_id to it
 * (req_set_tenant), reads under that tenant's row-level security and switches back;
 * a client where the caller's role may not read the figures is listed without them.
 *
 * Handlers run on the server's pool threads inside the request transaction; memory
 * is the request arena.
 */
#include <string.h>

#include "api.h"
#include "db.h"

static const char clients_sql[] =
        "SELECT t.id, t.slug, t.name, m.role FROM memberships m"
        " JOIN tenants t ON t.id = m.tenant_id"
        " WHERE m.user_id = app_user() AND t.parent_id = $1 AND t.status = 'active'"
        " ORDER BY t.name, t.id";
static const char kpi_sql[] = "SELECT kpi_summary()";
static const char risk_sql[] = "SELECT risk_summary()";

/* Add the integer members of src to those of totals. */
static void add_counts(json_t *totals, const json_t *src)
{
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)src, k, v)
	{
		if (!json_is_integer(v))
			continue;
		json_t *t = json_object_get(totals, k);
		json_object_set_new(totals, k,
		        json_integer(json_integer_value(v) + (t ? json_integer_value(t) : 0)));
	}
}

static int portfolio(struct req *r, struct resp *resp, const char *perm, const char *sql,
        const char *key, struct err *e)
{
	const char *home = r->tenant_id;
	PGresult *c = db_exec(r->db, r->arena, e, clients_sql, 1, home);
	if (!c)
		return -1;
	json_t *items = json_array(), *totals = json_object();
	json_t *out =
	        arena_json(r->arena, json_pack("{s:o, s:o}", "items", items, "totals", totals));
	int included = 0;
	for (int i = 0; i < PQntuples(c); i++) {
		const char *role = PQgetvalue(c, i, 3);
		json_t *it = json_pack("{s:s, s:s, s:s, s:s}", "tenant_id", PQgetvalue(c, i, 0),
		        "slug", PQgetvalue(c, i, 1), "name", PQgetvalue(c, i, 2), "role", role);
		json_array_append_new(items, it);
		if (!authz_allows(role, perm)) {
			json_object_set_new(it, key, json_null());
			json_object_set_new(it, "note",
			        json_sprintf("the role %s may not read %s here", role, perm));
			continue;
		}
		if (req_set_tenant(r, PQgetvalue(c, i, 0), e))
			return -1;
		PGresult *s = db_exec(r->db, r->arena, e, sql, 0);
		if (!s || req_set_tenant(r, home, e))
			return -1;
		json_t *fig = db_json(r->arena, s, 0, 0);
		json_object_set(it, key, fig);
		add_counts(totals, fig);
		included++;
	}
	json_object_set_new(out, "clients", json_integer(PQntuples(c)));
	json_object_set_new(out, "included", json_integer(included));
	resp->body = json_incref(out);
	return 0;
}

static int portfolio_kpis(struct req *r, struct resp *resp, struct err *e)
{
	return portfolio(r, resp, "kpis:read", kpi_sql, "kpis", e);
}

static int portfolio_risks(struct req *r, struct resp *resp, struct err *e)
{
	return portfolio(r, resp, "risks:read", risk_sql, "risks", e);
}

const struct route portfolio_routes[] = {
        {"GET", "/v1/portfolio/kpis", portfolio_kpis, "portfolio:read", ROUTE_OPERATOR,
                "KPI status of every client tenant the caller is a member of"},
        {"GET", "/v1/portfolio/risks", portfolio_risks, "portfolio:read", ROUTE_OPERATOR,
                "Risk figures of every client tenant the caller is a member of"},
        {NULL},
};
