/*
 * main.c - the concord-worker binary: one process is one consumer of the job stream
 * (named CONCORD_WORKER_ID, or <hostname>-<pid>), plus, on a timer in the same
 * thread, the maintenance sweep (consumer group, re-publisher, stale locks) and -
 * when this process holds the leader lock - the scheduler and the tenant purge.
 * workers/README.md describes the whole design and every knob.
 *
 * Loop: sweep when due -> reclaim one idle message (XAUTOCLAIM) when due -> wait for
 * a new message (XREADGROUP BLOCK, at most until the next sweep) -> repeat.
 *
 * SIGTERM/SIGINT: the current job is finished and recorded, then the process leaves
 * the consumer group (if nothing is pending for it), releases the leader lock and
 * exits 0. Exit 2: bad configuration.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "config.h"
#include "db.h"
#include "job.h"
#include "log.h"
#include "queue.h"
#include "redis.h"
#include "util.h"
#include "worker.h"

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

int main(void)
{
	if (config_load() || worker_options_load())
		return 2;
	log_init("worker", LOG_INFO);
	struct sigaction sa = {0};
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	struct err e = {0};
	if (db_wait_ready(cfg.database_url, 60, &e)) {
		log_error("%s", e.message);
		return 1;
	}
	if (worker_start(&e)) {
		log_error("%s", e.message);
		return 1;
	}
	int ntypes = 0;
	for (const struct job_type *const *t = job_types; *t; t++)
		ntypes++;
	log_info("worker %s started: %d job type(s), visibility %d s, max attempts %d%s", wopt.id,
	        ntypes, cfg.job_visibility_timeout, cfg.job_max_attempts,
	        getenv("CONCORD_FAULT") ? " - FAULT INJECTION ACTIVE (CONCORD_FAULT)" : "");

	double next_sweep = 0, next_reclaim = 0;
	double reclaim_every = cfg.job_visibility_timeout / 2.0;
	if (reclaim_every < 0.5)
		reclaim_every = 0.5;
	while (!stop_requested) {
		double now = util_now_mono();
		if (now >= next_sweep) {
			worker_sweep();
			scheduler_tick();
			next_sweep = util_now_mono() + wopt.sweep_ms / 1000.0;
		}
		if (now >= next_reclaim) {
			int n = worker_reclaim_once();
			next_reclaim = n > 0 ? now : util_now_mono() + reclaim_every;
			if (n > 0)
				continue;
		}
		double wait = next_sweep - util_now_mono();
		if (next_reclaim - util_now_mono() < wait)
			wait = next_reclaim - util_now_mono();
		int block = wait > 1.0 ? 1000 : (int)(wait * 1000);
		if (worker_read_once(block < 10 ? 10 : block) < 0)
			sleep(1); /* Redis or PostgreSQL down: do not spin */
	}
	log_info("worker %s stopping (signal): leaving the consumer group", wopt.id);
	worker_stop();
	worker_leave_group();
	scheduler_stop();
	db_thread_close();
	redis_thread_close();
	log_info("worker %s stopped", wopt.id);
	return 0;
}
