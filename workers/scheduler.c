/*
 * scheduler.c - the work that exactly one worker process does at a time: recurring
 * jobs from `schedules` and the purge of tenants whose deletion grace period ended.
 *
 * Leadership is a PostgreSQL session advisory lock (SCHEDULER_LOCK_KEY) held on a
 * dedicated connection: whoever holds it is the leader; when that process or its
 * database session dies the lock is released and the next worker to try takes it
 * (every sweep, CONCORD_WORKER_SWEEP_MS). The leader re-checks that it still holds
 * the lock before each tick, so a terminated session stops it at once.
 *
 * Firing a schedule is itself idempotent, so even two leaders (impossible with the
 * lock, but cheap to guard) enqueue one job per due time: the schedule row is locked,
 * the job's idempotency key is "schedule:<id>:<due epoch>", and next_run_at moves to
 * the next cron minute after now (missed minutes while no worker ran collapse into
 * one run) in the same transaction.
 *
 * Threads: main thread only. Ownership: the lock connection is private to this file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "cron.h"
#include "db.h"
#include "job.h"
#include "log.h"
#include "queue.h"
#include "obligations.h"
#include "util.h"
#include "worker.h"

static const char try_lock_sql[] = "SELECT pg_try_advisory_lock(" SCHEDULER_LOCK_KEY ")";
static const char holds_lock_sql[] =
        "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND classid = 0"
        " AND objid = " SCHEDULER_LOCK_KEY " AND objsubid = 1 AND pid = pg_backend_pid()"
        " AND granted)";
static const char app_name_sql[] = "SELECT set_config('application_name', $1, false)";

static const char due_sql[] = "SELECT tenant_id, id FROM schedules_due(100)";
static const char schedule_sql[] =
        "SELECT job_type, cron, payload::text, floor(extract(epoch FROM next_run_at))::bigint,"
        " floor(extract(epoch FROM now()))::bigint FROM schedules"
        " WHERE id = $1 AND enabled AND next_run_at <= now() FOR UPDATE SKIP LOCKED";
static const char advance_sql[] =
        "UPDATE schedules SET next_run_at = to_timestamp($2::bigint), last_run_at = now()"
        " WHERE id = $1";
static const char disable_sql[] =
        "UPDATE schedules SET enabled = false, version = version + 1, updated_at = now()"
        " WHERE id = $1";
static const char audit_sql[] = "SELECT audit_append($1, $2, $3, $4::jsonb, $5::jsonb)";

static const char purge_due_sql[] = "SELECT id FROM tenants_due_for_purge()";
static const char purge_info_sql[] =
        "SELECT parent_id, jsonb_build_object('id', id, 'kind', kind, 'slug', slug, 'name', name,"
        " 'status', status, 'delete_after', delete_after)::text FROM tenants WHERE id = $1";
static const char set_tenant_sql[] = "SELECT set_config('app.tenant_id', $1, true)";
static const char purge_sql[] = "SELECT tenant_purge($1)";

static const char stale_sql[] =
        "SELECT tenant_id FROM aiact_tenants_with_stale_assessments($1) ORDER BY tenant_id";

static PGconn *lock_conn;
static double next_stale_check; /* 0: check as soon as this worker leads */
static bool leader;
static double purge_pause_until; /* after a failed purge, wait before trying again */

bool scheduler_is_leader(void)
{
	return leader;
}

static void drop_lock_conn(void)
{
	if (lock_conn)
		PQfinish(lock_conn);
	lock_conn = NULL;
	if (leader)
		log_warn("scheduler leadership lost (lock session ended)");
	leader = false;
}

/* One-row boolean query on the lock connection: 1 true, 0 false, -1 broken. */
static int lock_query(const char *sql)
{
	PGresult *r = PQexec(lock_conn, sql);
	int rc = -1;
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
		rc = PQgetvalue(r, 0, 0)[0] == 't';
	PQclear(r);
	return rc;
}

static bool ensure_leader(void)
{
	struct err e = {0};
	if (lock_conn && PQstatus(lock_conn) != CONNECTION_OK)
		drop_lock_conn();
	if (!lock_conn) {
		lock_conn = db_connect(cfg.database_url, &e);
		if (!lock_conn)
			return false;
		struct arena *a = arena_new();
		char *name = arena_printf(a, "concord-worker:%s:scheduler", wopt.id);
		db_exec(lock_conn, a, &e, app_name_sql, 1, name);
		arena_free(a);
	}
	int rc = lock_query(leader ? holds_lock_sql : try_lock_sql);
	if (rc < 0) {
		drop_lock_conn();
		return false;
	}
	if (leader && !rc) {
		drop_lock_conn();
		return false;
	}
	if (!leader && rc) {
		log_info("this worker (%s) is now the scheduler leader", wopt.id);
		next_stale_check = 0;
	}
	leader = rc;
	return leader;
}

void scheduler_stop(void)
{
	bool was = leader;
	leader = false;
	if (lock_conn)
		PQfinish(lock_conn);
	lock_conn = NULL;
	if (was)
		log_info("scheduler leadership released");
}

/* Enqueue the due run of one schedule. */
static void fire(PGconn *c, const char *tenant, const char *id)
{
	struct err e = {0};
	struct arena *a = arena_new();
	json_t *job = NULL;
	if (db_begin(c, a, &e, tenant, NULL, arena_printf(a, "schedule:%s", id)))
		goto fail;
	PGresult *r = db_exec(c, a, &e, schedule_sql, 1, id);
	if (!r)
		goto fail;
	if (PQntuples(r) == 0) {
		db_rollback(c); /* changed meanwhile, or being edited right now */
		goto out;
	}
	const char *type = PQgetvalue(r, 0, 0), *expr = PQgetvalue(r, 0, 1);
	long long due = atoll(PQgetvalue(r, 0, 3)), now = atoll(PQgetvalue(r, 0, 4));
	struct cron cr;
	time_t next;
	if (cron_parse(expr, &cr, &e) || cron_next(&cr, (time_t)now, &next, &e)) {
		/* only possible if the row was changed behind the API's back */
		char *why = arena_printf(a, "{\"reason\": \"invalid cron expression\"}");
		if (!db_exec(c, a, &e, disable_sql, 1, id) ||
		        !db_exec(c, a, &e, audit_sql, 5, "schedule.disable", "schedule", id,
		                (const char *)NULL, why) ||
		        db_commit(c, &e))
			goto fail;
		log_error("schedule %s has an invalid cron '%s': disabled", id, expr);
		goto out;
	}
	json_t *payload = json_loads(PQgetvalue(r, 0, 2), 0, NULL);
	arena_json(a, payload);
	char *key = arena_printf(a, "schedule:%s:%lld", id, due);
	char nexts[24];
	snprintf(nexts, sizeof nexts, "%lld", (long long)next);
	if (q_insert(c, a, type, payload, key, NULL, NULL, &job, &e) ||
	        !db_exec(c, a, &e, advance_sql, 2, id, nexts) || db_commit(c, &e))
		goto fail;
	const char *job_id = json_string_value(json_object_get(job, "id"));
	const char *state = json_string_value(json_object_get(job, "state"));
	log_info("schedule %s fired: job %s (%s), next run at epoch %lld", id, job_id, type,
	        (long long)next);
	if (state && strcmp(state, "queued") == 0 && q_publish(cfg.redis_url, tenant, job_id, &e))
		log_warn("job %s not published (%s); the re-publisher will send it", job_id,
		        e.detail_log);
	goto out;
fail:
	db_rollback(c);
	log_error("schedule %s: could not enqueue (%s %s)", id, e.message, e.detail_log);
out:
	arena_free(a);
}

/* Purge one tenant, recording it in its operator's audit trail. */
static int purge(PGconn *c, const char *id)
{
	struct err e = {0};
	struct arena *a = arena_new();
	int rc = -1;
	if (db_begin(c, a, &e, id, NULL, arena_printf(a, "purge:%s", id)))
		goto out;
	PGresult *info = db_exec(c, a, &e, purge_info_sql, 1, id);
	if (!info)
		goto out;
	if (PQntuples(info) == 0) {
		rc = 0;
		goto out;
	}
	const char *parent = db_val(info, 0, 0);
	if (parent && (!db_exec(c, a, &e, set_tenant_sql, 1, parent) ||
	                      !db_exec(c, a, &e, audit_sql, 5, "tenant.purge", "tenant", id,
	                              PQgetvalue(info, 0, 1), (const char *)NULL)))
		goto out;
	PGresult *p = db_exec(c, a, &e, purge_sql, 1, id);
	if (!p)
		goto out;
	if (PQgetvalue(p, 0, 0)[0] != 't') {
		rc = 0; /* restored meanwhile, or it has client tenants */
		goto out;
	}
	if (db_commit(c, &e))
		goto out;
	log_info("tenant %s purged after its deletion grace period", id);
	rc = 0;
out:
	db_rollback(c);
	if (rc)
		log_error("tenant %s: purge failed (%s %s)", id, e.message, e.detail_log);
	arena_free(a);
	return rc;
}

/* After a new AI Act rule set is deployed, stored classifications made under an older
 * one are stale: enqueue aiact.reclassify once per tenant that has some. The idempotency
 * key names the rule set, so each tenant gets one such job per rule-set version however
 * often this runs. Checked when a worker becomes leader and every 10 minutes after. */
static void enqueue_reclassification(PGconn *c, struct arena *a)
{
	struct err e = {0};
	const struct aiact_rules *rs;
	if (oblig_rules(&rs, &e))
		goto out;
	const char *version = aiact_rules_version(rs);
	PGresult *r = db_exec(c, a, &e, stale_sql, 1, version);
	for (int i = 0; r && i < PQntuples(r); i++) {
		const char *tenant = PQgetvalue(r, i, 0);
		json_t *job = NULL, *payload = json_object();
		struct err je = {0};
		int rc = db_begin(c, a, &je, tenant, NULL, arena_printf(a, "rules:%s", version));
		if (rc == 0)
			rc = q_insert(c, a, "aiact.reclassify", payload,
			        arena_printf(a, "rule-set:%s", version), NULL, NULL, &job, &je);
		json_decref(payload);
		if (rc == 0)
			rc = db_commit(c, &je);
		if (rc) {
			db_rollback(c);
			log_warn("re-classification of tenant %s not enqueued: %s %s", tenant,
			        je.message, je.detail_log);
			continue;
		}
		const char *state = json_string_value(json_object_get(job, "state"));
		const char *id = json_string_value(json_object_get(job, "id"));
		if (state && id && strcmp(state, "queued") == 0) {
			log_info("rule set %s: tenant %s has stale AI Act classifications;"
			         " aiact.reclassify job %s enqueued",
			        version, tenant, id);
			q_publish(cfg.redis_url, tenant, id, &je);
		}
	}
out:
	if (e.code)
		log_warn(
		        "stale AI Act classifications not checked: %s %s", e.message, e.detail_log);
}

void scheduler_tick(void)
{
	if (!ensure_leader())
		return;
	struct err e = {0};
	struct arena *a = arena_new();
	PGconn *c = db_thread_conn(cfg.database_url, &e);
	if (!c)
		goto out;
	PGresult *r = db_exec(c, a, &e, due_sql, 0);
	for (int i = 0; r && i < PQntuples(r); i++)
		fire(c, PQgetvalue(r, i, 0), PQgetvalue(r, i, 1));
	if (util_now_mono() >= next_stale_check) {
		next_stale_check = util_now_mono() + 600;
		enqueue_reclassification(c, a);
	}
	if (util_now_mono() < purge_pause_until)
		goto out;
	r = db_exec(c, a, &e, purge_due_sql, 0);
	for (int i = 0; r && i < PQntuples(r); i++)
		if (purge(c, PQgetvalue(r, i, 0))) {
			purge_pause_until = util_now_mono() + 60;
			break;
		}
out:
	if (e.code)
		log_warn("scheduler tick: %s %s", e.message, e.detail_log);
	arena_free(a);
}
