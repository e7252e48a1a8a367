/*
 * test_isolation.c - one tenant never reaches another's data, through any route or
 * directly in the database; and the API survives a database restart.
 *
 * Consultancy A builds fixtures through the API (a client tenant, a user, a service
 * account and its token, a personal token, an export job) plus a frozen baseline
 * written behind the API (baselines are frozen by the registers' approve routes).
 * Consultancy B's operator - who holds every permission in its own tenant - then calls
 * every authenticated route that takes a path parameter with A's identifiers: each
 * answer is 404, and A's audit trail shows that nothing happened. Every list B can
 * read is free of A's identifiers.
 *
 * In the database, as the application role, every table registered in tenant_tables
 * shows nothing without app.tenant_id and none of A's rows with B's tenant id.
 */
#include <libpq-fe.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "th.h"

static struct th_operator a, b;
static char a_client[37], a_user[37], a_sa[37], a_sa_token[37], a_token[37], a_job[37];
static const char *a_ids[8];
static int n_ids;

static char *sqlf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* th_sql with a formatted statement (values are ids this test made, never input). */
static char *sqlf(const char *fmt, ...)
{
	char q[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(q, sizeof q, fmt, ap);
	va_end(ap);
	return th_sql(q);
}

static void post_in(
        const char *tenant, const char *path, const char *body, long want, char id_out[37])
{
	char hdr[80];
	snprintf(hdr, sizeof hdr, "X-Concord-Tenant: %s", tenant);
	const char *h[] = {hdr, NULL};
	struct th_resp r;
	th_req("POST", path, a.token, body, h, &r);
	ck_assert_msg(r.status == want, "POST %s: %ld %s", path, r.status, r.body);
	if (id_out)
		snprintf(id_out, 37, "%s", th_str(&r, "id"));
	th_free(&r);
}

static void fixtures(void)
{
	th_new_operator(&a);
	th_new_operator(&b);
	th_new_client(&a, a_client);
	char body[256], path[128];
	snprintf(body, sizeof body, "{\"email\":\"iso-%s@a.example\",\"role\":\"isms_lead\"}",
	        th_unique());
	post_in(a_client, "/v1/users", body, 201, a_user);
	post_in(a_client, "/v1/service-accounts", "{\"name\":\"a-bot\",\"role\":\"viewer\"}", 201,
	        a_sa);
	snprintf(path, sizeof path, "/v1/service-accounts/%s/tokens", a_sa);
	post_in(a_client, path, "{\"name\":\"a-bot\",\"scopes\":[\"*:read\"]}", 201, a_sa_token);
	post_in(a.tenant_id, "/v1/me/tokens", "{\"name\":\"a-own\",\"scopes\":[\"*:read\"]}", 201,
	        a_token);
	/* an export job of the client, through the API */
	snprintf(path, sizeof path, "/v1/tenants/%s/export", a_client);
	char hdr[80];
	snprintf(hdr, sizeof hdr, "X-Concord-Tenant: %s", a.tenant_id);
	const char *h[] = {hdr, NULL};
	struct th_resp r;
	th_req("POST", path, a.token, "{}", h, &r);
	ck_assert_msg(r.status == 202 || r.status == 201 || r.status == 200, "export: %ld %s",
	        r.status, r.body);
	const char *job = th_str(&r, "id");
	if (!job)
		job = json_string_value(json_object_get(json_object_get(r.json, "job"), "id"));
	ck_assert_ptr_nonnull(job);
	snprintf(a_job, sizeof a_job, "%s", job);
	th_free(&r);
	/* a frozen baseline (written as the owner would through an approve route) */
	free(sqlf("INSERT INTO baselines (tenant_id, kind, number, content, sha256, item_count)"
	          " VALUES ('%s', 'risk_register', 1, '{\"items\": []}', repeat('0', 64), 0)",
	        a_client));
	n_ids = 0;
	a_ids[n_ids++] = a.tenant_id;
	a_ids[n_ids++] = a_client;
	a_ids[n_ids++] = a.user_id;
	a_ids[n_ids++] = a_user;
	a_ids[n_ids++] = a_sa;
	a_ids[n_ids++] = a_sa_token;
	a_ids[n_ids++] = a_token;
	a_ids[n_ids++] = a_job;
}

static void teardown(void)
{
	th_operator_free(&a);
	th_operator_free(&b);
}

/* A's identifier for a path parameter, chosen from the segment before it. Resources
 * this test did not build (added by other modules) get one of A's rows from the table
 * the segment names, when A has one. */
static const char *a_value(const char *pattern, const char *param_start, char buf[64])
{
	const char *seg_end = param_start - 1, *seg = seg_end;
	while (seg > pattern && seg[-1] != '/')
		seg--;
	size_t n = (size_t)(seg_end - seg);
	char name[64];
	snprintf(name, sizeof name, "%.*s", (int)n, seg);
	if (strncmp(param_start, "{token_id}", 10) == 0)
		return a_sa_token;
	if (strncmp(param_start, "{user_id}", 9) == 0)
		return a_user;
	if (strncmp(param_start, "{kind}", 6) == 0)
		return "risk_register";
	if (strncmp(param_start, "{number}", 8) == 0 || strncmp(param_start, "{a}", 3) == 0 ||
	        strncmp(param_start, "{b}", 3) == 0)
		return "1";
	if (strcmp(name, "tenants") == 0)
		return a_client;
	if (strcmp(name, "users") == 0)
		return a_user;
	if (strcmp(name, "service-accounts") == 0)
		return a_sa;
	if (strcmp(name, "tokens") == 0)
		return a_token;
	if (strcmp(name, "jobs") == 0)
		return a_job;
	for (char *c = name; *c; c++)
		if (*c == '-')
			*c = '_';
	char *id = NULL;
	if (*name && strspn(name, "abcdefghijklmnopqrstuvwxyz_") == strlen(name)) {
		char *known = sqlf(
		        "SELECT count(*) FROM tenant_tables tt JOIN information_schema.columns c"
		        " ON c.table_name = tt.name AND c.column_name = 'id'"
		        " WHERE tt.name = '%s'",
		        name);
		if (strcmp(known, "1") == 0)
			id = sqlf("SELECT id::text FROM %s WHERE tenant_id IN ('%s', '%s') LIMIT 1",
			        name, a.tenant_id, a_client);
		free(known);
	}
	if (!id)
		id = sqlf("SELECT gen_random_uuid()::text");
	snprintf(buf, 64, "%s", id);
	free(id);
	return buf;
}

static void concrete(const char *pattern, char *out, size_t n)
{
	size_t o = 0;
	for (const char *p = pattern; *p && o < n - 1;) {
		if (*p == '{') {
			char buf[64];
			o += (size_t)snprintf(out + o, n - o, "%s", a_value(pattern, p, buf));
			p = strchr(p, '}') + 1;
		} else {
			out[o++] = *p++;
		}
	}
	out[o < n ? o : n - 1] = '\0';
}

static json_t *routes(void)
{
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "%s/concord-api routes --json", getenv("CONCORD_TEST_BIN"));
	FILE *p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	json_t *j = json_loadf(p, 0, NULL);
	ck_assert_int_eq(pclose(p), 0);
	ck_assert(json_is_array(j));
	return j;
}

static char *heads_of_a(void)
{
	return sqlf("SELECT string_agg(tenant_id || ':' || seq, ',' ORDER BY tenant_id)"
	            " FROM audit_heads WHERE tenant_id IN ('%s', '%s')",
	        a.tenant_id, a_client);
}

/* Does the response body name one of A's identifiers (besides echoing the request path
 * in a problem's "instance")? */
static const char *shows_a(const struct th_resp *r)
{
	if (!r->body)
		return NULL;
	json_t *j = r->json ? json_deep_copy(r->json) : NULL;
	if (j)
		json_object_del(j, "instance");
	char *text = j ? json_dumps(j, JSON_ENCODE_ANY) : strdup(r->body);
	json_decref(j);
	const char *hit = NULL;
	for (int k = 0; k < n_ids && !hit; k++)
		if (strstr(text, a_ids[k]))
			hit = a_ids[k];
	free(text);
	return hit;
}

/* The same request with random UUIDs for every parameter: what a stranger id gets. */
static long status_for_random(const char *method, const char *pattern, const char *body)
{
	char path[1024];
	size_t o = 0;
	for (const char *p = pattern; *p && o < sizeof path - 1;) {
		if (*p == '{') {
			char *u = th_sql("SELECT gen_random_uuid()::text");
			o += (size_t)snprintf(path + o, sizeof path - o, "%s", u);
			free(u);
			p = strchr(p, '}') + 1;
		} else {
			path[o++] = *p++;
		}
	}
	path[o] = '\0';
	const char *h[] = {"If-Match: \"1\"", NULL};
	struct th_resp r;
	th_req(method, path, b.token, body, h, &r);
	long st = r.status;
	th_free(&r);
	return st;
}

START_TEST(other_tenant_gets_404_for_every_id_route)
{
	json_t *rt = routes();
	char *heads = heads_of_a();
	char failures[2048] = ""; /* Check caps a message at a few KB */
	size_t flen = 0;
	int checked = 0, nfail = 0;
	size_t i;
	json_t *e;
	json_array_foreach(rt, i, e)
	{
		const char *method = json_string_value(json_object_get(e, "method"));
		const char *pattern = json_string_value(json_object_get(e, "path"));
		if (json_is_true(json_object_get(e, "public")) || !strchr(pattern, '{'))
			continue;
		char path[1024];
		concrete(pattern, path, sizeof path);
		bool get = strcmp(method, "GET") == 0;
		const char *body = strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0 ||
		                                   strcmp(method, "PATCH") == 0
		                           ? "{}"
		                           : NULL;
		const char *h[] = {"If-Match: \"1\"", NULL};
		struct th_resp r;
		th_req(method, path, b.token, body, h, &r);
		checked++;
		bool ok;
		if (r.status == 404) {
			ok = true;
		} else if (get && r.status == 200 &&
		           json_is_array(json_object_get(r.json, "items"))) {
			/* a list keyed by a name, not an id (/v1/baselines/{kind}): B's own, empty */
			ok = json_array_size(json_object_get(r.json, "items")) == 0;
		} else if (!get && r.status >= 400 && r.status < 500 && r.status != 403) {
			/* refused before any lookup (the body {} is invalid): acceptable only if
			 * a stranger id gets the same answer, so the answer says nothing about A */
			ok = status_for_random(method, pattern, body) == r.status;
		} else {
			ok = false;
		}
		const char *leak = shows_a(&r);
		if (!ok || leak) {
			nfail++;
			fprintf(stderr, "isolation: %s %s: %ld%s%s\n", method, path, r.status,
			        leak ? " shows " : "", leak ? leak : "");
			if (flen < sizeof failures - 300)
				flen += (size_t)snprintf(failures + flen, sizeof failures - flen,
				        " | %s %s: %ld%s%s", method, path, r.status,
				        leak ? " shows " : "", leak ? leak : "");
		}
		th_free(&r);
	}
	ck_assert_msg(nfail == 0, "%d of %d calls reached tenant A:%s", nfail, checked, failures);
	ck_assert_int_ge(checked, 20);
	/* nothing was recorded in A's trails: no request changed anything there */
	char *after = heads_of_a();
	ck_assert_str_eq(after, heads);
	free(after);
	free(heads);
	json_decref(rt);
}
END_TEST

START_TEST(lists_never_show_another_tenants_rows)
{
	json_t *rt = routes();
	int lists = 0;
	size_t i;
	json_t *e;
	json_array_foreach(rt, i, e)
	{
		const char *method = json_string_value(json_object_get(e, "method"));
		const char *pattern = json_string_value(json_object_get(e, "path"));
		if (strcmp(method, "GET") != 0 || strchr(pattern, '{'))
			continue;
		struct th_resp r;
		th_req("GET", pattern, b.token, NULL, NULL, &r);
		ck_assert_msg(r.status < 500, "GET %s: %ld", pattern, r.status);
		const char *leak = shows_a(&r);
		ck_assert_msg(!leak, "GET %s shows %s of A", pattern, leak);
		lists += r.status == 200 && json_is_array(json_object_get(r.json, "items"));
		th_free(&r);
	}
	ck_assert_int_ge(lists, 5);
	/* naming A's tenant explicitly does not help */
	char hdr[80];
	snprintf(hdr, sizeof hdr, "X-Concord-Tenant: %s", a_client);
	const char *h[] = {hdr, NULL};
	struct th_resp r;
	th_req("GET", "/v1/audit-events", b.token, NULL, h, &r);
	ck_assert_int_eq(r.status, 403);
	th_free(&r);
	th_req("GET", "/v1/service-accounts", b.token, NULL, h, &r);
	ck_assert_int_eq(r.status, 403);
	th_free(&r);
	json_decref(rt);
}
END_TEST

/* Rows of table t the application role sees: with no tenant (tenant NULL) or as
 * `tenant`, restricted to A's tenants. */
static long app_count(PGconn *c, const char *table, const char *tenant)
{
	char *ident = PQescapeIdentifier(c, table, strlen(table));
	char q[512];
	snprintf(q, sizeof q, "SELECT count(*) FROM %s WHERE tenant_id IN ('%s', '%s')", ident,
	        a.tenant_id, a_client);
	char all[256];
	snprintf(all, sizeof all, "SELECT count(*) FROM %s", ident);
	PQfreemem(ident);
	PQclear(PQexec(c, "BEGIN"));
	if (tenant) {
		const char *p[] = {tenant};
		PGresult *s = PQexecParams(c, "SELECT set_config('app.tenant_id', $1, true)", 1,
		        NULL, p, NULL, NULL, 0);
		ck_assert_int_eq(PQresultStatus(s), PGRES_TUPLES_OK);
		PQclear(s);
	}
	PGresult *r = PQexec(c, tenant ? q : all);
	ck_assert_msg(
	        PQresultStatus(r) == PGRES_TUPLES_OK, "%s: %s", table, PQresultErrorMessage(r));
	long n = atol(PQgetvalue(r, 0, 0));
	PQclear(r);
	PQclear(PQexec(c, "ROLLBACK"));
	return n;
}

START_TEST(database_role_sees_no_tenant_rows_without_its_tenant)
{
	PGconn *c = PQconnectdb(getenv("DATABASE_URL"));
	ck_assert_msg(PQstatus(c) == CONNECTION_OK, "%s", PQerrorMessage(c));
	PGresult *t = PQexec(c, "SELECT name FROM tenant_tables ORDER BY ord");
	ck_assert_int_eq(PQresultStatus(t), PGRES_TUPLES_OK);
	int n = PQntuples(t), populated = 0;
	ck_assert_int_ge(n, 10);
	for (int i = 0; i < n; i++) {
		const char *table = PQgetvalue(t, i, 0);
		/* the superuser sees A's rows; the application role must not */
		long of_a = 0;
		char *s = sqlf("SELECT count(*) FROM %s WHERE tenant_id IN ('%s', '%s')", table,
		        a.tenant_id, a_client);
		of_a = atol(s);
		free(s);
		populated += of_a > 0;
		long none = app_count(c, table, NULL);
		ck_assert_msg(none == 0, "%s: %ld rows visible without app.tenant_id", table, none);
		long as_b = app_count(c, table, b.tenant_id);
		ck_assert_msg(as_b == 0, "%s: %ld of A's rows visible as tenant B", table, as_b);
		/* control: as A, its own rows are visible */
		long as_a = app_count(c, table, a_client) + app_count(c, table, a.tenant_id);
		ck_assert_msg(as_a >= of_a, "%s: A sees %ld of its %ld rows", table, as_a, of_a);
	}
	/* the check ran over real data: users, memberships, tokens, audit, jobs, baselines */
	ck_assert_int_ge(populated, 7);
	PQclear(t);
	PQfinish(c);
}
END_TEST

/* GET /v1/auth/me until `want` consecutive 200s, within `seconds`; only 503 is
 * tolerated meanwhile. Returns the number of 503s seen, or -1 on timeout. */
static int wait_healthy(const char *token, int want, int seconds)
{
	time_t deadline = time(NULL) + seconds;
	int in_row = 0, unavailable = 0;
	while (time(NULL) < deadline) {
		struct th_resp r;
		th_req("GET", "/v1/auth/me", token, NULL, NULL, &r);
		long st = r.status;
		th_free(&r);
		ck_assert_msg(st == 200 || st == 503, "while the database restarts: %ld", st);
		if (st == 200 && ++in_row >= want)
			return unavailable;
		if (st == 503) {
			in_row = 0;
			unavailable++;
			usleep(100000);
		}
	}
	return -1;
}

START_TEST(api_recovers_from_a_database_restart_without_restarting)
{
	const char *pgctl = getenv("CONCORD_TEST_PGCTL");
	ck_assert_ptr_nonnull(pgctl);
	ck_assert_int_ge(wait_healthy(a.token, 3, 10), 0);
	/* keep the server log where scripts/lib.sh puts it: beside the data directory */
	char cmd[2048], logfile[1024] = "/dev/null";
	const char *d = strstr(pgctl, " -D ");
	if (d) {
		snprintf(logfile, sizeof logfile, "%s", d + 4);
		char *slash = strrchr(logfile, '/');
		if (slash)
			snprintf(
			        slash, sizeof logfile - (size_t)(slash - logfile), "/postgres.log");
	}
	snprintf(cmd, sizeof cmd, "%s -l %s -m fast -w -t 60 restart >/dev/null 2>&1", pgctl,
	        logfile);
	ck_assert_int_eq(th_sh(cmd), 0);
	/* each API thread notices its dead connection once (503) and reconnects */
	int unavailable = wait_healthy(a.token, 12, 60);
	ck_assert_msg(unavailable >= 0, "the API did not recover within 60 s");
	/* writes work again and the audit chain is intact */
	char body[200];
	snprintf(body, sizeof body,
	        "{\"email\":\"after-restart-%s@a.example\",\"role\":\"viewer\"}", th_unique());
	struct th_resp r;
	th_req("POST", "/v1/users", a.token, body, NULL, &r);
	ck_assert_msg(r.status == 201, "%ld %s", r.status, r.body);
	th_free(&r);
	th_req("GET", "/v1/audit-events/verify", a.token, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert(json_is_true(json_object_get(r.json, "ok")));
	th_free(&r);
}
END_TEST

static Suite *isolation_suite(void)
{
	Suite *s = suite_create("isolation");
	TCase *tc = tcase_create("tenants");
	tcase_add_checked_fixture(tc, fixtures, teardown);
	tcase_set_timeout(tc, 180);
	tcase_add_test(tc, other_tenant_gets_404_for_every_id_route);
	tcase_add_test(tc, lists_never_show_another_tenants_rows);
	tcase_add_test(tc, database_role_sees_no_tenant_rows_without_its_tenant);
	tcase_add_test(tc, api_recovers_from_a_database_restart_without_restarting);
	suite_add_tcase(s, tc);
	return s;
}

TH_MAIN(isolation_suite)
