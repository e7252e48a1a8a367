/*
 * raci.c - RACI matrix validation and CSV export (see raci.h). Pure; any thread.
 */
#include "raci.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonv.h"

static const struct jv_field matrix_fields[] = {
        {"roles", JV_ARRAY, JV_REQUIRED, .max = RACI_ROLES_MAX},
        {"activities", JV_ARRAY, JV_REQUIRED, .max = RACI_ACTIVITIES_MAX},
        {NULL},
};
static const struct jv_field role_fields[] = {
        {"key", JV_STRING, JV_REQUIRED, .max = 40},
        {"name", JV_STRING, JV_REQUIRED, .max = 200},
        {"platform_role", JV_STRING, JV_NULLABLE, .max = 32},
        {NULL},
};
static const struct jv_field activity_fields[] = {
        {"key", JV_STRING, JV_REQUIRED, .max = 40},
        {"name", JV_STRING, JV_REQUIRED, .max = 300},
        {"phase", JV_INT, JV_NULLABLE, .min = 1, .max = 4},
        {"assignments", JV_OBJECT, JV_REQUIRED, .max = RACI_ROLES_MAX},
        {NULL},
};

static const char *const letters[] = {"R", "A", "C", "I", "AR", NULL};

static bool valid_key(const char *s)
{
	if (!*s)
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' ||
		            *p == '-'))
			return false;
	return true;
}

static bool in_list(const char *v, const char *const *list)
{
	for (; list && *list; list++)
		if (strcmp(*list, v) == 0)
			return true;
	return false;
}

/* jv_check on a nested object, naming fields "<path>.<field>". */
static int check_at(const json_t *o, const struct jv_field *spec, const char *path, struct err *e)
{
	if (!json_is_object(o))
		return err_set(e, ERR_INVALID, path, "must be an object");
	if (jv_check(o, spec, e) == 0)
		return 0;
	char f[sizeof e->field];
	snprintf(f, sizeof f, "%.63s.%.63s", path, e->field);
	snprintf(e->field, sizeof e->field, "%s", f);
	return -1;
}

/* The index of the element of `a` whose "key" is `key`, or -1. */
static int find_key(const json_t *a, const char *key, size_t before)
{
	for (size_t i = 0; i < before && i < json_array_size(a); i++)
		if (strcmp(jv_str(json_array_get(a, i), "key"), key) == 0)
			return (int)i;
	return -1;
}

static int check_list(const json_t *a, const char *name, const struct jv_field *spec, struct err *e)
{
	size_t i;
	json_t *it;
	char path[80];
	json_array_foreach(a, i, it)
	{
		snprintf(path, sizeof path, "%s[%zu]", name, i);
		if (check_at(it, spec, path, e))
			return -1;
		snprintf(path, sizeof path, "%s[%zu].key", name, i);
		if (!valid_key(jv_str(it, "key")))
			return err_set(e, ERR_INVALID, path,
			        "use lower-case letters, digits, '_' and '-' only");
		if (find_key(a, jv_str(it, "key"), i) >= 0)
			return err_set(
			        e, ERR_INVALID, path, "'%s' is listed twice", jv_str(it, "key"));
	}
	return 0;
}

int raci_check_shape(const json_t *matrix, const char *const *platform_roles, struct err *e)
{
	if (jv_check(matrix, matrix_fields, e))
		return -1;
	const json_t *roles = json_object_get(matrix, "roles");
	const json_t *acts = json_object_get(matrix, "activities");
	if (json_array_size(roles) == 0)
		return err_set(e, ERR_INVALID, "roles", "list at least one role");
	if (json_array_size(acts) == 0)
		return err_set(e, ERR_INVALID, "activities", "list at least one activity");
	if (check_list(roles, "roles", role_fields, e) ||
	        check_list(acts, "activities", activity_fields, e))
		return -1;
	size_t i;
	json_t *it;
	char path[120];
	json_array_foreach(roles, i, it)
	{
		const char *pr = jv_str(it, "platform_role");
		snprintf(path, sizeof path, "roles[%zu].platform_role", i);
		if (pr && !in_list(pr, platform_roles))
			return err_set(e, ERR_INVALID, path, "must be a Concord role name");
	}
	json_array_foreach(acts, i, it)
	{
		const char *role;
		json_t *v;
		json_object_foreach(json_object_get(it, "assignments"), role, v)
		{
			snprintf(path, sizeof path, "activities[%zu].assignments.%.40s", i, role);
			if (find_key(roles, role, json_array_size(roles)) < 0)
				return err_set(
				        e, ERR_INVALID, path, "is not one of the listed roles");
			if (!json_is_string(v) || !in_list(json_string_value(v), letters))
				return err_set(e, ERR_INVALID, path, "must be R, A, C, I or AR");
		}
	}
	return 0;
}

json_t *raci_problems(const json_t *matrix)
{
	json_t *out = json_array();
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(matrix, "activities"), i, it)
	{
		int na = 0, nr = 0;
		const char *role;
		json_t *v;
		json_object_foreach(json_object_get(it, "assignments"), role, v)
		{
			const char *l = json_string_value(v);
			na += strchr(l, 'A') != NULL;
			nr += strchr(l, 'R') != NULL;
		}
		char field[80];
		snprintf(field, sizeof field, "activities[%zu].assignments", i);
		if (na != 1)
			json_array_append_new(out,
			        json_pack("{s:s, s:s, s:s, s:s+}", "field", field, "activity",
			                jv_str(it, "key"), "rule", "one_accountable", "message",
			                na ? "has more than one A (accountable)"
			                   : "has no A (accountable)",
			                "; exactly one is required"));
		if (nr < 1)
			json_array_append_new(
			        out, json_pack("{s:s, s:s, s:s, s:s}", "field", field, "activity",
			                     jv_str(it, "key"), "rule", "responsible", "message",
			                     "has no R (responsible); one is required"));
	}
	return out;
}

int raci_validate(const json_t *matrix, const char *const *platform_roles, struct err *e)
{
	if (raci_check_shape(matrix, platform_roles, e))
		return -1;
	json_t *p = raci_problems(matrix);
	int rc = 0;
	if (json_array_size(p)) {
		const json_t *first = json_array_get(p, 0);
		rc = err_set(e, ERR_UNPROCESSABLE, jv_str(first, "field"), "activity '%s' %s",
		        jv_str(first, "activity"), jv_str(first, "message"));
	}
	json_decref(p);
	return rc;
}

/* Append one CSV field to f. */
static void csv_field(FILE *f, const char *s, bool first)
{
	if (!first)
		fputc(',', f);
	bool formula = s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@';
	bool quote = formula || strpbrk(s, ",\"\r\n") != NULL;
	if (!quote) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	if (formula)
		fputc('\'', f);
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			fputc('"', f);
		fputc(*p, f);
	}
	fputc('"', f);
}

char *raci_csv(const json_t *matrix)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		abort();
	const json_t *roles = json_object_get(matrix, "roles");
	size_t i, k;
	json_t *it, *role;
	csv_field(f, "Activity", true);
	csv_field(f, "Phase", false);
	json_array_foreach(roles, k, role) csv_field(f, jv_str(role, "name"), false);
	fputs("\r\n", f);
	json_array_foreach(json_object_get(matrix, "activities"), i, it)
	{
		char phase[8] = "";
		const json_t *ph = json_object_get(it, "phase");
		if (json_is_integer(ph))
			snprintf(phase, sizeof phase, "%lld", (long long)json_integer_value(ph));
		csv_field(f, jv_str(it, "name"), true);
		csv_field(f, phase, false);
		const json_t *as = json_object_get(it, "assignments");
		json_array_foreach(roles, k, role)
		{
			const char *l = jv_str(as, jv_str(role, "key"));
			csv_field(f, l ? l : "", false);
		}
		fputs("\r\n", f);
	}
	fclose(f);
	return buf;
}
