/*
 * jsonv.c - the request-body validator (see jsonv.h).
 */
#include "jsonv.h"

#include <stdio.h>
#include <string.h>

#include "util.h"

static const char *type_name(enum jv_type t)
{
	switch (t) {
	case JV_STRING:
	case JV_TEXT:
		return "a string";
	case JV_INT:
		return "an integer";
	case JV_NUMBER:
		return "a number";
	case JV_BOOL:
		return "a boolean";
	case JV_UUID:
		return "a UUID string";
	case JV_DATE:
		return "a date (YYYY-MM-DD)";
	case JV_TIME:
		return "an RFC 3339 timestamp";
	case JV_ENUM:
		return "one of the allowed values";
	case JV_EMAIL:
		return "an email address";
	case JV_OBJECT:
		return "an object";
	case JV_ARRAY:
		return "an array";
	case JV_ANY:
		return "a value";
	}
	return "a value";
}

static bool is_email(const char *s)
{
	const char *at = strchr(s, '@');
	if (!at || at == s || strchr(at + 1, '@') || !strchr(at + 1, '.'))
		return false;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p <= ' ')
			return false;
	return at[1] != '.' && s[strlen(s) - 1] != '.';
}

static bool is_timestamp(const char *s)
{
	/* YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM) */
	size_t n = strlen(s);
	if (n < 20 || n > 35)
		return false;
	char date[11];
	memcpy(date, s, 10);
	date[10] = '\0';
	if (!util_is_date(date) || (s[10] != 'T' && s[10] != 't' && s[10] != ' '))
		return false;
	int hh, mm, ss;
	if (sscanf(s + 11, "%2d:%2d:%2d", &hh, &mm, &ss) != 3 || hh > 23 || mm > 59 || ss > 60)
		return false;
	const char *p = s + 19;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return false;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == 'Z' || *p == 'z')
		return p[1] == '\0';
	if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':')
		return true;
	return false;
}

int jv_check_value(const json_t *v, const struct jv_field *f, const char *path, struct err *e)
{
	if (json_is_null(v)) {
		if (f->flags & JV_NULLABLE)
			return 0;
		return err_set(e, ERR_INVALID, path, "must not be null");
	}
	switch (f->type) {
	case JV_STRING:
	case JV_TEXT:
	case JV_UUID:
	case JV_DATE:
	case JV_TIME:
	case JV_ENUM:
	case JV_EMAIL: {
		if (!json_is_string(v))
			return err_set(e, ERR_INVALID, path, "must be %s", type_name(f->type));
		const char *s = json_string_value(v);
		size_t len = json_string_length(v);
		if (memchr(s, '\0', len))
			return err_set(e, ERR_INVALID, path, "must not contain NUL characters");
		long long max = f->max ? f->max : (f->type == JV_TEXT ? 100000 : 10000);
		if ((long long)len > max)
			return err_set(e, ERR_INVALID, path, "must be at most %lld bytes", max);
		if (f->type == JV_STRING && len == 0)
			return err_set(e, ERR_INVALID, path, "must not be empty");
		if (f->type == JV_UUID && !util_is_uuid(s))
			return err_set(e, ERR_INVALID, path, "must be a UUID");
		if (f->type == JV_DATE && !util_is_date(s))
			return err_set(e, ERR_INVALID, path, "must be a date (YYYY-MM-DD)");
		if (f->type == JV_TIME && !is_timestamp(s))
			return err_set(e, ERR_INVALID, path, "must be an RFC 3339 timestamp");
		if (f->type == JV_EMAIL && !is_email(s))
			return err_set(e, ERR_INVALID, path, "must be an email address");
		if (f->type == JV_ENUM) {
			for (const char *const *p = f->values; *p; p++)
				if (strcmp(*p, s) == 0)
					return 0;
			char allowed[400] = "";
			size_t o = 0;
			for (const char *const *p = f->values; *p && o < sizeof allowed - 1; p++)
				o += (size_t)snprintf(allowed + o, sizeof allowed - o, "%s%s",
				        p == f->values ? "" : ", ", *p);
			return err_set(e, ERR_INVALID, path, "must be one of: %s", allowed);
		}
		return 0;
	}
	case JV_INT:
		if (!json_is_integer(v))
			return err_set(e, ERR_INVALID, path, "must be an integer");
		if (f->min < f->max &&
		        (json_integer_value(v) < f->min || json_integer_value(v) > f->max))
			return err_set(e, ERR_INVALID, path, "must be between %lld and %lld",
			        f->min, f->max);
		return 0;
	case JV_NUMBER:
		if (!json_is_number(v))
			return err_set(e, ERR_INVALID, path, "must be a number");
		return 0;
	case JV_BOOL:
		if (!json_is_boolean(v))
			return err_set(e, ERR_INVALID, path, "must be a boolean");
		return 0;
	case JV_OBJECT:
		if (!json_is_object(v))
			return err_set(e, ERR_INVALID, path, "must be an object");
		if (json_object_size(v) > (size_t)(f->max ? f->max : 1000))
			return err_set(e, ERR_INVALID, path, "has too many members");
		return 0;
	case JV_ARRAY:
		if (!json_is_array(v))
			return err_set(e, ERR_INVALID, path, "must be an array");
		if (json_array_size(v) > (size_t)(f->max ? f->max : 1000))
			return err_set(e, ERR_INVALID, path, "must have at most %lld items",
			        f->max ? f->max : 1000);
		return 0;
	case JV_ANY:
		return 0;
	}
	return 0;
}

int jv_check(const json_t *body, const struct jv_field *spec, struct err *e)
{
	const char *key;
	json_t *v;
	if (!json_is_object(body))
		return err_set(e, ERR_INVALID, "", "request body must be a JSON object");
	json_object_foreach((json_t *)body, key, v)
	{
		const struct jv_field *f = spec;
		while (f->name && strcmp(f->name, key) != 0)
			f++;
		if (!f->name)
			return err_set(e, ERR_INVALID, key, "unknown field");
		if (jv_check_value(v, f, key, e))
			return -1;
	}
	for (const struct jv_field *f = spec; f->name; f++)
		if ((f->flags & JV_REQUIRED) && !json_object_get(body, f->name))
			return err_set(e, ERR_INVALID, f->name, "is required");
	return 0;
}

const char *jv_str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

const char *jv_bool_text(const json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	if (!json_is_boolean(v))
		return NULL;
	return json_is_true(v) ? "true" : "false";
}

const char *jv_int_text(const json_t *o, const char *key, char *buf, size_t n)
{
	json_t *v = json_object_get(o, key);
	if (!json_is_integer(v))
		return NULL;
	snprintf(buf, n, "%lld", (long long)json_integer_value(v));
	return buf;
}

char *jv_dump(const json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
}
