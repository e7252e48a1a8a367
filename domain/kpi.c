/*
 * kpi.c - KPI status, trend and missing periods (see kpi.h). Pure; any thread.
 */
#include "kpi.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "util.h"

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
static long days_from_civil(long y, int m, int d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(long z, long *y, int *m, int *d)
{
	z += 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

int kpi_freq_parse(const char *s, enum kpi_freq *out)
{
	static const char *const names[] = {
	        "weekly", "monthly", "quarterly", "semiannual", "annual"};
	for (int i = 0; s && i < 5; i++)
		if (strcmp(s, names[i]) == 0) {
			*out = (enum kpi_freq)i;
			return 0;
		}
	return -1;
}

int kpi_date_parse(const char *s, long *day)
{
	if (!util_is_date(s))
		return -1;
	long y = strtol(s, NULL, 10);
	int m = (int)strtol(s + 5, NULL, 10), d = (int)strtol(s + 8, NULL, 10);
	*day = days_from_civil(y, m, d);
	return 0;
}

void kpi_date_format(long day, char out[11])
{
	long y;
	int m, d;
	char tmp[48];
	civil_from_days(day, &y, &m, &d);
	snprintf(tmp, sizeof tmp, "%04ld-%02d-%02d", y, m, d);
	memcpy(out, tmp, 10);
	out[10] = '\0';
}

/* Months in one period of a month-based frequency. */
static int months_of(enum kpi_freq f)
{
	switch (f) {
	case KPI_MONTHLY:
		return 1;
	case KPI_QUARTERLY:
		return 3;
	case KPI_SEMIANNUAL:
		return 6;
	case KPI_ANNUAL:
		return 12;
	case KPI_WEEKLY:
		break;
	}
	return 0;
}

long kpi_period_start(enum kpi_freq f, long day)
{
	if (f == KPI_WEEKLY) {
		/* 1970-01-01 was a Thursday: Monday-based weekday = (day + 3) mod 7 */
		long wd = ((day + 3) % 7 + 7) % 7;
		return day - wd;
	}
	long y;
	int m, d, n = months_of(f);
	civil_from_days(day, &y, &m, &d);
	return days_from_civil(y, (m - 1) / n * n + 1, 1);
}

long kpi_period_next(enum kpi_freq f, long period_start)
{
	if (f == KPI_WEEKLY)
		return period_start + 7;
	long y;
	int m, d, n = months_of(f);
	civil_from_days(period_start, &y, &m, &d);
	m += n;
	if (m > 12) {
		m -= 12;
		y++;
	}
	return days_from_civil(y, m, 1);
}

/* Sequence number of a period, so that consecutive periods differ by one. */
static long period_ordinal(enum kpi_freq f, long start)
{
	if (f == KPI_WEEKLY)
		return (start + 3) / 7;
	long y;
	int m, d;
	civil_from_days(start, &y, &m, &d);
	return (y * 12 + (m - 1)) / months_of(f);
}

const char *kpi_status(const struct kpi_def *d, double v)
{
	/* mirror lower-is-better onto higher-is-better */
	double s = d->dir == KPI_HIGHER_BETTER ? 1.0 : -1.0;
	if (s * v >= s * d->warning)
		return "ok";
	if (s * v >= s * d->critical)
		return "warning";
	return "critical";
}

struct slot {
	long period;
	int order; /* recording order */
	double value;
};

static int cmp_slot(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;
	if (x->period != y->period)
		return x->period < y->period ? -1 : 1;
	return x->order - y->order;
}

static void trend(const struct kpi_def *d, const struct slot *series, int n, struct kpi_result *r)
{
	r->trend = "insufficient_data";
	if (n < 2)
		return;
	int from = n > KPI_TREND_WINDOW ? n - KPI_TREND_WINDOW : 0, k = n - from;
	double sx = 0, sy = 0, sxx = 0, sxy = 0;
	long x0 = period_ordinal(d->freq, series[from].period);
	for (int i = from; i < n; i++) {
		double x = (double)(period_ordinal(d->freq, series[i].period) - x0);
		sx += x;
		sy += series[i].value;
		sxx += x * x;
		sxy += x * series[i].value;
	}
	double den = k * sxx - sx * sx;
	r->has_slope = true;
	r->slope = (k * sxy - sx * sy) / den;
	double span = (double)(period_ordinal(d->freq, series[n - 1].period) - x0);
	double scale = fmax(fabs(sy / k), fabs(d->target));
	double change = r->slope * span;
	if (fabs(change) <= KPI_TREND_TOLERANCE * scale)
		r->trend = "stable";
	else if ((change > 0) == (d->dir == KPI_HIGHER_BETTER))
		r->trend = "improving";
	else
		r->trend = "deteriorating";
}

void kpi_evaluate(const struct kpi_def *d, const struct kpi_point *pts, int n, long as_of,
        struct kpi_result *r)
{
	memset(r, 0, sizeof *r);
	struct slot *s = xmalloc(sizeof *s * (size_t)(n > 0 ? n : 1));
	int ns = 0;
	for (int i = 0; i < n; i++) {
		if (pts[i].day > as_of)
			continue;
		s[ns].period = kpi_period_start(d->freq, pts[i].day);
		s[ns].order = i;
		s[ns++].value = pts[i].value;
	}
	qsort(s, (size_t)ns, sizeof *s, cmp_slot);
	/* keep the last recorded value of each period */
	int k = 0;
	for (int i = 0; i < ns; i++) {
		if (k > 0 && s[k - 1].period == s[i].period)
			s[k - 1] = s[i];
		else
			s[k++] = s[i];
	}
	if (k == 0) {
		r->status = "no_data";
	} else {
		r->has_value = true;
		r->latest_value = s[k - 1].value;
		r->latest_period = s[k - 1].period;
		r->status = kpi_status(d, r->latest_value);
		double sign = d->dir == KPI_HIGHER_BETTER ? 1.0 : -1.0;
		r->target_met = sign * r->latest_value >= sign * d->target;
	}
	trend(d, s, k, r);
	long end = kpi_period_start(d->freq, as_of);
	int j = 0;
	for (long p = kpi_period_start(d->freq, d->start); p < end;
	        p = kpi_period_next(d->freq, p)) {
		r->periods_due++;
		while (j < k && s[j].period < p)
			j++;
		if (j < k && s[j].period == p)
			continue;
		if (r->nmissing < KPI_MISSING_LIST)
			r->missing[r->nmissing++] = p;
		r->missing_count++;
	}
	free(s);
}
