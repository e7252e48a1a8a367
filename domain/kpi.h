/*
 * kpi.h - KPI evaluation for the kpi.aggregate job (ISO/IEC 27001 and 42001 clause 9.1):
 * the status of the latest value against the thresholds, the trend, and the reporting
 * periods for which no measurement was recorded.
 *
 * Periods. A KPI is measured weekly (ISO weeks, Monday first), monthly, quarterly,
 * half-yearly or yearly; a measurement belongs to the period containing its date, and
 * within a period the measurement recorded last counts (a correction is a later
 * recording). A period is due once it has ended: the periods from the one containing
 * the KPI's start date up to, not including, the one containing the as-of date.
 *
 * Status of the latest period's value v (thresholds are ordered from the target
 * towards "worse"; for lower_better read the comparisons mirrored):
 *   ok        v >= warning_threshold
 *   warning   critical_threshold <= v < warning_threshold
 *   critical  v < critical_threshold
 *   no_data   no measurement up to the as-of date
 * and target_met is v >= target.
 *
 * Trend: the least-squares slope of the last KPI_TREND_WINDOW periods that have a
 * value, per period (gaps count). "stable" when slope x span stays within
 * KPI_TREND_TOLERANCE of the larger of |mean| and |target|; otherwise "improving" or
 * "deteriorating" according to the direction; "insufficient_data" below two values.
 *
 * Dates are days since 1970-01-01 (proleptic Gregorian). Pure; any thread.
 */
#ifndef CONCORD_KPI_H
#define CONCORD_KPI_H

#include <stdbool.h>

#define KPI_TREND_WINDOW    4
#define KPI_TREND_TOLERANCE 0.01
#define KPI_MISSING_LIST    100 /* missing periods listed (all are counted) */

enum kpi_freq { KPI_WEEKLY, KPI_MONTHLY, KPI_QUARTERLY, KPI_SEMIANNUAL, KPI_ANNUAL };
enum kpi_dir { KPI_HIGHER_BETTER, KPI_LOWER_BETTER };

struct kpi_def {
	enum kpi_dir dir;
	double target, warning, critical;
	enum kpi_freq freq;
	long start; /* first day the KPI is measured */
};

/* One measurement; arrays of them are in recording order. */
struct kpi_point {
	long day;
	double value;
};

struct kpi_result {
	const char *status; /* "ok", "warning", "critical", "no_data" */
	bool has_value;
	double latest_value;
	long latest_period; /* first day of the latest period with a value */
	bool target_met;
	const char *trend; /* "improving", "stable", "deteriorating", "insufficient_data" */
	bool has_slope;
	double slope; /* change per period */
	int periods_due;
	int missing_count;
	int nmissing; /* entries in missing[] (at most KPI_MISSING_LIST) */
	long missing[KPI_MISSING_LIST];
};

/* "weekly" ... "annual" -> enum; -1 when unknown. */
int kpi_freq_parse(const char *s, enum kpi_freq *out);
/* YYYY-MM-DD <-> day number; kpi_date_parse returns -1 on a malformed date. */
int kpi_date_parse(const char *s, long *day);
void kpi_date_format(long day, char out[11]);
/* First day of the period containing day, and of the period after it. */
long kpi_period_start(enum kpi_freq f, long day);
long kpi_period_next(enum kpi_freq f, long period_start);
/* Status of one value against the thresholds. */
const char *kpi_status(const struct kpi_def *d, double v);
/* Evaluate the measurements pts[0..n) (recording order) as of day as_of; points
 * dated after as_of are ignored. */
void kpi_evaluate(const struct kpi_def *d, const struct kpi_point *pts, int n, long as_of,
        struct kpi_result *r);

#endif
