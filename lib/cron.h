/*
 * cron.h - 5-field cron expressions (minute hour day-of-month month day-of-week),
 * evaluated in UTC, for the recurring jobs of the `schedules` table.
 *
 * Syntax of each field: "*", a value, a range "a-b", a stepped "*" or "a-b" (suffix
 * "/n": every n-th value), "a/n" (from a to the field's maximum every n), and
 * comma-separated lists of those. Months accept jan..dec and days of the week
 * sun..sat (case-insensitive); day-of-week 7 is Sunday like 0. The macros @yearly
 * (@annually), @monthly, @weekly, @daily (@midnight) and @hourly stand for their
 * usual expansions.
 *
 * Day matching follows Vixie cron: when both day-of-month and day-of-week are
 * restricted (neither field starts with '*'), a day matches if EITHER matches;
 * otherwise it must match both (a stepped "*" still counts as '*'
 * for this rule, as in Vixie cron).
 *
 * Errors are ERR_INVALID with field "cron" (the JSON field of a schedule) and a
 * message naming the cron field: "minute: 61 is out of range 0-59".
 *
 * Pure functions; any thread.
 */
#ifndef CONCORD_CRON_H
#define CONCORD_CRON_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "err.h"

#define CRON_MAX_LEN 200

struct cron {
	uint64_t minute; /* bit m set: minute m (0-59) matches */
	uint32_t hour;   /* bit h: hour 0-23 */
	uint32_t dom;    /* bit d: day of month 1-31 */
	uint16_t month;  /* bit m: month 1-12 */
	uint8_t dow;     /* bit d: day of week 0-6, Sunday = 0 */
	bool dom_any;    /* the day-of-month field started with '*' */
	bool dow_any;    /* the day-of-week field started with '*' */
};

/* Parse expr into *c. 0, or -1 with e set (field "cron"). */
int cron_parse(const char *expr, struct cron *c, struct err *e);

/* Does the minute that starts at UTC time t match? (seconds are ignored) */
bool cron_matches(const struct cron *c, time_t t);

/* The first minute strictly after `after` that matches, in *next (UTC seconds since
 * the epoch, a multiple of 60). Returns -1 when nothing matches within 30 years (for
 * example "0 0 31 2 *"), with e set (field "cron"). */
int cron_next(const struct cron *c, time_t after, time_t *next, struct err *e);

#endif
