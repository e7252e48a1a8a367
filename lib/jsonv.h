/*
 * jsonv.h - validate a JSON request body against a field table, once, at the edge.
 *
 * A handler declares the fields it accepts; jv_check() rejects unknown fields, wrong
 * types, values outside an enumeration, over-long strings and missing required
 * fields, naming the offending field in the error, so that handlers can then read
 * values without re-checking. Strings are checked for length in bytes.
 *
 *   static const struct jv_field tenant_fields[] = {
 *           {"name", JV_STRING, JV_REQUIRED, .max = 200},
 *           {"status", JV_ENUM, 0, .values = (const char *[]){"active", "suspended", NULL}},
 *           {NULL}};
 *
 * Pure functions; any thread.
 */
#ifndef CONCORD_JSONV_H
#define CONCORD_JSONV_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "err.h"

enum jv_type {
	JV_STRING, /* string, 0 < bytes <= max (default 10000) */
	JV_TEXT,   /* string, may be empty, <= max (default 100000) */
	JV_INT,    /* integer within [min, max] when min < max */
	JV_NUMBER, /* integer or real */
	JV_BOOL,
	JV_UUID,
	JV_DATE, /* YYYY-MM-DD */
	JV_TIME, /* RFC 3339 timestamp string */
	JV_ENUM, /* string in values[] */
	JV_EMAIL,
	JV_OBJECT, /* any object (validated further by the handler) */
	JV_ARRAY,  /* array with <= max items (default 1000) */
	JV_ANY,
};

#define JV_REQUIRED 1u
#define JV_NULLABLE 2u

struct jv_field {
	const char *name;
	enum jv_type type;
	unsigned flags;
	long long min, max;
	const char *const *values; /* JV_ENUM: NULL-terminated list */
};

/* body must be an object whose keys all appear in spec. Returns 0 or -1 with e set. */
int jv_check(const json_t *body, const struct jv_field *spec, struct err *e);
/* Check one value against one field description (used for array items too). */
int jv_check_value(const json_t *v, const struct jv_field *f, const char *path, struct err *e);
/* Borrowed string value of key, or NULL when absent / null. */
const char *jv_str(const json_t *o, const char *key);
/* "true"/"false"/NULL text for a boolean field, for SQL parameters. */
const char *jv_bool_text(const json_t *o, const char *key);
/* Decimal text of an integer field written into buf, or NULL when absent/null. */
const char *jv_int_text(const json_t *o, const char *key, char *buf, size_t n);
/* Compact JSON text of key's value (malloc'd, caller frees) or NULL when absent. */
char *jv_dump(const json_t *o, const char *key);

#endif
