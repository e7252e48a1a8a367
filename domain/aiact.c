/*
 * aiact.c - the EU AI Act classifier: answers about one AI system or general-purpose AI model
 * and one actor in, a classification with obligations, dates, reasoning and flagged
 * interpretive hot-spots out.
 *
 * Entry point: aiact_classify (declared in aiact.h). The decision procedure follows the order of
 * the Regulation: AI system or model (Art. 3), territorial scope (Art. 2(1)), exclusions
 * (Art. 2(3)-(10)), prohibited practices (Art. 5), high-risk via Annex I (Art. 6(1)) and via
 * Annex III with the 6(3) derogation, the value chain (Art. 25), transparency (Art. 50), the
 * open-source exclusion (Art. 2(12)), general-purpose AI models (Arts. 51-55) and the legacy
 * rules (Art. 111). Each step records a reasoning entry and sets facts in one JSON object; the
 * rule set's obligations and ambiguities are conditions over those facts, and dates come from
 * the rule set's regime tables. No legal date or threshold is written in this file.
 *
 * Answers: every key must be a question of the rule set; omitted keys take the question's
 * default (see domain/README.md). Bad answers fail with ERR_INVALID naming the key.
 *
 * Ownership: answers are borrowed; the result is a new reference for the caller. All working
 * state lives in a per-call context freed before return.
 *
 * Threads: reads the shared rule set only; safe to call concurrently.
 */
#include "aiact_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const regime_label[AIACT_NREGIMES] = {"amended", "original"};
static const char *const default_note = " (default, not answered)";

struct ctx {
	const struct aiact_rules *r;
	enum aiact_regime regime;
	const json_t *answers; /* borrowed: as given, to tell answers from defaults */
	json_t *facts;         /* owned: answers with defaults filled in, plus derived facts */
	json_t *reasoning;     /* owned: [{step, article, finding}] */
	const struct aiact_practice *practice; /* the answered practice if part of this regime */
	const char *inferred_point; /* Annex III point implied by a carve-out or use-only rule */
	int inferred_emotion; /* the practice's system is emotion recognition/categorisation */
};

/* ---------------------------------------------------------------------------------------- */
/* Facts and reasoning                                                                        */

static int fb(const struct ctx *c, const char *key)
{
	return json_is_true(json_object_get(c->facts, key));
}

static const char *fs(const struct ctx *c, const char *key)
{
	return json_string_value(json_object_get(c->facts, key));
}

static void setb(struct ctx *c, const char *key, int v)
{
	json_object_set_new(c->facts, key, json_boolean(v));
}

static void sets(struct ctx *c, const char *key, const char *v)
{
	json_object_set_new(c->facts, key, v ? json_string(v) : json_null());
}

static int is(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

static const char *dflt(const struct ctx *c, const char *key)
{
	return json_object_get(c->answers, key) ? "" : default_note;
}

__attribute__((format(printf, 4, 5))) static void step(
        struct ctx *c, const char *name, const char *article, const char *fmt, ...)
{
	char finding[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(finding, sizeof finding, fmt, ap);
	va_end(ap);
	json_array_append_new(c->reasoning,
	        json_pack("{s:s,s:s,s:s}", "step", name, "article", article, "finding", finding));
}

static const char *date_of(const struct ctx *c, const char *key)
{
	const char *d;
	aiact_date(c->r, c->regime, key, &d, NULL);
	return d;
}

static const char *source_of(const struct ctx *c, const char *key)
{
	const char *d, *s;
	aiact_date(c->r, c->regime, key, &d, &s);
	return s;
}

/* ---------------------------------------------------------------------------------------- */
/* Answers                                                                                    */

static void list_keys(const struct aiact_rules *r, char *buf, size_t n)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < r->nquestions; i++) {
		int w = snprintf(buf + used, n - used, "%s%s", i ? ", " : "", r->questions[i].key);
		if (w < 0 || (size_t)w >= n - used) {
			if (n > 4)
				memcpy(buf + n - 4, "...", 4);
			return;
		}
		used += (size_t)w;
	}
}

/* Validate the answers and fill c->facts with every question key (answer or default). */
static int normalise(struct ctx *c, struct err *e)
{
	const char *key;
	json_t *v;
	char msg[256];

	if (!json_is_object(c->answers))
		return err_set(e, ERR_INVALID, "", "answers must be a JSON object");
	json_object_foreach((json_t *)c->answers, key, v)
	{
		if (!aiact_question_find(c->r, key)) {
			err_set(e, ERR_INVALID, key,
			        "unknown key \"%s\": allowed keys are the questions of rule set "
			        "%s (see the questionnaire)",
			        key, c->r->version);
			if (e)
				list_keys(c->r, e->detail, sizeof e->detail);
			return -1;
		}
	}
	for (size_t i = 0; i < c->r->nquestions; i++) {
		const struct aiact_question *q = &c->r->questions[i];
		v = json_object_get(c->answers, q->key);
		if (!v) {
			if (q->required) {
				aiact_value_check(q, json_null(), msg, sizeof msg);
				return err_set(e, ERR_INVALID, q->key, "%s is required and %s",
				        q->key, msg);
			}
			json_object_set_new(c->facts, q->key, json_deep_copy(q->def));
			continue;
		}
		if (aiact_value_check(q, v, msg, sizeof msg) < 0)
			return err_set(e, ERR_INVALID, q->key, "%s %s", q->key, msg);
		json_object_set_new(c->facts, q->key, json_deep_copy(v));
	}
	return 0;
}

static void init_facts(struct ctx *c)
{
	for (size_t i = 0; aiact_fact_names[i]; i++)
		setb(c, aiact_fact_names[i], 0);
	sets(c, "regime", regime_label[c->regime]);
	sets(c, "practice", NULL);
	sets(c, "annex_iii", NULL);
	sets(c, "effective_role", fs(c, "role"));
}

static void set_capacities(struct ctx *c, const char *effective_role)
{
	const char *role = fs(c, "role");
	sets(c, "effective_role", effective_role);
	/* a product manufacturer placing the system under its own name acts as its provider
	 * (Art. 2(1)(e), 3(3)); a deployer that becomes provider under Art. 25 still uses it */
	setb(c, "capacity_provider",
	        is(effective_role, "provider") || is(role, "product_manufacturer"));
	setb(c, "capacity_deployer", is(role, "deployer"));
	setb(c, "capacity_importer", is(effective_role, "importer"));
	setb(c, "capacity_distributor", is(effective_role, "distributor"));
	setb(c, "capacity_authorised_representative",
	        is(effective_role, "authorised_representative"));
}

/* ---------------------------------------------------------------------------------------- */
/* Decision steps. Each returns 0 to stop the procedure, 1 to go on.                          */

static int step_object(struct ctx *c, int gpai)
{
	if (gpai) {
		step(c, "object", "Art. 3(63)",
		        "a general-purpose AI model: Chapter V applies to its provider");
		return 1;
	}
	if (!fb(c, "is_ai_system")) {
		step(c, "object", "Art. 3(1); recital 12",
		        "not an AI system: it does not infer how to generate outputs (rules "
		        "defined solely by natural persons); the Regulation does not apply");
		return 0;
	}
	step(c, "object", "Art. 3(1)",
	        "an AI system: it infers from its input how to generate outputs%s",
	        dflt(c, "is_ai_system"));
	return 1;
}

static int step_territory(struct ctx *c, int gpai)
{
	const char *role = fs(c, "role");
	const char *what = gpai ? "model" : "system";
	const char *placed_key = "placed_on_eu_market_or_put_into_service_in_eu";

	if (is(role, "importer") || is(role, "distributor")) {
		step(c, "territorial_scope", "Art. 2(1)(d)",
		        "importers and distributors are covered");
		return 1;
	}
	if (is(role, "product_manufacturer")) {
		step(c, "territorial_scope", "Art. 2(1)(e)",
		        "product manufacturers placing the system on the market with their "
		        "product under their own name are covered");
		return 1;
	}
	if (is(role, "authorised_representative")) {
		step(c, "territorial_scope", "Art. 2(1)(f)",
		        "authorised representatives of providers not established in the Union "
		        "are covered");
		return 1;
	}
	if (is(role, "provider")) {
		if (fb(c, placed_key)) {
			step(c, "territorial_scope", "Art. 2(1)(a)",
			        "the %s is placed on the market or put into service in the "
			        "Union%s, wherever the provider is established",
			        what, dflt(c, placed_key));
			return 1;
		}
		if (!gpai && fb(c, "output_used_in_eu")) {
			setb(c, "output_only_nexus", 1);
			step(c, "territorial_scope", "Art. 2(1)(c)",
			        "not placed on the Union market, but the output is used in the "
			        "Union");
			return 1;
		}
		step(c, "territorial_scope", "Art. 2(1)",
		        gpai ? "the model is not placed on the Union market: out of scope"
		             : "neither placed on the market or put into service in the Union "
		               "nor output used in the Union: out of scope");
		return 0;
	}
	/* deployer */
	if (fb(c, "actor_established_in_eu")) {
		step(c, "territorial_scope", "Art. 2(1)(b)",
		        "the deployer is established or located in the Union%s",
		        dflt(c, "actor_established_in_eu"));
		return 1;
	}
	if (fb(c, "output_used_in_eu")) {
		step(c, "territorial_scope", "Art. 2(1)(c)",
		        "third-country deployer whose output is used in the Union");
		return 1;
	}
	step(c, "territorial_scope", "Art. 2(1)",
	        "deployer neither established in the Union nor using output in the Union: out of "
	        "scope");
	return 0;
}

static int step_exclusion(struct ctx *c)
{
	const struct aiact_exclusion *x = aiact_exclusion_find(c->r, fs(c, "exclusion"));
	const char *role = fs(c, "role");

	if (!x) {
		step(c, "exclusions", "Art. 2(3)-(10)", "no exclusion applies");
		return 1;
	}
	if (x->deployer_only && !is(role, "deployer")) {
		step(c, "exclusions", x->article,
		        "%s: this exclusion removes only a deployer's obligations and does not "
		        "apply to a %s",
		        x->title, role);
		return 1;
	}
	step(c, "exclusions", x->article, "excluded: %s", x->title);
	return 0;
}

static int applies_to(const struct aiact_exception *x, const char *practice)
{
	size_t i;
	const json_t *v;
	json_array_foreach(x->applies_to, i, v)
	{
		if (is(json_string_value(v), practice))
			return 1;
	}
	return 0;
}

/* Returns 0 when a prohibition binds this actor (the procedure stops). */
static int step_prohibited(struct ctx *c)
{
	const struct aiact_practice *p = aiact_practice_find(c->r, fs(c, "prohibited_practice"));
	const struct aiact_exception *x = aiact_exception_find(c->r, fs(c, "prohibited_exception"));
	const char *role = fs(c, "role");
	char art[48];

	if (!p) {
		if (x)
			step(c, "prohibited_practices", x->article,
			        "carve-out answered without a prohibited practice: it has no "
			        "effect");
		else
			step(c, "prohibited_practices", "Art. 5", "no prohibited practice");
		return 1;
	}
	snprintf(art, sizeof art, "Art. %s", p->id);
	if (!date_of(c, p->applies_from)) {
		step(c, "prohibited_practices", art,
		        "point %s is not part of the %s text; the system is assessed under the "
		        "remaining rules",
		        p->id, regime_label[c->regime]);
		return 1;
	}
	c->practice = p;
	sets(c, "practice", p->id);
	if (x && applies_to(x, p->id)) {
		setb(c, "carve_out", 1);
		c->inferred_point = p->annex_iii_point;
		c->inferred_emotion = p->emotion_or_categorisation;
		step(c, "prohibited_practices", x->article,
		        "carve-out: %s; %s does not prohibit the system, which is assessed under "
		        "the remaining rules",
		        x->title, p->id);
		return 1;
	}
	if (x)
		step(c, "prohibited_practices", x->article,
		        "the carve-out \"%s\" does not belong to %s and has no effect", x->id,
		        p->id);
	if (p->use_only && !is(role, "deployer")) {
		setb(c, "use_prohibition_other_actor", 1);
		c->inferred_point = p->annex_iii_point;
		step(c, "prohibited_practices", art,
		        "%s prohibits only the use (%s); it does not bind a %s, whose system is "
		        "assessed under the remaining rules",
		        p->id, p->title, role);
		return 1;
	}
	setb(c, "prohibited", 1);
	step(c, "prohibited_practices", art, "prohibited: %s", p->title);
	return 0;
}

static void step_annex_i(struct ctx *c)
{
	const char *sec = fs(c, "annex_i_legislation");
	const char *name = is(sec, "section_a") ? "Section A" : "Section B";

	if (!sec) {
		step(c, "high_risk_annex_i", "Art. 6(1)",
		        "no Annex I Union harmonisation legislation covers the system or its "
		        "product");
		return;
	}
	if (!fb(c, "annex_i_safety_component_or_product")) {
		step(c, "high_risk_annex_i", "Art. 6(1)(a); Art. 6(1a)",
		        "covered by Annex I %s, but neither a safety component of the product "
		        "nor the product itself: not high-risk under Art. 6(1)",
		        name);
		return;
	}
	if (!fb(c, "annex_i_third_party_conformity_assessment")) {
		step(c, "high_risk_annex_i", "Art. 6(1)(b); Art. 6(1c)",
		        "a safety component or product under Annex I %s, but the product needs "
		        "no third-party conformity assessment for health and safety: not "
		        "high-risk under Art. 6(1)",
		        name);
		return;
	}
	setb(c, is(sec, "section_a") ? "hr_annex_i_a" : "hr_annex_i_b", 1);
	step(c, "high_risk_annex_i", "Art. 6(1)",
	        "high-risk: a safety component or product covered by Annex I %s that must "
	        "undergo third-party conformity assessment",
	        name);
	if (is(sec, "section_b"))
		step(c, "high_risk_annex_i", "Art. 2(2)",
		        "Annex I Section B: only Art. 6(1), the real-world testing rule and the "
		        "amendments to the sectoral acts apply; the requirements reach the "
		        "product through those acts");
}

static void step_annex_iii(struct ctx *c)
{
	const char *id = fs(c, "annex_iii_point");
	const struct aiact_labelled *cond = aiact_labelled_find(
	        c->r->conditions_6_3, c->r->nconditions_6_3, fs(c, "art_6_3_condition"));
	const struct aiact_point *pt;
	char art[64];

	if (!id && c->inferred_point) {
		id = c->inferred_point;
		step(c, "high_risk_annex_iii", "Art. 6(2)",
		        "a system outside the prohibition of %s falls under Annex III point %s",
		        c->practice->id, id);
	}
	sets(c, "annex_iii", id);
	if (!id) {
		step(c, "high_risk_annex_iii", "Art. 6(2)",
		        "the intended purpose is not an Annex III use case");
		return;
	}
	pt = aiact_point_find(c->r, id);
	snprintf(art, sizeof art, "Art. 6(2); Annex III point %s", id);
	if (fb(c, "profiling_of_natural_persons")) {
		setb(c, "hr_annex_iii", 1);
		step(c, "high_risk_annex_iii", "Art. 6(3), third subparagraph",
		        "Annex III point %s (%s) and the system profiles natural persons: always "
		        "high-risk%s",
		        id, pt->title, cond ? ", whichever condition of Art. 6(3) is met" : "");
		return;
	}
	if (!cond) {
		setb(c, "hr_annex_iii", 1);
		step(c, "high_risk_annex_iii", art, "high-risk: %s (Annex III area %s)", pt->title,
		        pt->area);
		return;
	}
	if (fb(c, "hr_annex_i_a") || fb(c, "hr_annex_i_b")) {
		step(c, "high_risk_annex_iii", cond->article,
		        "Annex III point %s meets a derogation condition, but the system is "
		        "high-risk under Art. 6(1) in any case",
		        id);
		return;
	}
	setb(c, "derogated", 1);
	step(c, "high_risk_annex_iii", cond->article,
	        "Annex III point %s, but it %s and does not profile: not high-risk under Art. "
	        "6(3), provided it poses no significant risk of harm; the provider documents the "
	        "assessment (Art. 6(4)) and registers it under Art. 49(2)",
	        id, cond->title);
}

static int section_b_only(const struct ctx *c)
{
	return fb(c, "hr_annex_i_b") && !fb(c, "hr_annex_i_a") && !fb(c, "hr_annex_iii");
}

static void step_value_chain(struct ctx *c)
{
	const char *role = fs(c, "role");
	const char *eff = role;
	const struct aiact_labelled *t =
	        aiact_labelled_find(c->r->triggers_25, c->r->ntriggers_25, fs(c, "art_25_trigger"));

	if (is(role, "product_manufacturer") && fb(c, "hr_annex_i_a")) {
		eff = "provider";
		step(c, "value_chain", "Art. 25(3)",
		        "the product manufacturer places the Annex I Section A high-risk system "
		        "with its product under its own name: it is the provider");
	}
	if (t) {
		if (is(role, "provider"))
			step(c, "value_chain", t->article,
			        "already the provider; Art. 25 changes nothing");
		else if (section_b_only(c))
			step(c, "value_chain", "Art. 2(2)",
			        "Art. 25 does not apply to an Annex I Section B system");
		else if (fb(c, "hr_chapter_iii")) {
			eff = "provider";
			step(c, "value_chain", t->article,
			        "the %s %s: it is considered the provider and takes on the "
			        "provider obligations (Art. 16); the initial provider must "
			        "cooperate (Art. 25(2))",
			        role, t->title);
		} else
			step(c, "value_chain", t->article,
			        "this shifts the provider role only for a high-risk system; the "
			        "system is not high-risk, so the %s keeps its role",
			        role);
	}
	set_capacities(c, eff);
}

static void step_transparency(struct ctx *c)
{
	int le = fb(c, "law_enforcement_authorised_use");
	int asked = 0;

	if (section_b_only(c)) {
		step(c, "transparency", "Art. 2(2)",
		        "Art. 50 does not apply to an Annex I Section B high-risk system");
		return;
	}
	if (fb(c, "interacts_with_natural_persons")) {
		asked = 1;
		if (fb(c, "obvious_to_reasonable_person"))
			step(c, "transparency", "Art. 50(1)",
			        "interaction with an AI system is obvious to a reasonably "
			        "well-informed person: no duty");
		else if (le && !fb(c, "available_to_public_to_report_crime"))
			step(c, "transparency", "Art. 50(1)",
			        "authorised by law for criminal offences and not available to "
			        "the public to report one: no duty");
		else {
			setb(c, "t50_1", 1);
			step(c, "transparency", "Art. 50(1)",
			        "interacts directly with natural persons: the provider must "
			        "inform them that they are interacting with AI");
		}
	}
	if (fb(c, "generates_synthetic_content")) {
		asked = 1;
		if (fb(c, "assistive_editing_only"))
			step(c, "transparency", "Art. 50(2)",
			        "assistive function for standard editing, input not "
			        "substantially altered: no marking duty");
		else if (le)
			step(c, "transparency", "Art. 50(2)",
			        "authorised by law for criminal offences: no marking duty");
		else {
			setb(c, "t50_2", 1);
			step(c, "transparency", "Art. 50(2)",
			        "generates synthetic content: the provider must mark outputs in "
			        "a machine-readable, detectable way");
		}
	}
	if (fb(c, "emotion_recognition_or_biometric_categorisation") || c->inferred_emotion) {
		asked = 1;
		if (le)
			step(c, "transparency", "Art. 50(3)",
			        "permitted by law to detect, prevent or investigate criminal "
			        "offences: no duty to inform");
		else {
			setb(c, "t50_3", 1);
			step(c, "transparency", "Art. 50(3)",
			        "emotion recognition or biometric categorisation: the deployer "
			        "must inform the persons exposed");
		}
	}
	if (fb(c, "deepfake")) {
		asked = 1;
		if (le)
			step(c, "transparency", "Art. 50(4)",
			        "deep fake authorised by law for criminal offences: no "
			        "disclosure duty");
		else {
			setb(c, "t50_4_deepfake", 1);
			step(c, "transparency", "Art. 50(4)",
			        fb(c, "evidently_artistic_creative_satirical_fictional")
			                ? "deep fake in an evidently artistic, creative, "
			                  "satirical or fictional work: the deployer must "
			                  "disclose its existence without hampering the work "
			                  "(first subparagraph)"
			                : "deep fake: the deployer must disclose that the "
			                  "content is artificially generated or manipulated "
			                  "(first subparagraph)");
		}
	}
	if (fb(c, "public_interest_text")) {
		asked = 1;
		if (le)
			step(c, "transparency", "Art. 50(4)",
			        "text authorised by law for criminal offences: no disclosure duty");
		else if (fb(c, "human_editorial_control"))
			step(c, "transparency", "Art. 50(4)",
			        "text under human review or editorial control with editorial "
			        "responsibility: no disclosure duty (second subparagraph)");
		else {
			setb(c, "t50_4_text", 1);
			step(c, "transparency", "Art. 50(4)",
			        "AI-generated text published to inform the public on matters of "
			        "public interest: the deployer must disclose it (second "
			        "subparagraph)");
		}
	}
	if (!asked)
		step(c, "transparency", "Art. 50", "no transparency trigger");
	setb(c, "transparency_triggered",
	        fb(c, "t50_1") || fb(c, "t50_2") || fb(c, "t50_3") || fb(c, "t50_4_deepfake") ||
	                fb(c, "t50_4_text"));
}

static int step_open_source(struct ctx *c)
{
	const char *art = c->r->open_source_article;
	if (!fb(c, "free_open_source"))
		return 1;
	if (fb(c, "high_risk")) {
		step(c, "open_source", art,
		        "free and open-source, but placed on the market as a high-risk system: "
		        "not excluded");
		return 1;
	}
	if (fb(c, "transparency_triggered")) {
		step(c, "open_source", art,
		        "free and open-source, but falls under Art. 50: not excluded");
		return 1;
	}
	step(c, "open_source", art,
	        "free and open-source and neither high-risk nor under Art. 5 or Art. 50: excluded");
	setb(c, "in_scope", 0);
	return 0;
}

static void step_gpai(struct ctx *c)
{
	const json_t *flop = json_object_get(c->facts, "training_compute_flop");
	double limit = c->r->flop_threshold;
	int by_compute = json_is_number(flop) && json_number_value(flop) > limit;
	int designated = fb(c, "designated_systemic_by_commission");
	int oss = fb(c, "free_open_source"), open_weights = fb(c, "open_weights_public");
	int systemic = by_compute || designated;
	const char *role = fs(c, "role");

	if (json_is_number(flop))
		step(c, "gpai", c->r->flop_source,
		        "training compute %.4g FLOP %s the threshold of %.4g FLOP: high-impact "
		        "capabilities %s presumed",
		        json_number_value(flop), by_compute ? "exceeds" : "does not exceed", limit,
		        by_compute ? "are" : "are not");
	else
		step(c, "gpai", c->r->flop_source,
		        "training compute not given: no presumption of high-impact capabilities");
	if (designated)
		step(c, "gpai", "Art. 51(1)(b)",
		        "designated by the Commission as having systemic risk");
	if (systemic)
		step(c, "gpai", "Art. 51(1)",
		        "general-purpose AI model with systemic risk: Arts. 52 and 55 apply in "
		        "addition to Art. 53");
	if (oss && open_weights)
		step(c, "gpai", "Art. 53(2); Art. 54(6)",
		        systemic ? "free and open-source with public weights, but the relief does "
		                   "not apply to a model with systemic risk"
		                 : "free and open-source with public weights: Art. 53(1)(a)-(b) "
		                   "and the Art. 54 representative do not apply; 53(1)(c)-(d) "
		                   "still do");
	else if (oss)
		step(c, "gpai", "Art. 53(2)",
		        "free and open-source licence, but parameters and weights are not "
		        "public: no relief");
	else if (open_weights)
		step(c, "gpai", "Art. 53(2)",
		        "public weights, but not under a free and open-source licence: no relief");
	if (!is(role, "provider") && !is(role, "authorised_representative"))
		step(c, "gpai", "Art. 53; Art. 54",
		        "Chapter V binds the provider of the model and its authorised "
		        "representative; a %s has no obligations under it for the model itself",
		        role);
	setb(c, "gpai_in_scope", 1);
	setb(c, "gpai_systemic", systemic);
	setb(c, "gpai_systemic_by_compute", by_compute);
	setb(c, "gpai_oss_relief", oss && open_weights && !systemic);
	set_capacities(c, role);
}

static int before(const char *date, const char *cutoff)
{
	return date && cutoff && strcmp(date, cutoff) < 0;
}

static void step_legacy(struct ctx *c, int gpai)
{
	const char *placed = fs(c, "placed_on_market_date");
	const char *cut;

	if (!placed)
		return;
	if (gpai) {
		cut = date_of(c, "legacy_gpai_cutoff");
		if (before(placed, cut)) {
			setb(c, "legacy_gpai", 1);
			step(c, "legacy", source_of(c, "legacy_gpai_deadline"),
			        "model placed on the market on %s, before %s: it must comply by %s",
			        placed, cut, date_of(c, "legacy_gpai_deadline"));
		}
		return;
	}
	cut = date_of(c, "legacy_annex_x_cutoff");
	if (fb(c, "annex_x_large_scale_it_system") && before(placed, cut)) {
		setb(c, "legacy_annex_x", 1);
		step(c, "legacy", source_of(c, "legacy_annex_x_deadline"),
		        "component of an Annex X large-scale IT system placed on the market on "
		        "%s, before %s: it must comply by %s (Art. 5 applies regardless)",
		        placed, cut, date_of(c, "legacy_annex_x_deadline"));
	}
	cut = date_of(c, "transparency_50_2_legacy_cutoff");
	if (fb(c, "t50_2") && before(placed, cut)) {
		setb(c, "legacy_50_2", 1);
		step(c, "legacy", source_of(c, "transparency_50_2_legacy_deadline"),
		        "generative system placed on the market on %s, before %s: Art. 50(2) "
		        "marking is required from %s",
		        placed, cut, date_of(c, "transparency_50_2_legacy_deadline"));
	}
	if (!fb(c, "hr_chapter_iii") && !fb(c, "hr_annex_i_b"))
		return;
	cut = date_of(
	        c, fb(c, "hr_annex_iii") ? "legacy_cutoff_annex_iii" : "legacy_cutoff_annex_i");
	if (!before(placed, cut)) {
		step(c, "legacy",
		        source_of(c, fb(c, "hr_annex_iii") ? "legacy_cutoff_annex_iii"
		                                           : "legacy_cutoff_annex_i"),
		        "placed on the market on %s, not before %s: no transitional rule for the "
		        "high-risk obligations",
		        placed, cut);
		return;
	}
	setb(c, "legacy_high_risk", 1);
	if (fb(c, "significant_design_change")) {
		step(c, "legacy", "Art. 111(2)",
		        "placed on the market on %s, before %s, but significantly changed in "
		        "design since: the high-risk obligations apply",
		        placed, cut);
	} else if (fb(c, "public_authority_deployer")) {
		setb(c, "legacy_public_authority", 1);
		step(c, "legacy", source_of(c, "legacy_public_authority_deadline"),
		        "placed on the market on %s, before %s, and intended to be used by "
		        "public authorities: the high-risk obligations must be met by %s",
		        placed, cut, date_of(c, "legacy_public_authority_deadline"));
	} else {
		setb(c, "legacy_grandfathered", 1);
		step(c, "legacy", "Art. 111(2)",
		        "placed on the market on %s, before %s, with no significant design "
		        "change: the high-risk obligations do not apply (Art. 5 and Art. 50 "
		        "still do)",
		        placed, cut);
	}
}

static void decide(struct ctx *c)
{
	int gpai = is(fs(c, "object"), "gpai_model");

	if (!step_object(c, gpai) || !step_territory(c, gpai) || !step_exclusion(c))
		return;
	setb(c, "in_scope", 1);
	if (gpai) {
		step_gpai(c);
		step_legacy(c, 1);
		return;
	}
	if (!step_prohibited(c)) {
		set_capacities(c, fs(c, "role"));
		return;
	}
	step_annex_i(c);
	step_annex_iii(c);
	setb(c, "hr_chapter_iii", fb(c, "hr_annex_i_a") || fb(c, "hr_annex_iii"));
	setb(c, "high_risk", fb(c, "hr_chapter_iii") || fb(c, "hr_annex_i_b"));
	step_value_chain(c);
	step_transparency(c);
	if (!step_open_source(c))
		return;
	setb(c, "ai_system_regime", !section_b_only(c));
	step_legacy(c, 0);
}

/* ---------------------------------------------------------------------------------------- */
/* Dates, obligations and the result                                                           */

/* The date an obligation with date key `key` applies from in this case, or NULL when it does
 * not apply at all (grandfathered under Art. 111(2), or not part of this regime's text). */
static const char *resolve_date(const struct ctx *c, const char *key)
{
	const char *d, *x;
	int art5 = 0;

	if (is(key, "practice")) {
		d = c->practice ? date_of(c, c->practice->applies_from) : NULL;
		art5 = 1;
	} else if (is(key, "high_risk")) {
		if (fb(c, "legacy_annex_x"))
			d = date_of(c, "legacy_annex_x_deadline");
		else if (fb(c, "legacy_grandfathered"))
			return NULL;
		else if (fb(c, "legacy_public_authority"))
			d = date_of(c, "legacy_public_authority_deadline");
		else
			d = date_of(c, fb(c, "hr_annex_iii") ? "high_risk_annex_iii"
			                                     : "high_risk_annex_i");
	} else if (is(key, "marking_50_2")) {
		d = date_of(c, fb(c, "legacy_50_2") ? "transparency_50_2_legacy_deadline"
		                                    : "transparency");
	} else if (is(key, "gpai_model")) {
		d = date_of(c, fb(c, "legacy_gpai") ? "legacy_gpai_deadline" : "gpai");
	} else {
		d = date_of(c, key);
		art5 = is(key, "prohibitions") || is(key, "prohibitions_2026");
	}
	/* Art. 111(1) postpones everything for Annex X components except Art. 5 */
	x = date_of(c, "legacy_annex_x_deadline");
	if (d && !art5 && fb(c, "legacy_annex_x") && x && strcmp(d, x) < 0)
		d = x;
	return d;
}

static int has_capacity(const struct ctx *c, const char *bearer)
{
	char key[64];
	if (is(bearer, "actor"))
		return 1;
	snprintf(key, sizeof key, "capacity_%s", bearer);
	return fb(c, key);
}

struct collected {
	json_t *obligations;  /* owned */
	json_t *transparency; /* owned */
	int fria, registration;
	const char *earliest_50; /* earliest Art. 50 date for this actor, or NULL */
};

static void collect(const struct ctx *c, struct collected *out)
{
	const char *role = fs(c, "role"), *eff = fs(c, "effective_role");
	json_t *bound = json_object(); /* Art. 50 paragraph ids this actor bears */

	out->obligations = json_array();
	out->transparency = json_array();
	if (!fb(c, "in_scope"))
		goto out;
	for (size_t i = 0; i < c->r->nobligations; i++) {
		const struct aiact_obligation *o = &c->r->obligations[i];
		const char *date, *bearer = o->bearer;
		if (!has_capacity(c, o->bearer) || !aiact_cond_eval(o->when, c->facts))
			continue;
		date = resolve_date(c, o->applies_from);
		if (!date)
			continue;
		if (is(bearer, "actor") ||
		        (is(bearer, "provider") && is(role, "product_manufacturer")))
			bearer = eff;
		json_array_append_new(out->obligations,
		        json_pack("{s:s,s:s,s:s,s:s,s:s}", "id", o->id, "article", o->article,
		                "title", o->title, "bearer", bearer, "applies_from", date));
		out->fria |= o->fria;
		out->registration |= o->registration;
		if (o->transparency) {
			json_object_set_new(bound, o->transparency, json_true());
			if (!out->earliest_50 || strcmp(date, out->earliest_50) < 0)
				out->earliest_50 = date;
		}
	}
	/* in the order of the paragraphs, each once */
	for (size_t p = 0; p < c->r->nparagraphs_50; p++)
		if (json_object_get(bound, c->r->paragraphs_50[p].id))
			json_array_append_new(
			        out->transparency, json_string(c->r->paragraphs_50[p].id));
out:
	json_decref(bound);
}

static const char *risk_category(const struct ctx *c)
{
	if (!fb(c, "in_scope"))
		return "out_of_scope";
	if (fb(c, "prohibited"))
		return "prohibited";
	if (fb(c, "gpai_in_scope"))
		return fb(c, "gpai_systemic") ? "gpai_systemic" : "gpai";
	if (fb(c, "high_risk"))
		return "high_risk";
	if (fb(c, "transparency_triggered"))
		return "limited_risk_transparency";
	return "minimal_risk";
}

/* The date from which the obligations tied to the risk category apply to this actor. */
static const char *main_date(
        const struct ctx *c, const char *category, const struct collected *col, const char **key)
{
	int any = json_array_size(col->obligations) > 0;

	*key = NULL;
	if (is(category, "out_of_scope"))
		return NULL;
	if (is(category, "prohibited")) {
		*key = c->practice->applies_from;
		return resolve_date(c, "practice");
	}
	if (is(category, "gpai") || is(category, "gpai_systemic")) {
		*key = fb(c, "legacy_gpai") ? "legacy_gpai_deadline" : "gpai";
		return any ? resolve_date(c, "gpai_model") : NULL;
	}
	if (is(category, "high_risk")) {
		*key = fb(c, "legacy_annex_x")            ? "legacy_annex_x_deadline"
		       : fb(c, "legacy_public_authority") ? "legacy_public_authority_deadline"
		       : fb(c, "hr_annex_iii")            ? "high_risk_annex_iii"
		                                          : "high_risk_annex_i";
		return resolve_date(c, "high_risk");
	}
	/* a provider relying on Art. 6(3): its 6(4)/49(2) duties define the case */
	if (fb(c, "derogated") &&
	        (fb(c, "capacity_provider") || fb(c, "capacity_authorised_representative"))) {
		*key = "high_risk_annex_iii";
		return resolve_date(c, *key);
	}
	if (is(category, "limited_risk_transparency") && col->earliest_50) {
		*key = is(col->earliest_50, date_of(c, "transparency"))
		               ? "transparency"
		               : "transparency_50_2_legacy_deadline";
		return col->earliest_50;
	}
	if (!any)
		return NULL;
	*key = is(category, "limited_risk_transparency") ? "transparency" : "ai_literacy";
	return resolve_date(c, *key);
}

static json_t *ambiguities(const struct ctx *c)
{
	json_t *out = json_array();
	if (!fb(c, "in_scope"))
		return out;
	for (size_t i = 0; i < c->r->nambiguities; i++) {
		const struct aiact_ambiguity *a = &c->r->ambiguities[i];
		if (aiact_cond_eval(a->when, c->facts))
			json_array_append_new(out, json_pack("{s:s,s:s,s:s}", "id", a->id,
			                                   "article", a->article, "note", a->note));
	}
	return out;
}

static json_t *build_result(struct ctx *c)
{
	struct collected col = {0};
	const char *category = risk_category(c), *key = NULL, *date, *basis = NULL;
	json_t *res, *prohibited = json_array();

	collect(c, &col);
	date = main_date(c, category, &col, &key);
	if (date)
		step(c, "applicability", source_of(c, key),
		        "the obligations of this %s case apply to the %s from %s (%s regime)",
		        category, fs(c, "effective_role"), date, regime_label[c->regime]);
	else
		step(c, "applicability", "Art. 113", "no obligation of this case applies to the %s",
		        fs(c, "effective_role"));
	if (is(category, "high_risk"))
		basis = fb(c, "hr_annex_i_a") || fb(c, "hr_annex_i_b") ? "annex_i" : "annex_iii";
	if (is(category, "prohibited"))
		json_array_append_new(prohibited, json_string(c->practice->id));

	res = json_object();
	json_object_set_new(res, "in_scope", json_boolean(fb(c, "in_scope")));
	json_object_set_new(res, "effective_role", json_string(fs(c, "effective_role")));
	json_object_set_new(res, "risk_category", json_string(category));
	json_object_set_new(res, "high_risk_basis", basis ? json_string(basis) : json_null());
	json_object_set_new(res, "prohibited_practices", prohibited);
	json_object_set_new(res, "transparency_obligations", col.transparency);
	json_object_set_new(res, "obligations", col.obligations);
	json_object_set_new(res, "fria_required", json_boolean(col.fria));
	json_object_set_new(res, "registration_required", json_boolean(col.registration));
	json_object_set_new(res, "applies_from", date ? json_string(date) : json_null());
	json_object_set_new(res, "reasoning", json_incref(c->reasoning));
	json_object_set_new(res, "ambiguities", ambiguities(c));
	json_object_set_new(res, "rule_set_version", json_string(c->r->version));
	json_object_set_new(res, "regime", json_string(regime_label[c->regime]));
	return res;
}

int aiact_classify(const struct aiact_rules *r, const json_t *answers, enum aiact_regime regime,
        json_t **result, struct err *e)
{
	struct ctx c = {0};
	int rc = -1;

	if (!r || !result)
		return err_set(
		        e, ERR_INTERNAL, "", "aiact_classify: no rule set or result pointer");
	*result = NULL;
	if ((unsigned)regime >= AIACT_NREGIMES)
		return err_set(e, ERR_INVALID, "regime", "regime must be amended or original");
	c.r = r;
	c.regime = regime;
	c.answers = answers;
	c.facts = json_object();
	c.reasoning = json_array();
	if (normalise(&c, e) < 0)
		goto out;
	init_facts(&c);
	decide(&c);
	*result = build_result(&c);
	rc = 0;
out:
	json_decref(c.facts);
	json_decref(c.reasoning);
	return rc;
}
