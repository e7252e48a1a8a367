/*
 * cron.c - the cron expression parser and next-run calculator (see cron.h).
 *
 * A parsed expression is five bit sets, so matching a minute is five bit tests.
 * cron_next walks forward field by field (skip a whole month, day or hour when that
 * field does not match) in UTC with timegm(), so the search for a year-long gap costs
 * a few hundred steps, not half a million minutes.
 *
 * Pure functions; any thread (gmtime_r/timegm only).
 */
#include "cron.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* How far cron_next looks before it declares an expression impossible. */
#define CRON_HORIZON_YEARS 30

struct field_def {
	const char *name;         /* as used in error messages */
	int min, max;             /* accepted values (day-of-week accepts 7 for Sunday) */
	const char *const *names; /* symbolic values, names[i] = min + i, or NULL */
};

static const char *const month_names[] = {
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec", NULL};
static const char *const dow_names[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat", NULL};

enum { F_MINUTE, F_HOUR, F_DOM, F_MONTH, F_DOW, F_COUNT };

static const struct field_def fields[F_COUNT] = {
        {"minute", 0, 59, NULL},
        {"hour", 0, 23, NULL},
        {"day-of-month", 1, 31, NULL},
        {"month", 1, 12, month_names},
        {"day-of-week", 0, 7, dow_names},
};

static const struct {
	const char *name;
	const char *expansion;
} macros[] = {
        {"@yearly", "0 0 1 1 *"},
        {"@annually", "0 0 1 1 *"},
        {"@monthly", "0 0 1 * *"},
        {"@weekly", "0 0 * * 0"},
        {"@daily", "0 0 * * *"},
        {"@midnight", "0 0 * * *"},
        {"@hourly", "0 * * * *"},
};

/* A number or a symbolic name at *p; advances *p. */
static int parse_value(const char **p, const struct field_def *f, int *out, struct err *e)
{
	const char *s = *p;
	if (isdigit((unsigned char)*s)) {
		long v = 0;
		while (isdigit((unsigned char)*s)) {
			v = v * 10 + (*s - '0');
			if (v > 1000)
				return err_set(
				        e, ERR_INVALID, "cron", "%s: number too large", f->name);
			s++;
		}
		if (v < f->min || v > f->max)
			return err_set(e, ERR_INVALID, "cron", "%s: %ld is out of range %d-%d",
			        f->name, v, f->min, f->max);
		*out = (int)v;
		*p = s;
		return 0;
	}
	if (isalpha((unsigned char)*s)) {
		size_t n = 0;
		while (isalpha((unsigned char)s[n]))
			n++;
		if (f->names && n == 3) {
			for (int i = 0; f->names[i]; i++)
				if (strncasecmp(s, f->names[i], 3) == 0) {
					*out = f->min == 0 ? i : i + f->min;
					*p = s + 3;
					return 0;
				}
		}
		return err_set(e, ERR_INVALID, "cron", "%s: unknown name '%.*s'", f->name,
		        (int)(n > 20 ? 20 : n), s);
	}
	if (!*s)
		return err_set(e, ERR_INVALID, "cron", "%s: a value is missing", f->name);
	return err_set(e, ERR_INVALID, "cron", "%s: unexpected character '%c'", f->name,
	        isprint((unsigned char)*s) ? *s : '?');
}

/* One comma-separated item: "*", "a", "a-b", each optionally "/step". */
static int parse_item(const char *s, const struct field_def *f, uint64_t *bits, struct err *e)
{
	int lo, hi, step = 1;
	if (*s == '*') {
		lo = f->min;
		hi = f->max == 7 ? 6 : f->max;
		s++;
	} else {
		if (parse_value(&s, f, &lo, e))
			return -1;
		hi = lo;
		if (*s == '-') {
			s++;
			if (parse_value(&s, f, &hi, e))
				return -1;
			if (hi < lo)
				return err_set(e, ERR_INVALID, "cron",
				        "%s: range %d-%d runs backwards", f->name, lo, hi);
		} else if (*s == '/') {
			hi = f->max == 7 ? 6 : f->max; /* "a/n": from a to the end */
		}
	}
	if (*s == '/') {
		s++;
		if (!isdigit((unsigned char)*s))
			return err_set(
			        e, ERR_INVALID, "cron", "%s: a step must be a number", f->name);
		long v = 0;
		while (isdigit((unsigned char)*s) && v <= 1000)
			v = v * 10 + (*s++ - '0');
		if (v < 1 || v > f->max)
			return err_set(e, ERR_INVALID, "cron", "%s: step must be between 1 and %d",
			        f->name, f->max);
		step = (int)v;
	}
	if (*s)
		return err_set(e, ERR_INVALID, "cron", "%s: unexpected character '%c'", f->name,
		        isprint((unsigned char)*s) ? *s : '?');
	for (int v = lo; v <= hi; v += step)
		*bits |= 1ull << (f == &fields[F_DOW] && v == 7 ? 0 : v);
	return 0;
}

/* A whole field (len bytes at s): comma-separated items. */
static int parse_field(
        const char *s, size_t len, const struct field_def *f, uint64_t *bits, struct err *e)
{
	char buf[CRON_MAX_LEN + 1];
	memcpy(buf, s, len);
	buf[len] = '\0';
	*bits = 0;
	char *item = buf;
	for (;;) {
		char *comma = strchr(item, ',');
		if (comma)
			*comma = '\0';
		if (!*item)
			return err_set(e, ERR_INVALID, "cron", "%s: empty list item", f->name);
		if (parse_item(item, f, bits, e))
			return -1;
		if (!comma)
			break;
		item = comma + 1;
	}
	return 0;
}

int cron_parse(const char *expr, struct cron *c, struct err *e)
{
	memset(c, 0, sizeof *c);
	if (!expr)
		return err_set(e, ERR_INVALID, "cron", "an expression is required");
	size_t n = strlen(expr);
	if (n > CRON_MAX_LEN)
		return err_set(
		        e, ERR_INVALID, "cron", "must be at most %d characters", CRON_MAX_LEN);
	while (*expr == ' ' || *expr == '\t')
		expr++;
	if (*expr == '@') {
		size_t m = strcspn(expr, " \t");
		for (size_t i = 0; i < sizeof macros / sizeof macros[0]; i++)
			if (strlen(macros[i].name) == m &&
			        strncasecmp(expr, macros[i].name, m) == 0 &&
			        expr[m + strspn(expr + m, " \t")] == '\0')
				return cron_parse(macros[i].expansion, c, e);
		return err_set(e, ERR_INVALID, "cron",
		        "unknown macro (use @yearly, @monthly, @weekly, @daily or @hourly)");
	}
	const char *start[F_COUNT + 1];
	size_t len[F_COUNT + 1];
	int k = 0;
	for (const char *p = expr; *p;) {
		p += strspn(p, " \t");
		if (!*p)
			break;
		size_t l = strcspn(p, " \t");
		if (k <= F_COUNT) {
			start[k] = p;
			len[k] = l;
		}
		k++;
		p += l;
	}
	if (k != F_COUNT)
		return err_set(e, ERR_INVALID, "cron",
		        "expected 5 fields (minute hour day-of-month month day-of-week), got %d",
		        k);
	uint64_t bits[F_COUNT];
	for (int i = 0; i < F_COUNT; i++)
		if (parse_field(start[i], len[i], &fields[i], &bits[i], e))
			return -1;
	c->minute = bits[F_MINUTE];
	c->hour = (uint32_t)bits[F_HOUR];
	c->dom = (uint32_t)bits[F_DOM];
	c->month = (uint16_t)bits[F_MONTH];
	c->dow = (uint8_t)bits[F_DOW];
	c->dom_any = start[F_DOM][0] == '*';
	c->dow_any = start[F_DOW][0] == '*';
	return 0;
}

static bool day_matches(const struct cron *c, const struct tm *tm)
{
	bool dom = c->dom & (1u << tm->tm_mday);
	bool dow = c->dow & (1u << tm->tm_wday);
	if (c->dom_any || c->dow_any)
		return dom && dow;
	return dom || dow;
}

bool cron_matches(const struct cron *c, time_t t)
{
	struct tm tm;
	if (!gmtime_r(&t, &tm))
		return false;
	return (c->minute & (1ull << tm.tm_min)) && (c->hour & (1u << tm.tm_hour)) &&
	       (c->month & (1u << (tm.tm_mon + 1))) && day_matches(c, &tm);
}

int cron_next(const struct cron *c, time_t after, time_t *next, struct err *e)
{
	time_t t = after - ((after % 60) + 60) % 60 + 60;
	time_t horizon = after + (time_t)CRON_HORIZON_YEARS * 366 * 86400;
	struct tm tm;
	while (t <= horizon && gmtime_r(&t, &tm)) {
		tm.tm_isdst = 0;
		if (!(c->month & (1u << (tm.tm_mon + 1)))) {
			tm.tm_mon++;
			tm.tm_mday = 1;
			tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
		} else if (!day_matches(c, &tm)) {
			tm.tm_mday++;
			tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
		} else if (!(c->hour & (1u << tm.tm_hour))) {
			tm.tm_hour++;
			tm.tm_min = tm.tm_sec = 0;
		} else if (!(c->minute & (1ull << tm.tm_min))) {
			tm.tm_min++;
			tm.tm_sec = 0;
		} else {
			*next = t;
			return 0;
		}
		t = timegm(&tm);
	}
	return err_set(e, ERR_INVALID, "cron", "never matches (no such date within %d years)",
	        CRON_HORIZON_YEARS);
}
