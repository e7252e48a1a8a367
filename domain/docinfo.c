/*
 * docinfo.c - see docinfo.h.
 */
#include "docinfo.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *jstr(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static bool streq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

/* "" for a missing member, so that messages never print "(null)". */
static const char *z(const char *s)
{
	return s ? s : "";
}

static void add_text(json_t *arr, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_text(json_t *arr, const char *fmt, ...)
{
	char *m = NULL;
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&m, fmt, ap) >= 0)
		json_array_append_new(arr, json_string(m));
	va_end(ap);
	free(m);
}

static void bump(json_t *counts, const char *key)
{
	json_object_set_new(
	        counts, key, json_integer(json_integer_value(json_object_get(counts, key)) + 1));
}

static json_t *new_counts(void)
{
	return json_pack("{s:i, s:i, s:i, s:i, s:i}", "total", 0, "covered", 0, "draft_only", 0,
	        "missing", 0, "not_applicable", 0);
}

/* Status of one item; appends why to reasons and what to review to attention. */
static const char *assess(const json_t *it, const json_t *applicable, const char *today,
        json_t *reasons, json_t *attention)
{
	const char *fw = jstr(it, "framework_id"), *ref = jstr(it, "ref");
	if (streq(jstr(it, "applicability"), "if_applicable")) {
		char key[128];
		snprintf(key, sizeof key, "%s:%s", fw ? fw : "", ref ? ref : "");
		if (json_is_false(json_object_get(applicable, key))) {
			add_text(reasons, "%s %s is excluded in the Statement of Applicability",
			        z(fw), z(ref));
			return "not_applicable";
		}
	}
	bool record = streq(jstr(it, "kind"), "record"), covered = false, partial = false;
	const json_t *c = json_object_get(it, "in_concord");
	if (json_is_true(json_object_get(c, "met"))) {
		covered = true;
		add_text(reasons, "kept in Concord: %s", z(jstr(c, "detail")));
	}
	size_t i;
	const json_t *d;
	json_array_foreach(json_object_get(it, "documents"), i, d)
	{
		if (streq(jstr(d, "status"), "approved")) {
			covered = true;
			add_text(reasons, "document %s v%s approved", z(jstr(d, "ref")),
			        z(jstr(d, "doc_version")));
			const char *due = jstr(d, "next_review_on");
			if (due && today && strcmp(due, today) <= 0)
				add_text(attention, "document %s: review was due on %s",
				        z(jstr(d, "ref")), due);
		} else {
			partial = true;
			add_text(attention, "document %s is %s, not approved", z(jstr(d, "ref")),
			        z(jstr(d, "status")));
		}
	}
	json_array_foreach(json_object_get(it, "evidence"), i, d)
	{
		bool current = json_is_true(json_object_get(d, "current"));
		if (current && record) {
			covered = true;
			add_text(reasons, "evidence \"%s\" collected on %s", z(jstr(d, "title")),
			        z(jstr(d, "collected_on")));
		} else if (!current) {
			partial = true;
			add_text(attention, "evidence \"%s\" expired on %s", z(jstr(d, "title")),
			        z(jstr(d, "valid_until")));
		}
	}
	if (covered)
		return "covered";
	return partial ? "draft_only" : "missing";
}

json_t *docinfo_assess(const json_t *holdings, const json_t *applicable, const char *today)
{
	json_t *items = json_array(), *total = new_counts(), *by_fw = json_object();
	size_t i;
	const json_t *it;
	json_array_foreach(holdings, i, it)
	{
		json_t *reasons = json_array(), *attention = json_array();
		const char *status = assess(it, applicable, today, reasons, attention);
		json_t *row = json_deep_copy(it);
		json_object_set_new(row, "status", json_string(status));
		json_object_set_new(row, "reasons", reasons);
		json_object_set_new(row, "attention", attention);
		json_array_append_new(items, row);
		const char *fw = jstr(it, "framework_id");
		json_t *f = json_object_get(by_fw, fw ? fw : "");
		if (!f) {
			f = new_counts();
			json_object_set_new(by_fw, fw ? fw : "", f);
		}
		bump(total, "total");
		bump(total, status);
		bump(f, "total");
		bump(f, status);
	}
	json_object_set_new(total, "by_framework", by_fw);
	return json_pack("{s:o, s:o}", "items", items, "summary", total);
}
