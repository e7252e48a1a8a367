/*
 * test_cron.c - lib/cron.c: which expressions parse, how errors name the cron field,
 * and which minute cron_next() picks (UTC, month/day/hour/minute carries, leap
 * years, Vixie day-of-month/day-of-week rule, impossible dates).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cron.h"

/* "YYYY-MM-DD HH:MM" in UTC -> seconds since the epoch. */
static time_t utc(const char *s)
{
	struct tm tm = {0};
	const char *end = strptime(s, "%Y-%m-%d %H:%M", &tm);
	ck_assert_msg(end && !*end, "bad test timestamp %s", s);
	return timegm(&tm);
}

static void fmt(time_t t, char *out, size_t n)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, n, "%Y-%m-%d %H:%M", &tm);
}

/* cron_next(expr, after) must be want. */
static void next_is(const char *expr, const char *after, const char *want)
{
	struct cron c;
	struct err e = {0};
	ck_assert_msg(cron_parse(expr, &c, &e) == 0, "%s: %s", expr, e.message);
	time_t t;
	ck_assert_msg(cron_next(&c, utc(after), &t, &e) == 0, "%s: %s", expr, e.message);
	char got[32];
	fmt(t, got, sizeof got);
	ck_assert_msg(
	        strcmp(got, want) == 0, "'%s' after %s: want %s, got %s", expr, after, want, got);
}

/* Parsing expr fails with field "cron" and a message containing `part`. */
static void rejects(const char *expr, const char *part)
{
	struct cron c;
	struct err e = {0};
	ck_assert_msg(cron_parse(expr, &c, &e) == -1, "'%s' was accepted", expr);
	ck_assert_int_eq(e.code, ERR_INVALID);
	ck_assert_str_eq(e.field, "cron");
	ck_assert_msg(
	        strstr(e.message, part), "'%s': message '%s' lacks '%s'", expr, e.message, part);
}

START_TEST(every_minute_is_the_next_minute)
{
	next_is("* * * * *", "2024-03-15 10:07", "2024-03-15 10:08");
	/* seconds past the minute still yield the following minute, never the same one */
	struct cron c;
	struct err e = {0};
	ck_assert_int_eq(cron_parse("* * * * *", &c, &e), 0);
	time_t t;
	ck_assert_int_eq(cron_next(&c, utc("2024-03-15 10:07") + 59, &t, &e), 0);
	ck_assert_int_eq(t, utc("2024-03-15 10:08"));
}
END_TEST

START_TEST(steps_ranges_and_lists_select_the_right_minutes)
{
	next_is("*/15 * * * *", "2024-03-15 10:07", "2024-03-15 10:15");
	next_is("*/15 * * * *", "2024-03-15 10:45", "2024-03-15 11:00");
	next_is("10-30/10 * * * *", "2024-03-15 10:21", "2024-03-15 10:30");
	next_is("10-30/10 * * * *", "2024-03-15 10:30", "2024-03-15 11:10");
	next_is("5,17,42 * * * *", "2024-03-15 10:17", "2024-03-15 10:42");
	next_is("50/5 * * * *", "2024-03-15 10:51", "2024-03-15 10:55");
	next_is("0 9-17/4 * * *", "2024-03-15 13:00", "2024-03-15 17:00");
	next_is("0 9-17/4 * * *", "2024-03-15 17:00", "2024-03-16 09:00");
}
END_TEST

START_TEST(carries_roll_over_day_month_and_year)
{
	next_is("30 23 * * *", "2024-12-31 23:30", "2025-01-01 23:30");
	next_is("0 0 1 * *", "2024-01-31 12:00", "2024-02-01 00:00");
	next_is("0 0 1 1 *", "2024-06-01 00:00", "2025-01-01 00:00");
	next_is("15 6 31 * *", "2024-04-01 00:00", "2024-05-31 06:15");
}
END_TEST

START_TEST(february_29_waits_for_a_leap_year)
{
	next_is("0 12 29 feb *", "2025-03-01 00:00", "2028-02-29 12:00");
	next_is("0 12 29 2 *", "2096-03-01 00:00", "2104-02-29 12:00"); /* 2100 is not leap */
}
END_TEST

START_TEST(day_of_week_names_ranges_and_sunday_as_7)
{
	/* 2024-03-15 is a Friday */
	next_is("0 9 * * 1-5", "2024-03-15 10:00", "2024-03-18 09:00");
	next_is("0 9 * * mon-fri", "2024-03-15 08:00", "2024-03-15 09:00");
	next_is("0 8 * * 7", "2024-03-15 00:00", "2024-03-17 08:00");
	next_is("0 8 * * 0", "2024-03-15 00:00", "2024-03-17 08:00");
	next_is("0 8 * * SAT,sun", "2024-03-15 00:00", "2024-03-16 08:00");
	next_is("0 0 1 JAN-mar/2 *", "2024-02-01 00:00", "2024-03-01 00:00");
}
END_TEST

START_TEST(restricted_day_of_month_and_week_match_either)
{
	/* the 20th or any Monday: the next Monday (18th) comes first */
	next_is("0 0 20 * 1", "2024-03-15 00:00", "2024-03-18 00:00");
	/* after that Monday, the 20th (a Wednesday) comes before the next Monday */
	next_is("0 0 20 * 1", "2024-03-18 00:00", "2024-03-20 00:00");
	/* a '*'-led day-of-month makes both conditions apply: odd days that are Mondays
	 * (the 18th is an even Monday, the 25th an odd one) */
	next_is("0 0 */2 * 1", "2024-03-15 00:00", "2024-03-25 00:00");
}
END_TEST

START_TEST(macros_expand_to_their_schedules)
{
	next_is("@hourly", "2024-03-15 10:07", "2024-03-15 11:00");
	next_is("@daily", "2024-03-15 10:07", "2024-03-16 00:00");
	next_is("@weekly", "2024-03-15 10:07", "2024-03-17 00:00");
	next_is("@monthly", "2024-03-15 10:07", "2024-04-01 00:00");
	next_is("@yearly", "2024-03-15 10:07", "2025-01-01 00:00");
	next_is("  0   12  *  *  *  ", "2024-03-15 10:07", "2024-03-15 12:00");
	rejects("@reboot", "unknown macro");
}
END_TEST

START_TEST(matches_tests_a_single_minute)
{
	struct cron c;
	struct err e = {0};
	ck_assert_int_eq(cron_parse("30 14 * * fri", &c, &e), 0);
	ck_assert(cron_matches(&c, utc("2024-03-15 14:30")));
	ck_assert(cron_matches(&c, utc("2024-03-15 14:30") + 42));
	ck_assert(!cron_matches(&c, utc("2024-03-15 14:31")));
	ck_assert(!cron_matches(&c, utc("2024-03-16 14:30")));
}
END_TEST

START_TEST(errors_name_the_cron_field)
{
	rejects("60 * * * *", "minute: 60 is out of range 0-59");
	rejects("* 24 * * *", "hour: 24 is out of range 0-23");
	rejects("* * 0 * *", "day-of-month: 0 is out of range 1-31");
	rejects("* * * 13 *", "month: 13 is out of range 1-12");
	rejects("* * * * 8", "day-of-week: 8 is out of range 0-7");
	rejects("* * * foo *", "month: unknown name 'foo'");
	rejects("* * * * mon-funday", "day-of-week: unknown name 'funday'");
	rejects("*/0 * * * *", "minute: step must be between 1 and 59");
	rejects("*/x * * * *", "minute: a step must be a number");
	rejects("5-1 * * * *", "minute: range 5-1 runs backwards");
	rejects("1- * * * *", "minute: a value is missing");
	rejects("1,,2 * * * *", "minute: empty list item");
	rejects("L * * * *", "minute: unknown name 'L'");
	rejects("* * ? * *", "day-of-month: unexpected character '?'");
	rejects("99999999999999999999 * * * *", "minute: number too large");
	rejects("* * * *", "expected 5 fields");
	rejects("* * * * * *", "expected 5 fields");
	rejects("", "expected 5 fields");
	char longexpr[300];
	memset(longexpr, '1', sizeof longexpr - 1);
	longexpr[sizeof longexpr - 1] = '\0';
	rejects(longexpr, "at most 200 characters");
}
END_TEST

START_TEST(impossible_dates_are_reported_by_next)
{
	struct cron c;
	struct err e = {0};
	ck_assert_int_eq(cron_parse("0 0 31 4 *", &c, &e), 0); /* April has 30 days */
	time_t t;
	ck_assert_int_eq(cron_next(&c, utc("2024-01-01 00:00"), &t, &e), -1);
	ck_assert_str_eq(e.field, "cron");
	ck_assert_ptr_nonnull(strstr(e.message, "never matches"));
	ck_assert_int_eq(cron_parse("0 0 30 feb *", &c, &e), 0);
	ck_assert_int_eq(cron_next(&c, utc("2024-01-01 00:00"), &t, &e), -1);
}
END_TEST

static Suite *cron_suite(void)
{
	Suite *s = suite_create("cron");
	TCase *tc = tcase_create("cron");
	tcase_add_test(tc, every_minute_is_the_next_minute);
	tcase_add_test(tc, steps_ranges_and_lists_select_the_right_minutes);
	tcase_add_test(tc, carries_roll_over_day_month_and_year);
	tcase_add_test(tc, february_29_waits_for_a_leap_year);
	tcase_add_test(tc, day_of_week_names_ranges_and_sunday_as_7);
	tcase_add_test(tc, restricted_day_of_month_and_week_match_either);
	tcase_add_test(tc, macros_expand_to_their_schedules);
	tcase_add_test(tc, matches_tests_a_single_minute);
	tcase_add_test(tc, errors_name_the_cron_field);
	tcase_add_test(tc, impossible_dates_are_reported_by_next);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(cron_suite());
	srunner_run_all(sr, CK_NORMAL);
	int nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
