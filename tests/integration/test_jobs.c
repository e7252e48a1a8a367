/*
 * test_jobs.c - background jobs over HTTP with the two workers of scripts/test.sh:
 * tenant.export end to end (enqueue, run, artifact download with its digest, import
 * round trip losing nothing), who may export which tenant, the jobs and artifacts
 * routes, retry rules, schedules CRUD with validation, ETags and audit, the scheduler
 * firing a due schedule exactly once, and the purge of a deleted tenant.
 *
 * Fault injection (killed workers, Redis flush, failing jobs, leader loss) lives in
 * test_jobs_faults.c.
 */
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "th.h"
#include "util.h"

static struct th_operator op;
static char client[37];
static char in_client_hdr[80];
static const char *in_client[] = {in_client_hdr, NULL};

static char *sqlf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* th_sql with a formatted statement (values are ids this test made, never input). */
static char *sqlf(const char *fmt, ...)
{
	char q[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(q, sizeof q, fmt, ap);
	va_end(ap);
	return th_sql(q);
}

static void sql_is(const char *want, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Assert that the formatted statement's first cell equals want. */
static void sql_is(const char *want, const char *fmt, ...)
{
	char q[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(q, sizeof q, fmt, ap);
	va_end(ap);
	char *v = th_sql(q);
	ck_assert_msg(v && strcmp(v, want) == 0, "%s: want %s, got %s", q, want, v ? v : "NULL");
	free(v);
}

/* Poll sql until its first cell equals want (bounded). */
static bool wait_sql(const char *sql, const char *want, int seconds)
{
	for (int i = 0; i < seconds * 10; i++) {
		char *v = th_sql(sql);
		bool ok = v && strcmp(v, want) == 0;
		free(v);
		if (ok)
			return true;
		usleep(100000);
	}
	return false;
}

static void setup(void)
{
	th_new_operator(&op);
	th_new_client(&op, client);
	snprintf(in_client_hdr, sizeof in_client_hdr, "X-Concord-Tenant: %s", client);
}

static void teardown(void)
{
	th_operator_free(&op);
}

static void assert_problem(struct th_resp *r, long status, const char *field)
{
	ck_assert_msg(r->status == status, "want %ld got %ld: %s", status, r->status, r->body);
	if (field) {
		ck_assert_msg(th_str(r, "field") && strcmp(th_str(r, "field"), field) == 0,
		        "want field %s: %s", field, r->body);
	}
}

/* POST /v1/tenants/{target}/export acting in `ctx` (NULL: the token's home tenant);
 * returns the job id (malloc'd). */
static char *start_export(const char *token, const char *ctx, const char *target)
{
	char path[128], hdr[80];
	snprintf(path, sizeof path, "/v1/tenants/%s/export", target);
	snprintf(hdr, sizeof hdr, "X-Concord-Tenant: %s", ctx ? ctx : "");
	const char *h[] = {hdr, NULL};
	struct th_resp r;
	th_req("POST", path, token, NULL, ctx ? h : NULL, &r);
	ck_assert_msg(r.status == 202, "export: %ld %s", r.status, r.body);
	ck_assert_str_eq(th_str(&r, "type"), "tenant.export");
	ck_assert_str_eq(th_str(&r, "tenant_id"), target);
	char *loc = th_header(&r, "Location");
	char want[96];
	snprintf(want, sizeof want, "/v1/jobs/%s", th_str(&r, "id"));
	ck_assert_str_eq(loc, want);
	free(loc);
	char *id = strdup(th_str(&r, "id"));
	th_free(&r);
	return id;
}

/* Wait until job `id` of tenant `tenant` is in `state`; return the job (attempt log
 * included) as JSON (caller decrefs). */
static json_t *wait_job(const char *tenant, const char *id, const char *state, int seconds)
{
	char path[96], hdr[80];
	snprintf(path, sizeof path, "/v1/jobs/%s", id);
	snprintf(hdr, sizeof hdr, "X-Concord-Tenant: %s", tenant);
	const char *h[] = {hdr, NULL};
	bool ok = th_wait_json(path, op.token, h, "state", state, seconds);
	struct th_resp r;
	th_req("GET", path, op.token, NULL, h, &r);
	ck_assert_msg(ok, "job %s did not reach %s: %s", id, state, r.body);
	json_t *j = json_incref(r.json);
	th_free(&r);
	return j;
}

/* Download the single artifact of a succeeded export job; returns the document. */
static json_t *download_export(const char *tenant, const json_t *job)
{
	const char *aid =
	        json_string_value(json_object_get(json_object_get(job, "result"), "artifact_id"));
	ck_assert_ptr_nonnull(aid);
	char path[96], hdr[80];
	snprintf(path, sizeof path, "/v1/artifacts/%s", aid);
	snprintf(hdr, sizeof hdr, "X-Concord-Tenant: %s", tenant);
	const char *h[] = {hdr, NULL};
	struct th_resp r;
	th_req("GET", path, op.token, NULL, h, &r);
	ck_assert_msg(r.status == 200, "download: %ld %s", r.status, r.body);
	ck_assert_ptr_nonnull(r.json);
	json_t *doc = json_incref(r.json);
	th_free(&r);
	return doc;
}

/* ------------------------------------------------------------ export */

START_TEST(export_job_runs_and_its_artifact_downloads_with_digest)
{
	char *id = start_export(op.token, NULL, client);
	json_t *job = wait_job(client, id, "succeeded", 60);
	json_t *res = json_object_get(job, "result");
	ck_assert_int_eq(json_integer_value(json_object_get(job, "attempts")), 1);
	ck_assert_str_eq(json_string_value(json_object_get(
	                         json_object_get(job, "payload"), "requested_from")),
	        op.tenant_id);
	/* one attempt, by one of the workers, recorded */
	json_t *log = json_object_get(job, "attempt_log");
	ck_assert_int_eq(json_array_size(log), 1);
	ck_assert_str_eq(
	        json_string_value(json_object_get(json_array_get(log, 0), "outcome")), "succeeded");
	ck_assert_ptr_nonnull(strstr(
	        json_string_value(json_object_get(json_array_get(log, 0), "worker_id")), "worker"));
	/* the attempt and the job end when the run ends, after the artifact the run stored,
	 * not when the run's transaction began */
	char *ends = th_sqlp("SELECT a.finished_at > f.created_at AND j.finished_at > f.created_at"
	                     " FROM job_attempts a JOIN jobs j ON j.id = a.job_id"
	                     " JOIN artifacts f ON f.job_id = a.job_id WHERE a.job_id = $1",
	        id, NULL);
	ck_assert_str_eq(ends, "t");
	free(ends);

	/* listed under the job, then downloaded */
	char path[128];
	snprintf(path, sizeof path, "/v1/jobs/%s/artifacts", id);
	struct th_resp r;
	th_req("GET", path, op.token, NULL, in_client, &r);
	ck_assert_int_eq(r.status, 200);
	json_t *items = json_object_get(r.json, "items");
	ck_assert_int_eq(json_array_size(items), 1);
	json_t *art = json_array_get(items, 0);
	ck_assert_str_eq(json_string_value(json_object_get(art, "id")),
	        json_string_value(json_object_get(res, "artifact_id")));
	ck_assert_str_eq(
	        json_string_value(json_object_get(art, "content_type")), "application/json");
	char sha[65];
	snprintf(sha, sizeof sha, "%s", json_string_value(json_object_get(art, "sha256")));
	th_free(&r);

	snprintf(path, sizeof path, "/v1/artifacts/%s",
	        json_string_value(json_object_get(res, "artifact_id")));
	th_req("GET", path, op.token, NULL, in_client, &r);
	ck_assert_int_eq(r.status, 200);
	char *ct = th_header(&r, "Content-Type"), *cd = th_header(&r, "Content-Disposition");
	char *dg = th_header(&r, "Repr-Digest");
	ck_assert_str_eq(ct, "application/json");
	char *slug = sqlf("SELECT slug FROM tenants WHERE id = '%s'", client);
	char want[200];
	snprintf(want, sizeof want, "attachment; filename=\"tenant-export-%s.json\"", slug);
	ck_assert_str_eq(cd, want);
	/* the body is the stored document: its SHA-256 matches the listing and the header */
	char body_sha[65];
	util_sha256_hex(r.body, r.len, body_sha);
	ck_assert_str_eq(body_sha, sha);
	unsigned char raw[32], b64[48];
	util_unhex(sha, raw, 32);
	EVP_EncodeBlock(b64, raw, 32);
	snprintf(want, sizeof want, "sha-256=:%s:", b64);
	ck_assert_str_eq(dg, want);
	ck_assert_int_eq(json_integer_value(json_object_get(res, "size")), (json_int_t)r.len);
	ck_assert_str_eq(th_str(&r, "format"), "concord.tenant-export");
	ck_assert_str_eq(
	        json_string_value(json_object_get(json_object_get(r.json, "tenant"), "id")),
	        client);
	/* the export is in the client's audit trail, the request in both trails */
	sql_is("1",
	        "SELECT count(*) FROM audit_events WHERE tenant_id = '%s'"
	        " AND action = 'tenant.export' AND after->>'job_id' = '%s'",
	        client, id);
	sql_is("1",
	        "SELECT count(*) FROM audit_events WHERE tenant_id = '%s'"
	        " AND action = 'tenant.export_requested' AND entity_id = '%s'",
	        client, id);
	sql_is("1",
	        "SELECT count(*) FROM audit_events WHERE tenant_id = '%s'"
	        " AND action = 'tenant.export_requested' AND entity_id = '%s'",
	        op.tenant_id, client);
	free(ct);
	free(cd);
	free(dg);
	free(slug);
	th_free(&r);
	json_decref(job);
	free(id);
}
END_TEST

START_TEST(export_is_allowed_to_the_tenant_itself_and_its_operator_only)
{
	struct th_resp r;
	char path[128], other_client[37];
	/* the client itself (the operator acting in it) */
	char *id = start_export(op.token, client, client);
	free(id);
	/* another consultancy: the tenant does not exist for it */
	struct th_operator other;
	th_new_operator(&other);
	snprintf(path, sizeof path, "/v1/tenants/%s/export", client);
	th_req("POST", path, other.token, NULL, NULL, &r);
	assert_problem(&r, 404, NULL);
	th_free(&r);
	/* a sibling client acting for another client: not visible from there */
	th_new_client(&op, other_client);
	char hdr[80];
	snprintf(hdr, sizeof hdr, "X-Concord-Tenant: %s", other_client);
	const char *h[] = {hdr, NULL};
	th_req("POST", path, op.token, NULL, h, &r);
	assert_problem(&r, 404, NULL);
	th_free(&r);
	/* a member without tenants:admin */
	char *lead = th_new_user(&op, client, "isms_lead", NULL, 0);
	th_req("POST", path, lead, NULL, NULL, &r);
	assert_problem(&r, 403, NULL);
	th_free(&r);
	/* unknown fields in the (optional) body */
	th_req("POST", path, op.token, "{\"format\":\"xml\"}", NULL, &r);
	assert_problem(&r, 400, "format");
	th_free(&r);
	/* a suspended tenant */
	snprintf(path, sizeof path, "/v1/tenants/%s/suspend", other_client);
	th_req("POST", path, op.token, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	th_free(&r);
	snprintf(path, sizeof path, "/v1/tenants/%s/export", other_client);
	th_req("POST", path, op.token, NULL, NULL, &r);
	assert_problem(&r, 409, "status");
	th_free(&r);
	/* none of the refused requests left a job */
	sql_is("1", "SELECT count(*) FROM jobs WHERE tenant_id = '%s'", client);
	sql_is("0", "SELECT count(*) FROM jobs WHERE tenant_id = '%s'", other_client);
	free(lead);
	th_operator_free(&other);
}
END_TEST

START_TEST(export_with_idempotency_key_creates_one_job)
{
	char path[128], key[96];
	snprintf(path, sizeof path, "/v1/tenants/%s/export", client);
	snprintf(key, sizeof key, "Idempotency-Key: export-%s", th_unique());
	const char *h[] = {key, NULL};
	struct th_resp a, b;
	th_req("POST", path, op.token, NULL, h, &a);
	th_req("POST", path, op.token, NULL, h, &b);
	ck_assert_int_eq(a.status, 202);
	ck_assert_int_eq(b.status, 202);
	ck_assert_str_eq(th_str(&a, "id"), th_str(&b, "id"));
	sql_is("1", "SELECT count(*) FROM jobs WHERE tenant_id = '%s'", client);
	th_free(&a);
	th_free(&b);
}
END_TEST

/* -------------------------------------------------------- round trip */

/* Replace every UUID string with "#" (for an order that ignores ids). */
static json_t *mask_ids(const json_t *v)
{
	if (json_is_string(v))
		return util_is_uuid(json_string_value(v)) ? json_string("#")
		                                          : json_incref((json_t *)v);
	if (json_is_array(v)) {
		json_t *o = json_array();
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x) json_array_append_new(o, mask_ids(x));
		return o;
	}
	if (json_is_object(v)) {
		json_t *o = json_object();
		const char *k;
		json_t *x;
		json_object_foreach((json_t *)v, k, x) json_object_set_new(o, k, mask_ids(x));
		return o;
	}
	return json_incref((json_t *)v);
}

static int cmp_masked(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Rows of a table sorted by their id-masked text. */
static json_t *sorted_rows(const json_t *rows)
{
	size_t n = json_array_size(rows);
	char **keys = calloc(n + 1, sizeof *keys);
	for (size_t i = 0; i < n; i++) {
		json_t *m = mask_ids(json_array_get(rows, i));
		char *s = json_dumps(m, JSON_COMPACT | JSON_SORT_KEYS);
		json_decref(m);
		keys[i] = malloc(strlen(s) + 24);
		sprintf(keys[i], "%s\x01%zu", s, i);
		free(s);
	}
	qsort(keys, n, sizeof *keys, cmp_masked);
	json_t *out = json_array();
	for (size_t i = 0; i < n; i++) {
		size_t idx = (size_t)atol(strrchr(keys[i], '\x01') + 1);
		json_array_append(out, json_array_get(rows, idx));
		free(keys[i]);
	}
	free(keys);
	return out;
}

/* a and b are equal except that ids of A map consistently (and one-to-one) to ids of
 * B: fwd/back record the mapping. Returns a description of the first difference. */
static const char *same_modulo_ids(const json_t *a, const json_t *b, json_t *fwd, json_t *back)
{
	if (json_is_string(a) && json_is_string(b) && util_is_uuid(json_string_value(a)) &&
	        util_is_uuid(json_string_value(b))) {
		const char *x = json_string_value(a), *y = json_string_value(b);
		json_t *m = json_object_get(fwd, x), *n = json_object_get(back, y);
		if ((m && strcmp(json_string_value(m), y)) ||
		        (n && strcmp(json_string_value(n), x)))
			return "an id maps to two different ids";
		json_object_set_new(fwd, x, json_string(y));
		json_object_set_new(back, y, json_string(x));
		return NULL;
	}
	if (json_is_array(a) && json_is_array(b)) {
		if (json_array_size(a) != json_array_size(b))
			return "array sizes differ";
		for (size_t i = 0; i < json_array_size(a); i++) {
			const char *d = same_modulo_ids(
			        json_array_get(a, i), json_array_get(b, i), fwd, back);
			if (d)
				return d;
		}
		return NULL;
	}
	if (json_is_object(a) && json_is_object(b)) {
		if (json_object_size(a) != json_object_size(b))
			return "objects have different keys";
		const char *k;
		json_t *x;
		json_object_foreach((json_t *)a, k, x)
		{
			json_t *y = json_object_get(b, k);
			if (!y)
				return "objects have different keys";
			const char *d = same_modulo_ids(x, y, fwd, back);
			if (d)
				return d;
		}
		return NULL;
	}
	return json_equal(a, b) ? NULL : "values differ";
}

START_TEST(export_import_export_round_trip_loses_nothing)
{
	/* tenant A: a local user with a role, a schedule, and linked GRC rows */
	struct th_resp r;
	char *lead = th_new_user(&op, client, "isms_lead", NULL, 0);
	free(lead);
	th_req("POST", "/v1/schedules", op.token,
	        "{\"job_type\":\"tenant.export\",\"cron\":\"30 2 * * mon\",\"enabled\":false}",
	        in_client, &r);
	ck_assert_msg(r.status == 201, "%ld %s", r.status, r.body);
	th_free(&r);
	free(sqlf("WITH c AS (INSERT INTO controls (tenant_id, ref, title) VALUES ('%s', 'C-1',"
	          " 'Access control') RETURNING id), k AS (INSERT INTO risks (tenant_id, ref, type,"
	          " title) VALUES ('%s', 'R-1', 'is', 'Account takeover') RETURNING id)"
	          " INSERT INTO risk_controls (tenant_id, risk_id, control_id, relation)"
	          " SELECT '%s', k.id, c.id, 'existing' FROM c, k",
	        client, client, client));

	char *id = start_export(op.token, NULL, client);
	json_t *job = wait_job(client, id, "succeeded", 60);
	json_t *doc_a = download_export(client, job);
	json_decref(job);
	free(id);
	json_t *tables_a = json_object_get(doc_a, "tables");
	ck_assert_int_eq(json_array_size(json_object_get(tables_a, "users")), 1);
	ck_assert_int_eq(json_array_size(json_object_get(tables_a, "memberships")), 2);
	ck_assert_int_eq(json_array_size(json_object_get(tables_a, "schedules")), 1);
	ck_assert_int_eq(json_array_size(json_object_get(tables_a, "risk_controls")), 1);

	/* import as B */
	json_t *imp = json_pack("{s:s, s:s, s:O}", "slug", "rt-b-placeholder", "name", "Imported B",
	        "document", doc_a);
	char slug[64];
	snprintf(slug, sizeof slug, "rt-%s", th_unique());
	json_object_set_new(imp, "slug", json_string(slug));
	char *body = json_dumps(imp, JSON_COMPACT);
	json_decref(imp);
	th_req("POST", "/v1/tenants/import", op.token, body, NULL, &r);
	free(body);
	ck_assert_msg(r.status == 201, "import: %ld %s", r.status, r.body);
	char b_id[37];
	snprintf(b_id, sizeof b_id, "%s", th_str(&r, "id"));
	th_free(&r);

	/* export B */
	id = start_export(op.token, NULL, b_id);
	job = wait_job(b_id, id, "succeeded", 60);
	json_t *doc_b = download_export(b_id, job);
	json_decref(job);
	free(id);

	/* same format and schema; the tenant block differs only in its own fields */
	ck_assert(json_equal(json_object_get(doc_a, "format"), json_object_get(doc_b, "format")));
	ck_assert(json_equal(json_object_get(doc_a, "format_version"),
	        json_object_get(doc_b, "format_version")));
	ck_assert(json_equal(json_object_get(doc_a, "schema_version"),
	        json_object_get(doc_b, "schema_version")));
	json_t *ta = json_object_get(doc_a, "tenant"), *tb = json_object_get(doc_b, "tenant");
	ck_assert(json_equal(json_object_get(ta, "kind"), json_object_get(tb, "kind")));
	ck_assert(json_equal(json_object_get(ta, "settings"), json_object_get(tb, "settings")));
	ck_assert_str_eq(json_string_value(json_object_get(tb, "slug")), slug);

	/* every table: the same rows once A's ids are mapped to B's, one to one */
	json_t *fwd = json_object(), *back = json_object();
	json_object_set_new(fwd, client, json_string(b_id));
	json_object_set_new(back, b_id, json_string(client));
	json_t *tables_b = json_object_get(doc_b, "tables");
	ck_assert_int_eq(json_object_size(tables_a), json_object_size(tables_b));
	const char *name;
	json_t *rows_a;
	int nonempty = 0;
	json_object_foreach(tables_a, name, rows_a)
	{
		json_t *rows_b = json_object_get(tables_b, name);
		ck_assert_msg(rows_b, "table %s missing from B's export", name);
		ck_assert_msg(json_array_size(rows_a) == json_array_size(rows_b),
		        "table %s: %zu rows in A, %zu in B", name, json_array_size(rows_a),
		        json_array_size(rows_b));
		json_t *sa = sorted_rows(rows_a), *sb = sorted_rows(rows_b);
		const char *diff = same_modulo_ids(sa, sb, fwd, back);
		if (diff) {
			char *da = json_dumps(sa, JSON_COMPACT), *db = json_dumps(sb, JSON_COMPACT);
			ck_abort_msg("table %s: %s\nA: %.1500s\nB: %.1500s", name, diff, da, db);
		}
		nonempty += json_array_size(rows_a) > 0;
		json_decref(sa);
		json_decref(sb);
	}
	ck_assert_int_ge(nonempty, 6);
	/* imported rows got new ids; the operator's own account kept its id */
	const char *user_a = json_string_value(
	        json_object_get(json_array_get(json_object_get(tables_a, "users"), 0), "id"));
	ck_assert_str_ne(json_string_value(json_object_get(fwd, user_a)), user_a);
	ck_assert_str_eq(json_string_value(json_object_get(fwd, op.user_id)), op.user_id);
	json_decref(fwd);
	json_decref(back);
	json_decref(doc_a);
	json_decref(doc_b);
}
END_TEST

/* -------------------------------------------------------- jobs routes */

static const char *item_id(const json_t *items, size_t i)
{
	return json_string_value(json_object_get(json_array_get(items, i), "id"));
}

START_TEST(jobs_list_filters_pages_and_stays_in_its_tenant)
{
	char *ids[3];
	for (int i = 0; i < 3; i++)
		ids[i] = start_export(op.token, NULL, client);
	for (int i = 0; i < 3; i++)
		json_decref(wait_job(client, ids[i], "succeeded", 60));
	struct th_resp r;
	/* newest first, two pages */
	th_req("GET", "/v1/jobs?limit=2&type=tenant.export", op.token, NULL, in_client, &r);
	ck_assert_int_eq(r.status, 200);
	json_t *items = json_object_get(r.json, "items");
	ck_assert_int_eq(json_array_size(items), 2);
	ck_assert_str_eq(item_id(items, 0), ids[2]);
	ck_assert_str_eq(item_id(items, 1), ids[1]);
	char path[512];
	snprintf(path, sizeof path, "/v1/jobs?limit=2&type=tenant.export&cursor=%s",
	        th_str(&r, "next"));
	th_free(&r);
	th_req("GET", path, op.token, NULL, in_client, &r);
	items = json_object_get(r.json, "items");
	ck_assert_int_eq(json_array_size(items), 1);
	ck_assert_str_eq(item_id(items, 0), ids[0]);
	ck_assert(json_is_null(json_object_get(r.json, "next")));
	th_free(&r);
	/* state filter */
	th_req("GET", "/v1/jobs?state=dead", op.token, NULL, in_client, &r);
	ck_assert_int_eq(json_array_size(json_object_get(r.json, "items")), 0);
	th_free(&r);
	th_req("GET", "/v1/jobs?state=succeeded", op.token, NULL, in_client, &r);
	ck_assert_int_eq(json_array_size(json_object_get(r.json, "items")), 3);
	th_free(&r);
	/* bad filters */
	th_req("GET", "/v1/jobs?state=done", op.token, NULL, in_client, &r);
	assert_problem(&r, 400, "state");
	th_free(&r);
	th_req("GET", "/v1/jobs?owner=me", op.token, NULL, in_client, &r);
	assert_problem(&r, 400, "owner");
	th_free(&r);
	/* the client's jobs are not the operator's: 404 and an empty list there */
	snprintf(path, sizeof path, "/v1/jobs/%s", ids[0]);
	th_req("GET", path, op.token, NULL, NULL, &r);
	assert_problem(&r, 404, NULL);
	th_free(&r);
	th_req("GET", "/v1/jobs", op.token, NULL, NULL, &r);
	ck_assert_int_eq(json_array_size(json_object_get(r.json, "items")), 0);
	th_free(&r);
	/* a viewer may not read jobs */
	char *viewer = th_new_user(&op, client, "viewer", NULL, 0);
	th_req("GET", "/v1/jobs", viewer, NULL, NULL, &r);
	assert_problem(&r, 403, NULL);
	th_free(&r);
	free(viewer);
	for (int i = 0; i < 3; i++)
		free(ids[i]);
}
END_TEST

START_TEST(retry_accepts_only_failed_or_dead_jobs)
{
	char *id = start_export(op.token, NULL, client);
	json_decref(wait_job(client, id, "succeeded", 60));
	char path[128];
	snprintf(path, sizeof path, "/v1/jobs/%s/retry", id);
	struct th_resp r;
	th_req("POST", path, op.token, NULL, in_client, &r);
	assert_problem(&r, 409, "state");
	th_free(&r);
	snprintf(path, sizeof path, "/v1/jobs/%s/retry", "00000000-0000-4000-8000-000000000000");
	th_req("POST", path, op.token, NULL, in_client, &r);
	assert_problem(&r, 404, NULL);
	th_free(&r);
	sql_is("0",
	        "SELECT count(*) FROM audit_events WHERE tenant_id = '%s'"
	        " AND action = 'job.retry'",
	        client);
	free(id);
}
END_TEST

START_TEST(export_artifacts_need_tenants_admin)
{
	char *id = start_export(op.token, NULL, client);
	json_t *job = wait_job(client, id, "succeeded", 60);
	char path[128];
	snprintf(path, sizeof path, "/v1/artifacts/%s",
	        json_string_value(json_object_get(json_object_get(job, "result"), "artifact_id")));
	/* a risk & compliance member may read jobs, but not download a whole-tenant export */
	char *rc = th_new_user(&op, client, "risk_compliance", NULL, 0);
	struct th_resp r;
	th_req("GET", path, rc, NULL, NULL, &r);
	assert_problem(&r, 403, NULL);
	th_free(&r);
	/* nor schedule one */
	th_req("POST", "/v1/schedules", rc, "{\"job_type\":\"tenant.export\",\"cron\":\"@daily\"}",
	        NULL, &r);
	assert_problem(&r, 403, NULL);
	th_free(&r);
	/* from another tenant the artifact does not exist */
	th_req("GET", path, op.token, NULL, NULL, &r);
	assert_problem(&r, 404, NULL);
	th_free(&r);
	free(rc);
	json_decref(job);
	free(id);
}
END_TEST

/* ---------------------------------------------------------- schedules */

START_TEST(schedules_validate_job_type_cron_and_payload)
{
	struct th_resp r;
	th_req("POST", "/v1/schedules", op.token,
	        "{\"job_type\":\"report.pdf\",\"cron\":\"@daily\"}", in_client, &r);
	assert_problem(&r, 400, "job_type");
	ck_assert_ptr_nonnull(strstr(th_str(&r, "detail"), "tenant.export"));
	th_free(&r);
	th_req("POST", "/v1/schedules", op.token,
	        "{\"job_type\":\"tenant.export\",\"cron\":\"61 * * * *\"}", in_client, &r);
	assert_problem(&r, 400, "cron");
	ck_assert_ptr_nonnull(strstr(th_str(&r, "detail"), "minute: 61 is out of range 0-59"));
	th_free(&r);
	th_req("POST", "/v1/schedules", op.token,
	        "{\"job_type\":\"tenant.export\",\"cron\":\"0 0 * *\"}", in_client, &r);
	assert_problem(&r, 400, "cron");
	ck_assert_ptr_nonnull(strstr(th_str(&r, "detail"), "expected 5 fields"));
	th_free(&r);
	th_req("POST", "/v1/schedules", op.token,
	        "{\"job_type\":\"tenant.export\",\"cron\":\"0 0 31 4 *\"}", in_client, &r);
	assert_problem(&r, 400, "cron");
	ck_assert_ptr_nonnull(strstr(th_str(&r, "detail"), "never matches"));
	th_free(&r);
	th_req("POST", "/v1/schedules", op.token,
	        "{\"job_type\":\"tenant.export\",\"cron\":\"@daily\",\"payload\":{\"format\":1}}",
	        in_client, &r);
	assert_problem(&r, 400, "payload.format");
	th_free(&r);
	/* an AI Act dossier export is scheduled with a payload the job accepts */
	th_req("POST", "/v1/schedules", op.token,
	        "{\"job_type\":\"aiact.dossier\",\"cron\":\"@weekly\",\"payload\":"
	        "{\"ai_system_id\":\"AI-1\"}}",
	        in_client, &r);
	assert_problem(&r, 400, "payload.ai_system_id");
	th_free(&r);
	th_req("POST", "/v1/schedules", op.token,
	        "{\"job_type\":\"tenant.export\",\"cron\":\"@daily\",\"every\":\"day\"}", in_client,
	        &r);
	assert_problem(&r, 400, "every");
	th_free(&r);
	th_req("POST", "/v1/schedules", op.token, "{\"cron\":\"@daily\"}", in_client, &r);
	assert_problem(&r, 400, "job_type");
	th_free(&r);
	sql_is("0", "SELECT count(*) FROM schedules WHERE tenant_id = '%s'", client);
}
END_TEST

START_TEST(schedule_crud_with_etags_and_audit)
{
	struct th_resp r;
	th_req("POST", "/v1/schedules", op.token,
	        "{\"job_type\":\"tenant.export\",\"cron\":\"15 3 * * *\"}", in_client, &r);
	ck_assert_msg(r.status == 201, "%ld %s", r.status, r.body);
	char *etag = th_header(&r, "ETag"), *loc = th_header(&r, "Location");
	ck_assert_str_eq(etag, "\"1\"");
	char id[37];
	snprintf(id, sizeof id, "%s", th_str(&r, "id"));
	char path[96];
	snprintf(path, sizeof path, "/v1/schedules/%s", id);
	ck_assert_str_eq(loc, path);
	ck_assert(json_is_true(json_object_get(r.json, "enabled")));
	/* the next run is the next 03:15 UTC */
	sql_is("t",
	        "SELECT next_run_at > now() AND next_run_at <= now() + interval '1 day'"
	        " AND to_char(next_run_at AT TIME ZONE 'UTC', 'HH24:MI:SS') = '03:15:00'"
	        " FROM schedules WHERE id = '%s'",
	        id);
	free(etag);
	free(loc);
	th_free(&r);

	th_req("GET", path, op.token, NULL, in_client, &r);
	ck_assert_int_eq(r.status, 200);
	etag = th_header(&r, "ETag");
	ck_assert_str_eq(etag, "\"1\"");
	free(etag);
	th_free(&r);

	char hdr_v1[] = "If-Match: \"1\"", hdr_v9[] = "If-Match: \"9\"";
	const char *h1[] = {in_client_hdr, hdr_v1, NULL}, *h9[] = {in_client_hdr, hdr_v9, NULL};
	th_req("PATCH", path, op.token, "{\"cron\":\"*/10 * * * *\"}", in_client, &r);
	assert_problem(&r, 428, "If-Match");
	th_free(&r);
	th_req("PATCH", path, op.token, "{\"cron\":\"*/10 * * * *\"}", h9, &r);
	assert_problem(&r, 412, "If-Match");
	th_free(&r);
	th_req("PATCH", path, op.token, "{\"cron\":\"*/10 * * *\"}", h1, &r);
	assert_problem(&r, 400, "cron");
	th_free(&r);
	th_req("PATCH", path, op.token, "{\"cron\":\"*/10 * * * *\",\"enabled\":false}", h1, &r);
	ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
	ck_assert_int_eq(json_integer_value(json_object_get(r.json, "version")), 2);
	ck_assert(json_is_false(json_object_get(r.json, "enabled")));
	etag = th_header(&r, "ETag");
	ck_assert_str_eq(etag, "\"2\"");
	free(etag);
	th_free(&r);
	/* the new cron moved next_run_at to a multiple of 10 minutes within the hour */
	sql_is("t",
	        "SELECT next_run_at > now() AND next_run_at <= now() + interval '10 minutes'"
	        " AND extract(minute FROM next_run_at)::int %% 10 = 0"
	        " FROM schedules WHERE id = '%s'",
	        id);
	/* list, filtered */
	th_req("GET", "/v1/schedules?enabled=false", op.token, NULL, in_client, &r);
	ck_assert_int_eq(json_array_size(json_object_get(r.json, "items")), 1);
	th_free(&r);
	th_req("GET", "/v1/schedules?enabled=true", op.token, NULL, in_client, &r);
	ck_assert_int_eq(json_array_size(json_object_get(r.json, "items")), 0);
	th_free(&r);
	th_req("GET", "/v1/schedules?enabled=maybe", op.token, NULL, in_client, &r);
	assert_problem(&r, 400, "enabled");
	th_free(&r);

	th_req("DELETE", path, op.token, NULL, in_client, &r);
	assert_problem(&r, 428, "If-Match");
	th_free(&r);
	th_req("DELETE", path, op.token, NULL, h1, &r);
	assert_problem(&r, 412, "If-Match");
	th_free(&r);
	char hdr_v2[] = "If-Match: \"2\"";
	const char *h2[] = {in_client_hdr, hdr_v2, NULL};
	th_req("DELETE", path, op.token, NULL, h2, &r);
	ck_assert_int_eq(r.status, 204);
	th_free(&r);
	th_req("GET", path, op.token, NULL, in_client, &r);
	assert_problem(&r, 404, NULL);
	th_free(&r);
	/* every change is in the client's audit trail with before/after */
	sql_is("schedule.create,schedule.update,schedule.delete",
	        "SELECT string_agg(action, ',' ORDER BY seq) FROM audit_events"
	        " WHERE tenant_id = '%s' AND entity_type = 'schedule' AND entity_id = '%s'",
	        client, id);
	sql_is("15 3 * * *|*/10 * * * *",
	        "SELECT (before->>'cron') || '|' || (after->>'cron') FROM audit_events"
	        " WHERE tenant_id = '%s' AND action = 'schedule.update' AND entity_id = '%s'",
	        client, id);
}
END_TEST

START_TEST(scheduler_enqueues_a_due_schedule_exactly_once)
{
	/* two workers run (scripts/test.sh); exactly one holds the scheduler lock */
	ck_assert(wait_sql("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
	                   " AND classid = 0 AND objid = 7242100 AND objsubid = 1 AND granted",
	        "1", 30));
	struct th_resp r;
	th_req("POST", "/v1/schedules", op.token,
	        "{\"job_type\":\"tenant.export\",\"cron\":\"*/5 * * * *\"}", in_client, &r);
	ck_assert_int_eq(r.status, 201);
	char id[37];
	snprintf(id, sizeof id, "%s", th_str(&r, "id"));
	th_free(&r);
	/* make it due (as if five minutes had passed) */
	char *due = sqlf("UPDATE schedules SET next_run_at = date_trunc('minute', now())"
	                 " - interval '5 minutes' WHERE id = '%s'"
	                 " RETURNING floor(extract(epoch FROM next_run_at))::bigint",
	        id);
	char key_sql[256];
	snprintf(key_sql, sizeof key_sql,
	        "SELECT count(*) FROM jobs WHERE tenant_id = '%s'"
	        " AND idempotency_key = 'schedule:%s:%s'",
	        client, id, due);
	ck_assert_msg(wait_sql(key_sql, "1", 30), "the due schedule was not enqueued");
	char *job = sqlf("SELECT id FROM jobs WHERE tenant_id = '%s' AND idempotency_key"
	                 " = 'schedule:%s:%s'",
	        client, id, due);
	json_decref(wait_job(client, job, "succeeded", 60));
	/* one job; the schedule moved on to the next 5-minute mark in the future */
	sql_is("1",
	        "SELECT count(*) FROM jobs WHERE tenant_id = '%s'"
	        " AND idempotency_key LIKE 'schedule:%s:%%'",
	        client, id);
	sql_is("t",
	        "SELECT last_run_at IS NOT NULL AND next_run_at > now()"
	        " AND extract(minute FROM next_run_at)::int %% 5 = 0"
	        " AND extract(second FROM next_run_at) = 0 FROM schedules WHERE id = '%s'",
	        id);
	/* the same due time again (a second scheduler, a replay): still one job */
	char *last = sqlf("SELECT last_run_at FROM schedules WHERE id = '%s'", id);
	free(sqlf("UPDATE schedules SET next_run_at = to_timestamp(%s) WHERE id = '%s'", due, id));
	char moved[256];
	snprintf(moved, sizeof moved,
	        "SELECT last_run_at > '%s' AND next_run_at > now() FROM schedules"
	        " WHERE id = '%s'",
	        last, id);
	ck_assert(wait_sql(moved, "t", 30));
	sql_is("1",
	        "SELECT count(*) FROM jobs WHERE tenant_id = '%s'"
	        " AND idempotency_key LIKE 'schedule:%s:%%'",
	        client, id);
	free(last);
	free(job);
	free(due);
}
END_TEST

START_TEST(deleted_tenant_is_purged_after_the_grace_period)
{
	/* data in several tables: a user, a schedule, a finished export job and its file */
	char *lead = th_new_user(&op, client, "isms_lead", NULL, 0);
	free(lead);
	struct th_resp r;
	th_req("POST", "/v1/schedules", op.token,
	        "{\"job_type\":\"tenant.export\",\"cron\":\"@daily\"}", in_client, &r);
	ck_assert_int_eq(r.status, 201);
	th_free(&r);
	char *id = start_export(op.token, NULL, client);
	json_decref(wait_job(client, id, "succeeded", 60));
	free(id);
	char path[96];
	snprintf(path, sizeof path, "/v1/tenants/%s", client);
	const char *h[] = {"If-Match: \"1\"", NULL};
	th_req("DELETE", path, op.token, NULL, h, &r);
	ck_assert_msg(r.status == 202, "%ld %s", r.status, r.body);
	th_free(&r);
	/* CONCORD_TENANT_DELETE_GRACE is 2 s in the test environment */
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM tenants WHERE id = '%s'", client);
	ck_assert_msg(wait_sql(sql, "0", 30), "tenant not purged");
	const char *tables[] = {"users", "memberships", "schedules", "jobs", "job_attempts",
	        "artifacts", "audit_events", "audit_heads", NULL};
	for (const char **t = tables; *t; t++)
		sql_is("0", "SELECT count(*) FROM %s WHERE tenant_id = '%s'", *t, client);
	/* recorded in the operator's trail, which survives */
	sql_is("1",
	        "SELECT count(*) FROM audit_events WHERE tenant_id = '%s'"
	        " AND action = 'tenant.purge' AND entity_id = '%s'"
	        " AND before->>'status' = 'deleting' AND request_id = 'purge:%s'",
	        op.tenant_id, client, client);
	th_req("GET", path, op.token, NULL, NULL, &r);
	assert_problem(&r, 404, NULL);
	th_free(&r);
}
END_TEST

static Suite *jobs_suite(void)
{
	Suite *s = suite_create("jobs");
	TCase *tc = tcase_create("jobs");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 180);
	tcase_add_test(tc, export_job_runs_and_its_artifact_downloads_with_digest);
	tcase_add_test(tc, export_is_allowed_to_the_tenant_itself_and_its_operator_only);
	tcase_add_test(tc, export_with_idempotency_key_creates_one_job);
	tcase_add_test(tc, export_import_export_round_trip_loses_nothing);
	tcase_add_test(tc, jobs_list_filters_pages_and_stays_in_its_tenant);
	tcase_add_test(tc, retry_accepts_only_failed_or_dead_jobs);
	tcase_add_test(tc, export_artifacts_need_tenants_admin);
	tcase_add_test(tc, schedules_validate_job_type_cron_and_payload);
	tcase_add_test(tc, schedule_crud_with_etags_and_audit);
	tcase_add_test(tc, scheduler_enqueues_a_due_schedule_exactly_once);
	tcase_add_test(tc, deleted_tenant_is_purged_after_the_grace_period);
	suite_add_tcase(s, tc);
	return s;
}

TH_MAIN(jobs_suite)
