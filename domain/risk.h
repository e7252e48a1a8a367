/*
 * risk.h - the risk methodology and its arithmetic, one for information-security and
 * AI risks (ISO/IEC 27001 6.1.2, ISO/IEC 42001 6.1.2 and 6.1.4).
 *
 * A methodology is a JSON document (stored per revision in risk_methodologies):
 *
 *   {"likelihood": [{"level": 1, "name": "Rare", "criteria": "..."}, ...],   3 to 5 levels
 *    "impact":     [{"level": 1, "name": "Minor", "criteria": "..."}, ...],  3 to 5 levels
 *    "levels": [{"key": "low", "name": "Low", "color": "#2e7d32", "review_months": 12}, ...],
 *    "matrix": [["low", "low", "medium"], ...],      level of each [likelihood][impact] cell
 *    "appetite": "medium",                            highest level tolerated untreated
 *    "acceptance": [{"level": "high", "roles": ["sponsor"]}, ...]}
 *
 * Risk levels are listed from least to most severe; the matrix must not decrease when
 * likelihood or impact grows. A level may be accepted only if "acceptance" lists it,
 * and only by one of the roles listed for it. AI risks are also assessed for their
 * impact on individuals, groups and society (ISO/IEC 42001 6.1.4): the impact that
 * places an AI risk in the matrix is the highest of the four.
 *
 * Changing the methodology re-evaluates every risk (risk_reassess): scale values are
 * carried over unchanged when they still exist, or through an explicit re-mapping
 * ("remap": {"likelihood": {"5": 3}, "impact": {...}}) when a scale shrinks.
 *
 * Pure functions over jansson values and plain structs; no database, no HTTP; any
 * thread. Errors name the offending field ("matrix[1][2]", "inherent.ai_impacts.groups").
 */
#ifndef CONCORD_RISK_H
#define CONCORD_RISK_H

#include <jansson.h>
#include <stdbool.h>

#include "err.h"

#define RISK_SCALE_MIN  3
#define RISK_SCALE_MAX  5
#define RISK_LEVELS_MIN 2
#define RISK_LEVELS_MAX 6
#define RISK_ROLES_MAX  12
#define RISK_AI_DIMS    3

/* The AI impact dimensions, in storage order: "individuals", "groups", "society". */
extern const char *const risk_ai_dimensions[RISK_AI_DIMS + 1];

struct risk_level {
	char key[33];      /* stable identifier stored on risks ("high") */
	char name[101];    /* display name */
	char color[8];     /* "#rrggbb", used by heat maps */
	int review_months; /* review frequency of risks at this level */
	int naccept;       /* roles that may accept a risk at this level; 0 = never */
	char accept[RISK_ROLES_MAX][32];
};

struct risk_method {
	int nlikelihood, nimpact;                   /* scale sizes, 3..5 */
	int nlevels;                                /* 2..6 */
	struct risk_level levels[RISK_LEVELS_MAX];  /* least severe first */
	int matrix[RISK_SCALE_MAX][RISK_SCALE_MAX]; /* level index of [likelihood-1][impact-1] */
	int appetite;                               /* level index */
};

/* One assessment (inherent or residual) and, after risk_evaluate, its level. */
struct risk_assessment {
	int likelihood, impact; /* 1-based scale values */
	bool has_ai;            /* ai[] holds the AI impact dimensions */
	int ai[RISK_AI_DIMS];
	int eff_impact; /* computed: impact that places the risk in the matrix */
	int level;      /* computed: index into risk_method.levels */
};

/* Scale-value translation from one methodology revision to the next; 0 = no mapping. */
struct risk_remap {
	int likelihood[RISK_SCALE_MAX + 1];
	int impact[RISK_SCALE_MAX + 1];
};

enum risk_accept {
	RISK_ACCEPT_OK,
	RISK_ACCEPT_LEVEL_NOT_ACCEPTABLE, /* the methodology lets no one accept this level */
	RISK_ACCEPT_NO_AUTHORITY,         /* the level is acceptable, but not by this role */
};

/* Validate a methodology document and fill *m. `roles` (NULL-terminated) are the role
 * names acceptance may list. Unknown fields are refused. */
int risk_method_parse(
        const json_t *doc, const char *const *roles, struct risk_method *m, struct err *e);
/* Index of a level key, or -1. */
int risk_level_index(const struct risk_method *m, const char *key);

/* Validate one assessment object {"likelihood", "impact", "ai_impacts"} against m and
 * evaluate it. AI risks (is_ai) need all three ai_impacts; IS risks may not have them.
 * prefix names the object in errors ("inherent"). */
int risk_assessment_parse(const json_t *j, const struct risk_method *m, bool is_ai,
        const char *prefix, struct risk_assessment *out, struct err *e);
/* Compute eff_impact and level of a (range-checked) assessment. */
void risk_evaluate(const struct risk_method *m, struct risk_assessment *a);
/* The assessment's ai_impacts as a new JSON object, or NULL when it has none. */
json_t *risk_ai_impacts_json(const struct risk_assessment *a);

/* Whether `role` may accept a risk whose current level is `level`. */
enum risk_accept risk_acceptance(const struct risk_method *m, int level, const char *role);
/* The roles that may accept `level`, comma-separated, into buf. */
void risk_accept_roles_text(const struct risk_method *m, int level, char *buf, size_t n);
bool risk_above_appetite(const struct risk_method *m, int level);

/* Build the translation from `from` to `to`: identity for values that exist in both
 * scales, then the explicit entries of remap (may be NULL): {"likelihood": {"5": 3}}. */
int risk_remap_parse(const json_t *remap, const struct risk_method *from,
        const struct risk_method *to, struct risk_remap *out, struct err *e);
/* Translate an assessment to the new methodology and re-evaluate it. Returns -1 (and
 * leaves a unchanged) when one of its values has no mapping; *axis then names the
 * scale ("likelihood" or "impact"). */
int risk_reassess(const struct risk_method *to, const struct risk_remap *map,
        struct risk_assessment *a, const char **axis);

#endif
