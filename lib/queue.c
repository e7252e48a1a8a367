/*
 * queue.c - enqueueing and publishing background jobs (see queue.h for the model and
 * workers/README.md for the whole lifecycle).
 *
 * Entry points: q_insert (row in the caller's transaction), q_enqueue (row + publish
 * after COMMIT), q_publish / q_republish / q_unmark (Redis side), q_ensure_group.
 * Ownership: *job from q_insert lives in the arena passed in. Redis replies are freed
 * here. Threads: any; each thread uses its own Redis connection (redis_thread_conn).
 */
#include "queue.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "db.h"
#include "http.h"
#include "log.h"
#include "redis.h"

static const char insert_sql[] =
        "INSERT INTO jobs AS j (tenant_id, type, payload, idempotency_key, run_at, created_by,"
        " max_attempts) VALUES (app_tenant(), $1, coalesce($2::jsonb, '{}'), $3,"
        " coalesce($4::timestamptz, now()), $5::uuid, $6::int)"
        " ON CONFLICT (tenant_id, type, idempotency_key) DO NOTHING RETURNING " Q_JOB_JSON;
static const char existing_sql[] =
        "SELECT " Q_JOB_JSON " FROM jobs j"
        " WHERE j.tenant_id = app_tenant() AND j.type = $1 AND j.idempotency_key = $2";

int q_marker_ttl(void)
{
	int ttl = cfg.job_visibility_timeout * 10;
	return ttl < 30 ? 30 : ttl;
}

int q_insert(PGconn *c, struct arena *a, const char *type, const json_t *payload,
        const char *idem_key, const char *run_at, const char *created_by, json_t **job,
        struct err *e)
{
	char max[16];
	snprintf(max, sizeof max, "%d", cfg.job_max_attempts > 0 ? cfg.job_max_attempts : 5);
	char *p = payload ? json_dumps(payload, JSON_COMPACT) : NULL;
	if (payload && !p)
		return err_set(e, ERR_INVALID, "payload", "must be a JSON object");
	PGresult *res = db_exec(c, a, e, insert_sql, 6, type, p, idem_key, run_at,
	        created_by && *created_by ? created_by : NULL, max);
	free(p);
	if (!res)
		return -1;
	if (PQntuples(res) == 0) {
		/* the idempotency key was used before: that job is the answer */
		res = db_exec(c, a, e, existing_sql, 2, type, idem_key);
		if (!res)
			return -1;
		if (PQntuples(res) != 1)
			return err_set(e, ERR_CONFLICT, "idempotency_key",
			        "a job with this key is being created concurrently; retry");
	}
	*job = db_json(a, res, 0, 0);
	if (!*job)
		return err_set(e, ERR_INTERNAL, NULL, "could not decode the job");
	return 0;
}

/* The after-commit callback's argument (arena memory of the request). */
struct publish_arg {
	char tenant_id[37];
	char job_id[37];
};

static void publish_cb(struct req *r, void *arg)
{
	const struct publish_arg *pa = arg;
	struct err e = {0};
	(void)r;
	if (q_publish(cfg.redis_url, pa->tenant_id, pa->job_id, &e))
		log_warn("job %s not published (%s: %s); the re-publisher will send it", pa->job_id,
		        e.message, e.detail_log);
}

/* The callback is stored in struct req directly (what req_after_commit in
 * api/server.c does) so that this file links into the worker binary, which has no
 * HTTP server, without an unresolved symbol. */
void q_publish_after_commit(struct req *r, const char *tenant_id, const char *job_id)
{
	struct publish_arg *pa = arena_alloc(r->arena, sizeof *pa);
	snprintf(pa->tenant_id, sizeof pa->tenant_id, "%s", tenant_id);
	snprintf(pa->job_id, sizeof pa->job_id, "%s", job_id);
	int n = r->nafter_commit;
	if (n >= (int)(sizeof r->after_commit / sizeof r->after_commit[0])) {
		log_error("too many after-commit callbacks");
		abort();
	}
	r->after_commit[n] = publish_cb;
	r->after_commit_arg[n] = pa;
	r->nafter_commit = n + 1;
}

int q_enqueue(struct req *r, const char *type, const json_t *payload, const char *idem_key,
        json_t **job, struct err *e)
{
	if (q_insert(r->db, r->arena, type, payload, idem_key, NULL, r->who.user_id, job, e))
		return -1;
	const char *tenant = json_string_value(json_object_get(*job, "tenant_id"));
	const char *id = json_string_value(json_object_get(*job, "id"));
	const char *state = json_string_value(json_object_get(*job, "state"));
	/* an existing job (idempotency key) is only re-sent while it waits to run */
	if (tenant && id && state && strcmp(state, "queued") == 0)
		q_publish_after_commit(r, tenant, id);
	return 0;
}

static int xadd(
        redisContext *c, struct arena *a, const char *tenant_id, const char *job_id, struct err *e)
{
	const char *argv[] = {"XADD", Q_STREAM, "*", "tenant_id", tenant_id, "job_id", job_id};
	return redis_cmdv(c, a, e, 7, argv) ? 0 : -1;
}

int q_publish(const char *redis_url, const char *tenant_id, const char *job_id, struct err *e)
{
	struct arena *a = arena_new();
	int rc = -1;
	redisContext *c = redis_thread_conn(redis_url, e);
	if (!c)
		goto out;
	char key[96], ttl[16];
	snprintf(key, sizeof key, Q_MARKER_PREFIX "%s", job_id);
	snprintf(ttl, sizeof ttl, "%d", q_marker_ttl());
	const char *set[] = {"SET", key, "1", "EX", ttl};
	if (!redis_cmdv(c, a, e, 5, set))
		goto out;
	c = redis_thread_conn(redis_url, e);
	if (!c || xadd(c, a, tenant_id, job_id, e))
		goto out;
	rc = 0;
out:
	arena_free(a);
	return rc;
}

int q_republish(const char *redis_url, const char *tenant_id, const char *job_id, struct err *e)
{
	struct arena *a = arena_new();
	int rc = -1;
	redisContext *c = redis_thread_conn(redis_url, e);
	if (!c)
		goto out;
	char key[96], ttl[16];
	snprintf(key, sizeof key, Q_MARKER_PREFIX "%s", job_id);
	snprintf(ttl, sizeof ttl, "%d", q_marker_ttl());
	const char *set[] = {"SET", key, "1", "NX", "EX", ttl};
	redisReply *r = redis_cmdv(c, a, e, 6, set);
	if (!r)
		goto out;
	if (r->type == REDIS_REPLY_NIL) {
		rc = 0; /* published recently: still travelling */
		goto out;
	}
	c = redis_thread_conn(redis_url, e);
	if (!c || xadd(c, a, tenant_id, job_id, e)) {
		/* let the next sweep try again instead of waiting for the marker to expire */
		q_unmark(redis_url, job_id);
		goto out;
	}
	rc = 1;
out:
	arena_free(a);
	return rc;
}

void q_unmark(const char *redis_url, const char *job_id)
{
	struct err e = {0};
	struct arena *a = arena_new();
	redisContext *c = redis_thread_conn(redis_url, &e);
	char key[96];
	snprintf(key, sizeof key, Q_MARKER_PREFIX "%s", job_id);
	const char *del[] = {"DEL", key};
	if (c && !redis_cmdv(c, a, &e, 2, del))
		log_debug("could not clear the publish marker of job %s: %s", job_id, e.detail_log);
	arena_free(a);
}

int q_ensure_group(const char *redis_url, struct err *e)
{
	struct arena *a = arena_new();
	int rc = -1;
	redisContext *c = redis_thread_conn(redis_url, e);
	if (!c)
		goto out;
	/* "0": a group created after a flush also delivers what was added meanwhile */
	redisReply *r = redisCommand(c, "XGROUP CREATE %s %s 0 MKSTREAM", Q_STREAM, Q_GROUP);
	if (!r) {
		err_set(e, ERR_UNAVAILABLE, NULL, "redis unavailable");
		err_log_detail(e, "redis: %s", c->errstr);
		redis_thread_close();
		goto out;
	}
	if (r->type == REDIS_REPLY_ERROR && strncmp(r->str, "BUSYGROUP", 9) == 0) {
		rc = 0;
	} else if (r->type == REDIS_REPLY_ERROR) {
		err_set(e, ERR_INTERNAL, NULL, "could not create the consumer group");
		err_log_detail(e, "redis: %s", r->str);
	} else {
		rc = 1;
	}
	freeReplyObject(r);
out:
	arena_free(a);
	return rc;
}
