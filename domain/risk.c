/*
 * risk.c - the risk methodology: validation, matrix evaluation, acceptance authority
 * and re-evaluation after a change (see risk.h). Pure; any thread.
 */
#include "risk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonv.h"

const char *const risk_ai_dimensions[RISK_AI_DIMS + 1] = {"individuals", "groups", "society", NULL};

static const struct jv_field method_fields[] = {
        {"likelihood", JV_ARRAY, JV_REQUIRED, .max = RISK_SCALE_MAX},
        {"impact", JV_ARRAY, JV_REQUIRED, .max = RISK_SCALE_MAX},
        {"levels", JV_ARRAY, JV_REQUIRED, .max = RISK_LEVELS_MAX},
        {"matrix", JV_ARRAY, JV_REQUIRED, .max = RISK_SCALE_MAX},
        {"appetite", JV_STRING, JV_REQUIRED, .max = 32},
        {"acceptance", JV_ARRAY, JV_REQUIRED, .max = RISK_LEVELS_MAX},
        {NULL},
};
static const struct jv_field scale_fields[] = {
        {"level", JV_INT, JV_REQUIRED, .min = 1, .max = RISK_SCALE_MAX},
        {"name", JV_STRING, JV_REQUIRED, .max = 100},
        {"criteria", JV_STRING, JV_REQUIRED, .max = 2000},
        {NULL},
};
static const struct jv_field level_fields[] = {
        {"key", JV_STRING, JV_REQUIRED, .max = 32},
        {"name", JV_STRING, JV_REQUIRED, .max = 100},
        {"color", JV_STRING, JV_REQUIRED, .max = 7},
        {"review_months", JV_INT, JV_REQUIRED, .min = 1, .max = 36},
        {NULL},
};
static const struct jv_field accept_fields[] = {
        {"level", JV_STRING, JV_REQUIRED, .max = 32},
        {"roles", JV_ARRAY, JV_REQUIRED, .max = RISK_ROLES_MAX},
        {NULL},
};
static const struct jv_field assessment_fields[] = {
        {"likelihood", JV_INT, JV_REQUIRED},
        {"impact", JV_INT, JV_REQUIRED},
        {"ai_impacts", JV_OBJECT, JV_NULLABLE, .max = 16},
        {NULL},
};

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

static bool valid_color(const char *s)
{
	if (strlen(s) != 7 || s[0] != '#')
		return false;
	for (int i = 1; i < 7; i++)
		if (!strchr("0123456789abcdefABCDEF", s[i]))
			return false;
	return true;
}

static int parse_scale(const json_t *a, const char *axis, int *n, struct err *e)
{
	size_t i;
	json_t *it;
	char path[64];
	*n = (int)json_array_size(a);
	if (*n < RISK_SCALE_MIN || *n > RISK_SCALE_MAX)
		return err_set(e, ERR_INVALID, axis, "must have %d to %d levels", RISK_SCALE_MIN,
		        RISK_SCALE_MAX);
	json_array_foreach(a, i, it)
	{
		snprintf(path, sizeof path, "%s[%zu]", axis, i);
		if (check_at(it, scale_fields, path, e))
			return -1;
		if (json_integer_value(json_object_get(it, "level")) != (json_int_t)i + 1) {
			snprintf(path, sizeof path, "%s[%zu].level", axis, i);
			return err_set(e, ERR_INVALID, path,
			        "levels must be numbered 1, 2, 3 ... in order");
		}
	}
	return 0;
}

static int parse_levels(const json_t *a, struct risk_method *m, struct err *e)
{
	size_t i;
	json_t *it;
	char path[64];
	m->nlevels = (int)json_array_size(a);
	if (m->nlevels < RISK_LEVELS_MIN || m->nlevels > RISK_LEVELS_MAX)
		return err_set(e, ERR_INVALID, "levels", "must have %d to %d risk levels",
		        RISK_LEVELS_MIN, RISK_LEVELS_MAX);
	json_array_foreach(a, i, it)
	{
		snprintf(path, sizeof path, "levels[%zu]", i);
		if (check_at(it, level_fields, path, e))
			return -1;
		struct risk_level *l = &m->levels[i];
		const char *key = jv_str(it, "key"), *color = jv_str(it, "color");
		if (!valid_key(key)) {
			snprintf(path, sizeof path, "levels[%zu].key", i);
			return err_set(e, ERR_INVALID, path,
			        "use lower-case letters, digits, '_' and '-' only");
		}
		if (!valid_color(color)) {
			snprintf(path, sizeof path, "levels[%zu].color", i);
			return err_set(e, ERR_INVALID, path, "must be a colour such as #d32f2f");
		}
		for (size_t k = 0; k < i; k++)
			if (strcmp(m->levels[k].key, key) == 0) {
				snprintf(path, sizeof path, "levels[%zu].key", i);
				return err_set(
				        e, ERR_INVALID, path, "level '%s' is listed twice", key);
			}
		snprintf(l->key, sizeof l->key, "%s", key);
		snprintf(l->name, sizeof l->name, "%s", jv_str(it, "name"));
		snprintf(l->color, sizeof l->color, "%s", color);
		l->review_months = (int)json_integer_value(json_object_get(it, "review_months"));
	}
	return 0;
}

static int parse_matrix(const json_t *a, struct risk_method *m, struct err *e)
{
	char path[64];
	if ((int)json_array_size(a) != m->nlikelihood)
		return err_set(e, ERR_INVALID, "matrix",
		        "needs one row per likelihood level (%d rows)", m->nlikelihood);
	for (int l = 0; l < m->nlikelihood; l++) {
		const json_t *row = json_array_get(a, (size_t)l);
		snprintf(path, sizeof path, "matrix[%d]", l);
		if (!json_is_array(row) || (int)json_array_size(row) != m->nimpact)
			return err_set(e, ERR_INVALID, path,
			        "needs one level key per impact level (%d columns)", m->nimpact);
		for (int i = 0; i < m->nimpact; i++) {
			const char *key = json_string_value(json_array_get(row, (size_t)i));
			int idx = key ? risk_level_index(m, key) : -1;
			snprintf(path, sizeof path, "matrix[%d][%d]", l, i);
			if (idx < 0)
				return err_set(
				        e, ERR_INVALID, path, "must be the key of a risk level");
			m->matrix[l][i] = idx;
			/* a higher likelihood or impact can never give a lower level */
			if ((l > 0 && idx < m->matrix[l - 1][i]) ||
			        (i > 0 && idx < m->matrix[l][i - 1]))
				return err_set(e, ERR_INVALID, path,
				        "is less severe than a cell of lower likelihood or impact");
		}
	}
	return 0;
}

static bool known_role(const char *role, const char *const *roles)
{
	for (; roles && *roles; roles++)
		if (strcmp(*roles, role) == 0)
			return true;
	return false;
}

static int parse_acceptance(
        const json_t *a, const char *const *roles, struct risk_method *m, struct err *e)
{
	size_t i;
	json_t *it;
	char path[64];
	json_array_foreach(a, i, it)
	{
		snprintf(path, sizeof path, "acceptance[%zu]", i);
		if (check_at(it, accept_fields, path, e))
			return -1;
		int idx = risk_level_index(m, jv_str(it, "level"));
		snprintf(path, sizeof path, "acceptance[%zu].level", i);
		if (idx < 0)
			return err_set(e, ERR_INVALID, path, "must be the key of a risk level");
		struct risk_level *l = &m->levels[idx];
		if (l->naccept)
			return err_set(e, ERR_INVALID, path, "level '%s' is listed twice", l->key);
		const json_t *rl = json_object_get(it, "roles");
		if (json_array_size(rl) == 0) {
			snprintf(path, sizeof path, "acceptance[%zu].roles", i);
			return err_set(e, ERR_INVALID, path,
			        "name a role, or leave out a level no one may accept");
		}
		size_t k;
		json_t *r;
		json_array_foreach(rl, k, r)
		{
			const char *role = json_string_value(r);
			snprintf(path, sizeof path, "acceptance[%zu].roles[%zu]", i, k);
			if (!role || !known_role(role, roles))
				return err_set(e, ERR_INVALID, path, "must be a role name");
			snprintf(l->accept[l->naccept++], sizeof l->accept[0], "%s", role);
		}
	}
	return 0;
}

int risk_method_parse(
        const json_t *doc, const char *const *roles, struct risk_method *m, struct err *e)
{
	memset(m, 0, sizeof *m);
	if (jv_check(doc, method_fields, e) ||
	        parse_scale(json_object_get(doc, "likelihood"), "likelihood", &m->nlikelihood, e) ||
	        parse_scale(json_object_get(doc, "impact"), "impact", &m->nimpact, e) ||
	        parse_levels(json_object_get(doc, "levels"), m, e) ||
	        parse_matrix(json_object_get(doc, "matrix"), m, e))
		return -1;
	m->appetite = risk_level_index(m, jv_str(doc, "appetite"));
	if (m->appetite < 0)
		return err_set(e, ERR_INVALID, "appetite", "must be the key of a risk level");
	return parse_acceptance(json_object_get(doc, "acceptance"), roles, m, e);
}

int risk_level_index(const struct risk_method *m, const char *key)
{
	for (int i = 0; key && i < m->nlevels; i++)
		if (strcmp(m->levels[i].key, key) == 0)
			return i;
	return -1;
}

void risk_evaluate(const struct risk_method *m, struct risk_assessment *a)
{
	a->eff_impact = a->impact;
	for (int d = 0; a->has_ai && d < RISK_AI_DIMS; d++)
		if (a->ai[d] > a->eff_impact)
			a->eff_impact = a->ai[d];
	a->level = m->matrix[a->likelihood - 1][a->eff_impact - 1];
}

int risk_assessment_parse(const json_t *j, const struct risk_method *m, bool is_ai,
        const char *prefix, struct risk_assessment *out, struct err *e)
{
	char path[96];
	memset(out, 0, sizeof *out);
	if (check_at(j, assessment_fields, prefix, e))
		return -1;
	out->likelihood = (int)json_integer_value(json_object_get(j, "likelihood"));
	out->impact = (int)json_integer_value(json_object_get(j, "impact"));
	if (out->likelihood < 1 || out->likelihood > m->nlikelihood) {
		snprintf(path, sizeof path, "%s.likelihood", prefix);
		return err_set(e, ERR_INVALID, path, "must be between 1 and %d", m->nlikelihood);
	}
	if (out->impact < 1 || out->impact > m->nimpact) {
		snprintf(path, sizeof path, "%s.impact", prefix);
		return err_set(e, ERR_INVALID, path, "must be between 1 and %d", m->nimpact);
	}
	const json_t *ai = json_object_get(j, "ai_impacts");
	snprintf(path, sizeof path, "%s.ai_impacts", prefix);
	if (!is_ai && ai && !json_is_null(ai))
		return err_set(e, ERR_INVALID, path,
		        "only AI risks are assessed for individuals, "
		        "groups and society");
	if (is_ai) {
		if (!json_is_object(ai))
			return err_set(e, ERR_INVALID, path,
			        "AI risks need the impact on individuals, groups and society");
		const char *k;
		json_t *v;
		json_object_foreach((json_t *)ai, k, v)
		{
			bool known = false;
			for (int d = 0; d < RISK_AI_DIMS; d++)
				known |= strcmp(k, risk_ai_dimensions[d]) == 0;
			if (!known) {
				snprintf(path, sizeof path, "%s.ai_impacts.%.40s", prefix, k);
				return err_set(e, ERR_INVALID, path, "unknown field");
			}
		}
		out->has_ai = true;
		for (int d = 0; d < RISK_AI_DIMS; d++) {
			const json_t *v2 = json_object_get(ai, risk_ai_dimensions[d]);
			snprintf(path, sizeof path, "%s.ai_impacts.%s", prefix,
			        risk_ai_dimensions[d]);
			if (!json_is_integer(v2))
				return err_set(e, ERR_INVALID, path, "is required for AI risks");
			out->ai[d] = (int)json_integer_value(v2);
			if (out->ai[d] < 1 || out->ai[d] > m->nimpact)
				return err_set(e, ERR_INVALID, path, "must be between 1 and %d",
				        m->nimpact);
		}
	}
	risk_evaluate(m, out);
	return 0;
}

json_t *risk_ai_impacts_json(const struct risk_assessment *a)
{
	if (!a->has_ai)
		return NULL;
	json_t *o = json_object();
	for (int d = 0; d < RISK_AI_DIMS; d++)
		json_object_set_new(o, risk_ai_dimensions[d], json_integer(a->ai[d]));
	return o;
}

enum risk_accept risk_acceptance(const struct risk_method *m, int level, const char *role)
{
	if (level < 0 || level >= m->nlevels || m->levels[level].naccept == 0)
		return RISK_ACCEPT_LEVEL_NOT_ACCEPTABLE;
	for (int i = 0; i < m->levels[level].naccept; i++)
		if (strcmp(m->levels[level].accept[i], role) == 0)
			return RISK_ACCEPT_OK;
	return RISK_ACCEPT_NO_AUTHORITY;
}

void risk_accept_roles_text(const struct risk_method *m, int level, char *buf, size_t n)
{
	size_t used = 0;
	buf[0] = '\0';
	for (int i = 0; level >= 0 && level < m->nlevels && i < m->levels[level].naccept; i++) {
		int w = snprintf(
		        buf + used, n - used, "%s%s", i ? ", " : "", m->levels[level].accept[i]);
		if (w < 0 || (size_t)w >= n - used)
			break;
		used += (size_t)w;
	}
}

bool risk_above_appetite(const struct risk_method *m, int level)
{
	return level > m->appetite;
}

/* Read one axis of the remap object: {"5": 3, "4": 3}. */
static int remap_axis(
        const json_t *o, const char *axis, int from_n, int to_n, int *map, struct err *e)
{
	char path[64];
	for (int v = 1; v <= RISK_SCALE_MAX; v++)
		map[v] = v <= from_n && v <= to_n ? v : 0;
	if (!o || json_is_null(o))
		return 0;
	snprintf(path, sizeof path, "remap.%s", axis);
	if (!json_is_object(o))
		return err_set(e, ERR_INVALID, path, "must map old levels to new ones: {\"5\": 3}");
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)o, k, v)
	{
		char *end;
		long from = strtol(k, &end, 10);
		snprintf(path, sizeof path, "remap.%s.%.8s", axis, k);
		if (!*k || *end || from < 1 || from > from_n)
			return err_set(e, ERR_INVALID, path,
			        "is not a level of the current scale (1-%d)", from_n);
		if (!json_is_integer(v) || json_integer_value(v) < 1 ||
		        json_integer_value(v) > to_n)
			return err_set(e, ERR_INVALID, path,
			        "must be a level of the new scale (1-%d)", to_n);
		map[from] = (int)json_integer_value(v);
	}
	return 0;
}

int risk_remap_parse(const json_t *remap, const struct risk_method *from,
        const struct risk_method *to, struct risk_remap *out, struct err *e)
{
	memset(out, 0, sizeof *out);
	if (remap && !json_is_null(remap) && !json_is_object(remap))
		return err_set(e, ERR_INVALID, "remap", "must be an object");
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)remap, k, v)
	{
		if (strcmp(k, "likelihood") != 0 && strcmp(k, "impact") != 0) {
			char path[64];
			snprintf(path, sizeof path, "remap.%.40s", k);
			return err_set(e, ERR_INVALID, path, "unknown field");
		}
	}
	int fl = from ? from->nlikelihood : 0, fi = from ? from->nimpact : 0;
	if (remap_axis(json_object_get(remap, "likelihood"), "likelihood", fl, to->nlikelihood,
	            out->likelihood, e) ||
	        remap_axis(json_object_get(remap, "impact"), "impact", fi, to->nimpact, out->impact,
	                e))
		return -1;
	return 0;
}

int risk_reassess(const struct risk_method *to, const struct risk_remap *map,
        struct risk_assessment *a, const char **axis)
{
	struct risk_assessment n = *a;
	if (a->likelihood < 1 || a->likelihood > RISK_SCALE_MAX ||
	        !map->likelihood[a->likelihood]) {
		*axis = "likelihood";
		return -1;
	}
	*axis = "impact";
	if (a->impact < 1 || a->impact > RISK_SCALE_MAX || !map->impact[a->impact])
		return -1;
	n.likelihood = map->likelihood[a->likelihood];
	n.impact = map->impact[a->impact];
	for (int d = 0; n.has_ai && d < RISK_AI_DIMS; d++) {
		if (a->ai[d] < 1 || a->ai[d] > RISK_SCALE_MAX || !map->impact[a->ai[d]])
			return -1;
		n.ai[d] = map->impact[a->ai[d]];
	}
	risk_evaluate(to, &n);
	*a = n;
	return 0;
}
