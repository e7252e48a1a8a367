/*
 * kpis.c - key performance indicators (ISO/IEC 27001 and 42001 clause 9.1) and their
 * measurements.
 *
 *   /v1/kpis[/{id}]                   definition, unit, direction, target and
 *                                     thresholds, frequency, owner, source
 *   GET  /v1/kpis/{id}/measurements   values recorded over time (append-only)
 *   POST /v1/kpis/{id}/measurements   record a value
 *   GET  /v1/kpis/status              the latest computed status of every active KPI
 *   POST /v1/kpis/aggregate           enqueue the job kpi.aggregate (202)
 *
 * Status, trend and missing periods are computed by the kpi.aggregate job
 * (workers/job_kpi_aggregate.c, domain/kpi.c). Defining the tenant's first KPI also
 * schedules that job daily (KPI_SCHEDULE, UTC) unless the tenant already has a
 * kpi.aggregate schedule; the tenant changes or removes it under /v1/schedules, and
 * runs the job on demand with POST /v1/kpis/aggregate. A KPI with measurements
 * is never deleted - it is retired (active = false) so its history stays. Every
 * mutation is audited in the request transaction.
 *
 * Handlers run on the server's pool threads inside the request transaction; memory
 * is the request arena.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api.h"
#include "cron.h"
#include "db.h"
#include "jsonv.h"
#include "kpi.h"
#include "queue.h"
#include "util.h"

static const char kpi_get_sql[] = "SELECT kpi_doc(k) FROM kpis k WHERE k.id = $1";
static const char kpi_list_sql[] =
        "WITH ids AS (SELECT id FROM kpis k"
        " WHERE ($1::boolean IS NULL OR k.active = $1) AND ($2::text IS NULL OR k.applies_to = $2)"
        "   AND ($3::text IS NULL OR (k.ref, k.id) > ($3, $4::uuid))"
        " ORDER BY k.ref, k.id LIMIT $5)"
        " SELECT coalesce(jsonb_agg(kpi_doc(k) ORDER BY k.ref, k.id), '[]')"
        " FROM kpis k JOIN ids ON ids.id = k.id";
static const char kpi_next_ref_sql[] =
        "SELECT 'KPI-' || lpad((coalesce(max(substring(ref FROM '^KPI-([0-9]+)$')::int), 0) + 1)"
        "::text, 3, '0') FROM kpis";
static const char kpi_insert_sql[] =
        "INSERT INTO kpis (tenant_id, ref, name, definition, unit, direction, target,"
        " warning_threshold, critical_threshold, frequency, owner_id, source, applies_to,"
        " start_date, active) VALUES (app_tenant(), $1, $2, $3, $4, $5, $6::numeric, $7::numeric,"
        " $8::numeric, $9, $10::uuid, $11, coalesce($12, 'both'),"
        " coalesce($13::date, current_date),"
        " coalesce($14::boolean, true)) RETURNING id";
static const char kpi_update_sql[] =
        "UPDATE kpis SET ref = $3, name = $4, definition = $5, unit = $6, direction = $7,"
        " target = $8::numeric, warning_threshold = $9::numeric, critical_threshold = $10::numeric,"
        " frequency = $11, owner_id = $12::uuid, source = $13, applies_to = $14,"
        " start_date = $15::date, active = $16::boolean, version = version + 1, updated_at = now()"
        " WHERE id = $1 AND version = $2::int";
static const char kpi_delete_sql[] =
        "DELETE FROM kpis WHERE id = $1 AND version = $2::int"
        " AND NOT EXISTS (SELECT 1 FROM kpi_measurements m WHERE m.kpi_id = $1)";
static const char kpi_measured_sql[] = "SELECT count(*) FROM kpi_measurements WHERE kpi_id = $1";

#define MEASUREMENT_JSON                                                                           \
	"jsonb_build_object('id', m.id, 'kpi_id', m.kpi_id, 'measured_on', m.measured_on,   \
	'value', m.value, 'note', m.note, 'recorded_by', m.recorded_by, 'recorded_by_name',  \
	user_label(m.recorded_by), 'created_at', m.created_at)"
static const char measurement_list_sql[] =
        "SELECT coalesce(jsonb_agg(j ORDER BY j->>'measured_on', (j->>'created_at')::timestamptz,"
        " j->>'id'), '[]') FROM (SELECT " MEASUREMENT_JSON " AS j FROM kpi_measurements m"
        " WHERE m.kpi_id = $1 AND ($2::date IS NULL OR m.measured_on >= $2::date)"
        "   AND ($3::date IS NULL OR m.measured_on <= $3::date)"
        "   AND ($4::date IS NULL OR (m.measured_on, m.created_at, m.id) >"
        "     ($4::date, $5::timestamptz, $6::uuid))"
        " ORDER BY m.measured_on, m.created_at, m.id LIMIT $7) s";
static const char measurement_insert_sql[] =
        "INSERT INTO kpi_measurements AS m (tenant_id, kpi_id, measured_on, value, note,"
        " recorded_by) VALUES (app_tenant(), $1, $2::date, $3::numeric, coalesce($4, ''), $5::uuid)"
        " RETURNING " MEASUREMENT_JSON;
static const char measurement_check_sql[] =
        "SELECT active, $2::date < start_date, $2::date > current_date FROM kpis WHERE id = $1";

static const char status_sql[] =
        "SELECT jsonb_build_object('summary', kpi_summary(), 'items', coalesce((SELECT"
        " jsonb_agg(jsonb_build_object('id', k.id, 'ref', k.ref, 'name', k.name, 'unit', k.unit,"
        " 'direction', k.direction, 'target', k.target, 'status', s.status, 'target_met',"
        " s.target_met, 'latest_value', s.latest_value, 'latest_period', s.latest_period,"
        " 'trend', s.trend, 'missing_count', s.missing_count, 'as_of', s.as_of)"
        " ORDER BY k.ref, k.id) FROM kpis k LEFT JOIN LATERAL (SELECT * FROM kpi_snapshots x"
        "  WHERE x.tenant_id = k.tenant_id AND x.kpi_id = k.id ORDER BY x.as_of DESC LIMIT 1) s"
        "  ON true WHERE k.active), '[]'))";

/* The daily run scheduled with the first KPI: 03:15 UTC, after the day's measurements. */
#define KPI_SCHEDULE "15 3 * * *"

static const char first_kpi_sql[] =
        "SELECT count(*) = 1 AND NOT EXISTS (SELECT 1 FROM schedules"
        "  WHERE job_type = 'kpi.aggregate'), extract(epoch FROM now())::bigint FROM kpis";
static const char schedule_insert_sql[] =
        "INSERT INTO schedules AS s (tenant_id, job_type, cron, payload, next_run_at)"
        " VALUES (app_tenant(), 'kpi.aggregate', $1, '{}', to_timestamp($2::bigint))"
        " RETURNING jsonb_build_object('id', s.id, 'job_type', s.job_type, 'cron', s.cron,"
        " 'payload', s.payload, 'enabled', s.enabled, 'next_run_at', s.next_run_at)";

static const char *const directions[] = {"higher_better", "lower_better", NULL};
static const char *const frequencies[] = {
        "weekly", "monthly", "quarterly", "semiannual", "annual", NULL};
static const char *const applies[] = {"isms", "aims", "both", NULL};

static const struct jv_field kpi_fields[] = {
        {"ref", JV_STRING, 0, .max = 40},
        {"name", JV_STRING, JV_REQUIRED, .max = 200},
        {"definition", JV_STRING, JV_REQUIRED, .max = 4000},
        {"unit", JV_STRING, JV_REQUIRED, .max = 40},
        {"direction", JV_ENUM, JV_REQUIRED, .values = directions},
        {"target", JV_NUMBER, JV_REQUIRED},
        {"warning_threshold", JV_NUMBER, JV_REQUIRED},
        {"critical_threshold", JV_NUMBER, JV_REQUIRED},
        {"frequency", JV_ENUM, JV_REQUIRED, .values = frequencies},
        {"owner_id", JV_UUID, JV_REQUIRED},
        {"source", JV_STRING, JV_REQUIRED, .max = 300},
        {"applies_to", JV_ENUM, 0, .values = applies},
        {"start_date", JV_DATE, 0},
        {"active", JV_BOOL, 0},
        {NULL},
};
static const struct jv_field kpi_patch_fields[] = {
        {"ref", JV_STRING, 0, .max = 40},
        {"name", JV_STRING, 0, .max = 200},
        {"definition", JV_STRING, 0, .max = 4000},
        {"unit", JV_STRING, 0, .max = 40},
        {"direction", JV_ENUM, 0, .values = directions},
        {"target", JV_NUMBER, 0},
        {"warning_threshold", JV_NUMBER, 0},
        {"critical_threshold", JV_NUMBER, 0},
        {"frequency", JV_ENUM, 0, .values = frequencies},
        {"owner_id", JV_UUID, 0},
        {"source", JV_STRING, 0, .max = 300},
        {"applies_to", JV_ENUM, 0, .values = applies},
        {"start_date", JV_DATE, 0},
        {"active", JV_BOOL, 0},
        {NULL},
};
static const struct jv_field measurement_fields[] = {
        {"measured_on", JV_DATE, JV_REQUIRED},
        {"value", JV_NUMBER, JV_REQUIRED},
        {"note", JV_TEXT, 0, .max = 2000},
        {NULL},
};
static const struct jv_field aggregate_fields[] = {
        {"as_of", JV_DATE, 0},
        {NULL},
};

static const char *const kpi_query[] = {"limit", "active", "applies_to", NULL};
static const char *const measurement_query[] = {"limit", "from", "to", NULL};

static const char *version_text(struct req *r, const json_t *doc)
{
	return arena_printf(
	        r->arena, "%lld", (long long)json_integer_value(json_object_get(doc, "version")));
}

/* Decimal text of a JSON number for a numeric parameter: 15 significant digits, so
 * that a value typed as 0.1 is stored as 0.1. */
static const char *number_text(struct req *r, const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);
	if (json_is_integer(v))
		return arena_printf(r->arena, "%lld", (long long)json_integer_value(v));
	if (json_is_real(v))
		return arena_printf(r->arena, "%.15g", json_real_value(v));
	return NULL;
}

static json_t *load(struct req *r, const char *id, struct resp *resp, struct err *e)
{
	const char *p[] = {id};
	json_t *k = db_json_row(r, e, "KPI", kpi_get_sql, 1, p);
	if (k && resp)
		resp->etag = version_text(r, k);
	return k;
}

/* The thresholds run from the target towards "worse" (see domain/kpi.h). */
static int check_thresholds(const json_t *k, struct err *e)
{
	double t = json_number_value(json_object_get(k, "target"));
	double w = json_number_value(json_object_get(k, "warning_threshold"));
	double c = json_number_value(json_object_get(k, "critical_threshold"));
	bool up = strcmp(jv_str(k, "direction"), "higher_better") == 0;
	if (up ? w > t : w < t)
		return err_set(e, ERR_INVALID, "warning_threshold",
		        "must be %s the target when %s is better", up ? "at most" : "at least",
		        up ? "higher" : "lower");
	if (up ? c > w : c < w)
		return err_set(e, ERR_INVALID, "critical_threshold",
		        "must be %s the warning threshold when %s is better",
		        up ? "at most" : "at least", up ? "higher" : "lower");
	return 0;
}

/* With the tenant's first KPI, schedule kpi.aggregate daily (audited like any schedule). */
static int schedule_aggregation(struct req *r, struct err *e)
{
	PGresult *f = db_exec(r->db, r->arena, e, first_kpi_sql, 0);
	if (!f)
		return -1;
	if (strcmp(PQgetvalue(f, 0, 0), "t") != 0)
		return 0;
	struct cron c;
	time_t next;
	if (cron_parse(KPI_SCHEDULE, &c, e) ||
	        cron_next(&c, (time_t)atoll(PQgetvalue(f, 0, 1)), &next, e))
		return -1;
	json_t *s = db_json_row(r, e, "schedule", schedule_insert_sql, 2,
	        (const char *const[]){
	                KPI_SCHEDULE, arena_printf(r->arena, "%lld", (long long)next)});
	if (!s)
		return -1;
	return audit_record(r, "schedule.create", "schedule",
	        json_string_value(json_object_get(s, "id")), NULL, s, e);
}

static int kpi_list(struct req *r, struct resp *resp, struct err *e)
{
	struct page pg;
	const char *active = req_query(r, "active"), *ap = req_query(r, "applies_to");
	if (page_begin(r, &pg, e))
		return -1;
	if (active && strcmp(active, "true") != 0 && strcmp(active, "false") != 0)
		return err_set(e, ERR_INVALID, "active", "must be true or false");
	if (ap && strcmp(ap, "isms") != 0 && strcmp(ap, "aims") != 0 && strcmp(ap, "both") != 0)
		return err_set(e, ERR_INVALID, "applies_to", "must be isms, aims or both");
	const char *p[] = {active, ap, page_after(&pg, 0), page_after(&pg, 1), pg.limit_plus_one};
	if (pg.after && (!p[2] || !p[3] || !util_is_uuid(p[3])))
		return err_set(e, ERR_INVALID, "cursor", "is not a cursor returned by this API");
	json_t *items = db_json_row(r, e, "KPIs", kpi_list_sql, 5, p);
	if (!items)
		return -1;
	static const char *const keys[] = {"ref", "id", NULL};
	resp->body = page_result(r, &pg, json_incref(items), keys);
	return 0;
}

static int kpi_get(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	if (req_param_uuid(r, "id", &id, e))
		return -1;
	json_t *k = load(r, id, resp, e);
	if (!k)
		return -1;
	resp->body = json_incref(k);
	return 0;
}

static int kpi_create(struct req *r, struct resp *resp, struct err *e)
{
	json_t *b;
	if (req_body_object(r, &b, e) || jv_check(b, kpi_fields, e) || check_thresholds(b, e))
		return -1;
	const char *ref = jv_str(b, "ref");
	if (!ref) {
		PGresult *n = db_exec(r->db, r->arena, e, kpi_next_ref_sql, 0);
		if (!n)
			return -1;
		ref = PQgetvalue(n, 0, 0);
	}
	const char *p[] = {ref, jv_str(b, "name"), jv_str(b, "definition"), jv_str(b, "unit"),
	        jv_str(b, "direction"), number_text(r, b, "target"),
	        number_text(r, b, "warning_threshold"), number_text(r, b, "critical_threshold"),
	        jv_str(b, "frequency"), jv_str(b, "owner_id"), jv_str(b, "source"),
	        jv_str(b, "applies_to"), jv_str(b, "start_date"), jv_bool_text(b, "active")};
	PGresult *ins = db_execv(r->db, r->arena, e, kpi_insert_sql, 14, p);
	if (!ins)
		return -1;
	const char *id = PQgetvalue(ins, 0, 0);
	json_t *k = load(r, id, resp, e);
	if (!k || audit_record(r, "kpi.create", "kpi", id, NULL, k, e) ||
	        schedule_aggregation(r, e))
		return -1;
	resp->status = 201;
	resp->location = arena_printf(r->arena, "/v1/kpis/%s", id);
	resp->body = json_incref(k);
	return 0;
}

static int kpi_update(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	json_t *b;
	long version;
	if (req_param_uuid(r, "id", &id, e) || req_body_object(r, &b, e) ||
	        jv_check(b, kpi_patch_fields, e) || req_if_match(r, &version, e))
		return -1;
	json_t *before = load(r, id, NULL, e);
	if (!before)
		return -1;
	json_t *m = arena_json(r->arena, json_deep_copy(before));
	json_object_update(m, b);
	if (check_thresholds(m, e))
		return -1;
	char vbuf[24];
	snprintf(vbuf, sizeof vbuf, "%ld", version);
	const char *p[] = {id, vbuf, jv_str(m, "ref"), jv_str(m, "name"), jv_str(m, "definition"),
	        jv_str(m, "unit"), jv_str(m, "direction"), number_text(r, m, "target"),
	        number_text(r, m, "warning_threshold"), number_text(r, m, "critical_threshold"),
	        jv_str(m, "frequency"), jv_str(m, "owner_id"), jv_str(m, "source"),
	        jv_str(m, "applies_to"), jv_str(m, "start_date"), jv_bool_text(m, "active")};
	PGresult *u = db_execv(r->db, r->arena, e, kpi_update_sql, 16, p);
	if (!u)
		return -1;
	if (strcmp(PQcmdTuples(u), "1") != 0)
		return err_set(e, ERR_PRECONDITION_FAILED, "If-Match",
		        "the KPI was changed by someone else (current version %s)",
		        version_text(r, before));
	json_t *after = load(r, id, resp, e);
	if (!after || audit_record(r, "kpi.update", "kpi", id, before, after, e))
		return -1;
	resp->body = json_incref(after);
	return 0;
}

static int kpi_delete(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	long version;
	if (req_param_uuid(r, "id", &id, e) || req_if_match(r, &version, e))
		return -1;
	json_t *before = load(r, id, NULL, e);
	if (!before)
		return -1;
	PGresult *n = db_exec(r->db, r->arena, e, kpi_measured_sql, 1, id);
	if (!n)
		return -1;
	if (strcmp(PQgetvalue(n, 0, 0), "0") != 0)
		return err_set(e, ERR_CONFLICT, "id",
		        "the KPI has %s measurement(s): retire it (active: false) to keep its"
		        " history",
		        PQgetvalue(n, 0, 0));
	char vbuf[24];
	snprintf(vbuf, sizeof vbuf, "%ld", version);
	PGresult *d = db_exec(r->db, r->arena, e, kpi_delete_sql, 2, id, vbuf);
	if (!d)
		return -1;
	if (strcmp(PQcmdTuples(d), "1") != 0)
		return err_set(e, ERR_PRECONDITION_FAILED, "If-Match",
		        "the KPI was changed by someone else (current version %s)",
		        version_text(r, before));
	if (audit_record(r, "kpi.delete", "kpi", id, before, NULL, e))
		return -1;
	resp->status = 204;
	return 0;
}

static int measurement_list(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	struct page pg;
	if (req_param_uuid(r, "id", &id, e) || !load(r, id, NULL, e) || page_begin(r, &pg, e))
		return -1;
	const char *from = req_query(r, "from"), *to = req_query(r, "to");
	if (from && !util_is_date(from))
		return err_set(e, ERR_INVALID, "from", "must be a date (YYYY-MM-DD)");
	if (to && !util_is_date(to))
		return err_set(e, ERR_INVALID, "to", "must be a date (YYYY-MM-DD)");
	const char *p[] = {id, from, to, page_after(&pg, 0), page_after(&pg, 1), page_after(&pg, 2),
	        pg.limit_plus_one};
	if (pg.after && (!p[3] || !util_is_date(p[3]) || !p[4] || !p[5] || !util_is_uuid(p[5])))
		return err_set(e, ERR_INVALID, "cursor", "is not a cursor returned by this API");
	json_t *items = db_json_row(r, e, "measurements", measurement_list_sql, 7, p);
	if (!items)
		return -1;
	static const char *const keys[] = {"measured_on", "created_at", "id", NULL};
	resp->body = page_result(r, &pg, json_incref(items), keys);
	return 0;
}

static int measurement_create(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	json_t *b;
	if (req_param_uuid(r, "id", &id, e) || req_body_object(r, &b, e) ||
	        jv_check(b, measurement_fields, e))
		return -1;
	const char *on = jv_str(b, "measured_on");
	PGresult *c = db_exec(r->db, r->arena, e, measurement_check_sql, 2, id, on);
	if (!c)
		return -1;
	if (PQntuples(c) == 0)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such KPI");
	if (strcmp(PQgetvalue(c, 0, 0), "t") != 0)
		return err_set(e, ERR_UNPROCESSABLE, "id", "the KPI is retired (active: false)");
	if (strcmp(PQgetvalue(c, 0, 1), "t") == 0)
		return err_set(
		        e, ERR_UNPROCESSABLE, "measured_on", "is before the KPI's start date");
	if (strcmp(PQgetvalue(c, 0, 2), "t") == 0)
		return err_set(e, ERR_UNPROCESSABLE, "measured_on", "is in the future");
	const char *user = r->who.kind == PRINCIPAL_USER ? r->who.user_id : NULL;
	const char *p[] = {id, on, number_text(r, b, "value"), jv_str(b, "note"), user};
	json_t *m = db_json_row(r, e, "measurement", measurement_insert_sql, 5, p);
	if (!m)
		return -1;
	const char *mid = json_string_value(json_object_get(m, "id"));
	if (audit_record(r, "kpi.measure", "kpi_measurement", mid, NULL, m, e))
		return -1;
	resp->status = 201;
	resp->body = json_incref(m);
	return 0;
}

static int kpi_status_get(struct req *r, struct resp *resp, struct err *e)
{
	json_t *s = db_json_row(r, e, "KPI status", status_sql, 0, NULL);
	if (!s)
		return -1;
	resp->body = json_incref(s);
	return 0;
}

static int kpi_aggregate_start(struct req *r, struct resp *resp, struct err *e)
{
	json_t *b = arena_json(r->arena, json_object()), *job;
	if (r->body && (req_body_object(r, &b, e) || jv_check(b, aggregate_fields, e)))
		return -1;
	if (q_enqueue(r, "kpi.aggregate", b, NULL, &job, e))
		return -1;
	const char *id = json_string_value(json_object_get(job, "id"));
	if (audit_record(r, "kpi.aggregate_requested", "job", id, NULL, job, e))
		return -1;
	resp->status = 202;
	resp->location = arena_printf(r->arena, "/v1/jobs/%s", id);
	resp->body = json_incref(job);
	return 0;
}

const struct route kpi_routes[] = {
        {"GET", "/v1/kpis", kpi_list, "kpis:read", 0, "List KPIs with their latest status",
                kpi_query},
        {"POST", "/v1/kpis", kpi_create, "kpis:write", 0,
                "Define a KPI: definition, unit, direction, target and thresholds, frequency,"
                " owner, "
                "source"},
        {"GET", "/v1/kpis/status", kpi_status_get, "kpis:read", 0,
                "Latest computed status, trend and missing periods of every active KPI"},
        {"POST", "/v1/kpis/aggregate", kpi_aggregate_start, "jobs:write", 0,
                "Compute KPI status, trend and missing periods now: enqueues kpi.aggregate (202)"},
        {"GET", "/v1/kpis/{id}", kpi_get, "kpis:read", 0, "Get a KPI"},
        {"PATCH", "/v1/kpis/{id}", kpi_update, "kpis:write", 0,
                "Update or retire a KPI (If-Match required)"},
        {"DELETE", "/v1/kpis/{id}", kpi_delete, "kpis:write", 0,
                "Delete a KPI that has no measurements (If-Match required)"},
        {"GET", "/v1/kpis/{id}/measurements", measurement_list, "kpis:read", 0,
                "Measurements of a KPI, oldest first", measurement_query},
        {"POST", "/v1/kpis/{id}/measurements", measurement_create, "kpis:write", 0,
                "Record a measurement (a later one for the same period supersedes it)"},
        {NULL},
};
