/*
 * worker.c - the job consumer of concord-worker (design: workers/README.md).
 *
 * One process is one consumer (wopt.id) of the group "workers" on the stream
 * "concord:jobs". A message only says {tenant_id, job_id}; the PostgreSQL row decides
 * everything:
 *
 *   claim    one transaction in the job's tenant: the row is locked (FOR UPDATE) and
 *            taken when it is queued/failed and due, or running under a lock older than
 *            the visibility timeout (its worker died); state running, attempts + 1,
 *            locked_by = us, a job_attempts row. Anything else: ack and drop.
 *   run      a NEW transaction in the tenant; run() does its work there and the job's
 *            "succeeded" state commits with it - but only if the row is still ours
 *            (locked_by and attempts unchanged: the fence), otherwise all is rolled back.
 *   failure  the run transaction rolls back; another records "failed" with run_at =
 *            now + backoff, or "dead" after max_attempts, with the error.
 *   ack      XACK + XDEL once the outcome is recorded (or the message is moot).
 *
 * While run() works, a heartbeat thread refreshes locked_at and the message's idle
 * time (XCLAIM ... JUSTID) every third of the visibility timeout, so only a dead or
 * stuck worker loses its job to XAUTOCLAIM or to the PostgreSQL stale-lock sweep.
 *
 * Threads: the main thread calls everything except heartbeat_main(); the heartbeat
 * shares only `hb` (under hb.mu) and uses its own database and Redis connections.
 * Memory: one arena per message, freed when the message is done.
 */
#include "worker.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "db.h"
#include "job.h"
#include "jsonv.h"
#include "log.h"
#include "queue.h"
#include "redis.h"
#include "util.h"

struct worker_options wopt;

/* ------------------------------------------------------------------ SQL */

static const char lock_sql[] =
        "SELECT state, attempts, max_attempts, run_at <= now(),"
        " coalesce(locked_at < now() - make_interval(secs => $2::int), false), locked_by, type,"
        " payload::text FROM jobs WHERE id = $1 FOR UPDATE";
static const char abandon_attempt_sql[] =
        "UPDATE job_attempts SET outcome = 'abandoned', finished_at = clock_timestamp(),"
        " error = 'worker ' || $2 || ' stopped before finishing (lock expired)'"
        " WHERE tenant_id = app_tenant() AND job_id = $1 AND outcome = 'running'";
static const char dead_on_lost_sql[] =
        "UPDATE jobs SET state = 'dead', finished_at = clock_timestamp(), updated_at = now(), "
        "locked_by = NULL,"
        " locked_at = NULL, error = 'the worker running the last attempt stopped: ' || $2"
        " WHERE id = $1";
static const char claim_sql[] =
        "UPDATE jobs SET state = 'running', attempts = attempts + 1, locked_by = $2,"
        " locked_at = now(), updated_at = now() WHERE id = $1 RETURNING attempts";
static const char attempt_insert_sql[] =
        "INSERT INTO job_attempts (tenant_id, job_id, seq, attempt, worker_id)"
        " SELECT app_tenant(), $1, coalesce(max(seq), 0) + 1, $2::int, $3 FROM job_attempts"
        " WHERE tenant_id = app_tenant() AND job_id = $1 RETURNING seq";
static const char succeed_sql[] =
        "UPDATE jobs SET state = 'succeeded', result = $4::jsonb, error = NULL,"
        " finished_at = clock_timestamp(), updated_at = now(), locked_by = NULL, locked_at = NULL"
        " WHERE id = $1 AND state = 'running' AND locked_by = $2 AND attempts = $3::int";
static const char attempt_done_sql[] =
        "UPDATE job_attempts SET outcome = $3, finished_at = clock_timestamp(), error = $4,"
        " retry_at = CASE WHEN $5::bigint IS NULL THEN NULL"
        "   ELSE now() + make_interval(secs => $5::bigint / 1000.0) END"
        " WHERE tenant_id = app_tenant() AND job_id = $1 AND seq = $2::int";
static const char fence_sql[] =
        "SELECT attempts >= max_attempts FROM jobs WHERE id = $1 AND state = 'running'"
        " AND locked_by = $2 AND attempts = $3::int FOR UPDATE";
static const char retry_sql[] =
        "UPDATE jobs SET state = 'failed', error = $2, updated_at = now(), locked_by = NULL,"
        " locked_at = NULL, run_at = now() + make_interval(secs => $3::bigint / 1000.0)"
        " WHERE id = $1";
static const char dead_sql[] = "UPDATE jobs SET state = 'dead', error = $2, updated_at = now(), "
                               "finished_at = clock_timestamp(),"
                               " locked_by = NULL, locked_at = NULL WHERE id = $1";
static const char heartbeat_sql[] =
        "UPDATE jobs SET locked_at = now() WHERE id = $1 AND state = 'running'"
        " AND locked_by = $2 AND attempts = $3::int";
static const char dispatchable_sql[] = "SELECT tenant_id, id FROM jobs_dispatchable(500)";
static const char stale_sql[] = "SELECT tenant_id, id FROM jobs_stale_running($1::int, 200)";

/* ------------------------------------------------------------- options */

static int env_int(const char *name, int def, int min, int max, int *out)
{
	const char *v = getenv(name);
	if (!v || !*v) {
		*out = def;
		return 0;
	}
	char *end;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (errno || *end || n < min || n > max) {
		fprintf(stderr, "concord-worker: %s must be an integer in [%d, %d], got '%s'\n",
		        name, min, max, v);
		return -1;
	}
	*out = (int)n;
	return 0;
}

int worker_parse_faults(const char *spec, struct worker_faults *f, struct err *e)
{
	memset(f, 0, sizeof *f);
	if (!spec || !*spec)
		return 0;
	char buf[512];
	if (strlen(spec) >= sizeof buf)
		return err_set(e, ERR_INVALID, "CONCORD_FAULT", "too long");
	snprintf(buf, sizeof buf, "%s", spec);
	char *save = NULL;
	for (char *item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		char *colon = strchr(item, ':');
		if (!colon || !colon[1])
			return err_set(
			        e, ERR_INVALID, "CONCORD_FAULT", "'%s' is not knob:argument", item);
		*colon = '\0';
		const char *arg = colon + 1;
		char *dst = NULL;
		if (strcmp(item, "exit_after_run") == 0)
			dst = f->exit_after_run;
		else if (strcmp(item, "exit_before_ack") == 0)
			dst = f->exit_before_ack;
		else if (strcmp(item, "fail") == 0)
			dst = f->fail;
		if (dst) {
			if (strlen(arg) >= sizeof f->fail)
				return err_set(
				        e, ERR_INVALID, "CONCORD_FAULT", "job type too long");
			snprintf(dst, sizeof f->fail, "%s", arg);
		} else if (strcmp(item, "sleep_in_run") == 0) {
			char *end;
			long ms = strtol(arg, &end, 10);
			if (*end || ms < 1 || ms > 3600000)
				return err_set(e, ERR_INVALID, "CONCORD_FAULT",
				        "sleep_in_run takes milliseconds (1 to 3600000)");
			f->sleep_in_run_ms = (int)ms;
		} else {
			return err_set(e, ERR_INVALID, "CONCORD_FAULT",
			        "unknown knob '%s' (exit_after_run, exit_before_ack, fail,"
			        " sleep_in_run)",
			        item);
		}
	}
	return 0;
}

int worker_options_load(void)
{
	const char *id = getenv("CONCORD_WORKER_ID");
	if (id && *id) {
		if (strlen(id) >= sizeof wopt.id) {
			fprintf(stderr, "concord-worker: CONCORD_WORKER_ID is too long\n");
			return -1;
		}
		snprintf(wopt.id, sizeof wopt.id, "%s", id);
	} else {
		char host[64] = "worker";
		gethostname(host, sizeof host - 1);
		host[sizeof host - 1] = '\0';
		snprintf(wopt.id, sizeof wopt.id, "%s-%d", host, (int)getpid());
	}
	if (env_int("CONCORD_JOB_BACKOFF_BASE_MS", 2000, 1, 3600000, &wopt.backoff_base_ms) ||
	        env_int("CONCORD_JOB_BACKOFF_MAX_MS", 600000, 1, 86400000, &wopt.backoff_max_ms) ||
	        env_int("CONCORD_WORKER_SWEEP_MS", 1000, 50, 600000, &wopt.sweep_ms))
		return -1;
	struct err e = {0};
	if (worker_parse_faults(getenv("CONCORD_FAULT"), &wopt.fault, &e)) {
		fprintf(stderr, "concord-worker: %s: %s\n", e.field, e.message);
		return -1;
	}
	return 0;
}

long worker_backoff_ms(int attempt, int base_ms, int max_ms, double rnd)
{
	double d = (double)base_ms;
	for (int i = 1; i < attempt && d < max_ms; i++)
		d *= 2;
	if (d > max_ms)
		d = max_ms;
	if (rnd < 0)
		rnd = 0;
	if (rnd >= 1)
		rnd = 0.999999;
	return (long)ceil(d / 2 + rnd * d / 2);
}

static double random_unit(void)
{
	uint32_t x;
	util_random(&x, sizeof x);
	return x / 4294967296.0;
}

/* ----------------------------------------------------------- heartbeat */

static struct {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t thread;
	bool started, quit, active;
	char tenant[37], job[37], msg[64];
	int attempt;
} hb = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};

static void heartbeat_beat(const char *tenant, const char *job, const char *msg, int attempt)
{
	struct err e = {0};
	struct arena *a = arena_new();
	char att[16];
	snprintf(att, sizeof att, "%d", attempt);
	PGconn *c = db_thread_conn(cfg.database_url, &e);
	if (!c || db_begin(c, a, &e, tenant, NULL, NULL))
		goto out;
	PGresult *r = db_exec(c, a, &e, heartbeat_sql, 3, job, wopt.id, att);
	if (!r || db_commit(c, &e)) {
		db_rollback(c);
		goto out;
	}
	if (strcmp(PQcmdTuples(r), "1") != 0)
		goto out; /* no longer ours: do not take the message back either */
	redisContext *rc = redis_thread_conn(cfg.redis_url, &e);
	const char *argv[] = {"XCLAIM", Q_STREAM, Q_GROUP, wopt.id, "0", msg, "JUSTID"};
	if (rc && msg[0])
		redis_cmdv(rc, a, &e, 7, argv);
out:
	if (e.code)
		log_warn("heartbeat for job %s failed: %s %s", job, e.message, e.detail_log);
	arena_free(a);
}

static void *heartbeat_main(void *arg)
{
	(void)arg;
	long period_ms = cfg.job_visibility_timeout * 1000L / 3;
	if (period_ms < 100)
		period_ms = 100;
	pthread_mutex_lock(&hb.mu);
	while (!hb.quit) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += period_ms / 1000;
		ts.tv_nsec += (period_ms % 1000) * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		int rc = pthread_cond_timedwait(&hb.cv, &hb.mu, &ts);
		if (hb.quit || !hb.active || rc != ETIMEDOUT)
			continue;
		char tenant[37], job[37], msg[64];
		int attempt = hb.attempt;
		memcpy(tenant, hb.tenant, sizeof tenant);
		memcpy(job, hb.job, sizeof job);
		memcpy(msg, hb.msg, sizeof msg);
		pthread_mutex_unlock(&hb.mu);
		heartbeat_beat(tenant, job, msg, attempt);
		pthread_mutex_lock(&hb.mu);
	}
	pthread_mutex_unlock(&hb.mu);
	db_thread_close();
	redis_thread_close();
	return NULL;
}

static void heartbeat_set(const char *tenant, const char *job, const char *msg, int attempt)
{
	pthread_mutex_lock(&hb.mu);
	hb.active = tenant != NULL;
	if (tenant) {
		snprintf(hb.tenant, sizeof hb.tenant, "%s", tenant);
		snprintf(hb.job, sizeof hb.job, "%s", job);
		snprintf(hb.msg, sizeof hb.msg, "%s", msg ? msg : "");
		hb.attempt = attempt;
	}
	pthread_cond_signal(&hb.cv); /* restart the period */
	pthread_mutex_unlock(&hb.mu);
}

int worker_start(struct err *e)
{
	if (pthread_create(&hb.thread, NULL, heartbeat_main, NULL) != 0)
		return err_set(e, ERR_INTERNAL, NULL, "could not start the heartbeat thread");
	hb.started = true;
	return 0;
}

void worker_stop(void)
{
	if (!hb.started)
		return;
	pthread_mutex_lock(&hb.mu);
	hb.quit = true;
	pthread_cond_signal(&hb.cv);
	pthread_mutex_unlock(&hb.mu);
	pthread_join(hb.thread, NULL);
	hb.started = false;
}

/* ------------------------------------------------------------ messages */

/* Everything about the job being handled (arena strings). */
struct job_run {
	const char *msg_id;
	const char *tenant_id;
	const char *job_id;
	const char *type;
	const char *payload_text;
	int attempt; /* value of jobs.attempts after our claim */
	int seq;     /* our job_attempts row */
	char attempt_text[16];
	char seq_text[16];
};

/* XACK + XDEL a message - only while it is pending for this consumer: a message that
 * another worker reclaimed meanwhile (we were paused or slow) is that worker's to
 * finish, and acking it would hide it from the next reclaim. */
static void ack(struct arena *a, const char *msg_id)
{
	struct err e = {0};
	redisContext *c = redis_thread_conn(cfg.redis_url, &e);
	const char *pending[] = {"XPENDING", Q_STREAM, Q_GROUP, msg_id, msg_id, "1"};
	const char *xack[] = {"XACK", Q_STREAM, Q_GROUP, msg_id};
	const char *xdel[] = {"XDEL", Q_STREAM, msg_id};
	redisReply *p = c ? redis_cmdv(c, a, &e, 6, pending) : NULL;
	if (p && p->type == REDIS_REPLY_ARRAY && p->elements == 1 &&
	        p->element[0]->type == REDIS_REPLY_ARRAY && p->element[0]->elements >= 2 &&
	        p->element[0]->element[1]->type == REDIS_REPLY_STRING &&
	        strcmp(p->element[0]->element[1]->str, wopt.id) != 0) {
		log_info("message %s now belongs to %s: left to it", msg_id,
		        p->element[0]->element[1]->str);
		return;
	}
	c = redis_thread_conn(cfg.redis_url, &e);
	if (!c || !redis_cmdv(c, a, &e, 4, xack) || !redis_cmdv(c, a, &e, 3, xdel))
		log_info("could not ack message %s (%s %s); it is moot and will be dropped when"
		         " redelivered",
		        msg_id, e.message, e.detail_log);
}

/* Claim the job. 1 = ours (jr filled), 0 = nothing to do (ack), 2 = running under a
 * lock that is not stale yet, -1 = error (keep the message pending; it will be
 * redelivered). */
static int claim(PGconn *c, struct arena *a, struct job_run *jr, struct err *e)
{
	char vis[16];
	snprintf(vis, sizeof vis, "%d", cfg.job_visibility_timeout);
	char *rid = arena_printf(a, "job:%s", jr->job_id);
	if (db_begin(c, a, e, jr->tenant_id, NULL, rid))
		return -1;
	PGresult *r = db_exec(c, a, e, lock_sql, 2, jr->job_id, vis);
	if (!r)
		goto fail;
	if (PQntuples(r) == 0) {
		db_rollback(c);
		log_info("job %s no longer exists (tenant purged?): message dropped", jr->job_id);
		return 0;
	}
	const char *state = PQgetvalue(r, 0, 0);
	int attempts = atoi(PQgetvalue(r, 0, 1)), max = atoi(PQgetvalue(r, 0, 2));
	bool due = PQgetvalue(r, 0, 3)[0] == 't', stale = PQgetvalue(r, 0, 4)[0] == 't';
	const char *holder = db_val(r, 0, 5);
	jr->type = arena_strdup(a, PQgetvalue(r, 0, 6));
	jr->payload_text = arena_strdup(a, PQgetvalue(r, 0, 7));
	bool waiting = strcmp(state, "queued") == 0 || strcmp(state, "failed") == 0;
	bool lost = strcmp(state, "running") == 0 && stale;
	if (!(waiting && due) && !lost) {
		db_rollback(c);
		log_debug("job %s is %s%s: nothing to do", jr->job_id, state,
		        waiting ? " (not due yet)" : "");
		return strcmp(state, "running") == 0 ? 2 : 0;
	}
	if (lost) {
		holder = holder ? holder : "(unknown)";
		if (!db_exec(c, a, e, abandon_attempt_sql, 2, jr->job_id, holder))
			goto fail;
		log_warn("job %s: worker %s stopped while running attempt %d; taking it over",
		        jr->job_id, holder, attempts);
		if (attempts >= max) {
			if (!db_exec(c, a, e, dead_on_lost_sql, 2, jr->job_id, holder) ||
			        db_commit(c, e))
				goto fail;
			log_error("job %s is dead: its last attempt lost its worker", jr->job_id);
			return 0;
		}
	}
	r = db_exec(c, a, e, claim_sql, 2, jr->job_id, wopt.id);
	if (!r)
		goto fail;
	jr->attempt = atoi(PQgetvalue(r, 0, 0));
	snprintf(jr->attempt_text, sizeof jr->attempt_text, "%d", jr->attempt);
	r = db_exec(c, a, e, attempt_insert_sql, 3, jr->job_id, jr->attempt_text, wopt.id);
	if (!r)
		goto fail;
	jr->seq = atoi(PQgetvalue(r, 0, 0));
	snprintf(jr->seq_text, sizeof jr->seq_text, "%d", jr->seq);
	if (db_commit(c, e))
		goto fail;
	return 1;
fail:
	db_rollback(c);
	return -1;
}

/* Record a failed attempt (the run transaction was rolled back): retry later or dead. */
static void record_failure(
        PGconn *c, struct arena *a, const struct job_run *jr, const struct err *why)
{
	struct err e = {0};
	char msg[400];
	if (why->field[0])
		snprintf(msg, sizeof msg, "%s: %s", why->field, why->message);
	else
		snprintf(msg, sizeof msg, "%s", why->message);
	if (db_begin(c, a, &e, jr->tenant_id, NULL, arena_printf(a, "job:%s", jr->job_id)))
		goto fail;
	PGresult *r = db_exec(c, a, &e, fence_sql, 3, jr->job_id, wopt.id, jr->attempt_text);
	if (!r)
		goto fail;
	if (PQntuples(r) == 0) {
		db_rollback(c);
		log_warn(
		        "job %s: failed, but another worker owns it now; not recorded", jr->job_id);
		return;
	}
	bool last = PQgetvalue(r, 0, 0)[0] == 't';
	char delay[24];
	long ms = last ? 0
	               : worker_backoff_ms(jr->attempt, wopt.backoff_base_ms, wopt.backoff_max_ms,
	                         random_unit());
	snprintf(delay, sizeof delay, "%ld", ms);
	if (!db_exec(c, a, &e, last ? dead_sql : retry_sql, last ? 2 : 3, jr->job_id, msg, delay))
		goto fail;
	if (!db_exec(c, a, &e, attempt_done_sql, 5, jr->job_id, jr->seq_text, "failed", msg,
	            last ? NULL : delay))
		goto fail;
	if (db_commit(c, &e))
		goto fail;
	if (last)
		log_error("job %s (%s) is dead after %d attempts: %s", jr->job_id, jr->type,
		        jr->attempt, msg);
	else
		log_warn("job %s (%s) attempt %d failed: %s; retry in %ld ms", jr->job_id, jr->type,
		        jr->attempt, msg, ms);
	/* the re-publisher sends it again once run_at has passed */
	q_unmark(cfg.redis_url, jr->job_id);
	return;
fail:
	db_rollback(c);
	log_error("job %s: could not record its failure (%s %s); the stale-lock sweep will"
	          " retry it",
	        jr->job_id, e.message, e.detail_log);
}

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* Run the claimed job and record its outcome. */
static void run(PGconn *c, struct arena *a, struct job_run *jr)
{
	struct err e = {0};
	json_t *result = NULL;
	double t0 = util_now_mono();
	const struct job_type *jt = job_type_find(jr->type);
	int rc = -1;
	if (db_begin(c, a, &e, jr->tenant_id, NULL, arena_printf(a, "job:%s", jr->job_id)))
		goto failed;
	if (wopt.fault.sleep_in_run_ms) {
		log_warn("CONCORD_FAULT: sleeping %d ms in job %s", wopt.fault.sleep_in_run_ms,
		        jr->job_id);
		sleep_ms(wopt.fault.sleep_in_run_ms);
	}
	json_error_t je;
	json_t *payload = json_loads(jr->payload_text, 0, &je);
	if (payload)
		arena_json(a, payload);
	if (strcmp(wopt.fault.fail, jr->type) == 0) {
		err_set(&e, ERR_INTERNAL, NULL, "injected failure (CONCORD_FAULT=fail:%s)",
		        jr->type);
	} else if (!jt) {
		err_set(&e, ERR_INVALID, "type", "unknown job type '%s'", jr->type);
	} else if (!json_is_object(payload)) {
		err_set(&e, ERR_INVALID, "payload", "must be a JSON object");
	} else {
		struct job_ctx ctx = {
		        c, a, jr->tenant_id, jr->job_id, jr->type, jr->attempt, wopt.id};
		rc = jt->run(&ctx, payload, &result, &e);
		if (rc == 0 && !json_is_object(result)) {
			json_decref(result);
			result = NULL;
			rc = err_set(
			        &e, ERR_INTERNAL, NULL, "job type %s returned no result", jr->type);
		}
	}
	if (rc)
		goto failed;
	if (strcmp(wopt.fault.exit_after_run, jr->type) == 0) {
		log_warn("CONCORD_FAULT: exiting after running job %s, before recording it",
		        jr->job_id);
		_exit(3);
	}
	char *text = json_dumps(result, JSON_COMPACT);
	json_decref(result);
	result = NULL;
	PGresult *r =
	        db_exec(c, a, &e, succeed_sql, 4, jr->job_id, wopt.id, jr->attempt_text, text);
	free(text);
	if (!r)
		goto failed;
	if (strcmp(PQcmdTuples(r), "1") != 0) {
		db_rollback(c);
		log_warn("job %s: another worker took it over while this run worked; this run's"
		         " work is discarded",
		        jr->job_id);
		return;
	}
	const char *none = NULL;
	if (!db_exec(c, a, &e, attempt_done_sql, 5, jr->job_id, jr->seq_text, "succeeded", none,
	            none) ||
	        db_commit(c, &e))
		goto failed;
	json_t *f = json_pack("{s:s, s:s, s:s, s:s, s:i, s:f}", "msg", "job succeeded", "job_id",
	        jr->job_id, "type", jr->type, "tenant_id", jr->tenant_id, "attempt", jr->attempt,
	        "duration_ms", (util_now_mono() - t0) * 1000.0);
	log_json(LOG_INFO, f);
	json_decref(f);
	return;
failed:
	json_decref(result);
	db_rollback(c);
	if (e.detail_log[0])
		log_msg(e.code == ERR_INTERNAL || e.code == ERR_UNAVAILABLE ? LOG_ERROR : LOG_WARN,
		        "job %s (%s) attempt %d: %s (%s)", jr->job_id, jr->type, jr->attempt,
		        e.message, e.detail_log);
	record_failure(c, a, jr, &e);
}

/* Handle one stream entry (reclaimed: it came from XAUTOCLAIM). Returns 0 when done
 * (acked, or deliberately left pending), -1 when left pending after an error. */
static int handle(const redisReply *entry, bool reclaimed)
{
	if (entry->type != REDIS_REPLY_ARRAY || entry->elements < 2 ||
	        entry->element[0]->type != REDIS_REPLY_STRING)
		return 0; /* deleted entry (XAUTOCLAIM of an XDELed id) */
	struct arena *a = arena_new();
	struct job_run jr = {0};
	struct err e = {0};
	int rc = 0;
	jr.msg_id = arena_strdup(a, entry->element[0]->str);
	const redisReply *kv = entry->element[1];
	for (size_t i = 0; kv->type == REDIS_REPLY_ARRAY && i + 1 < kv->elements; i += 2) {
		const char *k = kv->element[i]->str, *v = kv->element[i + 1]->str;
		if (k && v && strcmp(k, "tenant_id") == 0)
			jr.tenant_id = arena_strdup(a, v);
		else if (k && v && strcmp(k, "job_id") == 0)
			jr.job_id = arena_strdup(a, v);
	}
	if (!jr.tenant_id || !jr.job_id || !util_is_uuid(jr.tenant_id) ||
	        !util_is_uuid(jr.job_id)) {
		log_warn("message %s is not a job message: dropped", jr.msg_id);
		ack(a, jr.msg_id);
		goto out;
	}
	log_set_request_id(arena_printf(a, "job:%s", jr.job_id));
	PGconn *c = db_thread_conn(cfg.database_url, &e);
	int claimed = c ? claim(c, a, &jr, &e) : -1;
	if (claimed < 0) {
		log_error("job %s: could not claim (%s %s); message left pending", jr.job_id,
		        e.message, e.detail_log);
		rc = -1;
		goto out;
	}
	if (claimed == 2 && reclaimed) {
		/* Its worker went silent (the message idled past the visibility timeout) but
		 * the lock was refreshed more recently, as when a worker dies between claim
		 * and first heartbeat: keep the message; the next reclaim finds the lock
		 * stale - or the live worker's heartbeat takes the message back. */
		log_info("job %s: lock not stale yet; message %s kept pending", jr.job_id,
		        jr.msg_id);
		goto out;
	}
	if (claimed == 1) {
		q_unmark(cfg.redis_url, jr.job_id);
		heartbeat_set(jr.tenant_id, jr.job_id, jr.msg_id, jr.attempt);
		run(c, a, &jr);
		heartbeat_set(NULL, NULL, NULL, 0);
		if (strcmp(wopt.fault.exit_before_ack, jr.type) == 0) {
			log_warn("CONCORD_FAULT: exiting after recording job %s, before XACK",
			        jr.job_id);
			_exit(4);
		}
	}
	ack(a, jr.msg_id);
out:
	log_set_request_id(NULL);
	arena_free(a);
	return rc;
}

/* Create the group when Redis lost it; true if the command should be retried. */
static bool recover_group(const struct err *e)
{
	if (!strstr(e->detail_log, "NOGROUP"))
		return false;
	struct err e2 = {0};
	if (q_ensure_group(cfg.redis_url, &e2) == 1)
		log_warn("consumer group was missing (Redis flushed or restarted): recreated");
	return true;
}

int worker_reclaim_once(void)
{
	struct err e = {0};
	struct arena *a = arena_new();
	int rc = -1;
	char idle[24];
	/* where the scan of the pending entries list continues ("0-0" after a full pass) */
	static char cursor[64] = "0-0";
	snprintf(idle, sizeof idle, "%ld", cfg.job_visibility_timeout * 1000L);
	redisContext *c = redis_thread_conn(cfg.redis_url, &e);
	const char *argv[] = {"XAUTOCLAIM", Q_STREAM, Q_GROUP, wopt.id, idle, cursor, "COUNT", "1"};
	redisReply *r = c ? redis_cmdv(c, a, &e, 8, argv) : NULL;
	if (!r) {
		snprintf(cursor, sizeof cursor, "0-0");
		if (recover_group(&e))
			rc = 0;
		goto out;
	}
	rc = 0;
	if (r->type != REDIS_REPLY_ARRAY || r->elements < 2 ||
	        r->element[1]->type != REDIS_REPLY_ARRAY)
		goto out;
	if (r->element[0]->type == REDIS_REPLY_STRING && r->element[0]->len < sizeof cursor)
		snprintf(cursor, sizeof cursor, "%s", r->element[0]->str);
	const redisReply *entries = r->element[1];
	for (size_t i = 0; i < entries->elements; i++) {
		const redisReply *en = entries->element[i];
		if (en->type != REDIS_REPLY_ARRAY || en->elements < 2 ||
		        en->element[0]->type != REDIS_REPLY_STRING)
			continue;
		log_info("reclaimed message %s: idle for more than %d s", en->element[0]->str,
		        cfg.job_visibility_timeout);
		if (handle(en, true) == 0)
			rc = 1;
	}
out:
	if (rc < 0)
		log_warn("XAUTOCLAIM failed: %s %s", e.message, e.detail_log);
	arena_free(a);
	return rc;
}

int worker_read_once(int block_ms)
{
	struct err e = {0};
	struct arena *a = arena_new();
	int rc = -1;
	char block[16];
	snprintf(block, sizeof block, "%d", block_ms < 1 ? 1 : block_ms);
	redisContext *c = redis_thread_conn(cfg.redis_url, &e);
	const char *argv[] = {"XREADGROUP", "GROUP", Q_GROUP, wopt.id, "COUNT", "1", "BLOCK", block,
	        "STREAMS", Q_STREAM, ">"};
	redisReply *r = c ? redis_cmdv(c, a, &e, 11, argv) : NULL;
	if (!r) {
		if (recover_group(&e))
			rc = 0;
		else
			log_warn("XREADGROUP failed: %s %s", e.message, e.detail_log);
		goto out;
	}
	rc = 0;
	if (r->type != REDIS_REPLY_ARRAY)
		goto out; /* timeout */
	for (size_t s = 0; s < r->elements; s++) {
		const redisReply *stream = r->element[s];
		if (stream->type != REDIS_REPLY_ARRAY || stream->elements < 2)
			continue;
		const redisReply *entries = stream->element[1];
		for (size_t i = 0; entries->type == REDIS_REPLY_ARRAY && i < entries->elements; i++)
			if (handle(entries->element[i], false) == 0)
				rc = 1;
	}
out:
	arena_free(a);
	return rc;
}

/* ---------------------------------------------------------- maintenance */

/* Re-publish every (tenant_id, id) row of res whose publish marker is gone. */
static int republish_rows(const PGresult *res, const char *why)
{
	int n = 0;
	for (int i = 0; i < PQntuples(res); i++) {
		struct err e = {0};
		int rc = q_republish(
		        cfg.redis_url, PQgetvalue(res, i, 0), PQgetvalue(res, i, 1), &e);
		if (rc < 0) {
			log_warn("re-publish of job %s failed: %s %s", PQgetvalue(res, i, 1),
			        e.message, e.detail_log);
			break; /* Redis is down: next sweep */
		}
		n += rc;
	}
	if (n)
		log_info("re-published %d %s job(s) from PostgreSQL", n, why);
	return n;
}

void worker_sweep(void)
{
	struct err e = {0};
	struct arena *a = arena_new();
	if (q_ensure_group(cfg.redis_url, &e) == 1)
		log_warn("consumer group was missing (Redis flushed or restarted): recreated");
	PGconn *c = db_thread_conn(cfg.database_url, &e);
	if (!c)
		goto out;
	PGresult *r = db_exec(c, a, &e, dispatchable_sql, 0);
	if (r)
		republish_rows(r, "queued or due");
	char older[16];
	snprintf(older, sizeof older, "%d", 2 * cfg.job_visibility_timeout);
	r = db_exec(c, a, &e, stale_sql, 1, older);
	if (r)
		republish_rows(r, "stale running");
out:
	if (e.code)
		log_warn("sweep: %s %s", e.message, e.detail_log);
	arena_free(a);
}

void worker_leave_group(void)
{
	struct err e = {0};
	struct arena *a = arena_new();
	redisContext *c = redis_thread_conn(cfg.redis_url, &e);
	const char *pending[] = {"XPENDING", Q_STREAM, Q_GROUP, "-", "+", "1", wopt.id};
	redisReply *r = c ? redis_cmdv(c, a, &e, 7, pending) : NULL;
	if (r && r->type == REDIS_REPLY_ARRAY && r->elements == 0) {
		const char *del[] = {"XGROUP", "DELCONSUMER", Q_STREAM, Q_GROUP, wopt.id};
		redis_cmdv(c, a, &e, 5, del);
	}
	arena_free(a);
}
