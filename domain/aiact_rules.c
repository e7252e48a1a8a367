/*
 * aiact_rules.c - loading and validating an AI Act rule set (catalog/aiact/rules-*.json), the
 * condition language shared by obligations, ambiguities and the questionnaire, and the
 * questionnaire itself.
 *
 * Entry points: aiact_rules_load_file, aiact_rules_load_json, aiact_rules_free,
 * aiact_rules_version, aiact_questionnaire, aiact_regime_parse; for aiact.c the lookups,
 * aiact_cond_eval, aiact_value_check and aiact_date declared in aiact_internal.h.
 *
 * Validation is done once, here, so that the classifier can trust the data: every date key an
 * obligation names exists in both regimes, every condition names a known answer or fact, every
 * enum the C code interprets (roles, Annex I sections, Art. 25 triggers, object) holds only
 * values the code knows, and each question's default passes its own validation. A rule set that
 * fails any check is rejected with ERR_INVALID and `field` set to the path of the bad element.
 *
 * Ownership: the rule set keeps a private deep copy of the document; all parsed strings point
 * into it. Out-of-memory aborts, as everywhere in Concord.
 *
 * Threads: loading builds everything; afterwards the rule set is only read, so any thread may
 * use it. aiact_questionnaire hands out deep copies (jansson 2.14 copies without writing to the
 * source).
 */
#include "aiact_internal.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Derived facts the classifier sets on every run (see aiact.c); conditions may name these or
 * any question key. */
const char *const aiact_fact_names[] = {
        "regime",
        "practice",
        "effective_role",
        "in_scope",
        "ai_system_regime",
        "prohibited",
        "carve_out",
        "use_prohibition_other_actor",
        "annex_iii",
        "hr_annex_i_a",
        "hr_annex_i_b",
        "hr_annex_iii",
        "hr_chapter_iii",
        "high_risk",
        "derogated",
        "t50_1",
        "t50_2",
        "t50_3",
        "t50_4_deepfake",
        "t50_4_text",
        "transparency_triggered",
        "gpai_in_scope",
        "gpai_systemic",
        "gpai_systemic_by_compute",
        "gpai_oss_relief",
        "capacity_provider",
        "capacity_deployer",
        "capacity_importer",
        "capacity_distributor",
        "capacity_authorised_representative",
        "output_only_nexus",
        "legacy_high_risk",
        "legacy_grandfathered",
        "legacy_public_authority",
        "legacy_annex_x",
        "legacy_50_2",
        "legacy_gpai",
        NULL,
};

static const char *const regime_names[AIACT_NREGIMES] = {"amended", "original"};

/* Date keys the classifier reads directly; each regime must define all of them. */
static const char *const required_date_keys[] = {
        "entry_into_force",
        "ai_literacy",
        "prohibitions",
        "prohibitions_2026",
        "gpai",
        "general",
        "transparency",
        "transparency_50_2_legacy_cutoff",
        "transparency_50_2_legacy_deadline",
        "high_risk_annex_iii",
        "high_risk_annex_i",
        "legacy_cutoff_annex_iii",
        "legacy_cutoff_annex_i",
        "legacy_public_authority_deadline",
        "legacy_annex_x_cutoff",
        "legacy_annex_x_deadline",
        "legacy_gpai_cutoff",
        "legacy_gpai_deadline",
        NULL,
};

/* Date keys resolved per case by the classifier (see "date_keys_computed" in the data). */
static const char *const computed_date_keys[] = {
        "practice",
        "high_risk",
        "marking_50_2",
        "gpai_model",
        NULL,
};

static const char *const object_ids[] = {"ai_system", "gpai_model", NULL};
static const char *const role_ids[] = {
        "provider",
        "deployer",
        "importer",
        "distributor",
        "authorised_representative",
        "product_manufacturer",
        NULL,
};
static const char *const section_ids[] = {"section_a", "section_b", NULL};
static const char *const trigger_ids[] = {
        "own_name_or_trademark",
        "substantial_modification",
        "intended_purpose_changed_to_high_risk",
        NULL,
};
static const char *const prohibits_ids[] = {
        "placing_on_the_market",
        "putting_into_service",
        "use",
        NULL,
};

/* The answers the classifier reads. Enums the code interprets must stay within `values`; enums
 * whose meaning is all in the data must draw their values from the list at `from`. */
static const struct {
	const char *key;
	enum aiact_qtype type;
	const char *const *values;
	const char *from;
} known_questions[] = {
        {"object", AIACT_Q_ENUM, object_ids, NULL},
        {"is_ai_system", AIACT_Q_BOOLEAN, NULL, NULL},
        {"role", AIACT_Q_ENUM, role_ids, NULL},
        {"placed_on_eu_market_or_put_into_service_in_eu", AIACT_Q_BOOLEAN, NULL, NULL},
        {"actor_established_in_eu", AIACT_Q_BOOLEAN, NULL, NULL},
        {"output_used_in_eu", AIACT_Q_BOOLEAN, NULL, NULL},
        {"exclusion", AIACT_Q_ENUM, NULL, "/exclusions"},
        {"free_open_source", AIACT_Q_BOOLEAN, NULL, NULL},
        {"prohibited_practice", AIACT_Q_ENUM, NULL, "/prohibited_practices"},
        {"prohibited_exception", AIACT_Q_ENUM, NULL, "/prohibited_exceptions"},
        {"annex_i_legislation", AIACT_Q_ENUM, section_ids, NULL},
        {"annex_i_safety_component_or_product", AIACT_Q_BOOLEAN, NULL, NULL},
        {"annex_i_third_party_conformity_assessment", AIACT_Q_BOOLEAN, NULL, NULL},
        {"annex_iii_point", AIACT_Q_ENUM, NULL, "/annex_iii/points"},
        {"art_6_3_condition", AIACT_Q_ENUM, NULL, "/annex_iii/art_6_3_conditions"},
        {"profiling_of_natural_persons", AIACT_Q_BOOLEAN, NULL, NULL},
        {"art_25_trigger", AIACT_Q_ENUM, trigger_ids, NULL},
        {"interacts_with_natural_persons", AIACT_Q_BOOLEAN, NULL, NULL},
        {"obvious_to_reasonable_person", AIACT_Q_BOOLEAN, NULL, NULL},
        {"generates_synthetic_content", AIACT_Q_BOOLEAN, NULL, NULL},
        {"assistive_editing_only", AIACT_Q_BOOLEAN, NULL, NULL},
        {"emotion_recognition_or_biometric_categorisation", AIACT_Q_BOOLEAN, NULL, NULL},
        {"deepfake", AIACT_Q_BOOLEAN, NULL, NULL},
        {"evidently_artistic_creative_satirical_fictional", AIACT_Q_BOOLEAN, NULL, NULL},
        {"public_interest_text", AIACT_Q_BOOLEAN, NULL, NULL},
        {"human_editorial_control", AIACT_Q_BOOLEAN, NULL, NULL},
        {"law_enforcement_authorised_use", AIACT_Q_BOOLEAN, NULL, NULL},
        {"available_to_public_to_report_crime", AIACT_Q_BOOLEAN, NULL, NULL},
        {"training_compute_flop", AIACT_Q_NUMBER, NULL, NULL},
        {"designated_systemic_by_commission", AIACT_Q_BOOLEAN, NULL, NULL},
        {"open_weights_public", AIACT_Q_BOOLEAN, NULL, NULL},
        {"public_authority_deployer", AIACT_Q_BOOLEAN, NULL, NULL},
        {"private_entity_providing_public_services", AIACT_Q_BOOLEAN, NULL, NULL},
        {"placed_on_market_date", AIACT_Q_DATE, NULL, NULL},
        {"significant_design_change", AIACT_Q_BOOLEAN, NULL, NULL},
        {"annex_x_large_scale_it_system", AIACT_Q_BOOLEAN, NULL, NULL},
};

static const char *const qtype_names[] = {
        [AIACT_Q_ENUM] = "enum",
        [AIACT_Q_BOOLEAN] = "boolean",
        [AIACT_Q_NUMBER] = "number",
        [AIACT_Q_DATE] = "date",
};

#define COND_MAX_DEPTH 32

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);
	if (!p)
		abort();
	return p;
}

static int str_is(const json_t *v, const char *s)
{
	return json_is_string(v) && strcmp(json_string_value(v), s) == 0;
}

static int in_list(const char *const *list, const char *s)
{
	for (size_t i = 0; list[i]; i++)
		if (strcmp(list[i], s) == 0)
			return 1;
	return 0;
}

__attribute__((format(printf, 3, 4))) static int bad(
        struct err *e, const char *path, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return err_set(e, ERR_INVALID, path, "invalid rule set: %s", msg);
}

/* Path of member `key` (or element `idx` when key is NULL) under `base`. Paths in the shipped
 * rule set are far shorter than the buffers; a longer one is cut but still names the place. */
static void sub(char *out, size_t n, const char *base, const char *key, size_t idx)
{
	int w = key ? snprintf(out, n, "%s%s%s", base, *base ? "." : "", key)
	            : snprintf(out, n, "%s[%zu]", base, idx);
	if (w < 0)
		out[0] = '\0';
}

static const char *req_str(const json_t *o, const char *key, const char *base, struct err *e)
{
	char p[128];
	const json_t *v = json_object_get(o, key);
	if (!json_is_string(v) || json_string_length(v) == 0) {
		sub(p, sizeof p, base, key, 0);
		bad(e, p, "must be a non-empty string");
		return NULL;
	}
	return json_string_value(v);
}

/* A string or null; *out is NULL for null. */
static int opt_str(
        const json_t *o, const char *key, const char **out, const char *base, struct err *e)
{
	char p[128];
	const json_t *v = json_object_get(o, key);
	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v) || json_string_length(v) == 0) {
		sub(p, sizeof p, base, key, 0);
		return bad(e, p, "must be a non-empty string or null");
	}
	*out = json_string_value(v);
	return 0;
}

static int get_bool(
        const json_t *o, const char *key, int required, int *out, const char *base, struct err *e)
{
	char p[128];
	const json_t *v = json_object_get(o, key);
	*out = 0;
	if (!v && !required)
		return 0;
	if (!json_is_boolean(v)) {
		sub(p, sizeof p, base, key, 0);
		return bad(e, p, "must be true or false");
	}
	*out = json_is_true(v);
	return 0;
}

static const json_t *req_array(const json_t *o, const char *key, const char *base, struct err *e)
{
	char p[128];
	const json_t *v = json_object_get(o, key);
	if (!json_is_array(v) || json_array_size(v) == 0) {
		sub(p, sizeof p, base, key, 0);
		bad(e, p, "must be a non-empty array");
		return NULL;
	}
	return v;
}

static const json_t *req_object(const json_t *o, const char *key, const char *base, struct err *e)
{
	char p[128];
	const json_t *v = json_object_get(o, key);
	if (!json_is_object(v)) {
		sub(p, sizeof p, base, key, 0);
		bad(e, p, "must be an object");
		return NULL;
	}
	return v;
}

/* Resolve "/a/b" against the document; only object members, which is all the data needs. */
static const json_t *pointer_get(const json_t *doc, const char *ptr)
{
	char seg[64];
	const json_t *cur = doc;
	if (*ptr != '/')
		return NULL;
	while (*ptr == '/' && cur) {
		const char *end = strchr(ptr + 1, '/');
		size_t len = end ? (size_t)(end - ptr - 1) : strlen(ptr + 1);
		if (len == 0 || len >= sizeof seg)
			return NULL;
		memcpy(seg, ptr + 1, len);
		seg[len] = '\0';
		cur = json_object_get(cur, seg);
		ptr += len + 1;
	}
	return cur;
}

int aiact_date_valid(const char *s)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, d, dim;
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y == 0 || m < 1 || m > 12 || d < 1)
		return 0;
	dim = mdays[m - 1];
	if (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
		dim = 29;
	return d <= dim;
}

/* ---------------------------------------------------------------------------------------- */
/* Conditions                                                                                 */

static int is_scalar(const json_t *v)
{
	return json_is_string(v) || json_is_boolean(v) || json_is_null(v) || json_is_number(v);
}

static int cond_check(
        const json_t *c, const json_t *known, const char *path, struct err *e, int depth)
{
	const char *op;
	const json_t *arg;
	char p[128];

	if (depth > COND_MAX_DEPTH)
		return bad(e, path, "condition nested too deeply");
	if (json_is_boolean(c))
		return 0;
	if (json_is_string(c)) {
		if (!json_object_get(known, json_string_value(c)))
			return bad(e, path, "condition names unknown key \"%s\"",
			        json_string_value(c));
		return 0;
	}
	if (!json_is_object(c) || json_object_size(c) != 1)
		return bad(e, path,
		        "a condition is true/false, a key, or an object with one operator");
	op = json_object_iter_key(json_object_iter((json_t *)c));
	arg = json_object_get(c, op);
	sub(p, sizeof p, path, op, 0);
	if (strcmp(op, "not") == 0)
		return cond_check(arg, known, p, e, depth + 1);
	if (strcmp(op, "all") == 0 || strcmp(op, "any") == 0) {
		size_t i;
		const json_t *x;
		char q[128];
		if (!json_is_array(arg) || json_array_size(arg) == 0)
			return bad(e, p, "must be a non-empty array of conditions");
		json_array_foreach(arg, i, x)
		{
			sub(q, sizeof q, p, NULL, i);
			if (cond_check(x, known, q, e, depth + 1) < 0)
				return -1;
		}
		return 0;
	}
	if (strcmp(op, "eq") == 0 || strcmp(op, "ne") == 0 || strcmp(op, "in") == 0) {
		const json_t *k = json_array_get(arg, 0), *v = json_array_get(arg, 1);
		if (!json_is_array(arg) || json_array_size(arg) != 2 || !json_is_string(k))
			return bad(e, p, "must be [key, value]");
		if (!json_object_get(known, json_string_value(k)))
			return bad(
			        e, p, "condition names unknown key \"%s\"", json_string_value(k));
		if (op[0] == 'i') {
			size_t i;
			const json_t *x;
			if (!json_is_array(v) || json_array_size(v) == 0)
				return bad(e, p, "second element must be a non-empty array");
			json_array_foreach(v, i, x)
			{
				if (!is_scalar(x))
					return bad(e, p, "values must be scalars");
			}
		} else if (!is_scalar(v)) {
			return bad(e, p, "value must be a scalar");
		}
		return 0;
	}
	return bad(e, path, "unknown condition operator \"%s\"", op);
}

static int truthy(const json_t *v)
{
	return v && !json_is_null(v) && !json_is_false(v);
}

static int same(const json_t *var, const json_t *v)
{
	if (!var)
		return json_is_null(v);
	return json_equal((json_t *)var, (json_t *)v);
}

int aiact_cond_eval(const json_t *c, const json_t *vars)
{
	const char *op;
	const json_t *arg, *x;
	size_t i;

	if (json_is_boolean(c))
		return json_is_true(c);
	if (json_is_string(c))
		return truthy(json_object_get(vars, json_string_value(c)));
	op = json_object_iter_key(json_object_iter((json_t *)c));
	arg = json_object_get(c, op);
	if (strcmp(op, "not") == 0)
		return !aiact_cond_eval(arg, vars);
	if (strcmp(op, "all") == 0) {
		json_array_foreach(arg, i, x)
		{
			if (!aiact_cond_eval(x, vars))
				return 0;
		}
		return 1;
	}
	if (strcmp(op, "any") == 0) {
		json_array_foreach(arg, i, x)
		{
			if (aiact_cond_eval(x, vars))
				return 1;
		}
		return 0;
	}
	x = json_object_get(vars, json_string_value(json_array_get(arg, 0)));
	if (strcmp(op, "eq") == 0)
		return same(x, json_array_get(arg, 1));
	if (strcmp(op, "ne") == 0)
		return !same(x, json_array_get(arg, 1));
	/* "in": validated at load, so this is the only operator left */
	{
		const json_t *vals = json_array_get(arg, 1), *v;
		size_t j;
		json_array_foreach(vals, j, v)
		{
			if (same(x, v))
				return 1;
		}
		return 0;
	}
}

/* ---------------------------------------------------------------------------------------- */
/* Answer values                                                                              */

static void allowed_list(const struct aiact_question *q, char *buf, size_t n)
{
	size_t i, used = 0;
	const json_t *v;
	buf[0] = '\0';
	json_array_foreach(q->allowed, i, v)
	{
		int w = snprintf(buf + used, n - used, "%s%s", i ? ", " : "", json_string_value(v));
		if (w < 0 || (size_t)w >= n - used) {
			/* keep the message well-formed when the list does not fit */
			if (n > 4)
				memcpy(buf + n - 4, "...", 4);
			return;
		}
		used += (size_t)w;
	}
}

int aiact_value_check(const struct aiact_question *q, const json_t *v, char *msg, size_t n)
{
	char list[200];
	if (json_is_null(v) && q->nullable)
		return 0;
	switch (q->type) {
	case AIACT_Q_BOOLEAN:
		if (json_is_boolean(v))
			return 0;
		snprintf(msg, n, "must be true or false");
		return -1;
	case AIACT_Q_NUMBER:
		if (json_is_number(v) && isfinite(json_number_value(v)) &&
		        json_number_value(v) >= 0)
			return 0;
		snprintf(msg, n, "must be a non-negative number%s", q->nullable ? " or null" : "");
		return -1;
	case AIACT_Q_DATE:
		if (json_is_string(v) && aiact_date_valid(json_string_value(v)))
			return 0;
		snprintf(msg, n, "must be a calendar date \"YYYY-MM-DD\"%s",
		        q->nullable ? " or null" : "");
		return -1;
	case AIACT_Q_ENUM:
		if (json_is_string(v)) {
			size_t i;
			const json_t *a;
			json_array_foreach(q->allowed, i, a)
			{
				if (strcmp(json_string_value(a), json_string_value(v)) == 0)
					return 0;
			}
		}
		allowed_list(q, list, sizeof list);
		snprintf(msg, n, "must be %sone of: %s", q->nullable ? "null or " : "", list);
		return -1;
	}
	snprintf(msg, n, "has an unknown type");
	return -1;
}

/* ---------------------------------------------------------------------------------------- */
/* Lookups                                                                                    */

const struct aiact_question *aiact_question_find(const struct aiact_rules *r, const char *key)
{
	for (size_t i = 0; i < r->nquestions; i++)
		if (strcmp(r->questions[i].key, key) == 0)
			return &r->questions[i];
	return NULL;
}

const struct aiact_practice *aiact_practice_find(const struct aiact_rules *r, const char *id)
{
	for (size_t i = 0; id && i < r->npractices; i++)
		if (strcmp(r->practices[i].id, id) == 0)
			return &r->practices[i];
	return NULL;
}

const struct aiact_exception *aiact_exception_find(const struct aiact_rules *r, const char *id)
{
	for (size_t i = 0; id && i < r->nexceptions; i++)
		if (strcmp(r->exceptions[i].id, id) == 0)
			return &r->exceptions[i];
	return NULL;
}

const struct aiact_exclusion *aiact_exclusion_find(const struct aiact_rules *r, const char *id)
{
	for (size_t i = 0; id && i < r->nexclusions; i++)
		if (strcmp(r->exclusions[i].id, id) == 0)
			return &r->exclusions[i];
	return NULL;
}

const struct aiact_point *aiact_point_find(const struct aiact_rules *r, const char *id)
{
	for (size_t i = 0; id && i < r->npoints; i++)
		if (strcmp(r->points[i].id, id) == 0)
			return &r->points[i];
	return NULL;
}

const struct aiact_labelled *aiact_labelled_find(
        const struct aiact_labelled *v, size_t n, const char *id)
{
	for (size_t i = 0; id && i < n; i++)
		if (strcmp(v[i].id, id) == 0)
			return &v[i];
	return NULL;
}

int aiact_date(const struct aiact_rules *r, enum aiact_regime regime, const char *key,
        const char **date, const char **source)
{
	const json_t *d = json_object_get(r->dates[regime], key);
	*date = NULL;
	if (source)
		*source = NULL;
	if (!d)
		return -1;
	*date = json_string_value(json_object_get(d, "date"));
	if (source)
		*source = json_string_value(json_object_get(d, "source"));
	return 0;
}

/* ---------------------------------------------------------------------------------------- */
/* Loading                                                                                    */

/* Fail if the `id` of element i repeats an earlier one in the same array. */
static int unique_id(const json_t *arr, size_t i, const char *id, const char *path, struct err *e)
{
	for (size_t j = 0; j < i; j++) {
		const char *other =
		        json_string_value(json_object_get(json_array_get(arr, j), "id"));
		if (other && strcmp(other, id) == 0)
			return bad(e, path, "duplicate id \"%s\"", id);
	}
	return 0;
}

static int load_dates(struct aiact_rules *r, struct err *e)
{
	const json_t *regimes = req_object(r->doc, "regimes", "", e);
	if (!regimes)
		return -1;
	for (int g = 0; g < AIACT_NREGIMES; g++) {
		char base[64], p[128];
		const json_t *reg, *dates, *d;
		const char *key;
		snprintf(base, sizeof base, "regimes.%s", regime_names[g]);
		reg = req_object(regimes, regime_names[g], "regimes", e);
		if (!reg || !req_str(reg, "title", base, e) || !req_array(reg, "sources", base, e))
			return -1;
		dates = req_object(reg, "dates", base, e);
		if (!dates)
			return -1;
		json_object_foreach((json_t *)dates, key, d)
		{
			const json_t *dv = json_object_get(d, "date");
			snprintf(p, sizeof p, "%s.dates.%s", base, key);
			if (!json_is_object(d) || !req_str(d, "source", p, e))
				return json_is_object(d) ? -1 : bad(e, p, "must be an object");
			if (!json_is_null(dv) &&
			        !(json_is_string(dv) && aiact_date_valid(json_string_value(dv))))
				return bad(e, p, "date must be \"YYYY-MM-DD\" or null");
		}
		for (size_t i = 0; required_date_keys[i]; i++) {
			if (!json_object_get(dates, required_date_keys[i])) {
				snprintf(p, sizeof p, "%s.dates.%s", base, required_date_keys[i]);
				return bad(e, p, "required date key is missing");
			}
		}
		r->dates[g] = dates;
	}
	return 0;
}

/* A date key usable in data: present in every regime (practices) or also computed (obligations). */
static int date_key_ok(const struct aiact_rules *r, const char *key, int allow_computed)
{
	if (allow_computed && in_list(computed_date_keys, key))
		return 1;
	for (int g = 0; g < AIACT_NREGIMES; g++)
		if (!json_object_get(r->dates[g], key))
			return 0;
	return 1;
}

static int load_labelled(const json_t *doc, const char *ptr, const char *path,
        struct aiact_labelled **out, size_t *n, const char *article_key, struct err *e)
{
	const json_t *arr = pointer_get(doc, ptr), *x;
	size_t i;
	char p[128];
	if (!json_is_array(arr) || json_array_size(arr) == 0)
		return bad(e, path, "must be a non-empty array");
	*n = json_array_size(arr);
	*out = xcalloc(*n, sizeof **out);
	json_array_foreach(arr, i, x)
	{
		struct aiact_labelled *l = &(*out)[i];
		sub(p, sizeof p, path, NULL, i);
		if (!json_is_object(x))
			return bad(e, p, "must be an object");
		l->id = req_str(x, "id", p, e);
		l->title = req_str(x, "title", p, e);
		l->article = l->title ? req_str(x, article_key, p, e) : NULL;
		if (!l->id || !l->title || !l->article || unique_id(arr, i, l->id, p, e) < 0)
			return -1;
	}
	return 0;
}

static int load_practices(struct aiact_rules *r, struct err *e)
{
	const json_t *arr = req_array(r->doc, "prohibited_practices", "", e), *x;
	size_t i;
	char p[128];
	if (!arr)
		return -1;
	r->npractices = json_array_size(arr);
	r->practices = xcalloc(r->npractices, sizeof *r->practices);
	json_array_foreach(arr, i, x)
	{
		struct aiact_practice *pr = &r->practices[i];
		const json_t *prohibits, *a;
		size_t j;
		int placing = 0;
		sub(p, sizeof p, "prohibited_practices", NULL, i);
		if (!json_is_object(x))
			return bad(e, p, "must be an object");
		if (!(pr->id = req_str(x, "id", p, e)) ||
		        !(pr->title = req_str(x, "title", p, e)) ||
		        !(pr->applies_from = req_str(x, "applies_from", p, e)) ||
		        unique_id(arr, i, pr->id, p, e) < 0 ||
		        opt_str(x, "annex_iii_point", &pr->annex_iii_point, p, e) < 0 ||
		        get_bool(x, "emotion_or_categorisation", 1, &pr->emotion_or_categorisation,
		                p, e) < 0 ||
		        !(prohibits = req_array(x, "prohibits", p, e)))
			return -1;
		if (!date_key_ok(r, pr->applies_from, 0))
			return bad(e, p, "applies_from \"%s\" is not a date key of every regime",
			        pr->applies_from);
		if (pr->annex_iii_point && !aiact_point_find(r, pr->annex_iii_point))
			return bad(e, p, "annex_iii_point \"%s\" is not an Annex III point",
			        pr->annex_iii_point);
		json_array_foreach(prohibits, j, a)
		{
			if (!json_is_string(a) || !in_list(prohibits_ids, json_string_value(a)))
				return bad(e, p, "prohibits holds an unknown act");
			if (strcmp(json_string_value(a), "use") != 0)
				placing = 1;
		}
		pr->use_only = !placing;
	}
	return 0;
}

static int load_exceptions(struct aiact_rules *r, struct err *e)
{
	const json_t *arr = req_array(r->doc, "prohibited_exceptions", "", e), *x;
	size_t i;
	char p[128];
	if (!arr)
		return -1;
	r->nexceptions = json_array_size(arr);
	r->exceptions = xcalloc(r->nexceptions, sizeof *r->exceptions);
	json_array_foreach(arr, i, x)
	{
		struct aiact_exception *ex = &r->exceptions[i];
		const json_t *a;
		size_t j;
		sub(p, sizeof p, "prohibited_exceptions", NULL, i);
		if (!json_is_object(x))
			return bad(e, p, "must be an object");
		if (!(ex->id = req_str(x, "id", p, e)) ||
		        !(ex->title = req_str(x, "title", p, e)) ||
		        !(ex->article = req_str(x, "article", p, e)) ||
		        unique_id(arr, i, ex->id, p, e) < 0 ||
		        !(ex->applies_to = req_array(x, "applies_to", p, e)))
			return -1;
		json_array_foreach(ex->applies_to, j, a)
		{
			if (!aiact_practice_find(r, json_string_value(a)))
				return bad(e, p, "applies_to names an unknown practice");
		}
	}
	return 0;
}

static int load_exclusions(struct aiact_rules *r, struct err *e)
{
	const json_t *arr = req_array(r->doc, "exclusions", "", e), *x;
	size_t i;
	char p[128];
	if (!arr)
		return -1;
	r->nexclusions = json_array_size(arr);
	r->exclusions = xcalloc(r->nexclusions, sizeof *r->exclusions);
	json_array_foreach(arr, i, x)
	{
		struct aiact_exclusion *ex = &r->exclusions[i];
		sub(p, sizeof p, "exclusions", NULL, i);
		if (!json_is_object(x))
			return bad(e, p, "must be an object");
		if (!(ex->id = req_str(x, "id", p, e)) ||
		        !(ex->title = req_str(x, "title", p, e)) ||
		        !(ex->article = req_str(x, "article", p, e)) ||
		        unique_id(arr, i, ex->id, p, e) < 0 ||
		        get_bool(x, "deployer_only", 1, &ex->deployer_only, p, e) < 0)
			return -1;
	}
	return 0;
}

static int load_annex_iii(struct aiact_rules *r, struct err *e)
{
	const json_t *annex = req_object(r->doc, "annex_iii", "", e), *areas, *arr, *x;
	size_t i;
	char p[128];
	if (!annex || !(areas = req_array(annex, "areas", "annex_iii", e)) ||
	        !(arr = req_array(annex, "points", "annex_iii", e)))
		return -1;
	json_array_foreach(areas, i, x)
	{
		sub(p, sizeof p, "annex_iii.areas", NULL, i);
		if (!json_is_object(x))
			return bad(e, p, "must be an object");
		if (!req_str(x, "id", p, e) || !req_str(x, "title", p, e) ||
		        unique_id(areas, i, json_string_value(json_object_get(x, "id")), p, e) < 0)
			return -1;
	}
	r->npoints = json_array_size(arr);
	r->points = xcalloc(r->npoints, sizeof *r->points);
	json_array_foreach(arr, i, x)
	{
		struct aiact_point *pt = &r->points[i];
		size_t j;
		const json_t *a;
		int found = 0;
		sub(p, sizeof p, "annex_iii.points", NULL, i);
		if (!json_is_object(x))
			return bad(e, p, "must be an object");
		if (!(pt->id = req_str(x, "id", p, e)) || !(pt->area = req_str(x, "area", p, e)) ||
		        !(pt->title = req_str(x, "title", p, e)) ||
		        unique_id(arr, i, pt->id, p, e) < 0)
			return -1;
		json_array_foreach(areas, j, a)
		{
			if (strcmp(json_string_value(json_object_get(a, "id")), pt->area) == 0)
				found = 1;
		}
		if (!found)
			return bad(e, p, "area \"%s\" is not an Annex III area", pt->area);
	}
	return load_labelled(r->doc, "/annex_iii/art_6_3_conditions",
	        "annex_iii.art_6_3_conditions", &r->conditions_6_3, &r->nconditions_6_3, "article",
	        e);
}

static int load_paragraphs(struct aiact_rules *r, struct err *e)
{
	const json_t *arr = pointer_get(r->doc, "/transparency_paragraphs"), *x;
	size_t i;
	char p[128];
	/* `article` holds the bearer for these entries; the bearer must be a role */
	if (load_labelled(r->doc, "/transparency_paragraphs", "transparency_paragraphs",
	            &r->paragraphs_50, &r->nparagraphs_50, "bearer", e) < 0)
		return -1;
	json_array_foreach(arr, i, x)
	{
		sub(p, sizeof p, "transparency_paragraphs", NULL, i);
		if (!in_list(role_ids, r->paragraphs_50[i].article))
			return bad(e, p, "bearer must be a role");
		if (!req_str(x, "exceptions", p, e))
			return -1;
	}
	return 0;
}

static json_t *fact_names(const struct aiact_rules *r)
{
	json_t *known = json_object();
	for (size_t i = 0; i < r->nquestions; i++)
		json_object_set_new(known, r->questions[i].key, json_true());
	for (size_t i = 0; aiact_fact_names[i]; i++)
		json_object_set_new(known, aiact_fact_names[i], json_true());
	return known;
}

static int load_obligations(struct aiact_rules *r, const json_t *known, struct err *e)
{
	const json_t *arr = req_array(r->doc, "obligations", "", e), *x;
	size_t i;
	char p[128], q[128];
	if (!arr)
		return -1;
	r->nobligations = json_array_size(arr);
	r->obligations = xcalloc(r->nobligations, sizeof *r->obligations);
	json_array_foreach(arr, i, x)
	{
		struct aiact_obligation *o = &r->obligations[i];
		sub(p, sizeof p, "obligations", NULL, i);
		if (!json_is_object(x))
			return bad(e, p, "must be an object");
		if (!(o->id = req_str(x, "id", p, e)) ||
		        !(o->article = req_str(x, "article", p, e)) ||
		        !(o->title = req_str(x, "title", p, e)) ||
		        !(o->bearer = req_str(x, "bearer", p, e)) ||
		        !(o->applies_from = req_str(x, "applies_from", p, e)) ||
		        unique_id(arr, i, o->id, p, e) < 0 ||
		        opt_str(x, "transparency", &o->transparency, p, e) < 0 ||
		        get_bool(x, "fria", 0, &o->fria, p, e) < 0 ||
		        get_bool(x, "registration", 0, &o->registration, p, e) < 0)
			return -1;
		if (strncmp(o->article, "Art. ", 5) != 0)
			return bad(e, p, "article must read \"Art. N\" or \"Art. N(p)\"");
		if (strcmp(o->bearer, "actor") != 0 && !in_list(role_ids, o->bearer))
			return bad(e, p, "bearer must be a role or \"actor\"");
		if (!date_key_ok(r, o->applies_from, 1))
			return bad(e, p, "applies_from \"%s\" is not a date key", o->applies_from);
		if (o->transparency &&
		        !aiact_labelled_find(r->paragraphs_50, r->nparagraphs_50, o->transparency))
			return bad(e, p, "transparency \"%s\" is not an Art. 50 paragraph",
			        o->transparency);
		o->when = json_object_get(x, "when");
		sub(q, sizeof q, p, "when", 0);
		if (!o->when)
			return bad(e, q, "is required");
		if (cond_check(o->when, known, q, e, 0) < 0)
			return -1;
	}
	return 0;
}

static int load_ambiguities(struct aiact_rules *r, const json_t *known, struct err *e)
{
	const json_t *arr = req_array(r->doc, "ambiguities", "", e), *x;
	size_t i;
	char p[128], q[128];
	if (!arr)
		return -1;
	r->nambiguities = json_array_size(arr);
	r->ambiguities = xcalloc(r->nambiguities, sizeof *r->ambiguities);
	json_array_foreach(arr, i, x)
	{
		struct aiact_ambiguity *a = &r->ambiguities[i];
		sub(p, sizeof p, "ambiguities", NULL, i);
		if (!json_is_object(x))
			return bad(e, p, "must be an object");
		if (!(a->id = req_str(x, "id", p, e)) ||
		        !(a->article = req_str(x, "article", p, e)) ||
		        !(a->note = req_str(x, "note", p, e)) || unique_id(arr, i, a->id, p, e) < 0)
			return -1;
		a->when = json_object_get(x, "when");
		sub(q, sizeof q, p, "when", 0);
		if (!a->when)
			return bad(e, q, "is required");
		if (cond_check(a->when, known, q, e, 0) < 0)
			return -1;
	}
	return 0;
}

/* Allowed values and questionnaire choices of an enum question. */
static int load_choices(struct aiact_rules *r, struct aiact_question *q, const json_t *x,
        const char *p, struct err *e)
{
	const json_t *values = json_object_get(x, "values");
	const json_t *from = json_object_get(x, "values_from"), *arr, *v;
	size_t i;

	q->allowed = json_array();
	q->choices = json_array();
	if (!!values == !!from)
		return bad(e, p, "an enum needs exactly one of values or values_from");
	if (values) {
		if (!json_is_array(values) || json_array_size(values) == 0)
			return bad(e, p, "values must be a non-empty array");
		json_array_foreach(values, i, v)
		{
			const char *val = json_string_value(json_object_get(v, "value"));
			const char *label = json_string_value(json_object_get(v, "label"));
			if (!val || !label)
				return bad(e, p, "each value needs a string value and label");
			json_array_append_new(q->allowed, json_string(val));
			json_array_append_new(
			        q->choices, json_pack("{s:s,s:s}", "value", val, "label", label));
		}
		return 0;
	}
	arr = json_is_string(from) ? pointer_get(r->doc, json_string_value(from)) : NULL;
	if (!json_is_array(arr) || json_array_size(arr) == 0)
		return bad(e, p, "values_from must point at a non-empty array in the rule set");
	json_array_foreach(arr, i, v)
	{
		const char *id = json_string_value(json_object_get(v, "id"));
		const char *title = json_string_value(json_object_get(v, "title"));
		if (!id || !title)
			return bad(e, p, "values_from elements need a string id and title");
		json_array_append_new(q->allowed, json_string(id));
		json_array_append_new(
		        q->choices, json_pack("{s:s,s:s}", "value", id, "label", title));
	}
	return 0;
}

static int load_questions(struct aiact_rules *r, struct err *e)
{
	const json_t *arr = req_array(r->doc, "questionnaire", "", e), *x;
	json_t *seen = NULL;
	size_t i;
	char p[128], q2[128], msg[256];
	int rc = -1;

	if (!arr)
		return -1;
	seen = json_object();
	r->nquestions = json_array_size(arr);
	r->questions = xcalloc(r->nquestions, sizeof *r->questions);
	json_array_foreach(arr, i, x)
	{
		struct aiact_question *q = &r->questions[i];
		const char *type;
		int t;
		sub(p, sizeof p, "questionnaire", NULL, i);
		if (!json_is_object(x)) {
			bad(e, p, "must be an object");
			goto out;
		}
		q->entry = x;
		if (!(q->key = req_str(x, "key", p, e)) || !(type = req_str(x, "type", p, e)) ||
		        !req_str(x, "text", p, e) || !req_str(x, "help", p, e) ||
		        !req_str(x, "article", p, e) ||
		        get_bool(x, "required", 1, &q->required, p, e) < 0 ||
		        get_bool(x, "nullable", 1, &q->nullable, p, e) < 0)
			goto out;
		if (json_object_get(seen, q->key)) {
			bad(e, p, "duplicate question key \"%s\"", q->key);
			goto out;
		}
		for (t = 0; t <= AIACT_Q_DATE; t++)
			if (strcmp(type, qtype_names[t]) == 0)
				break;
		if (t > AIACT_Q_DATE) {
			bad(e, p, "type must be enum, boolean, number or date");
			goto out;
		}
		q->type = (enum aiact_qtype)t;
		if (q->type == AIACT_Q_ENUM && load_choices(r, q, x, p, e) < 0)
			goto out;
		q->def = json_object_get(x, "default");
		if (!q->def) {
			bad(e, p, "default is required (null for required questions)");
			goto out;
		}
		if (!(q->required && json_is_null(q->def)) &&
		        aiact_value_check(q, q->def, msg, sizeof msg) < 0) {
			bad(e, p, "default %s", msg);
			goto out;
		}
		q->ask_if = json_object_get(x, "ask_if");
		sub(q2, sizeof q2, p, "ask_if", 0);
		if (q->ask_if && cond_check(q->ask_if, seen, q2, e, 0) < 0)
			goto out;
		json_object_set_new(seen, q->key, json_true());
	}

	/* the classifier's own expectations of the questionnaire */
	for (i = 0; i < sizeof known_questions / sizeof known_questions[0]; i++) {
		const struct aiact_question *q = aiact_question_find(r, known_questions[i].key);
		const json_t *v;
		size_t j;
		snprintf(p, sizeof p, "questionnaire.%s", known_questions[i].key);
		if (!q) {
			bad(e, p, "the classifier needs this question");
			goto out;
		}
		if (q->type != known_questions[i].type) {
			bad(e, p, "must have type %s", qtype_names[known_questions[i].type]);
			goto out;
		}
		if (known_questions[i].values) {
			json_array_foreach(q->allowed, j, v)
			{
				if (!in_list(known_questions[i].values, json_string_value(v))) {
					bad(e, p, "value \"%s\" is not known to the classifier",
					        json_string_value(v));
					goto out;
				}
			}
		}
		if (known_questions[i].from && !str_is(json_object_get(q->entry, "values_from"),
		                                       known_questions[i].from)) {
			bad(e, p, "values_from must be \"%s\"", known_questions[i].from);
			goto out;
		}
	}
	if (!aiact_question_find(r, "object")->required ||
	        !aiact_question_find(r, "role")->required) {
		bad(e, "questionnaire", "object and role must be required");
		goto out;
	}
	rc = 0;
out:
	json_decref(seen);
	return rc;
}

static json_t *build_questionnaire(const struct aiact_rules *r)
{
	json_t *qs = json_array();
	for (size_t i = 0; i < r->nquestions; i++) {
		const struct aiact_question *q = &r->questions[i];
		json_t *o = json_object();
		json_object_set_new(o, "key", json_string(q->key));
		json_object_set_new(o, "text", json_deep_copy(json_object_get(q->entry, "text")));
		json_object_set_new(o, "help", json_deep_copy(json_object_get(q->entry, "help")));
		json_object_set_new(
		        o, "article", json_deep_copy(json_object_get(q->entry, "article")));
		json_object_set_new(o, "type", json_string(qtype_names[q->type]));
		json_object_set_new(o, "required", json_boolean(q->required));
		json_object_set_new(o, "nullable", json_boolean(q->nullable));
		json_object_set_new(o, "default", json_deep_copy(q->def));
		if (q->choices)
			json_object_set_new(o, "values", json_deep_copy(q->choices));
		json_object_set_new(
		        o, "ask_if", q->ask_if ? json_deep_copy(q->ask_if) : json_true());
		json_array_append_new(qs, o);
	}
	return json_pack("{s:s,s:o,s:o}", "rule_set_version", r->version, "conditions",
	        json_deep_copy(json_object_get(r->doc, "conditions")), "questions", qs);
}

static int load_top(struct aiact_rules *r, struct err *e)
{
	const json_t *thresholds, *flop, *v, *sources, *x, *os;
	size_t i;
	char p[128];

	if (!json_is_object(r->doc))
		return bad(e, "", "the document must be a JSON object");
	if (!(r->version = req_str(r->doc, "version", "", e)) || !req_str(r->doc, "title", "", e) ||
	        !req_str(r->doc, "conditions", "", e) ||
	        !(sources = req_array(r->doc, "sources", "", e)))
		return -1;
	json_array_foreach(sources, i, x)
	{
		sub(p, sizeof p, "sources", NULL, i);
		if (!json_is_object(x))
			return bad(e, p, "must be an object");
		if (!req_str(x, "id", p, e) || !req_str(x, "celex", p, e) ||
		        !req_str(x, "title", p, e))
			return -1;
	}
	if (!(thresholds = req_object(r->doc, "thresholds", "", e)) ||
	        !(flop = req_object(thresholds, "gpai_systemic_training_flop", "thresholds", e)) ||
	        !(r->flop_source = req_str(
	                  flop, "source", "thresholds.gpai_systemic_training_flop", e)))
		return -1;
	v = json_object_get(flop, "value");
	if (!json_is_number(v) || !(json_number_value(v) > 0) || !isfinite(json_number_value(v)))
		return bad(e, "thresholds.gpai_systemic_training_flop.value",
		        "must be a positive number");
	r->flop_threshold = json_number_value(v);
	if (!str_is(json_object_get(flop, "comparison"), "greater_than"))
		return bad(e, "thresholds.gpai_systemic_training_flop.comparison",
		        "only \"greater_than\" is supported (Art. 51(2))");
	if (!(os = req_object(r->doc, "open_source", "", e)) ||
	        !(r->open_source_article = req_str(os, "article", "open_source", e)) ||
	        !req_str(os, "title", "open_source", e))
		return -1;
	return 0;
}

int aiact_rules_load_json(const json_t *doc, struct aiact_rules **out, struct err *e)
{
	struct aiact_rules *r = NULL;
	json_t *known = NULL;
	int rc = -1;

	if (!out)
		return err_set(e, ERR_INTERNAL, "", "aiact_rules_load_json: no output pointer");
	*out = NULL;
	if (!doc)
		return bad(e, "", "no document");
	r = xcalloc(1, sizeof *r);
	r->doc = json_deep_copy(doc);
	if (!r->doc) {
		bad(e, "", "the document could not be copied");
		goto out;
	}
	if (load_top(r, e) < 0 || load_dates(r, e) < 0 || load_exclusions(r, e) < 0 ||
	        load_annex_iii(r, e) < 0 || load_practices(r, e) < 0 || load_exceptions(r, e) < 0 ||
	        load_labelled(r->doc, "/art_25_triggers", "art_25_triggers", &r->triggers_25,
	                &r->ntriggers_25, "article", e) < 0 ||
	        load_labelled(r->doc, "/roles", "roles", &r->roles, &r->nroles, "article", e) < 0)
		goto out;
	if (load_paragraphs(r, e) < 0 || load_questions(r, e) < 0)
		goto out;
	known = fact_names(r);
	if (load_obligations(r, known, e) < 0 || load_ambiguities(r, known, e) < 0)
		goto out;
	r->questionnaire = build_questionnaire(r);
	*out = r;
	r = NULL;
	rc = 0;
out:
	json_decref(known);
	aiact_rules_free(r);
	return rc;
}

int aiact_rules_load_file(const char *path, struct aiact_rules **out, struct err *e)
{
	FILE *fp = NULL;
	json_t *doc = NULL;
	json_error_t jerr;
	int rc = -1;

	if (!out)
		return err_set(e, ERR_INTERNAL, "", "aiact_rules_load_file: no output pointer");
	*out = NULL;
	fp = path ? fopen(path, "rb") : NULL;
	if (!fp) {
		err_set(e, ERR_NOT_FOUND, "", "could not open the AI Act rule set");
		err_log_detail(e, "fopen %s failed", path ? path : "(null)");
		goto out;
	}
	doc = json_loadf(fp, JSON_REJECT_DUPLICATES, &jerr);
	if (!doc) {
		err_set(e, ERR_INVALID, "", "could not parse the AI Act rule set: %s (line %d)",
		        jerr.text, jerr.line);
		err_log_detail(e, "%s:%d:%d: %s", path, jerr.line, jerr.column, jerr.text);
		goto out;
	}
	rc = aiact_rules_load_json(doc, out, e);
	if (rc < 0)
		err_log_detail(e, "rule set %s rejected at %s", path, e ? e->field : "");
out:
	if (fp)
		fclose(fp);
	json_decref(doc);
	return rc;
}

void aiact_rules_free(struct aiact_rules *r)
{
	if (!r)
		return;
	for (size_t i = 0; r->questions && i < r->nquestions; i++) {
		json_decref(r->questions[i].allowed);
		json_decref(r->questions[i].choices);
	}
	free(r->questions);
	free(r->practices);
	free(r->exceptions);
	free(r->exclusions);
	free(r->points);
	free(r->roles);
	free(r->conditions_6_3);
	free(r->triggers_25);
	free(r->paragraphs_50);
	free(r->obligations);
	free(r->ambiguities);
	json_decref(r->questionnaire);
	json_decref(r->doc);
	free(r);
}

const char *aiact_rules_version(const struct aiact_rules *r)
{
	return r ? r->version : NULL;
}

json_t *aiact_questionnaire(const struct aiact_rules *r)
{
	return r ? json_deep_copy(r->questionnaire) : NULL;
}

int aiact_regime_parse(const char *s, enum aiact_regime *out)
{
	if (!s) {
		*out = AIACT_AMENDED;
		return 0;
	}
	for (int g = 0; g < AIACT_NREGIMES; g++) {
		if (strcmp(s, regime_names[g]) == 0) {
			*out = (enum aiact_regime)g;
			return 0;
		}
	}
	return -1;
}
