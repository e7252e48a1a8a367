/*
 * test_kpis.c - KPIs over HTTP: definition rules, append-only measurements dated within
 * the KPI's life, the kpi.aggregate worker job's exact figures on a crafted data set
 * (status, trend, missing periods; re-running gives one result), its daily schedule
 * set up with a tenant's first KPI, and the consultancy portfolio restricted to the
 * clients the caller is a member of.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "th.h"

static struct th_operator op;
static char client[37], tenant_hdr[80];

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

/* A request as token (NULL: the operator) in tenant (NULL: the client). */
static long call_as(const char *token, const char *tenant, const char *method, const char *path,
        const char *body, const char *if_match, struct th_resp *r)
{
	char im[64], th[80];
	snprintf(th, sizeof th, "X-Concord-Tenant: %s", tenant ? tenant : client);
	const char *h[3] = {th, NULL, NULL};
	if (if_match) {
		snprintf(im, sizeof im, "If-Match: \"%s\"", if_match);
		h[1] = im;
	}
	th_req(method, path, token ? token : op.token, body, h, r);
	return r->status;
}

static void refused(const char *method, const char *path, const char *body, const char *if_match,
        long status, const char *field)
{
	struct th_resp r;
	call_as(NULL, NULL, method, path, body, if_match, &r);
	ck_assert_msg(r.status == status, "%s %s: want %ld got %ld: %s", method, path, status,
	        r.status, r.body);
	if (field)
		ck_assert_msg(th_str(&r, "field") && strcmp(th_str(&r, "field"), field) == 0,
		        "want field %s: %s", field, r.body);
	th_free(&r);
}

static json_t *ok_in(const char *tenant, const char *method, const char *path, const char *body,
        const char *if_match, long want)
{
	struct th_resp r;
	call_as(NULL, tenant, method, path, body, if_match, &r);
	ck_assert_msg(r.status == want, "%s %s: want %ld got %ld: %s", method, path, want, r.status,
	        r.body);
	json_t *j = json_incref(r.json);
	th_free(&r);
	return j;
}

static json_t *ok(
        const char *method, const char *path, const char *body, const char *if_match, long want)
{
	return ok_in(NULL, method, path, body, if_match, want);
}

static char *sqlf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *sqlf(const char *fmt, ...)
{
	char q[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(q, sizeof q, fmt, ap);
	va_end(ap);
	return th_sql(q);
}

static long count_of(const char *table, const char *where)
{
	char *n =
	        sqlf("SELECT count(*) FROM %s WHERE tenant_id = '%s' AND %s", table, client, where);
	long v = atol(n);
	free(n);
	return v;
}

/* Remove the tenant's schedules (the first KPI schedules kpi.aggregate daily), so that
 * no scheduled run adds figures while a test counts them. */
static void unschedule(const char *tenant)
{
	free(sqlf("DELETE FROM schedules WHERE tenant_id = '%s'", tenant));
}

static const char *str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static long num(const json_t *o, const char *key)
{
	return (long)json_integer_value(json_object_get(o, key));
}

/* Create a KPI in tenant (NULL: the client) from its distinctive fields; returns its id. */
static char *kpi(const char *tenant, const char *fields)
{
	char body[1024];
	snprintf(body, sizeof body,
	        "{\"definition\": \"as defined in the KPI sheet\", \"owner_id\": \"%s\","
	        " \"source\": \"monthly report\", %s}",
	        op.user_id, fields);
	json_t *k = ok_in(tenant, "POST", "/v1/kpis", body, NULL, 201);
	char *id = strdup(str(k, "id"));
	json_decref(k);
	return id;
}

static void measure(const char *id, const char *on, const char *value)
{
	char path[96], body[160];
	snprintf(path, sizeof path, "/v1/kpis/%s/measurements", id);
	snprintf(body, sizeof body, "{\"measured_on\": \"%s\", \"value\": %s}", on, value);
	json_decref(ok("POST", path, body, NULL, 201));
}

START_TEST(kpi_definition_rules_name_the_field)
{
	char body[1024];
	static const struct {
		const char *fields;
		const char *field;
	} cases[] = {
	        {"\"name\": \"Patch\", \"unit\": \"%\", \"direction\": \"higher_better\", "
	         "\"target\": 95,"
	         " \"warning_threshold\": 97, \"critical_threshold\": 80, \"frequency\":"
	         " \"monthly\"",
	                "warning_threshold"},
	        {"\"name\": \"Patch\", \"unit\": \"%\", \"direction\": \"higher_better\", "
	         "\"target\": 95,"
	         " \"warning_threshold\": 90, \"critical_threshold\": 91, \"frequency\":"
	         " \"monthly\"",
	                "critical_threshold"},
	        {"\"name\": \"Incidents\", \"unit\": \"count\", \"direction\": \"lower_better\","
	         " \"target\": 2, \"warning_threshold\": 1, \"critical_threshold\": 10,"
	         " \"frequency\": \"monthly\"",
	                "warning_threshold"},
	        {"\"name\": \"Patch\", \"unit\": \"%\", \"direction\": \"higher_better\", "
	         "\"target\": 95,"
	         " \"warning_threshold\": 90, \"critical_threshold\": 80, \"frequency\": \"daily\"",
	                "frequency"},
	        {"\"name\": \"Patch\", \"unit\": \"%\", \"direction\": \"up\", \"target\": 95,"
	         " \"warning_threshold\": 90, \"critical_threshold\": 80, \"frequency\":"
	         " \"monthly\"",
	                "direction"},
	        {"\"name\": \"Patch\", \"direction\": \"higher_better\", \"target\": 95,"
	         " \"warning_threshold\": 90, \"critical_threshold\": 80, \"frequency\":"
	         " \"monthly\"",
	                "unit"},
	        {"\"name\": \"Patch\", \"unit\": \"%\", \"direction\": \"higher_better\", "
	         "\"target\": \"95\","
	         " \"warning_threshold\": 90, \"critical_threshold\": 80, \"frequency\":"
	         " \"monthly\"",
	                "target"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		snprintf(body, sizeof body,
		        "{\"definition\": \"d\", \"owner_id\": \"%s\", \"source\": \"s\", %s}",
		        op.user_id, cases[i].fields);
		refused("POST", "/v1/kpis", body, NULL, 400, cases[i].field);
	}
	refused("POST", "/v1/kpis",
	        "{\"name\": \"Patch\", \"definition\": \"d\", \"unit\": \"%\", \"direction\":"
	        " \"higher_better\", \"target\": 95, \"warning_threshold\": 90,"
	        " \"critical_threshold\": 80,"
	        " \"frequency\": \"monthly\", \"owner_id\":"
	        " \"0b1e5b0e-3c0c-4c83-9d0f-2a1f3c4d5e6f\","
	        " \"source\": \"s\"}",
	        NULL, 400, "owner_id");
	snprintf(body, sizeof body,
	        "{\"name\": \"Patch\", \"definition\": \"d\", \"unit\": \"%%\", \"direction\":"
	        " \"higher_better\", \"target\": 95, \"warning_threshold\": 90,"
	        " \"critical_threshold\": 80,"
	        " \"frequency\": \"monthly\", \"owner_id\": \"%s\"}",
	        op.user_id);
	refused("POST", "/v1/kpis", body, NULL, 400, "source");
	ck_assert_int_eq(count_of("kpis", "true"), 0);
	char *id =
	        kpi(NULL, "\"name\": \"Patch\", \"unit\": \"%\", \"direction\": \"higher_better\","
	                  " \"target\": 95.5, \"warning_threshold\": 90,"
	                  " \"critical_threshold\": 80,"
	                  " \"frequency\": \"monthly\"");
	char path[96];
	snprintf(path, sizeof path, "/v1/kpis/%s", id);
	json_t *k = ok("GET", path, NULL, NULL, 200);
	ck_assert_str_eq(str(k, "ref"), "KPI-001");
	ck_assert(json_real_value(json_object_get(k, "target")) == 95.5);
	json_decref(k);
	/* an update is checked against the merged thresholds */
	refused("PATCH", path, "{\"warning_threshold\": 96}", "1", 400, "warning_threshold");
	k = ok("PATCH", path, "{\"warning_threshold\": 92}", "1", 200);
	ck_assert_int_eq(num(k, "version"), 2);
	json_decref(k);
	/* a KPI that was never measured can be deleted */
	json_decref(ok("DELETE", path, NULL, "2", 204));
	ck_assert_int_eq(count_of("kpis", "true"), 0);
	ck_assert_int_eq(count_of("audit_events", "entity_type = 'kpi'"), 3);
	free(id);
}
END_TEST

START_TEST(measurements_are_append_only_and_dated_within_the_kpis_life)
{
	char *id = kpi(NULL, "\"name\": \"Phishing click rate\", \"unit\": \"%\", \"direction\":"
	                     " \"lower_better\", \"target\": 3, \"warning_threshold\": 5,"
	                     " \"critical_threshold\": 10, \"frequency\": \"quarterly\","
	                     " \"start_date\": \"2020-01-01\"");
	char path[128], body[160];
	snprintf(path, sizeof path, "/v1/kpis/%s/measurements", id);
	char *tomorrow = th_sql("SELECT (current_date + 1)::text");
	snprintf(body, sizeof body, "{\"measured_on\": \"%s\", \"value\": 4}", tomorrow);
	free(tomorrow);
	refused("POST", path, body, NULL, 422, "measured_on");
	refused("POST", path, "{\"measured_on\": \"2019-12-31\", \"value\": 4}", NULL, 422,
	        "measured_on");
	refused("POST", path, "{\"measured_on\": \"2020-02-01\", \"value\": \"four\"}", NULL, 400,
	        "value");
	refused("POST", path, "{\"measured_on\": \"2020-02-30\", \"value\": 4}", NULL, 400,
	        "measured_on");
	ck_assert_int_eq(count_of("kpi_measurements", "true"), 0);
	json_t *m = ok("POST", path,
	        "{\"measured_on\": \"2020-02-01\", \"value\": 4.2, \"note\":"
	        " \"campaign of 120 mails\"}",
	        NULL, 201);
	ck_assert(json_real_value(json_object_get(m, "value")) == 4.2);
	ck_assert_str_eq(str(m, "recorded_by"), op.user_id);
	json_decref(m);
	m = ok("GET", path, NULL, NULL, 200);
	ck_assert_int_eq(json_array_size(json_object_get(m, "items")), 1);
	json_decref(m);
	/* measurements cannot be changed, and a measured KPI is retired, not deleted */
	refused("PATCH", path, "{}", "1", 405, NULL);
	char kpath[96];
	snprintf(kpath, sizeof kpath, "/v1/kpis/%s", id);
	refused("DELETE", kpath, NULL, "1", 409, "id");
	json_decref(ok("PATCH", kpath, "{\"active\": false}", "1", 200));
	refused("POST", path, "{\"measured_on\": \"2020-03-01\", \"value\": 4}", NULL, 422, "id");
	ck_assert_int_eq(count_of("kpi_measurements", "true"), 1);
	ck_assert_int_eq(count_of("audit_events", "action = 'kpi.measure'"), 1);
	free(id);
}
END_TEST

static json_t *run_aggregation(const char *as_of)
{
	char body[64];
	snprintf(body, sizeof body, "{\"as_of\": \"%s\"}", as_of);
	json_t *job = ok("POST", "/v1/kpis/aggregate", body, NULL, 202);
	char path[96];
	snprintf(path, sizeof path, "/v1/jobs/%s", str(job, "id"));
	json_decref(job);
	const char *h[] = {tenant_hdr, NULL};
	ck_assert_msg(th_wait_json(path, op.token, h, "state", "succeeded", 60),
	        "kpi.aggregate did not succeed");
	json_t *j = ok("GET", path, NULL, NULL, 200);
	json_t *result = json_incref(json_object_get(j, "result"));
	json_decref(j);
	return result;
}

START_TEST(aggregation_job_gives_exact_figures_on_a_crafted_data_set)
{
	/* monthly, higher is better: Jan..Jun 2020 are due on 15 July; March and June have
	 * no value; the April correction (90, recorded after 88) counts */
	char *k1 = kpi(NULL, "\"ref\": \"K1\", \"name\": \"Patch compliance\", \"unit\": \"%\","
	                     " \"direction\": \"higher_better\", \"target\": 95,"
	                     " \"warning_threshold\": 90,"
	                     " \"critical_threshold\": 80, \"frequency\": \"monthly\","
	                     " \"start_date\": \"2020-01-10\"");
	unschedule(client);
	measure(k1, "2020-01-31", "80");
	measure(k1, "2020-02-15", "85");
	measure(k1, "2020-04-10", "88");
	measure(k1, "2020-04-20", "90");
	measure(k1, "2020-05-31", "92");
	measure(k1, "2020-07-05", "99");
	/* quarterly, lower is better: Q1 and Q2 due, both measured; 3 -> 4 deteriorates */
	char *k2 =
	        kpi(NULL, "\"ref\": \"K2\", \"name\": \"Security incidents\", \"unit\": \"count\","
	                  " \"direction\": \"lower_better\", \"target\": 2,"
	                  " \"warning_threshold\": 5,"
	                  " \"critical_threshold\": 10, \"frequency\": \"quarterly\","
	                  " \"start_date\": \"2020-01-01\"");
	measure(k2, "2020-02-01", "3");
	measure(k2, "2020-05-01", "4");
	/* weekly from Monday 1 June: six weeks due by Wednesday 15 July, none measured */
	char *k3 =
	        kpi(NULL, "\"ref\": \"K3\", \"name\": \"Model drift reviews\", \"unit\": \"count\","
	                  " \"direction\": \"higher_better\", \"target\": 1,"
	                  " \"warning_threshold\": 1,"
	                  " \"critical_threshold\": 0, \"frequency\": \"weekly\","
	                  " \"applies_to\": \"aims\","
	                  " \"start_date\": \"2020-06-01\"");
	/* a retired KPI is left out */
	free(kpi(NULL, "\"ref\": \"K4\", \"name\": \"Old\", \"unit\": \"count\", \"direction\":"
	               " \"higher_better\", \"target\": 1, \"warning_threshold\": 1,"
	               " \"critical_threshold\": 0, \"frequency\": \"annual\", \"active\": false,"
	               " \"start_date\": \"2015-01-01\""));
	json_t *res = run_aggregation("2020-07-15");
	ck_assert_str_eq(str(res, "as_of"), "2020-07-15");
	ck_assert_int_eq(num(res, "kpis"), 3);
	ck_assert_int_eq(num(res, "ok"), 2);
	ck_assert_int_eq(num(res, "warning"), 0);
	ck_assert_int_eq(num(res, "critical"), 0);
	ck_assert_int_eq(num(res, "no_data"), 1);
	ck_assert_int_eq(num(res, "target_met"), 1);
	ck_assert_int_eq(num(res, "improving"), 1);
	ck_assert_int_eq(num(res, "deteriorating"), 1);
	ck_assert_int_eq(num(res, "insufficient_data"), 1);
	ck_assert_int_eq(num(res, "periods_due"), 6 + 2 + 6);
	ck_assert_int_eq(num(res, "missing_periods"), 2 + 0 + 6);
	json_decref(res);
	char path[96];
	snprintf(path, sizeof path, "/v1/kpis/%s", k1);
	json_t *k = ok("GET", path, NULL, NULL, 200);
	json_t *s = json_object_get(k, "status");
	ck_assert_str_eq(str(s, "status"), "ok");
	ck_assert(json_is_true(json_object_get(s, "target_met")));
	ck_assert_int_eq(num(s, "latest_value"), 99);
	ck_assert_str_eq(str(s, "latest_period"), "2020-07-01");
	ck_assert_str_eq(str(s, "trend"), "improving");
	ck_assert_double_eq_tol(json_number_value(json_object_get(s, "slope")), 144.0 / 52.0, 1e-9);
	ck_assert_int_eq(num(s, "periods_due"), 6);
	json_t *miss = json_object_get(s, "missing_periods");
	ck_assert_int_eq(json_array_size(miss), 2);
	ck_assert_str_eq(json_string_value(json_array_get(miss, 0)), "2020-03-01");
	ck_assert_str_eq(json_string_value(json_array_get(miss, 1)), "2020-06-01");
	json_decref(k);
	snprintf(path, sizeof path, "/v1/kpis/%s", k2);
	k = ok("GET", path, NULL, NULL, 200);
	s = json_object_get(k, "status");
	ck_assert_str_eq(str(s, "status"), "ok");
	ck_assert(json_is_false(json_object_get(s, "target_met")));
	ck_assert_str_eq(str(s, "trend"), "deteriorating");
	ck_assert_int_eq(num(s, "missing_count"), 0);
	json_decref(k);
	json_t *st = ok("GET", "/v1/kpis/status", NULL, NULL, 200);
	json_t *sum = json_object_get(st, "summary");
	ck_assert_int_eq(num(sum, "kpis"), 3);
	ck_assert_int_eq(num(sum, "ok"), 2);
	ck_assert_int_eq(num(sum, "no_data"), 1);
	ck_assert_int_eq(num(sum, "not_computed"), 0);
	ck_assert_int_eq(num(sum, "missing_periods"), 8);
	ck_assert_str_eq(str(sum, "as_of"), "2020-07-15");
	json_t *items = json_object_get(st, "items");
	ck_assert_int_eq(json_array_size(items), 3);
	ck_assert_str_eq(str(json_array_get(items, 2), "ref"), "K3");
	ck_assert_str_eq(str(json_array_get(items, 2), "status"), "no_data");
	ck_assert_int_eq(num(json_array_get(items, 2), "missing_count"), 6);
	json_decref(st);
	/* running it again for the same date leaves one snapshot per KPI */
	json_decref(run_aggregation("2020-07-15"));
	ck_assert_int_eq(count_of("kpi_snapshots", "as_of = '2020-07-15'"), 3);
	ck_assert_int_eq(count_of("audit_events", "action = 'kpi.aggregate'"), 2);
	free(k1);
	free(k2);
	free(k3);
}
END_TEST

START_TEST(the_first_kpi_schedules_the_aggregation_for_the_tenant)
{
	json_t *s = ok("GET", "/v1/schedules?job_type=kpi.aggregate", NULL, NULL, 200);
	ck_assert_int_eq(json_array_size(json_object_get(s, "items")), 0);
	json_decref(s);
	free(kpi(NULL, "\"name\": \"A\", \"unit\": \"%\", \"direction\": \"higher_better\","
	               " \"target\": 95, \"warning_threshold\": 90, \"critical_threshold\": 80,"
	               " \"frequency\": \"monthly\""));
	s = ok("GET", "/v1/schedules?job_type=kpi.aggregate", NULL, NULL, 200);
	json_t *items = json_object_get(s, "items");
	ck_assert_int_eq(json_array_size(items), 1);
	ck_assert_str_eq(str(json_array_get(items, 0), "cron"), "15 3 * * *");
	ck_assert(json_is_true(json_object_get(json_array_get(items, 0), "enabled")));
	char path[96];
	snprintf(path, sizeof path, "/v1/schedules/%s", str(json_array_get(items, 0), "id"));
	json_decref(s);
	/* the tenant may remove it: a later KPI does not bring it back */
	json_decref(ok("DELETE", path, NULL, "1", 204));
	free(kpi(NULL, "\"name\": \"B\", \"unit\": \"%\", \"direction\": \"higher_better\","
	               " \"target\": 95, \"warning_threshold\": 90, \"critical_threshold\": 80,"
	               " \"frequency\": \"monthly\""));
	s = ok("GET", "/v1/schedules?job_type=kpi.aggregate", NULL, NULL, 200);
	ck_assert_int_eq(json_array_size(json_object_get(s, "items")), 0);
	json_decref(s);
	ck_assert_int_eq(count_of("audit_events", "action = 'schedule.create'"), 1);
	/* and schedule it again, its own way */
	s = ok("POST", "/v1/schedules",
	        "{\"job_type\": \"kpi.aggregate\", \"cron\": \"0 6 * * 1\"}", NULL, 201);
	ck_assert_str_eq(str(s, "job_type"), "kpi.aggregate");
	json_decref(s);
	refused("POST", "/v1/kpis/aggregate", "{\"as_of\": \"15/07/2020\"}", NULL, 400, "as_of");
	refused("POST", "/v1/kpis/aggregate", "{\"since\": \"2020-01-01\"}", NULL, 400, "since");
}
END_TEST

START_TEST(portfolio_shows_only_clients_the_caller_is_a_member_of)
{
	char other[37];
	th_new_client(&op, other);
	free(kpi(NULL, "\"name\": \"A1\", \"unit\": \"%\", \"direction\": \"higher_better\","
	               " \"target\": 95, \"warning_threshold\": 90, \"critical_threshold\": 80,"
	               " \"frequency\": \"monthly\""));
	free(kpi(NULL, "\"name\": \"A2\", \"unit\": \"%\", \"direction\": \"higher_better\","
	               " \"target\": 95, \"warning_threshold\": 90, \"critical_threshold\": 80,"
	               " \"frequency\": \"monthly\""));
	free(kpi(other, "\"name\": \"B1\", \"unit\": \"%\", \"direction\": \"higher_better\","
	                "\"target\": 95, \"warning_threshold\": 90, \"critical_threshold\": 80,"
	                " \"frequency\": \"monthly\""));
	unschedule(client);
	unschedule(other);
	/* a consultant of the consultancy, assigned to the first client only */
	char body[300], email[160], path[160];
	snprintf(email, sizeof email, "pf-%s@%s.example", th_unique(), op.slug);
	snprintf(body, sizeof body,
	        "{\"email\": \"%s\", \"password\": \"portfolio-password-1\", \"role\":"
	        " \"consultant\"}",
	        email);
	json_t *u = ok_in(op.tenant_id, "POST", "/v1/users", body, NULL, 201);
	snprintf(path, sizeof path, "/v1/tenants/%s/assignments/%s", client, str(u, "id"));
	json_decref(u);
	json_decref(ok_in(op.tenant_id, "PUT", path, "{\"role\": \"consultant\"}", NULL, 200));
	char *token = th_login(email, "portfolio-password-1", op.slug);
	ck_assert_ptr_nonnull(token);

	struct th_resp r;
	call_as(token, op.tenant_id, "GET", "/v1/portfolio/kpis", NULL, NULL, &r);
	ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
	ck_assert_int_eq(num(r.json, "clients"), 1);
	json_t *items = json_object_get(r.json, "items");
	ck_assert_int_eq(json_array_size(items), 1);
	ck_assert_str_eq(str(json_array_get(items, 0), "tenant_id"), client);
	ck_assert_str_eq(str(json_array_get(items, 0), "role"), "consultant");
	ck_assert_int_eq(num(json_object_get(json_array_get(items, 0), "kpis"), "kpis"), 2);
	ck_assert_int_eq(num(json_object_get(r.json, "totals"), "kpis"), 2);
	ck_assert_ptr_null(strstr(r.body, other));
	th_free(&r);
	/* the operator is a member of both */
	call_as(NULL, op.tenant_id, "GET", "/v1/portfolio/kpis", NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_int_eq(num(r.json, "clients"), 2);
	ck_assert_int_eq(num(json_object_get(r.json, "totals"), "kpis"), 3);
	ck_assert_int_eq(num(json_object_get(r.json, "totals"), "not_computed"), 3);
	th_free(&r);
	call_as(NULL, op.tenant_id, "GET", "/v1/portfolio/risks", NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_int_eq(num(r.json, "included"), 2);
	ck_assert_int_eq(
	        num(json_object_get(json_array_get(json_object_get(r.json, "items"), 0), "risks"),
	                "open_risks"),
	        0);
	th_free(&r);
	/* another consultancy sees none of them; a client tenant has no portfolio */
	struct th_operator stranger;
	th_new_operator(&stranger);
	th_req("GET", "/v1/portfolio/kpis", stranger.token, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_int_eq(num(r.json, "clients"), 0);
	ck_assert_ptr_null(strstr(r.body, client));
	th_free(&r);
	th_operator_free(&stranger);
	char *lead = th_new_user(&op, client, "isms_lead", NULL, 0);
	th_req("GET", "/v1/portfolio/kpis", lead, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 403);
	th_free(&r);
	free(lead);
	free(token);
}
END_TEST

static Suite *kpis_suite(void)
{
	Suite *s = suite_create("kpis");
	TCase *tc = tcase_create("kpis");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, kpi_definition_rules_name_the_field);
	tcase_add_test(tc, measurements_are_append_only_and_dated_within_the_kpis_life);
	tcase_add_test(tc, aggregation_job_gives_exact_figures_on_a_crafted_data_set);
	tcase_add_test(tc, the_first_kpi_schedules_the_aggregation_for_the_tenant);
	tcase_add_test(tc, portfolio_shows_only_clients_the_caller_is_a_member_of);
	suite_add_tcase(s, tc);
	return s;
}

TH_MAIN(kpis_suite)
