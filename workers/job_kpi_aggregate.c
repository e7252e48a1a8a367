/*
 * job_kpi_aggregate.c - the job type "kpi.aggregate": for every active KPI of the
 * tenant, the status of its latest value against the thresholds, its trend and the
 * reporting periods without a measurement (domain/kpi.c), stored as the KPI's snapshot
 * for the as-of date (kpi_snapshots). A tenant runs it on demand (POST
 * /v1/kpis/aggregate) or on a schedule (POST /v1/schedules, job_type "kpi.aggregate").
 *
 * Payload: {} (as of today) or {"as_of": "YYYY-MM-DD"}. Result: the as-of date and the
 * counts: kpis, ok, warning, critical, no_data, target_met, improving, stable,
 * deteriorating, insufficient_data, periods_due, missing_periods. Snapshots are
 * upserted by (KPI, as-of date), so a job that runs twice leaves one result; an audit
 * event records the run in the job's transaction.
 *
 * Runs on the worker thread that claimed the job, in its transaction (app.tenant_id =
 * the job's tenant).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "job.h"
#include "jsonv.h"
#include "kpi.h"

static const char today_sql[] = "SELECT current_date::text";
/* Measurements in recording order: a later recording for a period supersedes. */
static const char kpis_sql[] =
        "SELECT k.id, k.direction, k.target::float8, k.warning_threshold::float8,"
        " k.critical_threshold::float8, k.frequency, k.start_date::text,"
        " coalesce((SELECT jsonb_agg(jsonb_build_array(m.measured_on, m.value::float8)"
        "   ORDER BY m.created_at, m.id) FROM kpi_measurements m"
        "   WHERE m.tenant_id = k.tenant_id AND m.kpi_id = k.id), '[]')"
        " FROM kpis k WHERE k.active ORDER BY k.ref, k.id";
static const char upsert_sql[] =
        "INSERT INTO kpi_snapshots (tenant_id, kpi_id, as_of, status, target_met, latest_value,"
        " latest_period, trend, slope, periods_due, missing_count, missing_periods, job_id)"
        " VALUES (app_tenant(), $1, $2::date, $3, $4::boolean, $5::numeric, $6::date, $7,"
        " $8::float8, $9::int, $10::int, $11::jsonb, $12::uuid)"
        " ON CONFLICT (tenant_id, kpi_id, as_of) DO UPDATE SET status = EXCLUDED.status,"
        " target_met = EXCLUDED.target_met, latest_value = EXCLUDED.latest_value,"
        " latest_period = EXCLUDED.latest_period, trend = EXCLUDED.trend, slope = EXCLUDED.slope,"
        " periods_due = EXCLUDED.periods_due, missing_count = EXCLUDED.missing_count,"
        " missing_periods = EXCLUDED.missing_periods, job_id = EXCLUDED.job_id,"
        " computed_at = now()";
static const char audit_sql[] = "SELECT audit_append('kpi.aggregate', 'job', $1, NULL, $2::jsonb)";

static const struct jv_field payload_fields[] = {
        {"as_of", JV_DATE, 0},
        {NULL},
};

static void count(json_t *res, const char *key)
{
	json_object_set_new(
	        res, key, json_integer(json_integer_value(json_object_get(res, key)) + 1));
}

/* Evaluate one KPI row and store its snapshot. */
static int one(PGconn *c, struct arena *a, const PGresult *rows, int i, long as_of_day,
        const char *as_of, const char *job_id, json_t *res, struct err *e)
{
	struct kpi_def d;
	d.dir = strcmp(PQgetvalue(rows, i, 1), "higher_better") == 0 ? KPI_HIGHER_BETTER
	                                                             : KPI_LOWER_BETTER;
	d.target = strtod(PQgetvalue(rows, i, 2), NULL);
	d.warning = strtod(PQgetvalue(rows, i, 3), NULL);
	d.critical = strtod(PQgetvalue(rows, i, 4), NULL);
	if (kpi_freq_parse(PQgetvalue(rows, i, 5), &d.freq) ||
	        kpi_date_parse(PQgetvalue(rows, i, 6), &d.start))
		return err_set(e, ERR_INTERNAL, NULL, "stored KPI %s is malformed",
		        PQgetvalue(rows, i, 0));
	const json_t *ms = db_json(a, rows, i, 7);
	int n = (int)json_array_size(ms);
	struct kpi_point *pts = arena_alloc(a, sizeof *pts * (size_t)(n ? n : 1));
	for (int k = 0; k < n; k++) {
		const json_t *m = json_array_get(ms, (size_t)k);
		if (kpi_date_parse(json_string_value(json_array_get(m, 0)), &pts[k].day))
			return err_set(
			        e, ERR_INTERNAL, NULL, "stored measurement date is malformed");
		pts[k].value = json_number_value(json_array_get(m, 1));
	}
	struct kpi_result r;
	kpi_evaluate(&d, pts, n, as_of_day, &r);
	json_t *missing = json_array();
	char day[11];
	for (int k = 0; k < r.nmissing; k++) {
		kpi_date_format(r.missing[k], day);
		json_array_append_new(missing, json_string(day));
	}
	char *mtext = json_dumps(missing, JSON_COMPACT);
	json_decref(missing);
	char latest[11] = "";
	if (r.has_value)
		kpi_date_format(r.latest_period, latest);
	const char *p[] = {PQgetvalue(rows, i, 0), as_of, r.status,
	        r.has_value ? (r.target_met ? "true" : "false") : NULL,
	        r.has_value ? arena_printf(a, "%.15g", r.latest_value) : NULL,
	        r.has_value ? latest : NULL, r.trend,
	        r.has_slope ? arena_printf(a, "%.17g", r.slope) : NULL,
	        arena_printf(a, "%d", r.periods_due), arena_printf(a, "%d", r.missing_count), mtext,
	        job_id};
	PGresult *u = db_execv(c, a, e, upsert_sql, 12, p);
	free(mtext);
	if (!u)
		return -1;
	count(res, r.status);
	count(res, r.trend);
	if (r.has_value && r.target_met)
		count(res, "target_met");
	json_object_set_new(res, "periods_due",
	        json_integer(
	                json_integer_value(json_object_get(res, "periods_due")) + r.periods_due));
	json_object_set_new(res, "missing_periods",
	        json_integer(json_integer_value(json_object_get(res, "missing_periods")) +
	                     r.missing_count));
	return 0;
}

/* Evaluate every active KPI as of as_of (NULL: today) and store the snapshots. */
static int aggregate(PGconn *c, struct arena *a, const char *as_of, const char *job_id,
        json_t **result, struct err *e)
{
	long as_of_day;
	if (!as_of) {
		PGresult *t = db_exec(c, a, e, today_sql, 0);
		if (!t)
			return -1;
		as_of = PQgetvalue(t, 0, 0);
	}
	if (kpi_date_parse(as_of, &as_of_day))
		return err_set(e, ERR_INVALID, "payload.as_of", "must be a date (YYYY-MM-DD)");
	PGresult *rows = db_exec(c, a, e, kpis_sql, 0);
	if (!rows)
		return -1;
	json_t *res = json_pack("{s:s, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i}",
	        "as_of", as_of, "kpis", PQntuples(rows), "ok", 0, "warning", 0, "critical", 0,
	        "no_data", 0, "target_met", 0, "improving", 0, "stable", 0, "deteriorating", 0,
	        "insufficient_data", 0, "periods_due", 0, "missing_periods", 0);
	for (int i = 0; i < PQntuples(rows); i++)
		if (one(c, a, rows, i, as_of_day, as_of, job_id, res, e)) {
			json_decref(res);
			return -1;
		}
	*result = res;
	return 0;
}

static int kpi_aggregate_run(
        struct job_ctx *ctx, const json_t *payload, json_t **result, struct err *e)
{
	json_t *res = NULL;
	if (jv_check(payload, payload_fields, e)) {
		char field[sizeof e->field];
		snprintf(field, sizeof field, "payload.%.100s", e->field);
		memcpy(e->field, field, sizeof field);
		return -1;
	}
	if (aggregate(ctx->db, ctx->arena, jv_str(payload, "as_of"), ctx->job_id, &res, e))
		return -1;
	char *text = json_dumps(res, JSON_COMPACT);
	PGresult *a = db_exec(ctx->db, ctx->arena, e, audit_sql, 2, ctx->job_id, text);
	free(text);
	if (!a) {
		json_decref(res);
		return -1;
	}
	*result = res;
	return 0;
}

const struct job_type job_kpi_aggregate = {"kpi.aggregate", kpi_aggregate_run};
