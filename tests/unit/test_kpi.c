/*
 * test_kpi.c - KPI periods, status against thresholds, trend and missing periods
 * (domain/kpi.c), each checked against numbers worked out by hand.
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kpi.h"

static long day(const char *s)
{
	long d;
	ck_assert_int_eq(kpi_date_parse(s, &d), 0);
	return d;
}

static void assert_day(long d, const char *want)
{
	char buf[11];
	kpi_date_format(d, buf);
	ck_assert_str_eq(buf, want);
}

START_TEST(dates_round_trip_and_reject_malformed_input)
{
	assert_day(day("1970-01-01"), "1970-01-01");
	ck_assert_int_eq(day("1970-01-01"), 0);
	ck_assert_int_eq(day("2000-03-01") - day("2000-02-28"), 2); /* 2000 is a leap year */
	ck_assert_int_eq(day("2100-03-01") - day("2100-02-28"), 1); /* 2100 is not */
	assert_day(day("2026-12-31") + 1, "2027-01-01");
	long d;
	ck_assert_int_eq(kpi_date_parse("2026-02-30", &d), -1);
	ck_assert_int_eq(kpi_date_parse("26-01-01", &d), -1);
	enum kpi_freq f;
	ck_assert_int_eq(kpi_freq_parse("daily", &f), -1);
	ck_assert_int_eq(kpi_freq_parse("quarterly", &f), 0);
	ck_assert_int_eq(f, KPI_QUARTERLY);
}
END_TEST

START_TEST(periods_start_on_calendar_boundaries)
{
	/* 2026-03-15 is a Sunday; its ISO week started on Monday 2026-03-09 */
	assert_day(kpi_period_start(KPI_WEEKLY, day("2026-03-15")), "2026-03-09");
	assert_day(kpi_period_start(KPI_WEEKLY, day("2026-03-09")), "2026-03-09");
	assert_day(kpi_period_start(KPI_WEEKLY, day("1969-12-31")), "1969-12-29");
	assert_day(kpi_period_start(KPI_MONTHLY, day("2026-03-15")), "2026-03-01");
	assert_day(kpi_period_start(KPI_QUARTERLY, day("2026-05-20")), "2026-04-01");
	assert_day(kpi_period_start(KPI_SEMIANNUAL, day("2026-08-01")), "2026-07-01");
	assert_day(kpi_period_start(KPI_ANNUAL, day("2026-08-01")), "2026-01-01");
	assert_day(kpi_period_next(KPI_WEEKLY, day("2026-12-28")), "2027-01-04");
	assert_day(kpi_period_next(KPI_MONTHLY, day("2026-12-01")), "2027-01-01");
	assert_day(kpi_period_next(KPI_QUARTERLY, day("2026-10-01")), "2027-01-01");
	assert_day(kpi_period_next(KPI_SEMIANNUAL, day("2026-07-01")), "2027-01-01");
	assert_day(kpi_period_next(KPI_ANNUAL, day("2026-01-01")), "2027-01-01");
}
END_TEST

START_TEST(status_follows_thresholds_in_both_directions)
{
	struct kpi_def up = {KPI_HIGHER_BETTER, 95, 90, 80, KPI_MONTHLY, 0};
	ck_assert_str_eq(kpi_status(&up, 95), "ok");
	ck_assert_str_eq(kpi_status(&up, 90), "ok");
	ck_assert_str_eq(kpi_status(&up, 89.9), "warning");
	ck_assert_str_eq(kpi_status(&up, 80), "warning");
	ck_assert_str_eq(kpi_status(&up, 79.99), "critical");
	struct kpi_def down = {KPI_LOWER_BETTER, 2, 5, 10, KPI_MONTHLY, 0};
	ck_assert_str_eq(kpi_status(&down, 5), "ok");
	ck_assert_str_eq(kpi_status(&down, 5.1), "warning");
	ck_assert_str_eq(kpi_status(&down, 10), "warning");
	ck_assert_str_eq(kpi_status(&down, 10.5), "critical");
}
END_TEST

/* Monthly KPI from 2026-01-10, evaluated on 2026-07-15: Jan..Jun are due. */
START_TEST(crafted_monthly_series_gives_exact_figures)
{
	struct kpi_def d = {KPI_HIGHER_BETTER, 95, 90, 80, KPI_MONTHLY, day("2026-01-10")};
	struct kpi_point pts[] = {
	        {day("2026-01-31"), 80}, {day("2026-02-15"), 85}, {day("2026-04-10"), 88},
	        {day("2026-04-20"), 90}, /* recorded later in April: replaces 88 */
	        {day("2026-05-31"), 92},
	        {day("2026-07-05"), 99}, /* the open period: latest value, not yet due */
	        {day("2026-08-01"), 10}, /* after the as-of date: ignored */
	};
	struct kpi_result r;
	kpi_evaluate(&d, pts, 7, day("2026-07-15"), &r);
	ck_assert_str_eq(r.status, "ok");
	ck_assert(r.has_value);
	ck_assert(r.latest_value == 99.0);
	assert_day(r.latest_period, "2026-07-01");
	ck_assert(r.target_met);
	ck_assert_int_eq(r.periods_due, 6);
	ck_assert_int_eq(r.missing_count, 2);
	ck_assert_int_eq(r.nmissing, 2);
	assert_day(r.missing[0], "2026-03-01");
	assert_day(r.missing[1], "2026-06-01");
	/* last four periods with a value: Feb 85, Apr 90, May 92, Jul 99 at x = 0, 2, 3, 5:
	 * slope = (4*951 - 10*366) / (4*38 - 10^2) = 144 / 52 */
	ck_assert(r.has_slope);
	ck_assert_double_eq_tol(r.slope, 144.0 / 52.0, 1e-12);
	ck_assert_str_eq(r.trend, "improving");
}
END_TEST

START_TEST(a_correction_in_the_same_period_replaces_the_earlier_value)
{
	struct kpi_def d = {KPI_HIGHER_BETTER, 95, 90, 80, KPI_MONTHLY, day("2026-01-01")};
	/* recorded in this order: the later recording wins even with an earlier date */
	struct kpi_point pts[] = {{day("2026-03-31"), 70}, {day("2026-03-02"), 91}};
	struct kpi_result r;
	kpi_evaluate(&d, pts, 2, day("2026-04-02"), &r);
	ck_assert(r.latest_value == 91.0);
	ck_assert_str_eq(r.status, "ok");
	ck_assert(!r.target_met);
	ck_assert_str_eq(r.trend, "insufficient_data");
	ck_assert(!r.has_slope);
	ck_assert_int_eq(r.periods_due, 3);
	ck_assert_int_eq(r.missing_count, 2);
}
END_TEST

START_TEST(rising_incidents_deteriorate_a_lower_is_better_kpi)
{
	struct kpi_def d = {KPI_LOWER_BETTER, 2, 5, 10, KPI_QUARTERLY, day("2025-01-01")};
	struct kpi_point pts[] = {
	        {day("2025-02-01"), 3}, {day("2025-05-01"), 4}, {day("2025-08-01"), 6}};
	struct kpi_result r;
	kpi_evaluate(&d, pts, 3, day("2025-12-31"), &r);
	/* x = 0, 1, 2; slope = (3*16 - 3*13) / (3*5 - 9) = 9 / 6 */
	ck_assert_double_eq_tol(r.slope, 1.5, 1e-12);
	ck_assert_str_eq(r.trend, "deteriorating");
	ck_assert_str_eq(r.status, "warning");
	ck_assert(!r.target_met);
	/* Q1..Q3 of 2025 are due (Q4 is open): none missing */
	ck_assert_int_eq(r.periods_due, 3);
	ck_assert_int_eq(r.missing_count, 0);
}
END_TEST

START_TEST(small_changes_within_tolerance_are_stable)
{
	struct kpi_def d = {KPI_HIGHER_BETTER, 100, 90, 80, KPI_MONTHLY, day("2026-01-01")};
	struct kpi_point flat[] = {
	        {day("2026-01-05"), 100}, {day("2026-02-05"), 100.5}, {day("2026-03-05"), 100}};
	struct kpi_result r;
	kpi_evaluate(&d, flat, 3, day("2026-03-20"), &r);
	ck_assert_double_eq_tol(r.slope, 0.0, 1e-12);
	ck_assert_str_eq(r.trend, "stable");
	/* 100 -> 100.9: slope 0.9 per period over one period, 0.9% of 100.45: stable */
	struct kpi_point small[] = {{day("2026-01-05"), 100}, {day("2026-02-05"), 100.9}};
	kpi_evaluate(&d, small, 2, day("2026-03-20"), &r);
	ck_assert_str_eq(r.trend, "stable");
	/* 100 -> 102: 2% > 1%: improving */
	struct kpi_point big[] = {{day("2026-01-05"), 100}, {day("2026-02-05"), 102}};
	kpi_evaluate(&d, big, 2, day("2026-03-20"), &r);
	ck_assert_str_eq(r.trend, "improving");
}
END_TEST

START_TEST(no_measurement_means_no_data_and_every_due_period_missing)
{
	struct kpi_def d = {KPI_HIGHER_BETTER, 95, 90, 80, KPI_WEEKLY, day("2026-03-02")};
	struct kpi_result r;
	kpi_evaluate(&d, NULL, 0, day("2026-03-30"), &r);
	ck_assert_str_eq(r.status, "no_data");
	ck_assert(!r.has_value);
	ck_assert_str_eq(r.trend, "insufficient_data");
	ck_assert_int_eq(r.periods_due, 4);
	ck_assert_int_eq(r.missing_count, 4);
	/* one measurement in the week of 9 March fills that week only */
	struct kpi_point one[] = {{day("2026-03-11"), 97}};
	kpi_evaluate(&d, one, 1, day("2026-03-30"), &r);
	ck_assert_int_eq(r.missing_count, 3);
	assert_day(r.missing[0], "2026-03-02");
	assert_day(r.missing[1], "2026-03-16");
	assert_day(r.missing[2], "2026-03-23");
	/* a KPI that starts after the as-of date has nothing due */
	kpi_evaluate(&d, NULL, 0, day("2026-02-01"), &r);
	ck_assert_int_eq(r.periods_due, 0);
	ck_assert_int_eq(r.missing_count, 0);
}
END_TEST

START_TEST(missing_periods_are_all_counted_but_listed_up_to_the_cap)
{
	struct kpi_def d = {KPI_HIGHER_BETTER, 95, 90, 80, KPI_WEEKLY, day("2020-01-06")};
	struct kpi_result r;
	kpi_evaluate(&d, NULL, 0, day("2026-01-05"), &r);
	/* 2020-01-06 .. 2026-01-05 is 2191 days = 313 weeks */
	ck_assert_int_eq(r.periods_due, 313);
	ck_assert_int_eq(r.missing_count, 313);
	ck_assert_int_eq(r.nmissing, KPI_MISSING_LIST);
}
END_TEST

static Suite *kpi_suite(void)
{
	Suite *s = suite_create("kpi");
	TCase *tc = tcase_create("evaluate");
	tcase_add_test(tc, dates_round_trip_and_reject_malformed_input);
	tcase_add_test(tc, periods_start_on_calendar_boundaries);
	tcase_add_test(tc, status_follows_thresholds_in_both_directions);
	tcase_add_test(tc, crafted_monthly_series_gives_exact_figures);
	tcase_add_test(tc, a_correction_in_the_same_period_replaces_the_earlier_value);
	tcase_add_test(tc, rising_incidents_deteriorate_a_lower_is_better_kpi);
	tcase_add_test(tc, small_changes_within_tolerance_are_stable);
	tcase_add_test(tc, no_measurement_means_no_data_and_every_due_period_missing);
	tcase_add_test(tc, missing_periods_are_all_counted_but_listed_up_to_the_cap);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(kpi_suite());
	srunner_run_all(sr, CK_NORMAL);
	int nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
