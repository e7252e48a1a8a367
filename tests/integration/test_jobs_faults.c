/*
 * test_jobs_faults.c - the job system under faults, against the real processes: a
 * worker SIGKILLed mid-job, a worker that dies after the work but before recording
 * it, one that dies after recording but before acking, Redis flushed with queued
 * jobs, a job that fails every time (backoff, dead, retry), the scheduler's database
 * session terminated, and a misspelt fault knob.
 *
 * The test starts its own concord-worker processes ($CONCORD_TEST_BIN) with
 * CONCORD_FAULT knobs (workers/README.md). When a job must reach the faulty worker,
 * the two workers of scripts/test.sh are paused with SIGSTOP (and always resumed with
 * SIGCONT in the teardown); a message a paused worker had already taken is reclaimed
 * after the visibility timeout (3 s here) like any other. Outcomes are read from
 * PostgreSQL (as the superuser) and over HTTP; every wait is a bounded poll.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "th.h"

static struct th_operator op;
static char client[37];
static char in_client_hdr[80];
static const char *in_client[] = {in_client_hdr, NULL};
static pid_t extra[8];
static int n_extra;

static void sql_is(const char *want, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static char *sqlf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *sqlf(const char *fmt, ...)
{
	char q[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(q, sizeof q, fmt, ap);
	va_end(ap);
	return th_sql(q);
}

static void sql_is(const char *want, const char *fmt, ...)
{
	char q[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(q, sizeof q, fmt, ap);
	va_end(ap);
	char *v = th_sql(q);
	ck_assert_msg(v && strcmp(v, want) == 0, "%s: want %s, got %s", q, want, v ? v : "NULL");
	free(v);
}

static bool wait_sql(const char *want, int seconds, const char *sql)
{
	for (int i = 0; i < seconds * 10; i++) {
		char *v = th_sql(sql);
		bool ok = v && strcmp(v, want) == 0;
		free(v);
		if (ok)
			return true;
		usleep(100000);
	}
	return false;
}

/* Send sig to the workers that scripts/test.sh started. */
static void std_workers(int sig)
{
	const char *pids = getenv("CONCORD_TEST_WORKER_PIDS");
	ck_assert_msg(pids && *pids, "scripts/test.sh started no workers");
	char buf[256];
	snprintf(buf, sizeof buf, "%s", pids);
	char *save = NULL;
	for (char *p = strtok_r(buf, " ", &save); p; p = strtok_r(NULL, " ", &save))
		kill((pid_t)atoi(p), sig);
}

/* Start a concord-worker named id (fault and backoff base may be NULL). */
static pid_t start_worker(const char *id, const char *fault, const char *backoff_base_ms)
{
	char bin[512], log[512];
	snprintf(bin, sizeof bin, "%s/concord-worker", getenv("CONCORD_TEST_BIN"));
	snprintf(log, sizeof log, "%s/worker-%s.log", getenv("CONCORD_TEST_LOGDIR"), id);
	pid_t p = fork();
	ck_assert_int_ge(p, 0);
	if (p == 0) {
		setenv("CONCORD_WORKER_ID", id, 1);
		if (fault)
			setenv("CONCORD_FAULT", fault, 1);
		else
			unsetenv("CONCORD_FAULT");
		if (backoff_base_ms)
			setenv("CONCORD_JOB_BACKOFF_BASE_MS", backoff_base_ms, 1);
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execl(bin, bin, (char *)NULL);
		_exit(127);
	}
	ck_assert_int_lt(n_extra, 8);
	extra[n_extra++] = p;
	return p;
}

/* Wait (bounded) for one of our workers to exit; its wait status, or -1 on timeout. */
static int wait_exit(pid_t p, int seconds)
{
	for (int i = 0; i < seconds * 10; i++) {
		int st;
		pid_t r = waitpid(p, &st, WNOHANG);
		if (r == p) {
			for (int k = 0; k < n_extra; k++)
				if (extra[k] == p)
					extra[k] = 0;
			return st;
		}
		usleep(100000);
	}
	return -1;
}

static void setup(void)
{
	n_extra = 0;
	th_new_operator(&op);
	th_new_client(&op, client);
	snprintf(in_client_hdr, sizeof in_client_hdr, "X-Concord-Tenant: %s", client);
}

static void teardown(void)
{
	std_workers(SIGCONT);
	for (int i = 0; i < n_extra; i++)
		if (extra[i] > 0) {
			kill(extra[i], SIGKILL);
			waitpid(extra[i], NULL, 0);
		}
	th_operator_free(&op);
}

static char *start_export(void)
{
	char path[128];
	snprintf(path, sizeof path, "/v1/tenants/%s/export", client);
	struct th_resp r;
	th_req("POST", path, op.token, NULL, NULL, &r);
	ck_assert_msg(r.status == 202, "export: %ld %s", r.status, r.body);
	char *id = strdup(th_str(&r, "id"));
	th_free(&r);
	return id;
}

static json_t *get_job(const char *id)
{
	char path[96];
	snprintf(path, sizeof path, "/v1/jobs/%s", id);
	struct th_resp r;
	th_req("GET", path, op.token, NULL, in_client, &r);
	ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
	json_t *j = json_incref(r.json);
	th_free(&r);
	return j;
}

static json_t *wait_job(const char *id, const char *key, const char *want, int seconds)
{
	char path[96];
	snprintf(path, sizeof path, "/v1/jobs/%s", id);
	bool ok = th_wait_json(path, op.token, in_client, key, want, seconds);
	json_t *j = get_job(id);
	if (!ok) {
		char *s = json_dumps(j, JSON_COMPACT);
		ck_abort_msg("job %s: %s never became %s: %s", id, key, want, s);
	}
	return j;
}

static const char *log_str(const json_t *job, size_t i, const char *key)
{
	return json_string_value(
	        json_object_get(json_array_get(json_object_get(job, "attempt_log"), i), key));
}

/* The job produced exactly one artifact and one tenant.export audit event. */
static void one_result(const char *id)
{
	sql_is("1", "SELECT count(*) FROM artifacts WHERE tenant_id = '%s' AND job_id = '%s'",
	        client, id);
	sql_is("1",
	        "SELECT count(*) FROM audit_events WHERE tenant_id = '%s'"
	        " AND action = 'tenant.export' AND after->>'job_id' = '%s'",
	        client, id);
	sql_is("1",
	        "SELECT count(*) FROM jobs WHERE tenant_id = '%s' AND id = '%s'"
	        " AND state = 'succeeded'",
	        client, id);
}

/* Lines redis-cli prints for a command (0 for an empty reply). */
static int redis_lines(const char *args)
{
	char cmd[512];
	snprintf(cmd, sizeof cmd, "redis-cli -p %s %s", getenv("CONCORD_REDIS_PORT"), args);
	FILE *p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	char line[512];
	int n = 0;
	while (fgets(line, sizeof line, p))
		if (line[0] != '\n')
			n++;
	pclose(p);
	return n;
}

START_TEST(worker_killed_mid_job_is_reclaimed_and_completes_once)
{
	char wid[64];
	snprintf(wid, sizeof wid, "fault-sleep-%s", th_unique());
	std_workers(SIGSTOP);
	pid_t w = start_worker(wid, "sleep_in_run:60000", NULL);
	char *id = start_export();
	/* the faulty worker holds the job (reclaiming it from a paused worker if needed) */
	json_decref(wait_job(id, "locked_by", wid, 30));
	kill(w, SIGKILL);
	ck_assert_int_ne(wait_exit(w, 10), -1);
	std_workers(SIGCONT);
	json_t *job = wait_job(id, "state", "succeeded", 60);
	/* attempt 1 abandoned by the killed worker, attempt 2 completed by another */
	ck_assert_int_eq(json_integer_value(json_object_get(job, "attempts")), 2);
	ck_assert_int_eq(json_array_size(json_object_get(job, "attempt_log")), 2);
	ck_assert_str_eq(log_str(job, 0, "worker_id"), wid);
	ck_assert_str_eq(log_str(job, 0, "outcome"), "abandoned");
	ck_assert_ptr_nonnull(strstr(log_str(job, 0, "error"), wid));
	ck_assert_str_eq(log_str(job, 1, "outcome"), "succeeded");
	ck_assert_str_ne(log_str(job, 1, "worker_id"), wid);
	one_result(id);
	json_decref(job);
	free(id);
}
END_TEST

START_TEST(worker_dying_before_recording_loses_its_work_and_the_job_runs_once_more)
{
	char wid[64];
	snprintf(wid, sizeof wid, "fault-exit-%s", th_unique());
	std_workers(SIGSTOP);
	pid_t w = start_worker(wid, "exit_after_run:tenant.export", NULL);
	char *id = start_export();
	int st = wait_exit(w, 30);
	ck_assert_msg(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 3,
	        "the worker did not exit after running the job (status %d)", st);
	/* claimed and run, but nothing recorded: still running under the dead worker, and
	 * the artifact written in the uncommitted transaction does not exist */
	json_t *job = get_job(id);
	ck_assert_str_eq(json_string_value(json_object_get(job, "state")), "running");
	ck_assert_str_eq(json_string_value(json_object_get(job, "locked_by")), wid);
	json_decref(job);
	sql_is("0", "SELECT count(*) FROM artifacts WHERE tenant_id = '%s' AND job_id = '%s'",
	        client, id);
	std_workers(SIGCONT);
	job = wait_job(id, "state", "succeeded", 60);
	ck_assert_int_eq(json_integer_value(json_object_get(job, "attempts")), 2);
	ck_assert_str_eq(log_str(job, 0, "worker_id"), wid);
	ck_assert_str_eq(log_str(job, 0, "outcome"), "abandoned");
	ck_assert_str_eq(log_str(job, 1, "outcome"), "succeeded");
	one_result(id);
	json_decref(job);
	free(id);
}
END_TEST

START_TEST(worker_dying_before_ack_does_not_run_the_job_again)
{
	char wid[64], pending[160];
	snprintf(wid, sizeof wid, "fault-ack-%s", th_unique());
	std_workers(SIGSTOP);
	pid_t w = start_worker(wid, "exit_before_ack:tenant.export", NULL);
	char *id = start_export();
	int st = wait_exit(w, 30);
	ck_assert_msg(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 4,
	        "the worker did not exit before acking (status %d)", st);
	json_t *job = get_job(id);
	ck_assert_str_eq(json_string_value(json_object_get(job, "state")), "succeeded");
	json_decref(job);
	/* its message is still pending for the dead consumer */
	snprintf(pending, sizeof pending, "XPENDING concord:jobs workers - + 10 %s", wid);
	ck_assert_int_gt(redis_lines(pending), 0);
	std_workers(SIGCONT);
	/* another worker reclaims it after the visibility timeout and drops it */
	bool gone = false;
	for (int i = 0; i < 300 && !gone; i++) {
		gone = redis_lines(pending) == 0;
		if (!gone)
			usleep(100000);
	}
	ck_assert_msg(gone, "the dead worker's message was never reclaimed");
	job = get_job(id);
	ck_assert_int_eq(json_integer_value(json_object_get(job, "attempts")), 1);
	ck_assert_int_eq(json_array_size(json_object_get(job, "attempt_log")), 1);
	ck_assert_str_eq(log_str(job, 0, "worker_id"), wid);
	one_result(id);
	json_decref(job);
	free(id);
}
END_TEST

START_TEST(redis_flush_republishes_queued_jobs_from_postgresql)
{
	std_workers(SIGSTOP);
	char *ids[4];
	for (int i = 0; i < 4; i++)
		ids[i] = start_export();
	char cmd[128];
	snprintf(cmd, sizeof cmd, "redis-cli -p %s FLUSHALL >/dev/null",
	        getenv("CONCORD_REDIS_PORT"));
	ck_assert_int_eq(th_sh(cmd), 0);
	/* the stream (and the consumer group) are gone; the jobs only exist in PostgreSQL */
	snprintf(cmd, sizeof cmd, "redis-cli -p %s EXISTS concord:jobs | grep -qx 0",
	        getenv("CONCORD_REDIS_PORT"));
	ck_assert_int_eq(th_sh(cmd), 0);
	sql_is("4", "SELECT count(*) FROM jobs WHERE tenant_id = '%s' AND state = 'queued'",
	        client);
	std_workers(SIGCONT);
	for (int i = 0; i < 4; i++) {
		json_t *job = wait_job(ids[i], "state", "succeeded", 60);
		ck_assert_int_eq(json_integer_value(json_object_get(job, "attempts")), 1);
		json_decref(job);
		one_result(ids[i]);
		free(ids[i]);
	}
	/* the consumer group exists again */
	snprintf(cmd, sizeof cmd, "redis-cli -p %s XINFO GROUPS concord:jobs | grep -qx workers",
	        getenv("CONCORD_REDIS_PORT"));
	ck_assert_int_eq(th_sh(cmd), 0);
}
END_TEST

START_TEST(failing_job_backs_off_then_dies_and_retry_revives_it)
{
	char wid[64];
	snprintf(wid, sizeof wid, "fault-fail-%s", th_unique());
	std_workers(SIGSTOP);
	pid_t w = start_worker(wid, "fail:tenant.export", "200");
	char *id = start_export();
	json_t *job = wait_job(id, "state", "dead", 90);
	json_int_t max = json_integer_value(json_object_get(job, "max_attempts"));
	ck_assert_int_gt(max, 1);
	ck_assert_int_eq(json_integer_value(json_object_get(job, "attempts")), max);
	ck_assert_str_eq(json_string_value(json_object_get(job, "error")),
	        "injected failure (CONCORD_FAULT=fail:tenant.export)");
	ck_assert_int_eq(json_array_size(json_object_get(job, "attempt_log")), (size_t)max);
	json_decref(job);
	/* every failure but the last scheduled the next attempt 200 ms * 2^(n-1), with
	 * equal jitter (between half and all of it), and no attempt started early */
	sql_is("4",
	        "SELECT count(*) FROM job_attempts WHERE tenant_id = '%s' AND job_id = '%s'"
	        " AND outcome = 'failed' AND worker_id = '%s' AND seq < 5"
	        " AND extract(epoch FROM retry_at - finished_at) * 1000"
	        "     BETWEEN 100 * 2 ^ (seq - 1) AND 200 * 2 ^ (seq - 1) + 1",
	        client, id, wid);
	sql_is("t",
	        "SELECT retry_at IS NULL AND outcome = 'failed' FROM job_attempts"
	        " WHERE tenant_id = '%s' AND job_id = '%s' AND seq = %lld",
	        client, id, (long long)max);
	sql_is("4",
	        "SELECT count(*) FROM job_attempts a JOIN job_attempts b"
	        " ON b.tenant_id = a.tenant_id AND b.job_id = a.job_id AND b.seq = a.seq + 1"
	        " WHERE a.tenant_id = '%s' AND a.job_id = '%s' AND b.started_at >= a.retry_at",
	        client, id);
	sql_is("0", "SELECT count(*) FROM artifacts WHERE tenant_id = '%s' AND job_id = '%s'",
	        client, id);
	/* the faulty worker shuts down cleanly on SIGTERM */
	kill(w, SIGTERM);
	int st = wait_exit(w, 30);
	ck_assert_msg(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0, "exit status %d", st);
	std_workers(SIGCONT);

	char path[128];
	snprintf(path, sizeof path, "/v1/jobs/%s/retry", id);
	struct th_resp r;
	th_req("POST", path, op.token, NULL, in_client, &r);
	ck_assert_msg(r.status == 202, "%ld %s", r.status, r.body);
	ck_assert_int_eq(json_integer_value(json_object_get(r.json, "attempts")), 0);
	ck_assert(json_is_null(json_object_get(r.json, "error")));
	th_free(&r);
	job = wait_job(id, "state", "succeeded", 60);
	ck_assert_int_eq(json_integer_value(json_object_get(job, "attempts")), 1);
	ck_assert_int_eq(json_array_size(json_object_get(job, "attempt_log")), (size_t)max + 1);
	ck_assert_str_eq(log_str(job, (size_t)max, "outcome"), "succeeded");
	json_decref(job);
	one_result(id);
	sql_is("1",
	        "SELECT count(*) FROM audit_events WHERE tenant_id = '%s'"
	        " AND action = 'job.retry' AND entity_id = '%s' AND before->>'state' = 'dead'"
	        " AND after->>'state' = 'queued' AND actor_id = '%s'",
	        client, id, op.user_id);
	/* a succeeded job cannot be retried */
	th_req("POST", path, op.token, NULL, in_client, &r);
	ck_assert_int_eq(r.status, 409);
	th_free(&r);
	free(id);
}
END_TEST

#define LOCK_HOLDER                                                                                \
	"FROM pg_locks WHERE locktype = 'advisory' AND classid = 0 AND objid = 7242100"            \
	" AND objsubid = 1 AND granted"

START_TEST(scheduler_lock_is_retaken_when_the_leader_session_dies)
{
	ck_assert(wait_sql("1", 30, "SELECT count(*) " LOCK_HOLDER));
	char *pid = th_sql("SELECT pid " LOCK_HOLDER);
	sql_is("t",
	        "SELECT application_name LIKE 'concord-worker:%%:scheduler'"
	        " FROM pg_stat_activity WHERE pid = %s",
	        pid);
	sql_is("t", "SELECT pg_terminate_backend(%s)", pid);
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT count(*) " LOCK_HOLDER " AND pid <> %s", pid);
	ck_assert_msg(wait_sql("1", 30, sql), "no worker took the scheduler lock again");
	sql_is("1", "SELECT count(*) " LOCK_HOLDER);
	/* the new leader fires a due schedule */
	struct th_resp r;
	th_req("POST", "/v1/schedules", op.token,
	        "{\"job_type\":\"tenant.export\",\"cron\":\"0 * * * *\"}", in_client, &r);
	ck_assert_int_eq(r.status, 201);
	char id[37];
	snprintf(id, sizeof id, "%s", th_str(&r, "id"));
	th_free(&r);
	free(sqlf("UPDATE schedules SET next_run_at = now() - interval '1 minute' WHERE id = '%s'",
	        id));
	snprintf(sql, sizeof sql,
	        "SELECT count(*) FROM jobs WHERE tenant_id = '%s' AND idempotency_key LIKE"
	        " 'schedule:%s:%%'",
	        client, id);
	ck_assert(wait_sql("1", 30, sql));
	free(pid);
}
END_TEST

START_TEST(unknown_fault_knob_refuses_to_start)
{
	char wid[64];
	snprintf(wid, sizeof wid, "fault-typo-%s", th_unique());
	pid_t w = start_worker(wid, "exit_after_runn:tenant.export", NULL);
	int st = wait_exit(w, 30);
	ck_assert_msg(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 2, "exit status %d", st);
	char cmd[600];
	snprintf(cmd, sizeof cmd, "grep -q \"unknown knob 'exit_after_runn'\" %s/worker-%s.log",
	        getenv("CONCORD_TEST_LOGDIR"), wid);
	ck_assert_int_eq(th_sh(cmd), 0);
}
END_TEST

static Suite *faults_suite(void)
{
	Suite *s = suite_create("jobs_faults");
	TCase *tc = tcase_create("faults");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 240);
	tcase_add_test(tc, worker_killed_mid_job_is_reclaimed_and_completes_once);
	tcase_add_test(tc, worker_dying_before_recording_loses_its_work_and_the_job_runs_once_more);
	tcase_add_test(tc, worker_dying_before_ack_does_not_run_the_job_again);
	tcase_add_test(tc, redis_flush_republishes_queued_jobs_from_postgresql);
	tcase_add_test(tc, failing_job_backs_off_then_dies_and_retry_revives_it);
	tcase_add_test(tc, scheduler_lock_is_retaken_when_the_leader_session_dies);
	tcase_add_test(tc, unknown_fault_knob_refuses_to_start);
	suite_add_tcase(s, tc);
	return s;
}

TH_MAIN(faults_suite)
