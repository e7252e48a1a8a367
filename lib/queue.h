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
 */
#ifndef CONCORD_QUEUE_H
#define CONCORD_QUEUE_H

#include <jansson.h>
#include <libpq-fe.h>

#include "arena.h"
#include "err.h"

#define Q_STREAM "concord:jobs"
#define Q_GROUP  "workers"

struct req;

/* Insert a job for the current tenant (app.tenant_id) in the caller's transaction.
 * payload borrowed; idem_key and run_at (timestamptz text) may be NULL. *job receives
 * the job as JSON (arena-owned): id, type, state, attempts, run_at, created_at, ... */
int q_insert(PGconn *c, struct arena *a, const char *type, const json_t *payload,
	const char *idem_key, const char *run_at, const char *created_by, json_t **job,
	struct err *e);
/* q_insert + publish after the request commits. */
int q_enqueue(struct req *r, const char *type, const json_t *payload, const char *idem_key,
	json_t **job, struct err *e);
/* XADD {tenant_id, job_id} to the stream (best effort: failure is logged, the
 * re-publisher recovers it). */
int q_publish(const char *redis_url, const char *tenant_id, const char *job_id, struct err *e);

#endif
