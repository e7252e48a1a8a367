/*
 * test_audit.c - the audit trail API: what a mutation records, the list's filters and
 * pagination, chain verification on an intact chain and after tampering behind the
 * API's back (as the database superuser), concurrent appends, and the proof that the
 * application's database role cannot rewrite history.
 *
 * Each test works in a client tenant of its own, so a chain broken on purpose breaks
 * nothing else.
 */
#include <libpq-fe.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "th.h"

static struct th_operator op;
static char client[37];
static char tenant_hdr[80];

static void setup(void)
{
	th_new_operator(&op);
	th_new_client(&op, client);
	snprintf(tenant_hdr, sizeof tenant_hdr, "X-Concord-Tenant: %s", client);
}

static void teardown(void)
{
	th_operator_free(&op);
}

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

static long sql_long(char *v)
{
	ck_assert_ptr_nonnull(v);
	long n = atol(v);
	free(v);
	return n;
}

/* A request acting in the test's client tenant, with extra headers. */
static void in_client(const char *method, const char *path, const char *body, const char *extra,
        struct th_resp *r)
{
	const char *h[] = {tenant_hdr, extra, NULL};
	th_req(method, path, op.token, body, h, r);
}

/* Create a user in the client tenant; returns its id (malloc'd). */
static char *add_user(const char *role)
{
	char body[256];
	snprintf(body, sizeof body, "{\"email\":\"u-%s@audit.example\",\"role\":\"%s\"}",
	        th_unique(), role);
	struct th_resp r;
	in_client("POST", "/v1/users", body, NULL, &r);
	ck_assert_msg(r.status == 201, "%ld %s", r.status, r.body);
	char *id = strdup(th_str(&r, "id"));
	th_free(&r);
	return id;
}

static json_t *verify(void)
{
	struct th_resp r;
	in_client("GET", "/v1/audit-events/verify", NULL, NULL, &r);
	ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
	json_t *j = json_incref(r.json);
	th_free(&r);
	return j;
}

static long events_in_client(void)
{
	return sql_long(sqlf("SELECT count(*) FROM audit_events WHERE tenant_id = '%s'", client));
}

/* GET path in the client: the number of items, failing unless 200. */
static size_t count_items(const char *path)
{
	struct th_resp r;
	in_client("GET", path, NULL, NULL, &r);
	ck_assert_msg(r.status == 200, "%s: %ld %s", path, r.status, r.body);
	size_t n = json_array_size(json_object_get(r.json, "items"));
	th_free(&r);
	return n;
}

START_TEST(mutation_records_before_after_actor_and_request_id)
{
	char rid[80], path[128], q[256];
	snprintf(rid, sizeof rid, "X-Request-Id: audit-%s", th_unique());
	const char *h[] = {rid, "If-Match: \"1\"", NULL};
	snprintf(path, sizeof path, "/v1/tenants/%s", client);
	struct th_resp r;
	th_req("PATCH", path, op.token, "{\"name\":\"Renamed for audit\"}", h, &r);
	ck_assert_int_eq(r.status, 200);
	th_free(&r);
	/* the consultancy made the change: the event is in its trail */
	snprintf(q, sizeof q, "/v1/audit-events?entity_id=%s&action=tenant.update", client);
	th_req("GET", q, op.token, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	json_t *items = json_object_get(r.json, "items");
	ck_assert_int_eq(json_array_size(items), 1);
	json_t *ev = json_array_get(items, 0);
	ck_assert_str_eq(json_string_value(json_object_get(ev, "entity_type")), "tenant");
	ck_assert_str_eq(json_string_value(json_object_get(ev, "entity_id")), client);
	ck_assert_str_eq(json_string_value(json_object_get(ev, "actor_id")), op.user_id);
	ck_assert_str_eq(json_string_value(json_object_get(ev, "request_id")), rid + 14);
	json_t *before = json_object_get(ev, "before"), *after = json_object_get(ev, "after");
	ck_assert_str_ne(json_string_value(json_object_get(before, "name")), "Renamed for audit");
	ck_assert_str_eq(json_string_value(json_object_get(after, "name")), "Renamed for audit");
	ck_assert_int_eq(json_integer_value(json_object_get(before, "version")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(after, "version")), 2);
	ck_assert_int_eq(strlen(json_string_value(json_object_get(ev, "hash"))), 64);
	ck_assert_int_gt(json_integer_value(json_object_get(ev, "seq")), 0);
	th_free(&r);
	/* a creation has no "before", a deletion no "after" */
	char *uid = add_user("viewer");
	char up[128];
	snprintf(up, sizeof up, "/v1/users/%s", uid);
	in_client("DELETE", up, NULL, "If-Match: \"1\"", &r);
	ck_assert_int_eq(r.status, 204);
	th_free(&r);
	snprintf(q, sizeof q, "/v1/audit-events?entity_id=%s", uid);
	in_client("GET", q, NULL, NULL, &r);
	items = json_object_get(r.json, "items");
	ck_assert_int_eq(json_array_size(items), 2);
	json_t *del = json_array_get(items, 0), *cre = json_array_get(items, 1);
	ck_assert_str_eq(json_string_value(json_object_get(del, "action")), "user.delete");
	ck_assert(json_is_null(json_object_get(del, "after")));
	ck_assert(json_is_object(json_object_get(del, "before")));
	ck_assert_str_eq(json_string_value(json_object_get(cre, "action")), "user.create");
	ck_assert(json_is_null(json_object_get(cre, "before")));
	ck_assert_str_eq(
	        json_string_value(json_object_get(json_object_get(cre, "after"), "id")), uid);
	/* newest first, and each event chains to the one before it */
	ck_assert_int_gt(json_integer_value(json_object_get(del, "seq")),
	        json_integer_value(json_object_get(cre, "seq")));
	th_free(&r);
	free(uid);
}
END_TEST

START_TEST(filters_select_exactly_the_matching_events)
{
	char *u1 = add_user("viewer"), *u2 = add_user("auditor"), *u3 = add_user("contributor");
	struct th_resp r;
	char path[256];
	snprintf(path, sizeof path, "/v1/users/%s", u2);
	in_client("PATCH", path, "{\"role\":\"viewer\"}", "If-Match: \"1\"", &r);
	ck_assert_int_eq(r.status, 200);
	th_free(&r);
	in_client("POST", "/v1/service-accounts", "{\"name\":\"filter-bot\",\"role\":\"viewer\"}",
	        NULL, &r);
	ck_assert_int_eq(r.status, 201);
	th_free(&r);

	ck_assert_int_eq(count_items("/v1/audit-events?action=user.create"), 3);
	ck_assert_int_eq(count_items("/v1/audit-events?action=user.role_change"), 1);
	ck_assert_int_eq(count_items("/v1/audit-events?entity_type=service_account"), 1);
	snprintf(path, sizeof path, "/v1/audit-events?entity_id=%s", u2);
	ck_assert_int_eq(count_items(path), 2);
	snprintf(path, sizeof path, "/v1/audit-events?entity_type=user&entity_id=%s", u1);
	ck_assert_int_eq(count_items(path), 1);
	snprintf(path, sizeof path, "/v1/audit-events?entity_type=tenant&entity_id=%s", u1);
	ck_assert_int_eq(count_items(path), 0);
	/* by actor: every event in this tenant was made by the operator */
	long by_op = sql_long(sqlf("SELECT count(*) FROM audit_events WHERE tenant_id = '%s'"
	                           " AND actor_id = '%s'",
	        client, op.user_id));
	ck_assert_int_ge(by_op, 5);
	snprintf(path, sizeof path, "/v1/audit-events?actor_id=%s&limit=200", op.user_id);
	ck_assert_int_eq(count_items(path), (size_t)by_op);
	snprintf(path, sizeof path, "/v1/audit-events?actor_id=%s", u1);
	ck_assert_int_eq(count_items(path), 0);

	/* time window: since and until are inclusive */
	char *mid =
	        sqlf("SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
	             " FROM audit_events WHERE tenant_id = '%s' AND entity_id = '%s'"
	             " AND action = 'user.create'",
	                client, u2);
	long at_or_after = sql_long(sqlf("SELECT count(*) FROM audit_events WHERE tenant_id = '%s'"
	                                 " AND at >= '%s'",
	        client, mid));
	long at_or_before = sql_long(sqlf("SELECT count(*) FROM audit_events WHERE tenant_id = '%s'"
	                                  " AND at <= '%s'",
	        client, mid));
	snprintf(path, sizeof path, "/v1/audit-events?since=%s&limit=200", mid);
	ck_assert_int_eq(count_items(path), (size_t)at_or_after);
	snprintf(path, sizeof path, "/v1/audit-events?until=%s&limit=200", mid);
	ck_assert_int_eq(count_items(path), (size_t)at_or_before);
	snprintf(path, sizeof path, "/v1/audit-events?since=%s&until=%s", mid, mid);
	ck_assert_int_eq(count_items(path), 1);
	ck_assert_int_eq(at_or_after + at_or_before, events_in_client() + 1);
	/* an offset other than Z, percent-encoded */
	ck_assert_int_eq(count_items("/v1/audit-events?until=2000-01-01T01:00:00%2B01:00"), 0);
	free(mid);
	free(u1);
	free(u2);
	free(u3);
}
END_TEST

START_TEST(bad_filters_are_400_naming_the_parameter)
{
	static const char *const cases[][2] = {
	        {"/v1/audit-events?actor_id=nobody", "actor_id"},
	        {"/v1/audit-events?since=yesterday", "since"},
	        {"/v1/audit-events?until=2026-13-01T00:00:00Z", "until"},
	        {"/v1/audit-events?action=user%20create", "action"},
	        {"/v1/audit-events?entity_type=", "entity_type"},
	        {"/v1/"
	         "audit-events?entity_type="
	         "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	                "entity_type"},
	        {"/v1/audit-events?entity_id=", "entity_id"},
	        {"/v1/audit-events?colour=red", "colour"},
	        {"/v1/audit-events?limit=0", "limit"},
	        {"/v1/audit-events?cursor=WyJhYmMiXQ", "cursor"}, /* ["abc"] */
	        {"/v1/audit-events?cursor=nonsense", "cursor"},
	        {"/v1/audit-events/verify?deep=1", "deep"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct th_resp r;
		in_client("GET", cases[i][0], NULL, NULL, &r);
		ck_assert_msg(r.status == 400, "%s: %ld %s", cases[i][0], r.status, r.body);
		ck_assert_str_eq(th_str(&r, "field"), cases[i][1]);
		th_free(&r);
	}
}
END_TEST

START_TEST(pagination_walks_newest_first_each_event_once)
{
	for (int i = 0; i < 4; i++)
		free(add_user("viewer"));
	long total = events_in_client();
	ck_assert_int_ge(total, 5);
	char path[512] = "/v1/audit-events?limit=2";
	long last_seq = -1, seen = 0;
	for (int pages = 0;; pages++) {
		ck_assert_int_lt(pages, 100);
		struct th_resp r;
		in_client("GET", path, NULL, NULL, &r);
		ck_assert_int_eq(r.status, 200);
		json_t *items = json_object_get(r.json, "items");
		ck_assert_int_le(json_array_size(items), 2);
		size_t i;
		json_t *ev;
		json_array_foreach(items, i, ev)
		{
			long seq = (long)json_integer_value(json_object_get(ev, "seq"));
			if (last_seq >= 0)
				ck_assert_int_eq(
				        seq, last_seq - 1); /* strictly newest first, no gap */
			last_seq = seq;
			seen++;
		}
		const char *next = th_str(&r, "next");
		if (!next) {
			th_free(&r);
			break;
		}
		snprintf(path, sizeof path, "/v1/audit-events?limit=2&cursor=%s", next);
		th_free(&r);
	}
	ck_assert_int_eq(seen, total);
	ck_assert_int_eq(last_seq, 1);
	/* a page of exactly the remaining events has no next cursor */
	char full[64];
	snprintf(full, sizeof full, "/v1/audit-events?limit=%ld", total);
	struct th_resp r;
	in_client("GET", full, NULL, NULL, &r);
	ck_assert(json_is_null(json_object_get(r.json, "next")));
	ck_assert_int_eq(json_array_size(json_object_get(r.json, "items")), (size_t)total);
	th_free(&r);
}
END_TEST

START_TEST(verify_accepts_an_intact_chain)
{
	free(add_user("viewer"));
	free(add_user("auditor"));
	json_t *v = verify();
	ck_assert(json_is_true(json_object_get(v, "ok")));
	ck_assert(json_is_null(json_object_get(v, "first_break")));
	long n = events_in_client();
	ck_assert_int_eq(json_integer_value(json_object_get(v, "checked")), n);
	json_t *head = json_object_get(v, "head");
	ck_assert_int_eq(json_integer_value(json_object_get(head, "seq")), n);
	char *h =
	        sqlf("SELECT encode(hash, 'hex') FROM audit_heads WHERE tenant_id = '%s'", client);
	ck_assert_str_eq(json_string_value(json_object_get(head, "hash")), h);
	free(h);
	json_decref(v);
}
END_TEST

static void assert_break(json_t *v, long seq, const char *reason)
{
	ck_assert(json_is_false(json_object_get(v, "ok")));
	json_t *b = json_object_get(v, "first_break");
	ck_assert_msg(json_is_object(b), "no break reported");
	ck_assert_int_eq(json_integer_value(json_object_get(b, "seq")), seq);
	ck_assert_str_eq(json_string_value(json_object_get(b, "reason")), reason);
	ck_assert_ptr_nonnull(json_string_value(json_object_get(b, "detail")));
}

START_TEST(superuser_update_is_reported_at_its_seq)
{
	for (int i = 0; i < 4; i++)
		free(add_user("viewer"));
	long n = events_in_client();
	long target = n - 2;
	free(sqlf("UPDATE audit_events SET after = jsonb_set(after, '{role}', '\"operator\"')"
	          " WHERE tenant_id = '%s' AND seq = %ld",
	        client, target));
	json_t *v = verify();
	assert_break(v, target, "hash_mismatch");
	ck_assert_int_eq(json_integer_value(json_object_get(v, "checked")), target);
	json_decref(v);
}
END_TEST

START_TEST(superuser_rewrite_with_recomputed_hash_is_reported_at_the_next_seq)
{
	for (int i = 0; i < 4; i++)
		free(add_user("viewer"));
	long target = events_in_client() - 2;
	/* a careful forger also recomputes the altered event's own hash */
	free(sqlf("UPDATE audit_events e SET action = 'user.view',"
	          " hash = sha256(e.prev_hash || convert_to(audit_canonical("
	          "   ROW(e.tenant_id, e.seq, e.id, e.at, e.actor_id, 'user.view', e.entity_type,"
	          "   e.entity_id, e.before, e.after, e.request_id, e.prev_hash, "
	          "e.hash)::audit_events),"
	          "   'UTF8'))"
	          " WHERE tenant_id = '%s' AND seq = %ld",
	        client, target));
	json_t *v = verify();
	assert_break(v, target + 1, "prev_hash_mismatch");
	json_decref(v);
}
END_TEST

START_TEST(deleted_middle_event_is_reported_as_a_gap)
{
	for (int i = 0; i < 4; i++)
		free(add_user("viewer"));
	long target = events_in_client() / 2 + 1;
	free(sqlf("DELETE FROM audit_events WHERE tenant_id = '%s' AND seq = %ld", client, target));
	json_t *v = verify();
	assert_break(v, target, "seq_gap");
	json_decref(v);
}
END_TEST

START_TEST(deleted_newest_event_is_reported_as_a_head_mismatch)
{
	free(add_user("viewer"));
	long n = events_in_client();
	free(sqlf("DELETE FROM audit_events WHERE tenant_id = '%s' AND seq = %ld", client, n));
	json_t *v = verify();
	assert_break(v, n, "head_mismatch");
	json_decref(v);
}
END_TEST

START_TEST(verify_streams_long_chains_across_batches)
{
	/* 2500 events appended through audit_append in one transaction, as the benchmark
	 * loader does: more than two verification batches */
	free(sqlf("DO $$ BEGIN PERFORM set_config('app.tenant_id', '%s', true);"
	          " FOR i IN 1..2500 LOOP PERFORM audit_append('bulk.load', 'bulk', i::text, NULL,"
	          " jsonb_build_object('i', i)); END LOOP; END $$",
	        client));
	long n = events_in_client();
	ck_assert_int_ge(n, 2500);
	json_t *v = verify();
	ck_assert(json_is_true(json_object_get(v, "ok")));
	ck_assert_int_eq(json_integer_value(json_object_get(v, "checked")), n);
	json_decref(v);
	/* a change deep in the second batch is still found, at its seq */
	free(sqlf("UPDATE audit_events SET entity_id = 'x' WHERE tenant_id = '%s' AND seq = 1700",
	        client));
	v = verify();
	assert_break(v, 1700, "hash_mismatch");
	json_decref(v);
}
END_TEST

struct worker {
	int i;
	long status;
};

static void *mutate(void *arg)
{
	struct worker *w = arg;
	char body[256];
	snprintf(body, sizeof body,
	        "{\"email\":\"parallel-%d-%d@audit.example\",\"role\":\"viewer\"}", (int)getpid(),
	        w->i);
	const char *h[] = {tenant_hdr, NULL};
	struct th_resp r;
	th_req("POST", "/v1/users", op.token, body, h, &r);
	w->status = r.status;
	th_free(&r);
	return NULL;
}

START_TEST(parallel_mutations_keep_the_chain_valid)
{
	enum { N = 20 };
	long before = events_in_client();
	pthread_t t[N];
	struct worker w[N];
	for (int i = 0; i < N; i++) {
		w[i].i = i;
		pthread_create(&t[i], NULL, mutate, &w[i]);
	}
	for (int i = 0; i < N; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < N; i++)
		ck_assert_msg(w[i].status == 201, "request %d: %ld", i, w[i].status);
	long after = events_in_client();
	ck_assert_int_eq(after, before + N);
	/* one seq per event, no gap, no duplicate */
	char *max = sqlf("SELECT max(seq) = count(*) AND count(DISTINCT seq) = count(*)"
	                 " FROM audit_events WHERE tenant_id = '%s'",
	        client);
	ck_assert_str_eq(max, "t");
	free(max);
	json_t *v = verify();
	ck_assert(json_is_true(json_object_get(v, "ok")));
	ck_assert_int_eq(json_integer_value(json_object_get(v, "checked")), after);
	json_decref(v);
}
END_TEST

/* Run sql as the application role inside a transaction acting in the client tenant;
 * returns the SQLSTATE of the failure ("" on success). */
static void app_sql(PGconn *c, const char *sql, char state[6])
{
	char set[160];
	snprintf(set, sizeof set, "SELECT set_config('app.tenant_id', '%s', true)", client);
	PQclear(PQexec(c, "BEGIN"));
	PGresult *s = PQexec(c, set);
	ck_assert_int_eq(PQresultStatus(s), PGRES_TUPLES_OK);
	PQclear(s);
	PGresult *r = PQexec(c, sql);
	const char *st = PQresultErrorField(r, PG_DIAG_SQLSTATE);
	snprintf(state, 6, "%s", st ? st : "");
	PQclear(r);
	PQclear(PQexec(c, "ROLLBACK"));
}

START_TEST(application_role_cannot_rewrite_the_audit_trail)
{
	free(add_user("viewer"));
	const char *url = getenv("DATABASE_URL");
	ck_assert_ptr_nonnull(url);
	PGconn *c = PQconnectdb(url);
	ck_assert_msg(PQstatus(c) == CONNECTION_OK, "%s", PQerrorMessage(c));
	PGresult *who = PQexec(c, "SELECT current_user, rolbypassrls FROM pg_roles"
	                          " WHERE rolname = current_user");
	ck_assert_str_eq(PQgetvalue(who, 0, 0), "concord_app");
	ck_assert_str_eq(PQgetvalue(who, 0, 1), "f");
	PQclear(who);
	char st[6];
	/* control: the role reads its tenant's events */
	app_sql(c, "SELECT count(*) FROM audit_events", st);
	ck_assert_str_eq(st, "");
	static const char *const attempts[] = {
	        "UPDATE audit_events SET action = 'forged'",
	        "UPDATE audit_events SET after = NULL WHERE seq = 1",
	        "DELETE FROM audit_events",
	        "DELETE FROM audit_events WHERE seq = 1",
	        "TRUNCATE audit_events",
	        "INSERT INTO audit_events (tenant_id, seq, action, entity_type, prev_hash, hash)"
	        " SELECT tenant_id, seq + 1000, 'forged', 'x', hash, hash FROM audit_heads",
	        "UPDATE audit_heads SET seq = 0",
	        "DELETE FROM audit_heads",
	};
	for (size_t i = 0; i < sizeof attempts / sizeof attempts[0]; i++) {
		app_sql(c, attempts[i], st);
		ck_assert_msg(strcmp(st, "42501") == 0, "%s: sqlstate '%s'", attempts[i], st);
	}
	PQfinish(c);
	json_t *v = verify();
	ck_assert(json_is_true(json_object_get(v, "ok")));
	json_decref(v);
}
END_TEST

static Suite *audit_suite(void)
{
	Suite *s = suite_create("audit");
	TCase *tc = tcase_create("audit");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, mutation_records_before_after_actor_and_request_id);
	tcase_add_test(tc, filters_select_exactly_the_matching_events);
	tcase_add_test(tc, bad_filters_are_400_naming_the_parameter);
	tcase_add_test(tc, pagination_walks_newest_first_each_event_once);
	tcase_add_test(tc, verify_accepts_an_intact_chain);
	tcase_add_test(tc, superuser_update_is_reported_at_its_seq);
	tcase_add_test(tc, superuser_rewrite_with_recomputed_hash_is_reported_at_the_next_seq);
	tcase_add_test(tc, deleted_middle_event_is_reported_as_a_gap);
	tcase_add_test(tc, deleted_newest_event_is_reported_as_a_head_mismatch);
	tcase_add_test(tc, verify_streams_long_chains_across_batches);
	tcase_add_test(tc, parallel_mutations_keep_the_chain_valid);
	tcase_add_test(tc, application_role_cannot_rewrite_the_audit_trail);
	suite_add_tcase(s, tc);
	return s;
}

TH_MAIN(audit_suite)
