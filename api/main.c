/*
 * main.c - the concord-api binary.
 *
 *   concord-api serve                 run the HTTP API (default)
 *   concord-api migrate               apply pending migrations (as DATABASE_OWNER_URL),
 *                                     then load the standards catalog
 *   concord-api catalog load          load catalog/ into the catalog tables (idempotent)
 *   concord-api seed-demo             create the demo consultancy, user and client tenant
 *   concord-api demo-load FILE [T [U]] load a demo engagement into client T through the API at U
 *   concord-api create-operator SLUG NAME EMAIL PASSWORD
 *                                     create a consultancy (operator) tenant and its admin
 *   concord-api keys rotate           add a new JWT signing key (old keys stay valid)
 *   concord-api routes [--json]       print the route table (method, path, permission)
 *   concord-api authz --json          the permission matrix's decision for every role x route
 *   concord-api openapi               print the merged OpenAPI document
 *
 * Administrative commands connect as the schema owner; `serve` connects as the
 * application role only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "catalog.h"
#include "config.h"
#include "db.h"
#include "demo.h"
#include "log.h"
#include "migrate.h"
#include "password.h"
#include "redis.h"
#include "server.h"
#include "tokens.h"

int api_openapi_load(void);
json_t *api_openapi_build(const char *root);

/* Load catalog/ into the global catalog tables (idempotent; see domain/catalog.h). */
static int cmd_catalog_load(void)
{
	struct err e = {0};
	struct catalog_load_stats st;
	char dir[2048];
	snprintf(dir, sizeof dir, "%s/catalog", cfg.root);
	if (catalog_load(cfg.owner_url, dir, &st, &e)) {
		fprintf(stderr, "catalog load: %s %s\n", e.message, e.detail_log);
		return 1;
	}
	printf("catalog: %d files loaded (%d requirements, %d relations), %d already current\n",
	        st.files_loaded, st.requirements, st.relations, st.files_current);
	return 0;
}

static int cmd_migrate(void)
{
	struct err e = {0};
	int applied;
	char dir[2048];
	snprintf(dir, sizeof dir, "%s/migrations", cfg.root);
	if (db_wait_ready(cfg.owner_url, 30, &e) || migrate_run(cfg.owner_url, dir, &applied, &e)) {
		fprintf(stderr, "migrate: %s %s\n", e.message, e.detail_log);
		return 1;
	}
	printf("migrations: %d applied\n", applied);
	return cmd_catalog_load();
}

static const char operator_sql[] =
        "WITH t AS (INSERT INTO tenants (kind, slug, name) VALUES ('operator', $1, $2)"
        "   ON CONFLICT (slug) DO UPDATE SET slug = EXCLUDED.slug RETURNING id),"
        " u AS (INSERT INTO users (tenant_id, email, display_name, password_hash)"
        "   SELECT id, $3, $4, $5 FROM t"
        "   ON CONFLICT (tenant_id, lower(email)) DO UPDATE SET display_name = "
        "EXCLUDED.display_name"
        "   RETURNING tenant_id, id),"
        " m AS (INSERT INTO memberships (tenant_id, user_id, role) SELECT tenant_id, id, 'operator'"
        "   FROM u ON CONFLICT DO NOTHING)"
        " SELECT (SELECT id FROM t), (SELECT id FROM u)";
static const char client_sql[] =
        "WITH t AS (INSERT INTO tenants (kind, parent_id, slug, name) VALUES ('client', $1, $2, $3)"
        "   ON CONFLICT (slug) DO UPDATE SET slug = EXCLUDED.slug RETURNING id)"
        " INSERT INTO memberships (tenant_id, user_id, role) SELECT id, $4, 'operator' FROM t"
        " ON CONFLICT DO NOTHING";

/* Idempotent: re-running keeps existing rows (and does not reset passwords). */
static int create_operator(const char *slug, const char *name, const char *email,
        const char *password, char tenant_out[37], char user_out[37])
{
	struct err e = {0};
	char hash[256];
	int rc = 1;
	struct arena *a = arena_new();
	PGconn *c = NULL;
	if (password_policy(password, "password", &e) ||
	        password_hash(password, hash, sizeof hash, &e))
		goto out;
	c = db_connect(cfg.owner_url, &e);
	if (!c)
		goto out;
	PGresult *r = db_exec(c, a, &e, operator_sql, 5, slug, name, email, "Administrator", hash);
	if (!r)
		goto out;
	snprintf(tenant_out, 37, "%s", PQgetvalue(r, 0, 0));
	snprintf(user_out, 37, "%s", PQgetvalue(r, 0, 1));
	rc = 0;
out:
	if (rc)
		fprintf(stderr, "create-operator: %s %s %s\n", e.field, e.message, e.detail_log);
	if (c)
		PQfinish(c);
	arena_free(a);
	return rc;
}

static int cmd_seed_demo(void)
{
	char tenant[37], user[37];
	const char *email = getenv("CONCORD_DEMO_EMAIL");
	const char *password = getenv("CONCORD_DEMO_PASSWORD");
	if (!email)
		email = "admin@demo-consultancy.example";
	if (!password)
		password = "concord-demo-password";
	if (create_operator("demo-consultancy", "Demo Consultancy", email, password, tenant, user))
		return 1;
	struct err e = {0};
	struct arena *a = arena_new();
	PGconn *c = db_connect(cfg.owner_url, &e);
	int rc = 1;
	if (c && db_exec(c, a, &e, client_sql, 4, tenant, "demo-client", "Demo Client Ltd", user))
		rc = 0;
	else
		fprintf(stderr, "seed-demo: %s %s\n", e.message, e.detail_log);
	if (c)
		PQfinish(c);
	arena_free(a);
	if (rc == 0)
		printf("demo consultancy %s, client tenant demo-client\nsign in: %s / %s\n", tenant,
		        email, password);
	return rc;
}

static int cmd_routes(bool as_json)
{
	if (as_json) {
		json_t *a = json_array();
		for (const struct route *const *t = route_tables; *t; t++)
			for (const struct route *r = *t; r->method; r++) {
				json_t *q = json_array();
				for (const char *const *x = r->query; x && *x; x++)
					json_array_append_new(q, json_string(*x));
				json_array_append_new(a,
				        json_pack("{s:s, s:s, s:s?, s:b, s:b, s:b, s:s?, s:o}",
				                "method", r->method, "path", r->pattern, "perm",
				                r->perm, "public", (r->flags & ROUTE_PUBLIC) != 0,
				                "no_tx", (r->flags & ROUTE_NO_TX) != 0,
				                "operator_only", (r->flags & ROUTE_OPERATOR) != 0,
				                "summary", r->summary, "query", q));
			}
		json_dumpf(a, stdout, JSON_INDENT(1));
		putchar('\n');
		json_decref(a);
		return 0;
	}
	for (const struct route *const *t = route_tables; *t; t++)
		for (const struct route *r = *t; r->method; r++)
			printf("%-6s %-50s %s\n", r->method, r->pattern, r->perm ? r->perm : "-");
	return 0;
}

/* For every role and route, what authz_allows() decides (the authorization test's oracle). */
static int cmd_authz(void)
{
	json_t *a = json_array();
	for (const char *const *role = authz_roles; *role; role++)
		for (const struct route *const *t = route_tables; *t; t++)
			for (const struct route *r = *t; r->method; r++)
				json_array_append_new(
				        a, json_pack("{s:s, s:s, s:s, s:s?, s:b, s:b}", "role",
				                   *role, "method", r->method, "path", r->pattern,
				                   "perm", r->perm, "operator_only",
				                   (r->flags & ROUTE_OPERATOR) != 0, "allowed",
				                   authz_allows(*role, r->perm)));
	json_dumpf(a, stdout, JSON_INDENT(1));
	putchar('\n');
	json_decref(a);
	return 0;
}

static int cmd_serve(void)
{
	struct err e = {0};
	if (tokens_init(cfg.keys_dir, &e)) {
		fprintf(stderr, "serve: %s\n", e.message);
		return 1;
	}
	if (api_openapi_load())
		return 1;
	int rc = server_run() == 0 ? 0 : 1;
	tokens_shutdown();
	return rc;
}

/* demo-load FILE [TENANT [URL]]: the demo engagement into a client tenant (default the
 * demo client), through the running API (default http://127.0.0.1:$CONCORD_PORT), signed
 * in as the demo operator (CONCORD_DEMO_EMAIL / CONCORD_DEMO_PASSWORD). */
static int cmd_demo_load(int argc, char **argv)
{
	char url[256];
	const char *port = getenv("CONCORD_PORT");
	snprintf(url, sizeof url, "http://127.0.0.1:%s", port ? port : "8080");
	struct demo_options o = {
	        .file = argv[2],
	        .tenant = argc > 3 ? argv[3] : "demo-client",
	        .url = argc > 4 ? argv[4] : url,
	        .email = getenv("CONCORD_DEMO_EMAIL") ? getenv("CONCORD_DEMO_EMAIL")
	                                              : "admin@demo-consultancy.example",
	        .password = getenv("CONCORD_DEMO_PASSWORD") ? getenv("CONCORD_DEMO_PASSWORD")
	                                                    : "concord-demo-password",
	};
	struct err e = {0};
	int loaded = 0;
	if (demo_load(&o, &loaded, &e)) {
		fprintf(stderr, "demo-load: %s: %s\n", e.field, e.message);
		return 1;
	}
	printf("demo-load: %d step(s) loaded into %s\n", loaded, o.tenant);
	return 0;
}

int main(int argc, char **argv)
{
	if (config_load())
		return 2;
	log_init("api", LOG_INFO);
	const char *cmd = argc > 1 ? argv[1] : "serve";
	if (strcmp(cmd, "serve") == 0)
		return cmd_serve();
	if (strcmp(cmd, "migrate") == 0)
		return cmd_migrate();
	if (strcmp(cmd, "catalog") == 0 && argc == 3 && strcmp(argv[2], "load") == 0)
		return cmd_catalog_load();
	if (strcmp(cmd, "seed-demo") == 0)
		return cmd_seed_demo();
	if (strcmp(cmd, "routes") == 0)
		return cmd_routes(argc > 2 && strcmp(argv[2], "--json") == 0);
	if (strcmp(cmd, "authz") == 0 && argc == 3 && strcmp(argv[2], "--json") == 0)
		return cmd_authz();
	if (strcmp(cmd, "openapi") == 0) {
		json_t *doc = api_openapi_build(cfg.root);
		if (!doc)
			return 1;
		json_dumpf(doc, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(doc);
		return 0;
	}
	if (strcmp(cmd, "create-operator") == 0 && argc == 6) {
		char t[37], u[37];
		if (create_operator(argv[2], argv[3], argv[4], argv[5], t, u))
			return 1;
		printf("{\"tenant_id\":\"%s\",\"user_id\":\"%s\"}\n", t, u);
		return 0;
	}
	if (strcmp(cmd, "demo-load") == 0 && argc >= 3)
		return cmd_demo_load(argc, argv);
	if (strcmp(cmd, "keys") == 0 && argc == 3 && strcmp(argv[2], "rotate") == 0) {
		struct err e = {0};
		char kid[64];
		if (tokens_rotate(cfg.keys_dir, kid, sizeof kid, &e)) {
			fprintf(stderr, "keys rotate: %s\n", e.message);
			return 1;
		}
		printf("new signing key %s\n", kid);
		return 0;
	}
	fprintf(stderr,
	        "usage: concord-api [serve|migrate|seed-demo|routes|authz --json|keys rotate|"
	        "create-operator SLUG NAME EMAIL PASSWORD|demo-load FILE [TENANT [URL]]]\n");
	return 2;
}
