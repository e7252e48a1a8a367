/*
 * test_jobs_worker.c - pure parts of the worker (workers/worker.c): the retry delay
 * (exponential, equal jitter, capped) and the CONCORD_FAULT parser, which must reject
 * anything it does not know so that a typo never silently disables a fault test.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "worker.h"

START_TEST(backoff_doubles_per_attempt_within_equal_jitter)
{
	/* attempt n waits between d/2 and d, d = base * 2^(n-1) */
	ck_assert_int_eq(worker_backoff_ms(1, 1000, 600000, 0.0), 500);
	ck_assert_int_eq(worker_backoff_ms(1, 1000, 600000, 0.5), 750);
	ck_assert_int_le(worker_backoff_ms(1, 1000, 600000, 0.999999), 1000);
	ck_assert_int_ge(worker_backoff_ms(1, 1000, 600000, 0.999999), 999);
	ck_assert_int_eq(worker_backoff_ms(2, 1000, 600000, 0.0), 1000);
	ck_assert_int_eq(worker_backoff_ms(3, 1000, 600000, 0.0), 2000);
	ck_assert_int_eq(worker_backoff_ms(4, 200, 600000, 0.5), 1200);
}
END_TEST

START_TEST(backoff_is_capped)
{
	ck_assert_int_eq(worker_backoff_ms(30, 2000, 600000, 0.0), 300000);
	ck_assert_int_le(worker_backoff_ms(30, 2000, 600000, 0.999999), 600000);
	ck_assert_int_eq(worker_backoff_ms(1000, 2000, 600000, 0.5), 450000);
	/* a cap below the base wins too */
	ck_assert_int_eq(worker_backoff_ms(1, 5000, 1000, 0.0), 500);
	/* out-of-range randomness is clamped, never negative or beyond the cap */
	ck_assert_int_eq(worker_backoff_ms(1, 1000, 600000, -3.0), 500);
	ck_assert_int_le(worker_backoff_ms(1, 1000, 600000, 7.0), 1000);
}
END_TEST

START_TEST(fault_knobs_parse)
{
	struct worker_faults f;
	struct err e = {0};
	ck_assert_int_eq(worker_parse_faults(NULL, &f, &e), 0);
	ck_assert_str_eq(f.fail, "");
	ck_assert_int_eq(f.sleep_in_run_ms, 0);
	ck_assert_int_eq(worker_parse_faults("sleep_in_run:250,fail:tenant.export,"
	                                     "exit_after_run:a.b,exit_before_ack:c.d",
	                         &f, &e),
	        0);
	ck_assert_int_eq(f.sleep_in_run_ms, 250);
	ck_assert_str_eq(f.fail, "tenant.export");
	ck_assert_str_eq(f.exit_after_run, "a.b");
	ck_assert_str_eq(f.exit_before_ack, "c.d");
}
END_TEST

START_TEST(fault_knobs_reject_anything_unknown)
{
	struct worker_faults f;
	struct err e = {0};
	ck_assert_int_eq(worker_parse_faults("crash:tenant.export", &f, &e), -1);
	ck_assert_str_eq(e.field, "CONCORD_FAULT");
	ck_assert_ptr_nonnull(strstr(e.message, "unknown knob 'crash'"));
	ck_assert_int_eq(worker_parse_faults("fail", &f, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.message, "not knob:argument"));
	ck_assert_int_eq(worker_parse_faults("fail:", &f, &e), -1);
	ck_assert_int_eq(worker_parse_faults("sleep_in_run:0", &f, &e), -1);
	ck_assert_int_eq(worker_parse_faults("sleep_in_run:12ms", &f, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.message, "milliseconds"));
	char longtype[100];
	memset(longtype, 'x', sizeof longtype - 1);
	longtype[sizeof longtype - 1] = '\0';
	char spec[200];
	snprintf(spec, sizeof spec, "fail:%s", longtype);
	ck_assert_int_eq(worker_parse_faults(spec, &f, &e), -1);
}
END_TEST

static Suite *worker_suite(void)
{
	Suite *s = suite_create("jobs_worker");
	TCase *tc = tcase_create("worker");
	tcase_add_test(tc, backoff_doubles_per_attempt_within_equal_jitter);
	tcase_add_test(tc, backoff_is_capped);
	tcase_add_test(tc, fault_knobs_parse);
	tcase_add_test(tc, fault_knobs_reject_anything_unknown);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(worker_suite());
	srunner_run_all(sr, CK_NORMAL);
	int nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
