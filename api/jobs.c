/*
 * jobs.c - background jobs, their artifacts and their schedules over HTTP.
 *
 *   GET  /v1/jobs, /v1/jobs/{id}        jobs of the request's tenant (+ attempt log)
 *   POST /v1/jobs/{id}/retry            failed/dead -> queued again (audited)
 *   GET  /v1/jobs/{id}/artifacts        files a job produced
 *   GET  /v1/artifacts/{id}             download one (raw body, Content-Disposition)
 *   POST /v1/tenants/{id}/export        enqueue tenant.export for the tenant itself or,
 *                                       from its operator, for a client tenant (202)
 *   /v1/schedules[/{id}]                recurring jobs: cron (UTC) + job type + payload
 *
 * A job lives in the tenant it works on: an export requested by an operator for a
 * client is a job of the client (read it with X-Concord-Tenant: <client>), and the
 * request is audited in both tenants. Job rows are written by workers; the API only
 * enqueues (lib/queue.h) and re-queues. Some job types need more than the route's
 * permission to be enqueued, scheduled, retried or downloaded (type_policies: an
 * export holds every record of the tenant, so it needs tenants:admin).
 *
 * Handlers run in the request transaction (api/server.c); memory is the request arena.
 */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "cron.h"
#include "db.h"
#include "job.h"
#include "jsonv.h"
#include "queue.h"
#include "util.h"

/* ----------------------------------------------------------------- SQL */

static const char job_list_sql[] =
        "SELECT coalesce(jsonb_agg(x ORDER BY (x->>'created_at')::timestamptz DESC,"
        " (x->>'id')::uuid DESC), '[]') FROM ("
        " SELECT " Q_JOB_JSON " AS x FROM jobs j"
        " WHERE ($1::text IS NULL OR j.state = $1) AND ($2::text IS NULL OR j.type = $2)"
        "   AND ($3::timestamptz IS NULL OR (j.created_at, j.id) < ($3::timestamptz, $4::uuid))"
        " ORDER BY j.created_at DESC, j.id DESC LIMIT $5) s";
static const char job_get_sql[] = "SELECT " Q_JOB_JSON " FROM jobs j WHERE j.id = $1";
static const char job_detail_sql[] =
        "SELECT " Q_JOB_JSON " || jsonb_build_object('attempt_log', coalesce((SELECT"
        " jsonb_agg(jsonb_build_object('seq', a.seq, 'attempt', a.attempt, 'worker_id',"
        " a.worker_id, 'started_at', a.started_at, 'finished_at', a.finished_at, 'outcome',"
        " a.outcome, 'error', a.error, 'retry_at', a.retry_at) ORDER BY a.seq)"
        " FROM job_attempts a WHERE a.tenant_id = j.tenant_id AND a.job_id = j.id), '[]'))"
        " FROM jobs j WHERE j.id = $1";
static const char job_retry_sql[] =
        "UPDATE jobs j SET state = 'queued', attempts = 0, run_at = now(), error = NULL,"
        " result = NULL, finished_at = NULL, locked_by = NULL, locked_at = NULL,"
        " updated_at = now() WHERE j.id = $1 AND j.state IN ('failed', 'dead')"
        " RETURNING " Q_JOB_JSON;

static const char artifact_list_sql[] =
        "SELECT coalesce(jsonb_agg(x ORDER BY x->>'name', (x->>'id')::uuid), '[]') FROM ("
        " SELECT jsonb_build_object('id', a.id, 'job_id', a.job_id, 'name', a.name,"
        " 'content_type', a.content_type, 'size', a.size, 'sha256', a.sha256, 'created_at',"
        " a.created_at, 'href', '/v1/artifacts/' || a.id) AS x FROM artifacts a"
        " WHERE a.job_id = $1 AND ($2::text IS NULL OR (a.name, a.id) > ($2, $3::uuid))"
        " ORDER BY a.name, a.id LIMIT $4) s";
static const char artifact_get_sql[] =
        "SELECT a.name, a.content_type, a.sha256, a.data, coalesce(j.type, '') FROM artifacts a"
        " LEFT JOIN jobs j ON j.tenant_id = a.tenant_id AND j.id = a.job_id WHERE a.id = $1";

static const char export_target_sql[] =
        "SELECT t.kind, t.parent_id, t.status FROM tenants t WHERE t.id = $1";

#define SCHEDULE_JSON                                                                              \
	"jsonb_build_object('id', s.id, 'job_type', s.job_type, 'cron', s.cron, 'payload',   \
	s.payload, 'enabled', s.enabled, 'next_run_at', s.next_run_at, 'last_run_at',         \
	s.last_run_at, 'version', s.version, 'created_at', s.created_at, 'updated_at',        \
	s.updated_at)"

static const char now_sql[] = "SELECT floor(extract(epoch FROM now()))::bigint";
static const char sched_list_sql[] =
        "SELECT coalesce(jsonb_agg(x ORDER BY (x->>'created_at')::timestamptz, (x->>'id')::uuid),"
        " '[]') FROM (SELECT " SCHEDULE_JSON " AS x FROM schedules s"
        " WHERE ($1::text IS NULL OR s.job_type = $1) AND ($2::boolean IS NULL OR s.enabled = $2)"
        "   AND ($3::timestamptz IS NULL OR (s.created_at, s.id) > ($3::timestamptz, $4::uuid))"
        " ORDER BY s.created_at, s.id LIMIT $5) q";
static const char sched_get_sql[] = "SELECT " SCHEDULE_JSON " FROM schedules s WHERE s.id = $1";
static const char sched_insert_sql[] =
        "INSERT INTO schedules AS s (tenant_id, job_type, cron, payload, enabled, next_run_at)"
        " VALUES (app_tenant(), $1, $2, coalesce($3::jsonb, '{}'), coalesce($4::boolean, true),"
        " to_timestamp($5::bigint)) RETURNING " SCHEDULE_JSON;
static const char sched_update_sql[] =
        "UPDATE schedules AS s SET job_type = $3, cron = $4,"
        " payload = coalesce($5::jsonb, payload), enabled = $6::boolean,"
        " next_run_at = coalesce(to_timestamp($7::bigint), next_run_at),"
        " version = version + 1, updated_at = now() WHERE s.id = $1 AND s.version = $2::int"
        " RETURNING " SCHEDULE_JSON;
static const char sched_delete_sql[] = "DELETE FROM schedules WHERE id = $1 AND version = $2::int";

/* ------------------------------------------------------- type policies */

static const struct jv_field export_payload[] = {
        {"requested_from", JV_UUID, 0},
        {NULL},
};

/* workers/job_aiact_dossier.c: one system, or every high-risk one */
static const struct jv_field dossier_payload[] = {
        {"ai_system_id", JV_UUID, 0},
        {NULL},
};

/* What enqueueing, scheduling, retrying a job of a type and downloading its files
 * needs beyond the route's own permission, and the payload it accepts (NULL: any
 * object). Keep payloads in step with the job type's run() (workers/job_<type>.c). */
static const struct type_policy {
	const char *type;
	const char *perm;
	const struct jv_field *payload;
} type_policies[] = {
        {"tenant.export", "tenants:admin", export_payload},
        {"aiact.dossier", "aiact:write", dossier_payload},
        {NULL},
};

static const struct type_policy *policy_of(const char *type)
{
	for (const struct type_policy *p = type_policies; type && p->type; p++)
		if (strcmp(p->type, type) == 0)
			return p;
	return NULL;
}

static int check_type_perm(struct req *r, const char *type, struct err *e)
{
	const struct type_policy *p = policy_of(type);
	if (!p || !p->perm)
		return 0;
	if (!authz_allows(r->who.role, p->perm) || !authz_scope_allows(&r->who, p->perm))
		return err_set(e, ERR_FORBIDDEN, NULL, "jobs of type %s need the permission %s",
		        type, p->perm);
	return 0;
}

static int check_payload(const char *type, const json_t *payload, struct err *e)
{
	const struct type_policy *p = policy_of(type);
	if (!payload || !p || !p->payload)
		return 0;
	if (jv_check(payload, p->payload, e)) {
		char field[sizeof e->field];
		snprintf(field, sizeof field, "payload.%.100s", e->field);
		memcpy(e->field, field, sizeof field);
		return -1;
	}
	return 0;
}

/* --------------------------------------------------------------- helpers */

/* Actions without input accept no body, or an empty object. */
static const struct jv_field no_fields[] = {{NULL}};

static int no_body(const struct req *r, struct err *e)
{
	return r->body ? jv_check(r->body, no_fields, e) : 0;
}

static const char *const job_states[] = {"queued", "running", "succeeded", "failed", "dead", NULL};

static bool in_list(const char *v, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(*list, v) == 0)
			return true;
	return false;
}

static bool valid_type_text(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		            strchr("_.-", s[i])))
			return false;
	return true;
}

static int cursor_keys(const struct page *pg, int uuid_at, struct err *e)
{
	if (pg->after && (!page_after(pg, 0) || !page_after(pg, uuid_at) ||
	                         !util_is_uuid(page_after(pg, uuid_at))))
		return err_set(e, ERR_INVALID, "cursor", "is not a cursor returned by this API");
	return 0;
}

static json_t *load_job(struct req *r, const char *sql, const char *id, struct err *e)
{
	const char *p[] = {id};
	return db_json_row(r, e, "job", sql, 1, p);
}

static const char *version_text(struct req *r, const json_t *o)
{
	return arena_printf(
	        r->arena, "%lld", (long long)json_integer_value(json_object_get(o, "version")));
}

/* ------------------------------------------------------------------ jobs */

static int job_list(struct req *r, struct resp *resp, struct err *e)
{
	struct page pg;
	const char *state = req_query(r, "state"), *type = req_query(r, "type");
	if (page_begin(r, &pg, e) || cursor_keys(&pg, 1, e))
		return -1;
	if (state && !in_list(state, job_states))
		return err_set(e, ERR_INVALID, "state",
		        "must be queued, running, succeeded, failed or dead");
	if (type && !valid_type_text(type))
		return err_set(e, ERR_INVALID, "type", "is not a job type name");
	const char *p[] = {state, type, page_after(&pg, 0), page_after(&pg, 1), pg.limit_plus_one};
	json_t *items = db_json_row(r, e, "jobs", job_list_sql, 5, p);
	if (!items)
		return -1;
	static const char *const keys[] = {"created_at", "id", NULL};
	resp->body = page_result(r, &pg, json_incref(items), keys);
	return 0;
}

static int job_get(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	if (req_param_uuid(r, "id", &id, e))
		return -1;
	json_t *j = load_job(r, job_detail_sql, id, e);
	if (!j)
		return -1;
	resp->body = json_incref(j);
	return 0;
}

static int job_retry(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	if (req_param_uuid(r, "id", &id, e) || no_body(r, e))
		return -1;
	json_t *before = load_job(r, job_get_sql, id, e);
	if (!before)
		return -1;
	const char *state = json_string_value(json_object_get(before, "state"));
	if (strcmp(state, "failed") != 0 && strcmp(state, "dead") != 0)
		return err_set(e, ERR_CONFLICT, "state",
		        "only a failed or dead job can be retried; this one is %s", state);
	if (check_type_perm(r, json_string_value(json_object_get(before, "type")), e))
		return -1;
	const char *p[] = {id};
	json_t *after = db_json_row(r, e, "job", job_retry_sql, 1, p);
	if (!after) {
		if (e->code == ERR_NOT_FOUND)
			err_set(e, ERR_CONFLICT, "state", "the job changed meanwhile; reload it");
		return -1;
	}
	if (audit_record(r, "job.retry", "job", id, before, after, e))
		return -1;
	q_publish_after_commit(r, r->tenant_id, id);
	resp->status = 202;
	resp->location = arena_printf(r->arena, "/v1/jobs/%s", id);
	resp->body = json_incref(after);
	return 0;
}

static int job_artifacts(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	struct page pg;
	if (req_param_uuid(r, "id", &id, e) || page_begin(r, &pg, e) || cursor_keys(&pg, 1, e))
		return -1;
	if (!load_job(r, job_get_sql, id, e))
		return -1;
	const char *p[] = {id, page_after(&pg, 0), page_after(&pg, 1), pg.limit_plus_one};
	json_t *items = db_json_row(r, e, "artifacts", artifact_list_sql, 4, p);
	if (!items)
		return -1;
	static const char *const keys[] = {"name", "id", NULL};
	resp->body = page_result(r, &pg, json_incref(items), keys);
	return 0;
}

static void pqclear_cb(void *p)
{
	PQclear(p);
}

static int artifact_download(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	if (req_param_uuid(r, "id", &id, e))
		return -1;
	/* binary results: the bytes arrive as they are, not hex-encoded */
	const char *params[] = {id};
	PGresult *res = PQexecParams(r->db, artifact_get_sql, 1, NULL, params, NULL, NULL, 1);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		db_error(r->db, res, e);
		PQclear(res);
		return -1;
	}
	arena_defer(r->arena, pqclear_cb, res);
	if (PQntuples(res) != 1)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such artifact");
	const char *type = PQgetvalue(res, 0, 4);
	if (*type && check_type_perm(r, type, e))
		return -1;
	const char *name = PQgetvalue(res, 0, 0), *sha = PQgetvalue(res, 0, 2);
	unsigned char digest[32];
	unsigned char b64[48];
	char *disp = arena_printf(r->arena, "attachment; filename=\"%s\"", name);
	for (char *c = disp + 22; *c && c[1]; c++)
		if (*c == '"' || *c == '\\' || (unsigned char)*c < 0x20)
			*c = '_';
	resp->raw = PQgetvalue(res, 0, 3);
	resp->raw_len = (size_t)PQgetlength(res, 0, 3);
	resp->content_type = arena_strdup(r->arena, PQgetvalue(res, 0, 1));
	resp->extra_header_name[0] = "Content-Disposition";
	resp->extra_header_value[0] = disp;
	if (strlen(sha) == 64 && util_unhex(sha, digest, sizeof digest) == 0) {
		EVP_EncodeBlock(b64, digest, sizeof digest);
		resp->extra_header_name[1] = "Repr-Digest";
		resp->extra_header_value[1] = arena_printf(r->arena, "sha-256=:%s:", b64);
	}
	return 0;
}

/* ---------------------------------------------------------------- export */

static int tenant_export_start(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	if (req_param_uuid(r, "id", &id, e) || no_body(r, e))
		return -1;
	/* row-level security shows the tenant itself and, to an operator, its clients */
	PGresult *t = db_exec(r->db, r->arena, e, export_target_sql, 1, id);
	if (!t)
		return -1;
	if (PQntuples(t) != 1)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such tenant");
	const char *parent = db_val(t, 0, 1), *status = PQgetvalue(t, 0, 2);
	const char *home = r->tenant_id;
	bool self = strcmp(id, home) == 0;
	if (!self && !(parent && strcmp(parent, home) == 0))
		return err_set(e, ERR_NOT_FOUND, NULL, "no such tenant");
	if (strcmp(status, "active") != 0)
		return err_set(e, ERR_CONFLICT, "status",
		        "tenant is %s: restore or resume it before exporting", status);
	json_t *payload = arena_json(r->arena, json_pack("{s:s}", "requested_from", home));
	json_t *job;
	if (!self && req_set_tenant(r, id, e))
		return -1;
	if (q_insert(
	            r->db, r->arena, "tenant.export", payload, NULL, NULL, r->who.user_id, &job, e))
		return -1;
	const char *job_id = json_string_value(json_object_get(job, "id"));
	if (audit_record(r, "tenant.export_requested", "job", job_id, NULL, job, e))
		return -1;
	if (!self && req_set_tenant(r, home, e))
		return -1;
	if (!self && audit_record(r, "tenant.export_requested", "tenant", id, NULL, job, e))
		return -1;
	q_publish_after_commit(r, id, job_id);
	resp->status = 202;
	resp->location = arena_printf(r->arena, "/v1/jobs/%s", job_id);
	resp->body = json_incref(job);
	return 0;
}

/* ------------------------------------------------------------- schedules */

static const struct jv_field sched_create_fields[] = {
        {"job_type", JV_STRING, JV_REQUIRED, .max = 64},
        {"cron", JV_STRING, JV_REQUIRED, .max = CRON_MAX_LEN},
        {"payload", JV_OBJECT, 0, .max = 50},
        {"enabled", JV_BOOL, 0},
        {NULL},
};
static const struct jv_field sched_update_fields[] = {
        {"job_type", JV_STRING, 0, .max = 64},
        {"cron", JV_STRING, 0, .max = CRON_MAX_LEN},
        {"payload", JV_OBJECT, 0, .max = 50},
        {"enabled", JV_BOOL, 0},
        {NULL},
};

/* A registered job type the caller may schedule, with an acceptable payload. */
static int check_schedulable(struct req *r, const char *type, const json_t *payload, struct err *e)
{
	if (!job_type_find(type)) {
		char known[256] = "";
		size_t o = 0;
		for (const struct job_type *const *t = job_types; *t && o < sizeof known - 1; t++)
			o += (size_t)snprintf(known + o, sizeof known - o, "%s%s",
			        t == job_types ? "" : ", ", (*t)->name);
		return err_set(e, ERR_INVALID, "job_type", "unknown job type (known: %s)", known);
	}
	return check_type_perm(r, type, e) || check_payload(type, payload, e) ? -1 : 0;
}

/* The next run of expr after the transaction's now(), as epoch text. */
static const char *next_run(struct req *r, const char *expr, struct err *e)
{
	struct cron c;
	time_t next;
	if (cron_parse(expr, &c, e))
		return NULL;
	PGresult *n = db_exec(r->db, r->arena, e, now_sql, 0);
	if (!n || cron_next(&c, (time_t)atoll(PQgetvalue(n, 0, 0)), &next, e))
		return NULL;
	return arena_printf(r->arena, "%lld", (long long)next);
}

static json_t *load_schedule(struct req *r, const char *id, struct resp *resp, struct err *e)
{
	const char *p[] = {id};
	json_t *s = db_json_row(r, e, "schedule", sched_get_sql, 1, p);
	if (s && resp)
		resp->etag = version_text(r, s);
	return s;
}

static int schedule_list(struct req *r, struct resp *resp, struct err *e)
{
	struct page pg;
	const char *type = req_query(r, "job_type"), *enabled = req_query(r, "enabled");
	if (page_begin(r, &pg, e) || cursor_keys(&pg, 1, e))
		return -1;
	if (type && !valid_type_text(type))
		return err_set(e, ERR_INVALID, "job_type", "is not a job type name");
	if (enabled && strcmp(enabled, "true") != 0 && strcmp(enabled, "false") != 0)
		return err_set(e, ERR_INVALID, "enabled", "must be true or false");
	const char *p[] = {
	        type, enabled, page_after(&pg, 0), page_after(&pg, 1), pg.limit_plus_one};
	json_t *items = db_json_row(r, e, "schedules", sched_list_sql, 5, p);
	if (!items)
		return -1;
	static const char *const keys[] = {"created_at", "id", NULL};
	resp->body = page_result(r, &pg, json_incref(items), keys);
	return 0;
}

static int schedule_get(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	if (req_param_uuid(r, "id", &id, e))
		return -1;
	json_t *s = load_schedule(r, id, resp, e);
	if (!s)
		return -1;
	resp->body = json_incref(s);
	return 0;
}

static int schedule_create(struct req *r, struct resp *resp, struct err *e)
{
	json_t *b;
	if (req_body_object(r, &b, e) || jv_check(b, sched_create_fields, e))
		return -1;
	const char *type = jv_str(b, "job_type"), *expr = jv_str(b, "cron");
	const json_t *payload = json_object_get(b, "payload");
	if (check_schedulable(r, type, payload, e))
		return -1;
	const char *next = next_run(r, expr, e);
	if (!next)
		return -1;
	char *pl = jv_dump(b, "payload");
	const char *p[] = {type, expr, pl, jv_bool_text(b, "enabled"), next};
	json_t *s = db_json_row(r, e, "schedule", sched_insert_sql, 5, p);
	free(pl);
	if (!s)
		return -1;
	const char *id = json_string_value(json_object_get(s, "id"));
	if (audit_record(r, "schedule.create", "schedule", id, NULL, s, e))
		return -1;
	resp->status = 201;
	resp->location = arena_printf(r->arena, "/v1/schedules/%s", id);
	resp->etag = "1";
	resp->body = json_incref(s);
	return 0;
}

static int schedule_update(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	json_t *b;
	long version;
	if (req_param_uuid(r, "id", &id, e) || req_body_object(r, &b, e) ||
	        jv_check(b, sched_update_fields, e) || req_if_match(r, &version, e))
		return -1;
	json_t *before = load_schedule(r, id, NULL, e);
	if (!before)
		return -1;
	if (json_integer_value(json_object_get(before, "version")) != version)
		return err_set(e, ERR_PRECONDITION_FAILED, "If-Match",
		        "the schedule was changed by someone else (current version %s)",
		        version_text(r, before));
	const char *old_type = json_string_value(json_object_get(before, "job_type"));
	const char *old_cron = json_string_value(json_object_get(before, "cron"));
	bool was_enabled = json_is_true(json_object_get(before, "enabled"));
	const char *type = jv_str(b, "job_type") ? jv_str(b, "job_type") : old_type;
	const char *expr = jv_str(b, "cron") ? jv_str(b, "cron") : old_cron;
	const json_t *payload = json_object_get(b, "payload");
	bool enabled = json_object_get(b, "enabled") ? json_is_true(json_object_get(b, "enabled"))
	                                             : was_enabled;
	if (check_type_perm(r, old_type, e) || check_schedulable(r, type, payload, e))
		return -1;
	if (!payload && strcmp(type, old_type) != 0 &&
	        check_payload(type, json_object_get(before, "payload"), e))
		return -1;
	const char *next = NULL;
	if (strcmp(expr, old_cron) != 0 || (enabled && !was_enabled)) {
		if (!(next = next_run(r, expr, e)))
			return -1;
	}
	char vbuf[24];
	snprintf(vbuf, sizeof vbuf, "%ld", version);
	char *pl = jv_dump(b, "payload");
	const char *p[] = {id, vbuf, type, expr, pl, enabled ? "true" : "false", next};
	PGresult *res = db_execv(r->db, r->arena, e, sched_update_sql, 7, p);
	free(pl);
	if (!res)
		return -1;
	if (PQntuples(res) == 0)
		return err_set(e, ERR_PRECONDITION_FAILED, "If-Match",
		        "the schedule was changed by someone else");
	json_t *after = db_json(r->arena, res, 0, 0);
	if (audit_record(r, "schedule.update", "schedule", id, before, after, e))
		return -1;
	resp->etag = version_text(r, after);
	resp->body = json_incref(after);
	return 0;
}

static int schedule_delete(struct req *r, struct resp *resp, struct err *e)
{
	const char *id;
	long version;
	if (req_param_uuid(r, "id", &id, e) || req_if_match(r, &version, e))
		return -1;
	json_t *before = load_schedule(r, id, NULL, e);
	if (!before)
		return -1;
	if (json_integer_value(json_object_get(before, "version")) != version)
		return err_set(e, ERR_PRECONDITION_FAILED, "If-Match",
		        "the schedule was changed by someone else (current version %s)",
		        version_text(r, before));
	if (check_type_perm(r, json_string_value(json_object_get(before, "job_type")), e))
		return -1;
	char vbuf[24];
	snprintf(vbuf, sizeof vbuf, "%ld", version);
	PGresult *res = db_exec(r->db, r->arena, e, sched_delete_sql, 2, id, vbuf);
	if (!res)
		return -1;
	if (strcmp(PQcmdTuples(res), "1") != 0)
		return err_set(e, ERR_PRECONDITION_FAILED, "If-Match",
		        "the schedule was changed by someone else");
	if (audit_record(r, "schedule.delete", "schedule", id, before, NULL, e))
		return -1;
	resp->status = 204;
	return 0;
}

/* ---------------------------------------------------------------- routes */

static const char *const job_list_query[] = {"limit", "state", "type", NULL};
static const char *const page_query[] = {"limit", NULL};
static const char *const sched_list_query[] = {"limit", "job_type", "enabled", NULL};

const struct route job_routes[] = {
        {"GET", "/v1/jobs", job_list, "jobs:read", 0,
                "List the tenant's background jobs, newest first (filter by state and type)",
                job_list_query},
        {"GET", "/v1/jobs/{id}", job_get, "jobs:read", 0, "Get a job with its attempt log"},
        {"POST", "/v1/jobs/{id}/retry", job_retry, "jobs:write", 0,
                "Queue a failed or dead job again; its attempts start over"},
        {"GET", "/v1/jobs/{id}/artifacts", job_artifacts, "jobs:read", 0,
                "List the files a job produced", page_query},
        {"GET", "/v1/artifacts/{id}", artifact_download, "jobs:read", 0,
                "Download a file produced by a job"},
        {"POST", "/v1/tenants/{id}/export", tenant_export_start, "tenants:admin", 0,
                "Export a tenant as one document: enqueues the job tenant.export (202)"},
        {"GET", "/v1/schedules", schedule_list, "jobs:read", 0,
                "List the tenant's recurring job schedules", sched_list_query},
        {"POST", "/v1/schedules", schedule_create, "jobs:write", 0,
                "Create a recurring job schedule (5-field cron, UTC)"},
        {"GET", "/v1/schedules/{id}", schedule_get, "jobs:read", 0, "Get a schedule"},
        {"PATCH", "/v1/schedules/{id}", schedule_update, "jobs:write", 0,
                "Update a schedule (If-Match required)"},
        {"DELETE", "/v1/schedules/{id}", schedule_delete, "jobs:write", 0,
                "Delete a schedule (If-Match required)"},
        {NULL},
};
