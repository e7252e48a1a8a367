/*
 * queue.h - background jobs: the PostgreSQL `jobs` row is the source of truth, a
 * Redis Stream ("concord:jobs", consumer group "workers") carries the dispatch.
 *
 * Enqueue from the API: q_enqueue() inserts the row inside the request transaction
 * and registers an after-commit callback that XADDs {tenant_id, job_id} to the stream,
 * so a worker never sees a job whose row is not committed. If Redis is down at that
 * moment nothing is lost: workers re-publish queued rows from PostgreSQL (see
 * workers/README.md). Enqueueing with an idempotency key returns the existing job
 * for the same (tenant, type, key) instead of creating a second one.
 *
 * Publish markers: every publish also sets "concord:jobs:pub:<job_id>" with an expiry
 * (Q_MARKER_TTL). The workers' re-publisher only re-sends a dispatchable job whose
 * marker is absent, so a job that is already travelling through the stream is not
 * sent again on every sweep, while a Redis flush or restart (which drops the markers
 * with the stream) makes every dispatchable job eligible at once.
 *
 * Threads: every function uses the calling thread's Redis connection (redis.h) or the
 * connection passed in; any thread.
 */
#ifndef CONCORD_QUEUE_H
#define CONCORD_QUEUE_H

#include <jansson.h>
#include <libpq-fe.h>

#include "arena.h"
#include "err.h"

#define Q_STREAM        "concord:jobs"
#define Q_GROUP         "workers"
#define Q_MARKER_PREFIX "concord:jobs:pub:"

/* The JSON of a job row aliased "j" (API responses, q_insert's *job). */
#define Q_JOB_JSON                                                                                 \
	"jsonb_build_object('id', j.id, 'tenant_id', j.tenant_id, 'type', j.type, 'state',   \
	j.state, 'payload', j.payload, 'attempts', j.attempts, 'max_attempts', j.max_attempts, \
	'run_at', j.run_at, 'idempotency_key', j.idempotency_key, 'result', j.result, 'error', \
	j.error, 'locked_by', j.locked_by, 'locked_at', j.locked_at, 'created_by',           \
	j.created_by, 'created_at', j.created_at, 'updated_at', j.updated_at, 'finished_at', \
	j.finished_at)"

struct req;

/* Insert a job for the current tenant (app.tenant_id) in the caller's transaction.
 * payload borrowed; idem_key and run_at (timestamptz text) may be NULL. *job receives
 * the job as JSON (arena-owned): id, type, state, attempts, run_at, created_at, ...
 * max_attempts is CONCORD_JOB_MAX_ATTEMPTS. With an idempotency key that was already
 * used for this (tenant, type), *job is the existing job and nothing is inserted. */
int q_insert(PGconn *c, struct arena *a, const char *type, const json_t *payload,
        const char *idem_key, const char *run_at, const char *created_by, json_t **job,
        struct err *e);
/* q_insert + publish after the request commits. */
int q_enqueue(struct req *r, const char *type, const json_t *payload, const char *idem_key,
        json_t **job, struct err *e);
/* XADD {tenant_id, job_id} to the stream and set the job's publish marker (best effort:
 * failure is logged, the re-publisher recovers it). */
int q_publish(const char *redis_url, const char *tenant_id, const char *job_id, struct err *e);
/* Publish after the request transaction commits (tenant_id and job_id are copied). */
void q_publish_after_commit(struct req *r, const char *tenant_id, const char *job_id);

/* Re-publisher: publish only if the job's publish marker is absent (SET NX). Returns 1
 * when published, 0 when a recent publish is still marked, -1 on error. */
int q_republish(const char *redis_url, const char *tenant_id, const char *job_id, struct err *e);
/* Forget the publish marker (a worker claimed the job, or it failed and waits for its
 * retry time), so the re-publisher may send it again once it is due. */
void q_unmark(const char *redis_url, const char *job_id);
/* Create the stream and the consumer group if missing (after a Redis flush or restart).
 * Returns 1 when it had to create the group, 0 when it existed, -1 on error. */
int q_ensure_group(const char *redis_url, struct err *e);

/* Seconds a publish marker lives: 10 visibility timeouts, at least 30 s. */
int q_marker_ttl(void);

#endif
