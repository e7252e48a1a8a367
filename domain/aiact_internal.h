/*
 * aiact_internal.h - the parsed form of an AI Act rule set, shared by aiact_rules.c (loading,
 * validation, conditions, questionnaire) and aiact.c (classification). Not for other modules.
 *
 * Every `const char *` and borrowed `json_t *` below points into `doc`, the rule set's private
 * deep copy, which is never modified after load; the arrays are owned by the rule set. Nothing
 * here is written after aiact_rules_load_json returns, so any number of threads may read it.
 */
#ifndef CONCORD_AIACT_INTERNAL_H
#define CONCORD_AIACT_INTERNAL_H

#include <stddef.h>

#include "aiact.h"

#define AIACT_NREGIMES 2

enum aiact_qtype { AIACT_Q_ENUM, AIACT_Q_BOOLEAN, AIACT_Q_NUMBER, AIACT_Q_DATE };

struct aiact_question {
	const char *key;
	enum aiact_qtype type;
	int required;
	int nullable;
	const json_t *def;    /* borrowed: default when the answer is omitted */
	json_t *allowed;      /* owned: array of allowed strings (enum only), else NULL */
	json_t *choices;      /* owned: [{"value","label"}] for the questionnaire (enum only) */
	const json_t *ask_if; /* borrowed: condition over earlier answers, or NULL */
	const json_t *entry;  /* borrowed: the question object itself (text, help, article) */
};

struct aiact_practice {
	const char *id; /* "5(1)(a)" */
	const char *title;
	const char *applies_from;    /* date key; a NULL date in a regime = not part of that text */
	int use_only;                /* prohibits only use, not placing on the market (5(1)(h)) */
	const char *annex_iii_point; /* Annex III point a carved-out system falls under, or NULL */
	int emotion_or_categorisation; /* the practice's system is one under Art. 50(3) */
};

struct aiact_exception {
	const char *id;
	const char *article;
	const char *title;
	const json_t *applies_to; /* borrowed array of practice ids */
};

struct aiact_exclusion {
	const char *id;
	const char *article;
	const char *title;
	int deployer_only; /* Art. 2(10): removes only a deployer's obligations */
};

struct aiact_point {
	const char *id;   /* "4(a)" */
	const char *area; /* "4" */
	const char *title;
};

struct aiact_obligation {
	const char *id;
	const char *article; /* "Art. 26", "Art. 49(3)" */
	const char *title;
	const char *bearer;       /* a role id, or "actor" for whoever the actor is */
	const char *applies_from; /* a regime date key or a computed key (see date_keys_computed) */
	const char *transparency; /* Art. 50 paragraph id this entry discharges, or NULL */
	int fria;                 /* counts as a fundamental rights impact assessment duty */
	int registration;         /* counts as an Art. 49 registration duty */
	const json_t *when;       /* borrowed condition over facts */
};

struct aiact_ambiguity {
	const char *id;
	const char *article;
	const char *note;
	const json_t *when;
};

struct aiact_labelled {
	const char *id;
	const char *article;
	const char *title;
};

struct aiact_rules {
	json_t *doc; /* owned deep copy of the loaded document */
	const char *version;
	double flop_threshold; /* Art. 51(2) presumption: compute strictly greater than */
	const char *flop_source;
	const json_t *dates[AIACT_NREGIMES]; /* borrowed: regimes.<name>.dates objects */
	const char *open_source_article;

	struct aiact_question *questions;
	size_t nquestions;
	struct aiact_practice *practices;
	size_t npractices;
	struct aiact_exception *exceptions;
	size_t nexceptions;
	struct aiact_exclusion *exclusions;
	size_t nexclusions;
	struct aiact_point *points;
	size_t npoints;
	struct aiact_labelled *roles;
	size_t nroles;
	struct aiact_labelled *conditions_6_3;
	size_t nconditions_6_3;
	struct aiact_labelled *triggers_25;
	size_t ntriggers_25;
	struct aiact_labelled
	        *paragraphs_50; /* Art. 50 paragraphs: `article` holds the bearer role */
	size_t nparagraphs_50;
	struct aiact_obligation *obligations;
	size_t nobligations;
	struct aiact_ambiguity *ambiguities;
	size_t nambiguities;

	json_t *questionnaire; /* owned; handed out as deep copies */
};

/* Names of the facts the classifier derives, beyond the answer keys (NULL-terminated). */
extern const char *const aiact_fact_names[];

/* Evaluate a validated condition over vars (an object; a missing key reads as null). */
int aiact_cond_eval(const json_t *cond, const json_t *vars);

/* Check one answer value against its question; on failure fill msg with what is allowed. */
int aiact_value_check(const struct aiact_question *q, const json_t *v, char *msg, size_t n);

/* Lookups; NULL when absent. */
const struct aiact_question *aiact_question_find(const struct aiact_rules *r, const char *key);
const struct aiact_practice *aiact_practice_find(const struct aiact_rules *r, const char *id);
const struct aiact_exception *aiact_exception_find(const struct aiact_rules *r, const char *id);
const struct aiact_exclusion *aiact_exclusion_find(const struct aiact_rules *r, const char *id);
const struct aiact_point *aiact_point_find(const struct aiact_rules *r, const char *id);
const struct aiact_labelled *aiact_labelled_find(
        const struct aiact_labelled *v, size_t n, const char *id);
/* Date and source for a regime date key; *date is NULL when the key has no date in that regime.
 * Returns -1 if the key is unknown (cannot happen for keys validated at load). */
int aiact_date(const struct aiact_rules *r, enum aiact_regime regime, const char *key,
        const char **date, const char **source);
/* Strict "YYYY-MM-DD" calendar date check. */
int aiact_date_valid(const char *s);

#endif
