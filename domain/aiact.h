/*
 * aiact.h - EU AI Act classification engine (Regulation (EU) 2024/1689 as amended by
 * Regulation (EU) 2026/1744): a versioned rule set loaded from JSON data plus an interpreter
 * that classifies one AI system or general-purpose AI model for one actor.
 *
 * The law lives in catalog/aiact/rules-<version>.json: dates (per regime, each with its source
 * article), the systemic-risk threshold, the Art. 5 practices and carve-outs, the Annex III
 * points, the obligations per bearer with the conditions under which they bind, the interpretive
 * hot-spots and the questionnaire. The C code holds the order of the decision procedure and the
 * derivation of facts from answers; it contains no legal date or threshold.
 *
 * Entry points:
 *   aiact_rules_load_file / aiact_rules_load_json - parse and validate a rule set.
 *   aiact_classify      - answers (JSON object, see domain/README.md) -> result object.
 *   aiact_questionnaire - the questions, allowed values and ask_if conditions for a client.
 *   aiact_regime_parse  - "amended" | "original" | NULL -> enum aiact_regime.
 *
 * Ownership: a loaded rule set is owned by the caller and freed with aiact_rules_free. Answers
 * and documents passed in are borrowed; every json_t returned is a new reference owned by the
 * caller.
 *
 * Threads: a loaded rule set is immutable and may be shared by any number of threads calling
 * aiact_classify and aiact_questionnaire concurrently; it is never written after load. Loading
 * and freeing must not race with use.
 */
#ifndef CONCORD_AIACT_H
#define CONCORD_AIACT_H

#include <jansson.h>

#include "err.h"

struct aiact_rules; /* opaque, immutable after load, shareable across threads */

enum aiact_regime {
	AIACT_AMENDED = 0,  /* Reg. 2024/1689 as amended by Reg. 2026/1744 (default) */
	AIACT_ORIGINAL = 1, /* Reg. 2024/1689 as adopted, with the unamended 2024 timeline */
};

/* Load and validate a rule set from a JSON file. On failure *out is NULL and e is filled:
 * ERR_NOT_FOUND when the file cannot be opened, ERR_INVALID (field = path inside the document)
 * when it does not parse or does not validate. */
int aiact_rules_load_file(const char *path, struct aiact_rules **out, struct err *e);
/* Same from a parsed document; doc is borrowed (the rule set keeps its own deep copy). */
int aiact_rules_load_json(const json_t *doc, struct aiact_rules **out, struct err *e);
void aiact_rules_free(struct aiact_rules *r);
/* The rule set's "version", e.g. "2026.1"; valid as long as r. */
const char *aiact_rules_version(const struct aiact_rules *r);

/* Classify. answers is borrowed; on success *result is a new reference owned by the caller.
 * Bad answers -> -1 with e->code = ERR_INVALID and e->field = the offending key; the message
 * says what is allowed. */
int aiact_classify(const struct aiact_rules *r, const json_t *answers, enum aiact_regime regime,
        json_t **result, struct err *e);
/* The questionnaire: {"rule_set_version", "conditions", "questions": [...]}; new reference. */
json_t *aiact_questionnaire(const struct aiact_rules *r);
/* "amended" | "original" | NULL (-> amended) into *out; -1 for anything else. */
int aiact_regime_parse(const char *s, enum aiact_regime *out);

#endif
