/*
 * worker.h - the pieces of the concord-worker process (see workers/README.md):
 *
 *   worker.c     options, fault-injection knobs, the consumer loop (claim with
 *                XREADGROUP / XAUTOCLAIM, run, record, XACK), the heartbeat thread,
 *                retries with backoff, the re-publisher sweep;
 *   scheduler.c  the leader lock, recurring jobs from `schedules`, tenant purge;
 *   main.c       signals and the process's main loop.
 *
 * Threads: the main thread runs everything here except the heartbeat, which has its
 * own thread and connections. Nothing is shared with the API process.
 */
#ifndef CONCORD_WORKER_H
#define CONCORD_WORKER_H

#include <signal.h>
#include <stdbool.h>

#include "err.h"

/* Fault injection (CONCORD_FAULT): inert unless the variable is set. */
struct worker_faults {
	char exit_after_run[64];  /* job type: _exit(3) after run(), before the outcome commits */
	char exit_before_ack[64]; /* job type: _exit(4) after the outcome commits, before XACK */
	char fail[64];            /* job type: run() is replaced by an injected failure */
	int sleep_in_run_ms;      /* every job: sleep this long (heartbeating) before run() */
};

struct worker_options {
	char id[128];        /* CONCORD_WORKER_ID, default <hostname>-<pid>: the consumer name */
	int backoff_base_ms; /* CONCORD_JOB_BACKOFF_BASE_MS: first retry delay (default 2000) */
	int backoff_max_ms;  /* CONCORD_JOB_BACKOFF_MAX_MS: cap of the delay (default 600000) */
	int sweep_ms;        /* CONCORD_WORKER_SWEEP_MS: maintenance period (default 1000) */
	struct worker_faults fault;
};

extern struct worker_options wopt;

/* Read the worker's options and CONCORD_FAULT (after config_load). -1: message printed. */
int worker_options_load(void);
/* Parse a CONCORD_FAULT value into *f (exposed for unit tests). */
int worker_parse_faults(const char *spec, struct worker_faults *f, struct err *e);
/* Retry delay in ms before attempt `attempt` + 1, after `attempt` failures: exponential
 * from base, capped at max, with "equal jitter": uniform in [d/2, d]. rnd in [0, 1). */
long worker_backoff_ms(int attempt, int base_ms, int max_ms, double rnd);

/* Start / stop the heartbeat thread. */
int worker_start(struct err *e);
void worker_stop(void);
/* Reclaim one message idle longer than the visibility timeout (XAUTOCLAIM) and handle
 * it. 1 if a message was handled, 0 if none, -1 on a Redis/database error. */
int worker_reclaim_once(void);
/* Wait up to block_ms for a new message (XREADGROUP) and handle it. Same returns. */
int worker_read_once(int block_ms);
/* Maintenance shared by all workers: consumer group present, due jobs re-published,
 * stale running jobs re-published. */
void worker_sweep(void);
/* On shutdown: leave the consumer group if nothing is pending for us. */
void worker_leave_group(void);

/* scheduler.c: try to be (or stay) the leader; when leader, fire due schedules and
 * purge tenants whose grace period ended. */
void scheduler_tick(void);
/* Release leadership (close the lock session). */
void scheduler_stop(void);
/* Is this process the leader now? */
bool scheduler_is_leader(void);

/* The advisory lock key that elects the scheduler (pg_try_advisory_lock(bigint)). */
#define SCHEDULER_LOCK_KEY "7242100"

#endif
