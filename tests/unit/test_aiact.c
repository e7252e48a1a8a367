/*
 * test_aiact.c - Check unit tests for the EU AI Act classifier (domain/aiact*.c) against the
 * shipped rule set catalog/aiact/rules-2026.1.json.
 *
 * The rule set is loaded once, before the suite runs, from $CONCORD_ROOT (default ".") and
 * shared read-only by every test, as the API tier shares it. Each test names the behaviour it
 * proves and asserts exact values: category, role, basis, obligations (article, bearer, date),
 * FRIA and registration flags, dates under both regimes, and the error field for bad input.
 *
 * Answers are written with single quotes for readability; ans() turns them into JSON.
 * Build: see the Makefile (every tests/unit/test_*.c is its own binary). Exit status is
 * non-zero when a test fails.
 */
#define _POSIX_C_SOURCE 200809L /* strdup */

#include "aiact.h"

#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct aiact_rules *rules;
static char rules_path[1024];

/* ---------------------------------------------------------------------------------------- */
/* Helpers                                                                                    */

static json_t *ans(const char *text)
{
	char *buf = strdup(text);
	json_error_t je;
	json_t *doc;
	ck_assert_ptr_nonnull(buf);
	for (char *p = buf; *p; p++)
		if (*p == '\'')
			*p = '"';
	doc = json_loads(buf, JSON_DECODE_ANY, &je);
	if (!doc)
		ck_abort_msg("test answers do not parse: %s: %s", je.text, buf);
	free(buf);
	return doc;
}

static json_t *classify_as(const char *answers, enum aiact_regime regime)
{
	json_t *a = ans(answers), *res = NULL;
	struct err e = {0};
	int rc = aiact_classify(rules, a, regime, &res, &e);
	json_decref(a);
	if (rc != 0)
		ck_abort_msg("classify failed: %s (field %s)", e.message, e.field);
	ck_assert_ptr_nonnull(res);
	return res;
}

static json_t *classify(const char *answers)
{
	return classify_as(answers, AIACT_AMENDED);
}

/* Classify and expect ERR_INVALID naming `field`; returns the message for further checks. */
static void expect_invalid(const char *answers, const char *field, const char *message)
{
	json_t *a = ans(answers), *res = NULL;
	struct err e = {0};
	int rc = aiact_classify(rules, a, AIACT_AMENDED, &res, &e);
	json_decref(a);
	ck_assert_int_eq(rc, -1);
	ck_assert_ptr_null(res);
	ck_assert_int_eq(e.code, ERR_INVALID);
	ck_assert_str_eq(e.field, field);
	if (message)
		ck_assert_str_eq(e.message, message);
}

static const char *str(const json_t *res, const char *key)
{
	return json_string_value(json_object_get(res, key));
}

static int flag(const json_t *res, const char *key)
{
	const json_t *v = json_object_get(res, key);
	ck_assert_msg(json_is_boolean(v), "%s is not a boolean", key);
	return json_is_true(v);
}

/* Join a string array (or the `field` of each object in an array, optionally only those with
 * bearer `bearer`) with commas into a static buffer. */
static const char *join(const json_t *res, const char *key, const char *field, const char *bearer)
{
	static char buf[4096];
	const json_t *arr = json_object_get(res, key), *x;
	size_t i, used = 0;
	buf[0] = '\0';
	ck_assert_msg(json_is_array(arr), "%s is not an array", key);
	json_array_foreach(arr, i, x)
	{
		const char *s;
		if (bearer && strcmp(str(x, "bearer"), bearer) != 0)
			continue;
		s = field ? str(x, field) : json_string_value(x);
		used += (size_t)snprintf(buf + used, sizeof buf - used, "%s%s", used ? "," : "", s);
	}
	return buf;
}

static const char *strings(const json_t *res, const char *key)
{
	return join(res, key, NULL, NULL);
}

static const char *articles(const json_t *res, const char *bearer)
{
	return join(res, "obligations", "article", bearer);
}

/* The applies_from of the obligation with this id, or NULL when absent. */
static const char *obl_date(const json_t *res, const char *id)
{
	size_t i;
	const json_t *x;
	json_array_foreach(json_object_get(res, "obligations"), i, x)
	{
		if (strcmp(str(x, "id"), id) == 0)
			return str(x, "applies_from");
	}
	return NULL;
}

static int has_obl(const json_t *res, const char *id)
{
	return obl_date(res, id) != NULL;
}

static int has_amb(const json_t *res, const char *id)
{
	size_t i;
	const json_t *x;
	json_array_foreach(json_object_get(res, "ambiguities"), i, x)
	{
		if (strcmp(str(x, "id"), id) == 0)
			return 1;
	}
	return 0;
}

static int has_step(const json_t *res, const char *article)
{
	size_t i;
	const json_t *x;
	json_array_foreach(json_object_get(res, "reasoning"), i, x)
	{
		if (strcmp(str(x, "article"), article) == 0)
			return 1;
	}
	return 0;
}

/* The core classification fields in one assertion. */
static void expect_class(const json_t *res, int in_scope, const char *role, const char *category,
        const char *basis, const char *applies_from)
{
	ck_assert_int_eq(flag(res, "in_scope"), in_scope);
	ck_assert_str_eq(str(res, "effective_role"), role);
	ck_assert_str_eq(str(res, "risk_category"), category);
	ck_assert_pstr_eq(str(res, "high_risk_basis"), basis);
	ck_assert_pstr_eq(str(res, "applies_from"), applies_from);
}

static void expect_out_of_scope(const char *answers, const char *role)
{
	json_t *res = classify(answers);
	expect_class(res, 0, role, "out_of_scope", NULL, NULL);
	ck_assert_str_eq(articles(res, NULL), "");
	ck_assert_str_eq(strings(res, "transparency_obligations"), "");
	ck_assert_str_eq(strings(res, "prohibited_practices"), "");
	ck_assert_int_eq(flag(res, "fria_required"), 0);
	ck_assert_int_eq(flag(res, "registration_required"), 0);
	ck_assert_int_eq((int)json_array_size(json_object_get(res, "ambiguities")), 0);
	json_decref(res);
}

static const char *const provider_hr_annex_iii =
        "Art. 4,Art. 8,Art. 9,Art. 10,Art. 11,Art. 12,Art. 13,Art. 14,Art. 15,Art. 16,Art. "
        "17,Art. 18,Art. 19,Art. 20,Art. 21,Art. 43,Art. 47,Art. 48,Art. 49(1),Art. 72,Art. 73";
static const char *const provider_hr_annex_i =
        "Art. 4,Art. 8,Art. 9,Art. 10,Art. 11,Art. 12,Art. 13,Art. 14,Art. 15,Art. 16,Art. "
        "17,Art. 18,Art. 19,Art. 20,Art. 21,Art. 43,Art. 47,Art. 48,Art. 72,Art. 73";

/* ---------------------------------------------------------------------------------------- */
/* Scope: AI system, territory                                                                */

START_TEST(not_an_ai_system_is_out_of_scope)
{
	expect_out_of_scope("{'object':'ai_system','role':'provider','is_ai_system':false,"
	                    "'annex_iii_point':'4(a)'}",
	        "provider");
}
END_TEST

START_TEST(minimal_risk_provider_has_only_ai_literacy_from_feb_2025)
{
	json_t *res = classify("{'object':'ai_system','role':'provider'}");
	expect_class(res, 1, "provider", "minimal_risk", NULL, "2025-02-02");
	ck_assert_str_eq(articles(res, NULL), "Art. 4");
	ck_assert_str_eq(obl_date(res, "art4_provider"), "2025-02-02");
	ck_assert_int_eq(flag(res, "fria_required"), 0);
	ck_assert_int_eq(flag(res, "registration_required"), 0);
	ck_assert_str_eq(str(res, "rule_set_version"), "2026.1");
	ck_assert_str_eq(str(res, "regime"), "amended");
	json_decref(res);
}
END_TEST

START_TEST(minimal_risk_deployer_has_ai_literacy_as_deployer)
{
	json_t *res = classify("{'object':'ai_system','role':'deployer'}");
	expect_class(res, 1, "deployer", "minimal_risk", NULL, "2025-02-02");
	ck_assert_str_eq(articles(res, "deployer"), "Art. 4");
	ck_assert_str_eq(articles(res, NULL), "Art. 4");
	json_decref(res);
}
END_TEST

START_TEST(importer_of_minimal_risk_system_has_no_obligation)
{
	json_t *res = classify("{'object':'ai_system','role':'importer'}");
	expect_class(res, 1, "importer", "minimal_risk", NULL, NULL);
	ck_assert_str_eq(articles(res, NULL), "");
	json_decref(res);
}
END_TEST

START_TEST(provider_without_eu_market_or_eu_output_is_out_of_scope)
{
	expect_out_of_scope("{'object':'ai_system','role':'provider','annex_iii_point':'4(a)',"
	                    "'placed_on_eu_market_or_put_into_service_in_eu':false,'actor_"
	                    "established_in_eu':false,'output_used_in_eu':false}",
	        "provider");
}
END_TEST

START_TEST(third_country_provider_whose_output_is_used_in_eu_is_in_scope_art_2_1_c)
{
	json_t *res = classify("{'object':'ai_system','role':'provider','annex_iii_point':'4(a)',"
	                       "'placed_on_eu_market_or_put_into_service_in_eu':false,'actor_"
	                       "established_in_eu':false,'output_used_in_eu':true}");
	expect_class(res, 1, "provider", "high_risk", "annex_iii", "2027-12-02");
	ck_assert(has_step(res, "Art. 2(1)(c)"));
	ck_assert(has_obl(res, "art22_provider"));
	ck_assert_int_eq(flag(res, "registration_required"), 1);
	ck_assert(has_amb(res, "extraterritorial_provider"));
	json_decref(res);
}
END_TEST

START_TEST(third_country_provider_placing_high_risk_on_eu_market_must_appoint_art_22_rep)
{
	json_t *res = classify("{'object':'ai_system','role':'provider','annex_iii_point':'3(a)',"
	                       "'actor_established_in_eu':false}");
	expect_class(res, 1, "provider", "high_risk", "annex_iii", "2027-12-02");
	ck_assert(has_step(res, "Art. 2(1)(a)"));
	ck_assert_str_eq(obl_date(res, "art22_provider"), "2027-12-02");
	ck_assert(!has_amb(res, "extraterritorial_provider"));
	json_decref(res);
}
END_TEST

START_TEST(eu_provider_has_no_art_22_duty)
{
	json_t *res = classify("{'object':'ai_system','role':'provider','annex_iii_point':'3(a)'}");
	ck_assert_str_eq(articles(res, NULL), provider_hr_annex_iii);
	ck_assert(!has_obl(res, "art22_provider"));
	json_decref(res);
}
END_TEST

START_TEST(third_country_deployer_without_eu_output_is_out_of_scope)
{
	expect_out_of_scope("{'object':'ai_system','role':'deployer','annex_iii_point':'4(a)',"
	                    "'actor_established_in_eu':false}",
	        "deployer");
}
END_TEST

START_TEST(third_country_deployer_whose_output_is_used_in_eu_is_in_scope)
{
	json_t *res = classify("{'object':'ai_system','role':'deployer','annex_iii_point':'4(a)',"
	                       "'actor_established_in_eu':false,'output_used_in_eu':true}");
	expect_class(res, 1, "deployer", "high_risk", "annex_iii", "2027-12-02");
	ck_assert_str_eq(articles(res, NULL), "Art. 4,Art. 26,Art. 86");
	json_decref(res);
}
END_TEST

/* ---------------------------------------------------------------------------------------- */
/* Exclusions (Art. 2)                                                                        */

START_TEST(military_defence_national_security_is_excluded)
{
	expect_out_of_scope("{'object':'ai_system','role':'provider','annex_iii_point':'1(a)',"
	                    "'exclusion':'military_defence_national_security'}",
	        "provider");
}
END_TEST

START_TEST(third_country_public_authority_cooperation_is_excluded)
{
	expect_out_of_scope("{'object':'ai_system','role':'deployer','annex_iii_point':'6(c)',"
	                    "'exclusion':'third_country_public_authority_cooperation'}",
	        "deployer");
}
END_TEST

START_TEST(scientific_research_sole_purpose_is_excluded)
{
	expect_out_of_scope("{'object':'ai_system','role':'provider','interacts_with_natural_"
	                    "persons':true,'exclusion':'scientific_research_sole_purpose'}",
	        "provider");
}
END_TEST

START_TEST(pre_market_research_and_testing_is_excluded)
{
	expect_out_of_scope("{'object':'ai_system','role':'provider','annex_iii_point':'5(b)',"
	                    "'exclusion':'pre_market_research_testing'}",
	        "provider");
}
END_TEST

START_TEST(personal_non_professional_use_excludes_the_deployer)
{
	expect_out_of_scope("{'object':'ai_system','role':'deployer','deepfake':true,"
	                    "'exclusion':'personal_non_professional_use'}",
	        "deployer");
}
END_TEST

START_TEST(personal_use_exclusion_leaves_provider_art_50_2_duty)
{
	json_t *res =
	        classify("{'object':'ai_system','role':'provider','generates_synthetic_content':"
	                 "true,'exclusion':'personal_non_professional_use'}");
	expect_class(res, 1, "provider", "limited_risk_transparency", NULL, "2026-08-02");
	ck_assert_str_eq(strings(res, "transparency_obligations"), "50(2)");
	ck_assert(has_step(res, "Art. 2(10)"));
	json_decref(res);
}
END_TEST

START_TEST(exclusion_applies_before_art_5)
{
	expect_out_of_scope("{'object':'ai_system','role':'provider','prohibited_practice':'5(1)(a)"
	                    "','exclusion':'military_defence_national_security'}",
	        "provider");
}
END_TEST

START_TEST(scientific_research_exclusion_covers_gpai_models)
{
	expect_out_of_scope("{'object':'gpai_model','role':'provider','training_compute_flop':1e26,"
	                    "'exclusion':'scientific_research_sole_purpose'}",
	        "provider");
}
END_TEST

/* ---------------------------------------------------------------------------------------- */
/* Art. 5 prohibited practices                                                                */

static const struct {
	const char *practice;
	const char *role;
	const char *date;
} prohibited_cases[] = {
        {"5(1)(a)", "provider", "2025-02-02"},
        {"5(1)(b)", "deployer", "2025-02-02"},
        {"5(1)(ba)", "provider", "2026-12-02"},
        {"5(1)(bb)", "deployer", "2026-12-02"},
        {"5(1)(c)", "deployer", "2025-02-02"},
        {"5(1)(d)", "provider", "2025-02-02"},
        {"5(1)(e)", "provider", "2025-02-02"},
        {"5(1)(f)", "deployer", "2025-02-02"},
        {"5(1)(g)", "provider", "2025-02-02"},
        {"5(1)(h)", "deployer", "2025-02-02"},
};

START_TEST(each_art_5_practice_is_prohibited_from_its_date)
{
	char answers[256];
	json_t *res;
	snprintf(answers, sizeof answers,
	        "{'object':'ai_system','role':'%s','prohibited_practice':'%s','annex_iii_point':'4("
	        "a)','interacts_with_natural_persons':true}",
	        prohibited_cases[_i].role, prohibited_cases[_i].practice);
	res = classify(answers);
	expect_class(
	        res, 1, prohibited_cases[_i].role, "prohibited", NULL, prohibited_cases[_i].date);
	ck_assert_str_eq(strings(res, "prohibited_practices"), prohibited_cases[_i].practice);
	ck_assert_str_eq(articles(res, NULL), "Art. 5");
	ck_assert_str_eq(join(res, "obligations", "bearer", NULL), prohibited_cases[_i].role);
	ck_assert_str_eq(strings(res, "transparency_obligations"), "");
	ck_assert_int_eq(flag(res, "fria_required"), 0);
	ck_assert_int_eq(flag(res, "registration_required"), 0);
	json_decref(res);
}
END_TEST

START_TEST(new_intimate_deepfake_prohibition_flags_safeguard_ambiguity)
{
	json_t *res = classify("{'object':'ai_system','role':'provider','prohibited_practice':"
	                       "'5(1)(ba)'}");
	ck_assert(has_amb(res, "art_5_1a_safeguards"));
	json_decref(res);
}
END_TEST

START_TEST(social_scoring_flags_its_open_terms)
{
	json_t *res = classify("{'object':'ai_system','role':'deployer','prohibited_practice':"
	                       "'5(1)(c)'}");
	ck_assert(has_amb(res, "art_5_1_c_social_scoring"));
	json_decref(res);
}
END_TEST

START_TEST(real_time_rbi_use_prohibition_does_not_bind_provider)
{
	json_t *res = classify("{'object':'ai_system','role':'provider','prohibited_practice':"
	                       "'5(1)(h)'}");
	expect_class(res, 1, "provider", "high_risk", "annex_iii", "2027-12-02");
	ck_assert_str_eq(strings(res, "prohibited_practices"), "");
	ck_assert_str_eq(articles(res, NULL), provider_hr_annex_iii);
	ck_assert(has_step(res, "Art. 6(2); Annex III point 1(a)"));
	ck_assert(has_amb(res, "art_5_1_h_use_only"));
	json_decref(res);
}
END_TEST

START_TEST(carve_out_objective_facts_lifts_5_1_d_and_annex_iii_6_d_applies)
{
	json_t *res = classify("{'object':'ai_system','role':'deployer','prohibited_practice':"
	                       "'5(1)(d)','prohibited_exception':'objective_verifiable_facts','"
	                       "annex_iii_point':'6(d)','public_authority_deployer':true}");
	expect_class(res, 1, "deployer", "high_risk", "annex_iii", "2027-12-02");
	ck_assert_str_eq(strings(res, "prohibited_practices"), "");
	ck_assert_str_eq(articles(res, NULL), "Art. 4,Art. 26,Art. 27,Art. 49(3),Art. 86");
	ck_assert_int_eq(flag(res, "fria_required"), 1);
	ck_assert_int_eq(flag(res, "registration_required"), 1);
	json_decref(res);
}
END_TEST

START_TEST(carve_out_objective_facts_without_annex_iii_point_is_minimal)
{
	json_t *res = classify("{'object':'ai_system','role':'provider','prohibited_practice':"
	                       "'5(1)(d)','prohibited_exception':'objective_verifiable_facts'}");
	expect_class(res, 1, "provider", "minimal_risk", NULL, "2025-02-02");
	ck_assert_str_eq(articles(res, NULL), "Art. 4");
	json_decref(res);
}
END_TEST

START_TEST(carve_out_medical_or_safety_makes_workplace_emotion_recognition_annex_iii_1_c)
{
	json_t *res = classify("{'object':'ai_system','role':'deployer','prohibited_practice':"
	                       "'5(1)(f)','prohibited_exception':'medical_or_safety'}");
	expect_class(res, 1, "deployer", "high_risk", "annex_iii", "2027-12-02");
	ck_assert_str_eq(strings(res, "transparency_obligations"), "50(3)");
	ck_assert_str_eq(articles(res, NULL), "Art. 4,Art. 26,Art. 86,Art. 50(3)");
	ck_assert_str_eq(obl_date(res, "art50_3"), "2026-08-02");
	ck_assert(has_amb(res, "art_5_1_f_medical_safety"));
	ck_assert(has_amb(res, "emotion_recognition_literal"));
	json_decref(res);
}
END_TEST

START_TEST(carve_out_labelling_lawful_datasets_makes_categorisation_annex_iii_1_b)
{
	json_t *res =
	        classify("{'object':'ai_system','role':'provider','prohibited_practice':'5(1)(g)','"
	                 "prohibited_exception':'labelling_or_filtering_lawful_datasets'}");
	expect_class(res, 1, "provider", "high_risk", "annex_iii", "2027-12-02");
	ck_assert_str_eq(strings(res, "prohibited_practices"), "");
	ck_assert_str_eq(articles(res, NULL), provider_hr_annex_iii);
	ck_assert(has_amb(res, "annex_iii_1b_sensitive_attributes"));
	json_decref(res);
}
END_TEST

START_TEST(carve_out_law_enforcement_rbi_requires_fria_and_registration_art_5_2)
{
	json_t *res = classify("{'object':'ai_system','role':'deployer','prohibited_practice':"
	                       "'5(1)(h)','prohibited_exception':'law_enforcement_authorised_"
	                       "search_or_threat_or_suspect'}");
	expect_class(res, 1, "deployer", "high_risk", "annex_iii", "2027-12-02");
	ck_assert_str_eq(articles(res, NULL), "Art. 5(2),Art. 4,Art. 26,Art. 86");
	ck_assert_str_eq(obl_date(res, "art5_2"), "2025-02-02");
	ck_assert_int_eq(flag(res, "fria_required"), 1);
	ck_assert_int_eq(flag(res, "registration_required"), 1);
	json_decref(res);
}
END_TEST

START_TEST(carve_out_of_another_point_has_no_effect)
{
	json_t *res = classify("{'object':'ai_system','role':'provider','prohibited_practice':"
	                       "'5(1)(e)','prohibited_exception':'medical_or_safety'}");
	expect_class(res, 1, "provider", "prohibited", NULL, "2025-02-02");
	ck_assert_str_eq(strings(res, "prohibited_practices"), "5(1)(e)");
	json_decref(res);
}
END_TEST

START_TEST(open_source_licence_does_not_lift_a_prohibition)
{
	json_t *res = classify("{'object':'ai_system','role':'provider','prohibited_practice':"
	                       "'5(1)(b)','free_open_source':true}");
	expect_class(res, 1, "provider", "prohibited", NULL, "2025-02-02");
	json_decref(res);
}
END_TEST

START_TEST(original_regime_has_no_5_1_ba_and_assesses_the_generator_under_art_50)
{
	json_t *res = classify_as("{'object':'ai_system','role':'provider','prohibited_practice':"
	                          "'5(1)(ba)','generates_synthetic_content':true}",
	        AIACT_ORIGINAL);
	expect_class(res, 1, "provider", "limited_risk_transparency", NULL, "2026-08-02");
	ck_assert_str_eq(strings(res, "prohibited_practices"), "");
	ck_assert_str_eq(strings(res, "transparency_obligations"), "50(2)");
	ck_assert(!has_amb(res, "art_5_1a_safeguards"));
	ck_assert_str_eq(str(res, "regime"), "original");
	json_decref(res);
}
END_TEST

START_TEST(original_regime_keeps_5_1_a_from_feb_2025)
{
	json_t *res = classify_as("{'object':'ai_system','role':'deployer','prohibited_practice':"
	                          "'5(1)(a)'}",
	        AIACT_ORIGINAL);
	expect_class(res, 1, "deployer", "prohibited", NULL, "2025-02-02");
	json_decref(res);
}
END_TEST

/* ---------------------------------------------------------------------------------------- */
/* Annex III and Art. 6(3)                                                                    */

static const char *const annex_iii_points[] = {
        "1(a)",
        "1(b)",
        "1(c)",
        "2",
        "3(a)",
        "3(b)",
        "3(c)",
        "3(d)",
        "4(a)",
        "4(b)",
        "5(a)",
        "5(b)",
        "5(c)",
        "5(d)",
        "6(a)",
        "6(b)",
        "6(c)",
        "6(d)",
        "6(e)",
        "7(a)",
        "7(b)",
        "7(c)",
        "7(d)",
        "8(a)",
        "8(b)",
};

START_TEST(every_annex_iii_point_is_high_risk_from_dec_2027)
{
	char answers[160];
	json_t *res;
	snprintf(answers, sizeof answers,
	        "{'object':'ai_system','role':'provider','annex_iii_point':'%s'}",
	        annex_iii_points[_i]);
	res = classify(answers);
	expect_class(res, 1, "provider", "high_risk", "annex_iii", "2027-12-02");
	ck_assert_int_eq(flag(res, "registration_required"), 1);
	json_decref(res);
	res = classify_as(answers, AIACT_ORIGINAL);
	expect_class(res, 1, "provider", "high_risk", "annex_iii", "2026-08-02");
	json_decref(res);
}
END_TEST

START_TEST(area_1_biometrics_provider_has_full_chapter_iii_and_eu_registration)
{
	json_t *res = classify("{'object':'ai_system','role':'provider','annex_iii_point':'1(a)'}");
	ck_assert_str_eq(articles(res, NULL), provider_hr_annex_iii);
	ck_assert_str_eq(obl_date(res, "art49_1_provider"), "2027-12-02");
	ck_assert_int_eq(flag(res, "fria_required"), 0);
	json_decref(res);
}
END_TEST

START_TEST(area_2_critical_infrastructure_registers_nationally_not_in_eu_database)
{
	json_t *res = classify("{'object':'ai_system','role':'provider','annex_iii_point':'2'}");
	ck_assert(!has_obl(res, "art49_1_provider"));
	ck_assert_str_eq(obl_date(res, "art49_5_provider"), "2027-12-02");
	ck_assert_int_eq(flag(res, "registration_required"), 1);
	json_decref(res);
}
END_TEST

START_TEST(area_2_public_deployer_needs_no_fria_registration_or_art_86)
{
	json_t *res = classify("{'object':'ai_system','role':'deployer','annex_iii_point':'2',"
	                       "'public_authority_deployer':true}");
	expect_class(res, 1, "deployer", "high_risk", "annex_iii", "2027-12-02");
	ck_assert_str_eq(articles(res, NULL), "Art. 4,Art. 26");
	ck_assert_int_eq(flag(res, "fria_required"), 0);
	ck_assert_int_eq(flag(res, "registration_required"), 0);
	json_decref(res);
}
END_TEST

START_TEST(area_3_education_public_deployer_needs_fria_and_registration)
{
	json_t *res = classify("{'object':'ai_system','role':'deployer','annex_iii_point':'3(b)',"
	                       "'public_authority_deployer':true}");
	ck_assert_str_eq(articles(res, NULL), "Art. 4,Art. 26,Art. 27,Art. 49(3),Art. 86");
	ck_assert_int_eq(flag(res, "fria_required"), 1);
	ck_assert_int_eq(flag(res, "registration_required"), 1);
	json_decref(res);
}
END_TEST

START_TEST(area_4_employment_private_deployer_needs_no_fria)
{
	json_t *res = classify("{'object':'ai_system','role':'deployer','annex_iii_point':'4(b)'}");
	expect_class(res, 1, "deployer", "high_risk", "annex_iii", "2027-12-02");
	ck_assert_str_eq(articles(res, NULL), "Art. 4,Art. 26,Art. 86");
	ck_assert_int_eq(flag(res, "fria_required"), 0);
	ck_assert_int_eq(flag(res, "registration_required"), 0);
	json_decref(res);
}
END_TEST

START_TEST(area_5_credit_scoring_needs_fria_from_any_deployer)
{
	json_t *res = classify("{'object':'ai_system','role':'deployer','annex_iii_point':'5(b)'}");
	ck_assert_str_eq(articles(res, NULL), "Art. 4,Art. 26,Art. 27,Art. 86");
	ck_assert_int_eq(flag(res, "fria_required"), 1);
	ck_assert_int_eq(flag(res, "registration_required"), 0);
	json_decref(res);
}
END_TEST

START_TEST(area_5_life_and_health_insurance_needs_fria_from_any_deployer)
{
	json_t *res = classify("{'object':'ai_system','role':'deployer','annex_iii_point':'5(c)'}");
	ck_assert_int_eq(flag(res, "fria_required"), 1);
	json_decref(res);
}
END_TEST

START_TEST(area_5_emergency_triage_private_deployer_needs_no_fria)
{
	json_t *res = classify("{'object':'ai_system','role':'deployer','annex_iii_point':'5(d)'}");
	ck_assert_int_eq(flag(res, "fria_required"), 0);
	json_decref(res);
}
END_TEST

START_TEST(private_entity_providing_public_services_needs_fria_and_flags_recital_96)
{
	json_t *res = classify("{'object':'ai_system','role':'deployer','annex_iii_point':'5(d)',"
	                       "'private_entity_providing_public_services':true}");
	ck_assert_int_eq(flag(res, "fria_required"), 1);
	ck_assert_int_eq(flag(res, "registration_required"), 0);
	ck_assert(has_amb(res, "fria_private_public_services"));
	json_decref(res);
}
END_TEST

START_TEST(area_6_law_enforcement_provider_registers_in_eu_database)
{
	json_t *res = classify("{'object':'ai_system','role':'provider','annex_iii_point':'6(e)'}");
	ck_assert_str_eq(articles(res, NULL), provider_hr_annex_iii);
	ck_assert_int_eq(flag(res, "registration_required"), 1);
	json_decref(res);
}
END_TEST

START_TEST(area_7_migration_public_deployer_needs_fria)
{
	json_t *res = classify("{'object':'ai_system','role':'deployer','annex_iii_point':'7(b)',"
	                       "'public_authority_deployer':true}");
	expect_class(res, 1, "deployer", "high_risk", "annex_iii", "2027-12-02");
	ck_assert_int_eq(flag(res, "fria_required"), 1);
	ck_assert_int_eq(flag(res, "registration_required"), 1);
	json_decref(res);
}
END_TEST

START_TEST(area_8_election_influence_is_high_risk)
{
	json_t *res = classify("{'object':'ai_system','role':'provider','annex_iii_point':'8(b)'}");
	expect_class(res, 1, "provider", "high_risk", "annex_iii", "2027-12-02");
	json_decref(res);
}
END_TEST

START_TEST(emotion_recognition_annex_iii_1_c_flags_literal_reading)
{
	json_t *res = classify("{'object':'ai_system','role':'deployer','annex_iii_point':'1(c)',"
	                       "'emotion_recognition_or_biometric_categorisation':true}");
	ck_assert_str_eq(strings(res, "transparency_obligations"), "50(3)");
	ck_assert(has_amb(res, "emotion_recognition_literal"));
	json_decref(res);
}
END_TEST

static const char *const conditions_6_3[] = {"a", "b", "c", "d"};

START_TEST(each_art_6_3_condition_derogates_with_documentation_and_registration)
{
	char answers[200];
	json_t *res;
	snprintf(answers, sizeof answers,
	        "{'object':'ai_system','role':'provider','annex_iii_point':'4(a)','art_6_3_"
	        "condition':'%s'}",
	        conditions_6_3[_i]);
	res = classify(answers);
	expect_class(res, 1, "provider", "minimal_risk", NULL, "2027-12-02");
	ck_assert_str_eq(articles(res, NULL), "Art. 4,Art. 6(4),Art. 49(2)");
	ck_assert_str_eq(obl_date(res, "art49_2_provider"), "2027-12-02");
	ck_assert_int_eq(flag(res, "registration_required"), 1);
	ck_assert(has_amb(res, "art_6_3_conditions"));
	json_decref(res);
}
END_TEST

START_TEST(profiling_overrides_every_art_6_3_condition)
{
	char answers[240];
	json_t *res;
	snprintf(answers, sizeof answers,
	        "{'object':'ai_system','role':'provider','annex_iii_point':'4(a)','art_6_3_"
	        "condition':'%s','profiling_of_natural_persons':true}",
	        conditions_6_3[_i]);
	res = classify(answers);
	expect_class(res, 1, "provider", "high_risk", "annex_iii", "2027-12-02");
	ck_assert_str_eq(articles(res, NULL), provider_hr_annex_iii);
	ck_assert(has_step(res, "Art. 6(3), third subparagraph"));
	ck_assert(has_amb(res, "profiling_scope"));
	json_decref(res);
}
END_TEST

START_TEST(derogated_system_deployer_has_only_ai_literacy)
{
	json_t *res = classify("{'object':'ai_system','role':'deployer','annex_iii_point':'5(b)',"
	                       "'art_6_3_condition':'d'}");
	expect_class(res, 1, "deployer", "minimal_risk", NULL, "2025-02-02");
	ck_assert_str_eq(articles(res, NULL), "Art. 4");
	ck_assert_int_eq(flag(res, "fria_required"), 0);
	ck_assert_int_eq(flag(res, "registration_required"), 0);
	json_decref(res);
}
END_TEST

START_TEST(derogation_registration_under_original_regime_from_aug_2026)
{
	json_t *res =
	        classify_as("{'object':'ai_system','role':'provider','annex_iii_point':'3(b)',"
	                    "'art_6_3_condition':'b'}",
	                AIACT_ORIGINAL);
	expect_class(res, 1, "provider", "minimal_risk", NULL, "2026-08-02");
	ck_assert_str_eq(obl_date(res, "art6_4"), "2026-08-02");
	ck_assert(!has_amb(res, "high_risk_date_gap"));
	json_decref(res);
}
END_TEST

START_TEST(derogated_chatbot_stays_limited_risk_with_art_50_1)
{
	json_t *res = classify("{'object':'ai_system','role':'provider','annex_iii_point':'4(a)',"
	                       "'art_6_3_condition':'a','interacts_with_natural_persons':true}");
	expect_class(res, 1, "provider", "limited_risk_transparency", NULL, "2027-12-02");
	ck_assert_str_eq(strings(res, "transparency_obligations"), "50(1)");
	ck_assert_str_eq(articles(res, NULL), "Art. 4,Art. 6(4),Art. 49(2),Art. 50(1)");
	json_decref(res);
}
END_TEST

/* ---------------------------------------------------------------------------------------- */
/* Annex I (Art. 6(1))                                                                        */

START_TEST(annex_i_section_a_with_third_party_assessment_is_high_risk_from_aug_2028)
{
	json_t *res = classify("{'object':'ai_system','role':'provider','annex_i_legislation':"
	                       "'section_a','annex_i_safety_component_or_product':true,'annex_i_"
	                       "third_party_conformity_assessment':true}");
	expect_class(res, 1, "provider", "high_risk", "annex_i", "2028-08-02");
	ck_assert_str_eq(articles(res, NULL), provider_hr_annex_i);
	ck_assert_int_eq(flag(res, "registration_required"), 0);
	ck_assert(has_amb(res, "safety_component_scope"));
	json_decref(res);
}
END_TEST

START_TEST(annex_i_section_a_under_original_regime_from_aug_2027)
{
	json_t *res = classify_as("{'object':'ai_system','role':'provider','annex_i_legislation':"
	                          "'section_a','annex_i_safety_component_or_product':true,'annex_i_"
	                          "third_party_conformity_assessment':true}",
	        AIACT_ORIGINAL);
	expect_class(res, 1, "provider", "high_risk", "annex_i", "2027-08-02");
	json_decref(res);
}
END_TEST

START_TEST(annex_i_section_a_without_third_party_assessment_is_not_high_risk)
{
	json_t *res = classify("{'object':'ai_system','role':'provider','annex_i_legislation':"
	                       "'section_a','annex_i_safety_component_or_product':true,'annex_i_"
	                       "third_party_conformity_assessment':false}");
	expect_class(res, 1, "provider", "minimal_risk", NULL, "2025-02-02");
	ck_assert(has_step(res, "Art. 6(1)(b); Art. 6(1c)"));
	json_decref(res);
}
END_TEST

START_TEST(annex_i_non_safety_component_is_not_high_risk)
{
	json_t *res = classify("{'object':'ai_system','role':'provider','annex_i_legislation':"
	                       "'section_a','annex_i_safety_component_or_product':false,'annex_i_"
	                       "third_party_conformity_assessment':true}");
	expect_class(res, 1, "provider", "minimal_risk", NULL, "2025-02-02");
	ck_assert(has_step(res, "Art. 6(1)(a); Art. 6(1a)"));
	json_decref(res);
}
END_TEST

START_TEST(annex_i_section_b_is_high_risk_but_only_art_6_1_applies_art_2_2)
{
	json_t *res = classify(
	        "{'object':'ai_system','role':'provider','annex_i_legislation':"
	        "'section_b','annex_i_safety_component_or_product':true,'annex_i_third_party_"
	        "conformity_assessment':true,'interacts_with_natural_persons':true}");
	expect_class(res, 1, "provider", "high_risk", "annex_i", "2028-08-02");
	ck_assert_str_eq(articles(res, NULL), "");
	ck_assert_str_eq(strings(res, "transparency_obligations"), "");
	ck_assert_int_eq(flag(res, "registration_required"), 0);
	ck_assert(has_amb(res, "section_b_sectoral_route"));
	json_decref(res);
}
END_TEST

START_TEST(annex_i_section_b_without_third_party_assessment_keeps_art_50)
{
	json_t *res = classify("{'object':'ai_system','role':'provider','annex_i_legislation':"
	                       "'section_b','annex_i_safety_component_or_product':true,'interacts_"
	                       "with_natural_persons':true}");
	expect_class(res, 1, "provider", "limited_risk_transparency", NULL, "2026-08-02");
	ck_assert_str_eq(strings(res, "transparency_obligations"), "50(1)");
	json_decref(res);
}
END_TEST

START_TEST(annex_i_section_a_deployer_has_art_26_but_no_fria)
{
	json_t *res =
	        classify("{'object':'ai_system','role':'deployer','annex_i_legislation':"
	                 "'section_a','annex_i_safety_component_or_product':true,'annex_i_third_"
	                 "party_conformity_assessment':true,'public_authority_deployer':true}");
	expect_class(res, 1, "deployer", "high_risk", "annex_i", "2028-08-02");
	ck_assert_str_eq(articles(res, NULL), "Art. 4,Art. 26");
	ck_assert_int_eq(flag(res, "fria_required"), 0);
	ck_assert_int_eq(flag(res, "registration_required"), 0);
	json_decref(res);
}
END_TEST

START_TEST(product_manufacturer_of_section_a_safety_component_is_provider_art_25_3)
{
	json_t *res = classify("{'object':'ai_system','role':'product_manufacturer',"
	                       "'annex_i_legislation':'section_a','annex_i_safety_component_or_"
	                       "product':true,'annex_i_third_party_conformity_assessment':true}");
	expect_class(res, 1, "provider", "high_risk", "annex_i", "2028-08-02");
	ck_assert_str_eq(articles(res, "provider"), provider_hr_annex_i);
	ck_assert(has_step(res, "Art. 25(3)"));
	json_decref(res);
}
END_TEST

START_TEST(product_manufacturer_of_minimal_system_bears_provider_side_duties)
{
	json_t *res = classify("{'object':'ai_system','role':'product_manufacturer',"
	                       "'interacts_with_natural_persons':true}");
	expect_class(
	        res, 1, "product_manufacturer", "limited_risk_transparency", NULL, "2026-08-02");
	ck_assert_str_eq(articles(res, "product_manufacturer"), "Art. 4,Art. 50(1)");
	ck_assert_str_eq(strings(res, "transparency_obligations"), "50(1)");
	json_decref(res);
}
END_TEST

START_TEST(system_in_annex_i_and_annex_iii_reports_annex_i_with_annex_iii_duties)
{
	json_t *res = classify("{'object':'ai_system','role':'provider','annex_i_legislation':"
	                       "'section_a','annex_i_safety_component_or_product':true,'annex_i_"
	                       "third_party_conformity_assessment':true,'annex_iii_point':'5(d)'}");
	expect_class(res, 1, "provider", "high_risk", "annex_i", "2027-12-02");
	ck_assert_int_eq(flag(res, "registration_required"), 1);
	ck_assert(has_amb(res, "dual_high_risk_basis"));
	json_decref(res);
}
END_TEST

START_TEST(art_6_3_condition_cannot_derogate_an_annex_i_high_risk_system)
{
	json_t *res = classify(
	        "{'object':'ai_system','role':'provider','annex_i_legislation':"
	        "'section_a','annex_i_safety_component_or_product':true,'annex_i_third_party_"
	        "conformity_assessment':true,'annex_iii_point':'5(d)','art_6_3_condition':'a'}");
	expect_class(res, 1, "provider", "high_risk", "annex_i", "2028-08-02");
	ck_assert(!has_obl(res, "art6_4"));
	ck_assert_int_eq(flag(res, "registration_required"), 0);
	json_decref(res);
}
END_TEST

/* ---------------------------------------------------------------------------------------- */
/* Art. 25 and the other roles                                                                */

START_TEST(distributor_rebranding_high_risk_system_becomes_provider_art_25_1_a)
{
	json_t *res =
	        classify("{'object':'ai_system','role':'distributor','annex_iii_point':'4(a)',"
	                 "'art_25_trigger':'own_name_or_trademark'}");
	expect_class(res, 1, "provider", "high_risk", "annex_iii", "2027-12-02");
	ck_assert_str_eq(articles(res, NULL), provider_hr_annex_iii);
	ck_assert(!has_obl(res, "art24"));
	ck_assert(has_step(res, "Art. 25(1)(a)"));
	json_decref(res);
}
END_TEST

START_TEST(importer_substantially_modifying_high_risk_system_becomes_provider_art_25_1_b)
{
	json_t *res = classify("{'object':'ai_system','role':'importer','annex_iii_point':'3(a)',"
	                       "'art_25_trigger':'substantial_modification'}");
	expect_class(res, 1, "provider", "high_risk", "annex_iii", "2027-12-02");
	ck_assert(!has_obl(res, "art23"));
	ck_assert(has_obl(res, "art16"));
	ck_assert(has_step(res, "Art. 25(1)(b)"));
	json_decref(res);
}
END_TEST

START_TEST(deployer_repurposing_to_high_risk_becomes_provider_and_keeps_deployer_duties)
{
	json_t *res = classify("{'object':'ai_system','role':'deployer','annex_iii_point':'4(a)',"
	                       "'art_25_trigger':'intended_purpose_changed_to_high_risk'}");
	expect_class(res, 1, "provider", "high_risk", "annex_iii", "2027-12-02");
	ck_assert_str_eq(articles(res, "provider"), provider_hr_annex_iii);
	ck_assert_str_eq(articles(res, "deployer"), "Art. 4,Art. 26,Art. 86");
	ck_assert(has_step(res, "Art. 25(1)(c)"));
	json_decref(res);
}
END_TEST

START_TEST(art_25_trigger_on_non_high_risk_system_changes_no_role)
{
	json_t *res = classify("{'object':'ai_system','role':'deployer',"
	                       "'art_25_trigger':'substantial_modification'}");
	expect_class(res, 1, "deployer", "minimal_risk", NULL, "2025-02-02");
	ck_assert_str_eq(articles(res, NULL), "Art. 4");
	json_decref(res);
}
END_TEST

START_TEST(art_25_does_not_apply_to_section_b_systems)
{
	json_t *res = classify(
	        "{'object':'ai_system','role':'distributor','annex_i_legislation':"
	        "'section_b','annex_i_safety_component_or_product':true,'annex_i_third_party_"
	        "conformity_assessment':true,'art_25_trigger':'own_name_or_trademark'}");
	expect_class(res, 1, "distributor", "high_risk", "annex_i", "2028-08-02");
	ck_assert_str_eq(articles(res, NULL), "");
	json_decref(res);
}
END_TEST

START_TEST(importer_of_high_risk_system_has_art_23)
{
	json_t *res = classify("{'object':'ai_system','role':'importer','annex_iii_point':'5(a)'}");
	expect_class(res, 1, "importer", "high_risk", "annex_iii", "2027-12-02");
	ck_assert_str_eq(articles(res, NULL), "Art. 23");
	ck_assert_int_eq(flag(res, "registration_required"), 0);
	json_decref(res);
}
END_TEST

START_TEST(distributor_of_high_risk_system_has_art_24)
{
	json_t *res =
	        classify("{'object':'ai_system','role':'distributor','annex_iii_point':'5(a)'}");
	expect_class(res, 1, "distributor", "high_risk", "annex_iii", "2027-12-02");
	ck_assert_str_eq(articles(res, NULL), "Art. 24");
	json_decref(res);
}
END_TEST

START_TEST(authorised_representative_has_art_22_and_registers_on_providers_behalf)
{
	json_t *res = classify("{'object':'ai_system','role':'authorised_representative',"
	                       "'annex_iii_point':'4(a)'}");
	expect_class(res, 1, "authorised_representative", "high_risk", "annex_iii", "2027-12-02");
	ck_assert_str_eq(articles(res, NULL), "Art. 22,Art. 49(1)");
	ck_assert_int_eq(flag(res, "registration_required"), 1);
	json_decref(res);
}
END_TEST

START_TEST(authorised_representative_of_section_a_system_does_not_register)
{
	json_t *res = classify("{'object':'ai_system','role':'authorised_representative',"
	                       "'annex_i_legislation':'section_a','annex_i_safety_component_or_"
	                       "product':true,'annex_i_third_party_conformity_assessment':true}");
	ck_assert_str_eq(articles(res, NULL), "Art. 22");
	ck_assert_int_eq(flag(res, "registration_required"), 0);
	json_decref(res);
}
END_TEST

/* ---------------------------------------------------------------------------------------- */
/* Art. 50 transparency                                                                       */

START_TEST(chatbot_provider_must_disclose_ai_interaction_art_50_1)
{
	json_t *res = classify("{'object':'ai_system','role':'provider',"
	                       "'interacts_with_natural_persons':true}");
	expect_class(res, 1, "provider", "limited_risk_transparency", NULL, "2026-08-02");
	ck_assert_str_eq(strings(res, "transparency_obligations"), "50(1)");
	ck_assert_str_eq(articles(res, NULL), "Art. 4,Art. 50(1)");
	ck_assert_str_eq(obl_date(res, "art50_1"), "2026-08-02");
	json_decref(res);
}
END_TEST

START_TEST(art_50_1_does_not_apply_when_ai_interaction_is_obvious)
{
	json_t *res = classify(
	        "{'object':'ai_system','role':'provider',"
	        "'interacts_with_natural_persons':true,'obvious_to_reasonable_person':true}");
	expect_class(res, 1, "provider", "minimal_risk", NULL, "2025-02-02");
	ck_assert_str_eq(strings(res, "transparency_obligations"), "");
	json_decref(res);
}
END_TEST

START_TEST(art_50_1_does_not_apply_to_law_enforcement_system)
{
	json_t *res = classify(
	        "{'object':'ai_system','role':'provider',"
	        "'interacts_with_natural_persons':true,'law_enforcement_authorised_use':true}");
	expect_class(res, 1, "provider", "minimal_risk", NULL, "2025-02-02");
	json_decref(res);
}
END_TEST

START_TEST(art_50_1_applies_to_law_enforcement_system_open_to_public_crime_reports)
{
	json_t *res = classify("{'object':'ai_system','role':'provider',"
	                       "'interacts_with_natural_persons':true,'law_enforcement_authorised_"
	                       "use':true,'available_to_public_to_report_crime':true}");
	ck_assert_str_eq(strings(res, "transparency_obligations"), "50(1)");
	json_decref(res);
}
END_TEST

START_TEST(chatbot_deployer_is_limited_risk_without_own_art_50_duty)
{
	json_t *res = classify("{'object':'ai_system','role':'deployer',"
	                       "'interacts_with_natural_persons':true}");
	expect_class(res, 1, "deployer", "limited_risk_transparency", NULL, "2026-08-02");
	ck_assert_str_eq(strings(res, "transparency_obligations"), "");
	ck_assert_str_eq(articles(res, NULL), "Art. 4");
	json_decref(res);
}
END_TEST

START_TEST(generator_provider_must_mark_outputs_art_50_2)
{
	json_t *res = classify("{'object':'ai_system','role':'provider',"
	                       "'generates_synthetic_content':true}");
	expect_class(res, 1, "provider", "limited_risk_transparency", NULL, "2026-08-02");
	ck_assert_str_eq(strings(res, "transparency_obligations"), "50(2)");
	ck_assert_str_eq(obl_date(res, "art50_2"), "2026-08-02");
	json_decref(res);
}
END_TEST

START_TEST(art_50_2_does_not_apply_to_assistive_editing)
{
	json_t *res = classify("{'object':'ai_system','role':'provider',"
	                       "'generates_synthetic_content':true,'assistive_editing_only':true}");
	expect_class(res, 1, "provider", "minimal_risk", NULL, "2025-02-02");
	json_decref(res);
}
END_TEST

START_TEST(art_50_2_does_not_apply_to_law_enforcement_use)
{
	json_t *res = classify(
	        "{'object':'ai_system','role':'provider',"
	        "'generates_synthetic_content':true,'law_enforcement_authorised_use':true}");
	ck_assert_str_eq(strings(res, "transparency_obligations"), "");
	ck_assert_str_eq(str(res, "risk_category"), "minimal_risk");
	json_decref(res);
}
END_TEST

START_TEST(emotion_recognition_deployer_must_inform_art_50_3)
{
	json_t *res = classify("{'object':'ai_system','role':'deployer',"
	                       "'emotion_recognition_or_biometric_categorisation':true}");
	expect_class(res, 1, "deployer", "limited_risk_transparency", NULL, "2026-08-02");
	ck_assert_str_eq(strings(res, "transparency_obligations"), "50(3)");
	ck_assert_str_eq(articles(res, NULL), "Art. 4,Art. 50(3)");
	ck_assert(has_amb(res, "emotion_recognition_literal"));
	json_decref(res);
}
END_TEST

START_TEST(art_50_3_does_not_apply_to_law_enforcement_use)
{
	json_t *res = classify("{'object':'ai_system','role':'deployer',"
	                       "'emotion_recognition_or_biometric_categorisation':true,'law_"
	                       "enforcement_authorised_use':true}");
	expect_class(res, 1, "deployer", "minimal_risk", NULL, "2025-02-02");
	json_decref(res);
}
END_TEST

START_TEST(deepfake_deployer_must_disclose_art_50_4_first_subparagraph)
{
	json_t *res = classify("{'object':'ai_system','role':'deployer','deepfake':true}");
	expect_class(res, 1, "deployer", "limited_risk_transparency", NULL, "2026-08-02");
	ck_assert_str_eq(strings(res, "transparency_obligations"), "50(4)");
	ck_assert(has_obl(res, "art50_4_deepfake"));
	ck_assert(!has_obl(res, "art50_4_deepfake_artistic"));
	json_decref(res);
}
END_TEST

START_TEST(artistic_deepfake_keeps_a_limited_art_50_4_duty)
{
	json_t *res = classify("{'object':'ai_system','role':'deployer','deepfake':true,"
	                       "'evidently_artistic_creative_satirical_fictional':true}");
	ck_assert_str_eq(strings(res, "transparency_obligations"), "50(4)");
	ck_assert(has_obl(res, "art50_4_deepfake_artistic"));
	ck_assert(!has_obl(res, "art50_4_deepfake"));
	json_decref(res);
}
END_TEST

START_TEST(deepfake_authorised_for_law_enforcement_needs_no_disclosure)
{
	json_t *res = classify("{'object':'ai_system','role':'deployer','deepfake':true,"
	                       "'law_enforcement_authorised_use':true}");
	ck_assert_str_eq(strings(res, "transparency_obligations"), "");
	ck_assert_str_eq(str(res, "risk_category"), "minimal_risk");
	json_decref(res);
}
END_TEST

START_TEST(public_interest_text_deployer_must_disclose_art_50_4_second_subparagraph)
{
	json_t *res =
	        classify("{'object':'ai_system','role':'deployer','public_interest_text':true}");
	ck_assert_str_eq(strings(res, "transparency_obligations"), "50(4)");
	ck_assert(has_obl(res, "art50_4_text"));
	json_decref(res);
}
END_TEST

START_TEST(public_interest_text_under_editorial_control_needs_no_disclosure)
{
	json_t *res =
	        classify("{'object':'ai_system','role':'deployer','public_interest_text':true,"
	                 "'human_editorial_control':true}");
	expect_class(res, 1, "deployer", "minimal_risk", NULL, "2025-02-02");
	ck_assert_str_eq(strings(res, "transparency_obligations"), "");
	json_decref(res);
}
END_TEST

START_TEST(deepfake_duty_binds_deployer_not_provider)
{
	json_t *res = classify("{'object':'ai_system','role':'provider','deepfake':true}");
	expect_class(res, 1, "provider", "limited_risk_transparency", NULL, "2026-08-02");
	ck_assert_str_eq(strings(res, "transparency_obligations"), "");
	json_decref(res);
}
END_TEST

static const char *const all_art_50 =
        "'interacts_with_natural_persons':true,'generates_synthetic_content':true,'emotion_"
        "recognition_or_biometric_categorisation':true,'deepfake':true,'public_interest_text':true";

START_TEST(provider_bears_art_50_1_and_2_deployer_bears_art_50_3_and_4)
{
	char answers[400];
	json_t *res;
	snprintf(
	        answers, sizeof answers, "{'object':'ai_system','role':'provider',%s}", all_art_50);
	res = classify(answers);
	ck_assert_str_eq(strings(res, "transparency_obligations"), "50(1),50(2)");
	json_decref(res);
	snprintf(
	        answers, sizeof answers, "{'object':'ai_system','role':'deployer',%s}", all_art_50);
	res = classify(answers);
	ck_assert_str_eq(strings(res, "transparency_obligations"), "50(3),50(4)");
	ck_assert_str_eq(articles(res, NULL), "Art. 4,Art. 50(3),Art. 50(4),Art. 50(4)");
	json_decref(res);
	snprintf(
	        answers, sizeof answers, "{'object':'ai_system','role':'importer',%s}", all_art_50);
	res = classify(answers);
	expect_class(res, 1, "importer", "limited_risk_transparency", NULL, NULL);
	ck_assert_str_eq(strings(res, "transparency_obligations"), "");
	json_decref(res);
}
END_TEST

START_TEST(high_risk_chatbot_stays_high_risk_and_carries_art_50_1)
{
	json_t *res = classify("{'object':'ai_system','role':'provider','annex_iii_point':'4(a)',"
	                       "'interacts_with_natural_persons':true}");
	expect_class(res, 1, "provider", "high_risk", "annex_iii", "2027-12-02");
	ck_assert_str_eq(strings(res, "transparency_obligations"), "50(1)");
	ck_assert_str_eq(obl_date(res, "art50_1"), "2026-08-02");
	json_decref(res);
}
END_TEST

/* ---------------------------------------------------------------------------------------- */
/* Open source (Art. 2(12))                                                                   */

START_TEST(open_source_minimal_risk_system_is_excluded)
{
	expect_out_of_scope(
	        "{'object':'ai_system','role':'provider','free_open_source':true}", "provider");
}
END_TEST

START_TEST(open_source_system_under_art_50_is_in_scope)
{
	json_t *res = classify("{'object':'ai_system','role':'provider','free_open_source':true,"
	                       "'generates_synthetic_content':true}");
	expect_class(res, 1, "provider", "limited_risk_transparency", NULL, "2026-08-02");
	ck_assert_str_eq(articles(res, NULL), "Art. 4,Art. 50(2)");
	ck_assert(has_amb(res, "open_source_art_50_scope"));
	json_decref(res);
}
END_TEST

START_TEST(open_source_high_risk_system_is_in_scope)
{
	json_t *res = classify("{'object':'ai_system','role':'provider','free_open_source':true,"
	                       "'annex_iii_point':'4(a)'}");
	expect_class(res, 1, "provider", "high_risk", "annex_iii", "2027-12-02");
	ck_assert_str_eq(articles(res, NULL), provider_hr_annex_iii);
	json_decref(res);
}
END_TEST

START_TEST(open_source_derogated_annex_iii_system_is_excluded)
{
	expect_out_of_scope("{'object':'ai_system','role':'provider','free_open_source':true,"
	                    "'annex_iii_point':'4(a)','art_6_3_condition':'a'}",
	        "provider");
}
END_TEST

/* ---------------------------------------------------------------------------------------- */
/* General-purpose AI models                                                                  */

START_TEST(gpai_below_threshold_has_art_53_from_aug_2025)
{
	json_t *res = classify("{'object':'gpai_model','role':'provider','training_compute_flop':"
	                       "3e24}");
	expect_class(res, 1, "provider", "gpai", NULL, "2025-08-02");
	ck_assert_str_eq(articles(res, NULL), "Art. 53");
	ck_assert(has_obl(res, "art53_full"));
	ck_assert_int_eq(flag(res, "registration_required"), 0);
	json_decref(res);
}
END_TEST

START_TEST(gpai_at_exactly_threshold_is_not_presumed_systemic)
{
	json_t *res = classify("{'object':'gpai_model','role':'provider','training_compute_flop':"
	                       "1e25}");
	expect_class(res, 1, "provider", "gpai", NULL, "2025-08-02");
	json_decref(res);
}
END_TEST

START_TEST(gpai_above_threshold_is_systemic_with_arts_52_and_55)
{
	json_t *res = classify("{'object':'gpai_model','role':'provider','training_compute_flop':"
	                       "2e25}");
	expect_class(res, 1, "provider", "gpai_systemic", NULL, "2025-08-02");
	ck_assert_str_eq(articles(res, NULL), "Art. 53,Art. 52,Art. 55");
	ck_assert(has_step(res, "Art. 51(2)"));
	json_decref(res);
}
END_TEST

START_TEST(gpai_designated_by_commission_is_systemic_without_compute)
{
	json_t *res = classify("{'object':'gpai_model','role':'provider',"
	                       "'designated_systemic_by_commission':true}");
	expect_class(res, 1, "provider", "gpai_systemic", NULL, "2025-08-02");
	ck_assert_str_eq(articles(res, NULL), "Art. 53,Art. 52,Art. 55");
	ck_assert(has_step(res, "Art. 51(1)(b)"));
	json_decref(res);
}
END_TEST

START_TEST(open_weights_gpai_without_systemic_risk_gets_art_53_2_and_54_6_relief)
{
	json_t *res = classify("{'object':'gpai_model','role':'provider','training_compute_flop':"
	                       "1e24,'free_open_source':true,'open_weights_public':true,'actor_"
	                       "established_in_eu':false}");
	expect_class(res, 1, "provider", "gpai", NULL, "2025-08-02");
	ck_assert_str_eq(articles(res, NULL), "Art. 53");
	ck_assert(has_obl(res, "art53_open_source"));
	ck_assert(!has_obl(res, "art54_provider"));
	json_decref(res);
}
END_TEST

START_TEST(open_weights_gpai_with_systemic_risk_loses_relief)
{
	json_t *res = classify("{'object':'gpai_model','role':'provider','training_compute_flop':"
	                       "5e25,'free_open_source':true,'open_weights_public':true,'actor_"
	                       "established_in_eu':false}");
	expect_class(res, 1, "provider", "gpai_systemic", NULL, "2025-08-02");
	ck_assert_str_eq(articles(res, NULL), "Art. 53,Art. 54,Art. 52,Art. 55");
	ck_assert(has_obl(res, "art53_full"));
	json_decref(res);
}
END_TEST

START_TEST(public_weights_without_open_source_licence_get_no_relief)
{
	json_t *res =
	        classify("{'object':'gpai_model','role':'provider','open_weights_public':true}");
	ck_assert(has_obl(res, "art53_full"));
	ck_assert(!has_obl(res, "art53_open_source"));
	json_decref(res);
}
END_TEST

START_TEST(third_country_gpai_provider_must_appoint_representative_art_54)
{
	json_t *res = classify("{'object':'gpai_model','role':'provider','actor_established_in_eu':"
	                       "false}");
	ck_assert_str_eq(articles(res, NULL), "Art. 53,Art. 54");
	ck_assert_str_eq(obl_date(res, "art54_provider"), "2025-08-02");
	json_decref(res);
}
END_TEST

START_TEST(gpai_authorised_representative_has_art_54_tasks)
{
	json_t *res = classify("{'object':'gpai_model','role':'authorised_representative'}");
	expect_class(res, 1, "authorised_representative", "gpai", NULL, "2025-08-02");
	ck_assert_str_eq(articles(res, NULL), "Art. 54");
	json_decref(res);
}
END_TEST

START_TEST(gpai_not_placed_on_eu_market_is_out_of_scope)
{
	expect_out_of_scope(
	        "{'object':'gpai_model','role':'provider','training_compute_flop':1e26,"
	        "'placed_on_eu_market_or_put_into_service_in_eu':false,'output_used_in_eu':true}",
	        "provider");
}
END_TEST

START_TEST(legacy_gpai_model_has_until_aug_2027_art_111_3)
{
	json_t *res = classify("{'object':'gpai_model','role':'provider','placed_on_market_date':"
	                       "'2025-03-01','training_compute_flop':2e25}");
	expect_class(res, 1, "provider", "gpai_systemic", NULL, "2027-08-02");
	ck_assert_str_eq(obl_date(res, "art55"), "2027-08-02");
	json_decref(res);
	res = classify("{'object':'gpai_model','role':'provider','placed_on_market_date':"
	               "'2025-08-02'}");
	expect_class(res, 1, "provider", "gpai", NULL, "2025-08-02");
	json_decref(res);
}
END_TEST

START_TEST(deployer_of_gpai_model_has_no_chapter_v_obligation)
{
	json_t *res =
	        classify("{'object':'gpai_model','role':'deployer','training_compute_flop':1e26}");
	expect_class(res, 1, "deployer", "gpai_systemic", NULL, NULL);
	ck_assert_str_eq(articles(res, NULL), "");
	ck_assert(has_amb(res, "gpai_downstream_modification"));
	json_decref(res);
}
END_TEST

/* ---------------------------------------------------------------------------------------- */
/* Art. 111 legacy systems and dates per regime                                               */

START_TEST(legacy_annex_iii_system_without_design_change_is_grandfathered)
{
	json_t *res = classify("{'object':'ai_system','role':'provider','annex_iii_point':'4(a)',"
	                       "'placed_on_market_date':'2027-12-01'}");
	expect_class(res, 1, "provider", "high_risk", "annex_iii", NULL);
	ck_assert_str_eq(articles(res, NULL), "Art. 4");
	ck_assert_int_eq(flag(res, "registration_required"), 0);
	ck_assert(has_amb(res, "legacy_significant_change"));
	json_decref(res);
}
END_TEST

START_TEST(annex_iii_system_placed_on_the_application_date_is_not_legacy)
{
	json_t *res = classify("{'object':'ai_system','role':'provider','annex_iii_point':'4(a)',"
	                       "'placed_on_market_date':'2027-12-02'}");
	expect_class(res, 1, "provider", "high_risk", "annex_iii", "2027-12-02");
	ck_assert_str_eq(articles(res, NULL), provider_hr_annex_iii);
	json_decref(res);
}
END_TEST

START_TEST(legacy_system_with_significant_design_change_is_caught)
{
	json_t *res =
	        classify("{'object':'ai_system','role':'deployer','annex_iii_point':'5(b)',"
	                 "'placed_on_market_date':'2026-05-01','significant_design_change':true}");
	expect_class(res, 1, "deployer", "high_risk", "annex_iii", "2027-12-02");
	ck_assert_int_eq(flag(res, "fria_required"), 1);
	json_decref(res);
}
END_TEST

START_TEST(legacy_system_for_public_authorities_must_comply_by_aug_2030)
{
	json_t *res =
	        classify("{'object':'ai_system','role':'deployer','annex_iii_point':'5(a)',"
	                 "'placed_on_market_date':'2026-05-01','public_authority_deployer':true}");
	expect_class(res, 1, "deployer", "high_risk", "annex_iii", "2030-08-02");
	ck_assert_str_eq(obl_date(res, "art26"), "2030-08-02");
	ck_assert_str_eq(obl_date(res, "art4_deployer"), "2025-02-02");
	ck_assert_int_eq(flag(res, "fria_required"), 1);
	ck_assert_int_eq(flag(res, "registration_required"), 1);
	json_decref(res);
}
END_TEST

START_TEST(legacy_cutoff_differs_between_regimes)
{
	const char *answers = "{'object':'ai_system','role':'provider','annex_iii_point':'4(a)',"
	                      "'placed_on_market_date':'2027-01-15'}";
	json_t *res = classify(answers);
	expect_class(res, 1, "provider", "high_risk", "annex_iii", NULL);
	json_decref(res);
	res = classify_as(answers, AIACT_ORIGINAL);
	expect_class(res, 1, "provider", "high_risk", "annex_iii", "2026-08-02");
	ck_assert_str_eq(articles(res, NULL), provider_hr_annex_iii);
	json_decref(res);
}
END_TEST

START_TEST(legacy_annex_i_cutoff_is_aug_2028_under_amended_regime)
{
	const char *answers =
	        "{'object':'ai_system','role':'provider','annex_i_legislation':"
	        "'section_a','annex_i_safety_component_or_product':true,'annex_i_third_party_"
	        "conformity_assessment':true,'placed_on_market_date':'2028-01-01'}";
	json_t *res = classify(answers);
	expect_class(res, 1, "provider", "high_risk", "annex_i", NULL);
	json_decref(res);
	res = classify_as(answers, AIACT_ORIGINAL);
	expect_class(res, 1, "provider", "high_risk", "annex_i", "2027-08-02");
	json_decref(res);
}
END_TEST

START_TEST(annex_x_large_scale_it_component_has_until_end_2030_art_111_1)
{
	json_t *res = classify("{'object':'ai_system','role':'provider','annex_iii_point':'7(b)',"
	                       "'annex_x_large_scale_it_system':true,'placed_on_market_date':'2027-"
	                       "01-01','public_authority_deployer':true}");
	expect_class(res, 1, "provider", "high_risk", "annex_iii", "2030-12-31");
	ck_assert_str_eq(obl_date(res, "art4_provider"), "2030-12-31");
	ck_assert_str_eq(obl_date(res, "art49_1_provider"), "2030-12-31");
	json_decref(res);
}
END_TEST

START_TEST(generative_system_already_on_market_gets_art_50_2_grace_until_dec_2026)
{
	const char *answers = "{'object':'ai_system','role':'provider','generates_synthetic_"
	                      "content':true,'placed_on_market_date':'2026-03-01'}";
	json_t *res = classify(answers);
	expect_class(res, 1, "provider", "limited_risk_transparency", NULL, "2026-12-02");
	ck_assert_str_eq(obl_date(res, "art50_2"), "2026-12-02");
	ck_assert(has_step(res, "Art. 111(4)"));
	json_decref(res);
	res = classify_as(answers, AIACT_ORIGINAL);
	expect_class(res, 1, "provider", "limited_risk_transparency", NULL, "2026-08-02");
	json_decref(res);
}
END_TEST

START_TEST(art_50_1_gets_no_grace_period_for_systems_already_on_market)
{
	json_t *res = classify(
	        "{'object':'ai_system','role':'provider','generates_synthetic_content':"
	        "true,'interacts_with_natural_persons':true,'placed_on_market_date':'2026-03-01'}");
	ck_assert_str_eq(obl_date(res, "art50_1"), "2026-08-02");
	ck_assert_str_eq(obl_date(res, "art50_2"), "2026-12-02");
	ck_assert_str_eq(str(res, "applies_from"), "2026-08-02");
	json_decref(res);
}
END_TEST

START_TEST(minimal_risk_and_gpai_dates_are_the_same_in_both_regimes)
{
	json_t *res = classify_as("{'object':'ai_system','role':'deployer'}", AIACT_ORIGINAL);
	expect_class(res, 1, "deployer", "minimal_risk", NULL, "2025-02-02");
	json_decref(res);
	res = classify_as("{'object':'gpai_model','role':'provider'}", AIACT_ORIGINAL);
	expect_class(res, 1, "provider", "gpai", NULL, "2025-08-02");
	json_decref(res);
}
END_TEST

START_TEST(high_risk_date_gap_is_flagged_only_under_amended_regime)
{
	const char *answers = "{'object':'ai_system','role':'provider','annex_iii_point':'8(a)'}";
	json_t *res = classify(answers);
	ck_assert(has_amb(res, "high_risk_date_gap"));
	json_decref(res);
	res = classify_as(answers, AIACT_ORIGINAL);
	ck_assert(!has_amb(res, "high_risk_date_gap"));
	json_decref(res);
}
END_TEST

/* ---------------------------------------------------------------------------------------- */
/* Bad input                                                                                  */

START_TEST(unknown_key_is_rejected_naming_the_key)
{
	expect_invalid("{'object':'ai_system','role':'provider','risk':'high'}", "risk",
	        "unknown key \"risk\": allowed keys are the questions of rule set 2026.1 (see "
	        "the questionnaire)");
}
END_TEST

START_TEST(wrong_type_for_boolean_is_rejected)
{
	expect_invalid("{'object':'ai_system','role':'provider','deepfake':'yes'}", "deepfake",
	        "deepfake must be true or false");
}
END_TEST

START_TEST(null_for_boolean_is_rejected)
{
	expect_invalid("{'object':'ai_system','role':'provider','free_open_source':null}",
	        "free_open_source", "free_open_source must be true or false");
}
END_TEST

START_TEST(bad_role_value_lists_allowed_roles)
{
	expect_invalid("{'object':'ai_system','role':'user'}", "role",
	        "role must be one of: provider, deployer, importer, distributor, "
	        "authorised_representative, product_manufacturer");
}
END_TEST

START_TEST(bad_object_value_is_rejected)
{
	expect_invalid("{'object':'model','role':'provider'}", "object",
	        "object must be one of: ai_system, gpai_model");
}
END_TEST

START_TEST(missing_object_and_role_are_rejected)
{
	expect_invalid("{'role':'provider'}", "object",
	        "object is required and must be one of: ai_system, gpai_model");
	expect_invalid("{'object':'ai_system'}", "role", NULL);
}
END_TEST

START_TEST(answers_must_be_an_object)
{
	expect_invalid("['ai_system']", "", "answers must be a JSON object");
}
END_TEST

START_TEST(bad_annex_iii_point_is_rejected)
{
	expect_invalid("{'object':'ai_system','role':'provider','annex_iii_point':'2(a)'}",
	        "annex_iii_point", NULL);
	expect_invalid("{'object':'ai_system','role':'provider','annex_iii_point':'9(a)'}",
	        "annex_iii_point", NULL);
}
END_TEST

START_TEST(bad_prohibited_practice_and_exception_are_rejected)
{
	expect_invalid("{'object':'ai_system','role':'provider','prohibited_practice':'5(1)(i)'}",
	        "prohibited_practice", NULL);
	expect_invalid("{'object':'ai_system','role':'provider','prohibited_exception':'consent'}",
	        "prohibited_exception", NULL);
	expect_invalid(
	        "{'object':'ai_system','role':'provider','exclusion':'hobby'}", "exclusion", NULL);
	expect_invalid("{'object':'ai_system','role':'provider','art_6_3_condition':'e'}",
	        "art_6_3_condition", "art_6_3_condition must be null or one of: a, b, c, d");
	expect_invalid("{'object':'ai_system','role':'deployer','art_25_trigger':'rebrand'}",
	        "art_25_trigger", NULL);
	expect_invalid("{'object':'ai_system','role':'provider','annex_i_legislation':'section_c'}",
	        "annex_i_legislation",
	        "annex_i_legislation must be null or one of: section_a, section_b");
}
END_TEST

START_TEST(bad_training_compute_is_rejected)
{
	expect_invalid("{'object':'gpai_model','role':'provider','training_compute_flop':-1}",
	        "training_compute_flop",
	        "training_compute_flop must be a non-negative number or null");
	expect_invalid("{'object':'gpai_model','role':'provider','training_compute_flop':'1e25'}",
	        "training_compute_flop", NULL);
}
END_TEST

static const char *const bad_dates[] = {
        "2025-02-29",
        "2025-13-01",
        "2025-00-10",
        "2025-04-31",
        "0000-01-01",
        "25-01-01",
        "2025-1-01",
        "2025/01/01",
        "2025-01-01T00:00:00Z",
        "",
};

START_TEST(bad_dates_are_rejected)
{
	char answers[200];
	snprintf(answers, sizeof answers,
	        "{'object':'ai_system','role':'provider','placed_on_market_date':'%s'}",
	        bad_dates[_i]);
	expect_invalid(answers, "placed_on_market_date",
	        "placed_on_market_date must be a calendar date \"YYYY-MM-DD\" or null");
}
END_TEST

START_TEST(leap_day_and_null_dates_are_accepted)
{
	json_t *res = classify("{'object':'ai_system','role':'provider','placed_on_market_date':"
	                       "'2024-02-29'}");
	ck_assert_str_eq(str(res, "risk_category"), "minimal_risk");
	json_decref(res);
	res = classify("{'object':'ai_system','role':'provider','placed_on_market_date':null}");
	ck_assert_str_eq(str(res, "risk_category"), "minimal_risk");
	json_decref(res);
}
END_TEST

START_TEST(bad_regime_value_is_rejected)
{
	json_t *a = ans("{'object':'ai_system','role':'provider'}"), *res = NULL;
	struct err e = {0};
	ck_assert_int_eq(aiact_classify(rules, a, (enum aiact_regime)7, &res, &e), -1);
	ck_assert_int_eq(e.code, ERR_INVALID);
	ck_assert_str_eq(e.field, "regime");
	ck_assert_ptr_null(res);
	json_decref(a);
}
END_TEST

/* ---------------------------------------------------------------------------------------- */
/* API: regime parsing, questionnaire, loading, reasoning, threads                            */

START_TEST(regime_parse_accepts_amended_original_and_null)
{
	enum aiact_regime g = AIACT_ORIGINAL;
	ck_assert_int_eq(aiact_regime_parse(NULL, &g), 0);
	ck_assert_int_eq(g, AIACT_AMENDED);
	ck_assert_int_eq(aiact_regime_parse("original", &g), 0);
	ck_assert_int_eq(g, AIACT_ORIGINAL);
	ck_assert_int_eq(aiact_regime_parse("amended", &g), 0);
	ck_assert_int_eq(g, AIACT_AMENDED);
	ck_assert_int_eq(aiact_regime_parse("2024", &g), -1);
	ck_assert_int_eq(aiact_regime_parse("", &g), -1);
	ck_assert_int_eq(aiact_regime_parse("Amended", &g), -1);
}
END_TEST

START_TEST(rule_set_reports_its_version)
{
	ck_assert_str_eq(aiact_rules_version(rules), "2026.1");
}
END_TEST

static const json_t *question(const json_t *qn, const char *key)
{
	size_t i;
	const json_t *q;
	json_array_foreach(json_object_get(qn, "questions"), i, q)
	{
		if (strcmp(str(q, "key"), key) == 0)
			return q;
	}
	return NULL;
}

START_TEST(questionnaire_lists_every_input_with_type_values_and_ask_if)
{
	json_t *qn = aiact_questionnaire(rules);
	const json_t *q;
	const char *expected;
	ck_assert_str_eq(str(qn, "rule_set_version"), "2026.1");
	ck_assert_int_eq((int)json_array_size(json_object_get(qn, "questions")), 36);
	q = question(qn, "object");
	ck_assert_int_eq(flag(q, "required"), 1);
	ck_assert_str_eq(str(q, "type"), "enum");
	ck_assert_str_eq(join(q, "values", "value", NULL), "ai_system,gpai_model");
	ck_assert(json_is_true(json_object_get(q, "ask_if")));
	q = question(qn, "annex_iii_point");
	ck_assert_int_eq((int)json_array_size(json_object_get(q, "values")), 25);
	ck_assert_int_eq(flag(q, "nullable"), 1);
	q = question(qn, "prohibited_practice");
	expected =
	        "5(1)(a),5(1)(b),5(1)(ba),5(1)(bb),5(1)(c),5(1)(d),5(1)(e),5(1)(f),5(1)(g),5(1)(h)";
	ck_assert_str_eq(join(q, "values", "value", NULL), expected);
	q = question(qn, "prohibited_exception");
	ck_assert_str_eq(str(q, "article"), "Art. 5(1)(d), (f), (g), (h); Art. 5(2)-(7)");
	ck_assert_ptr_nonnull(json_object_get(json_object_get(q, "ask_if"), "in"));
	q = question(qn, "training_compute_flop");
	ck_assert_str_eq(str(q, "type"), "number");
	ck_assert(json_is_null(json_object_get(q, "default")));
	q = question(qn, "placed_on_eu_market_or_put_into_service_in_eu");
	ck_assert(json_is_true(json_object_get(q, "default")));
	ck_assert_ptr_nonnull(str(q, "text"));
	ck_assert_ptr_nonnull(str(q, "help"));
	json_decref(qn);
}
END_TEST

START_TEST(questionnaire_is_a_fresh_copy_each_call)
{
	json_t *a = aiact_questionnaire(rules), *b = aiact_questionnaire(rules);
	ck_assert_ptr_ne(a, b);
	json_array_clear(json_object_get(a, "questions"));
	ck_assert_int_eq((int)json_array_size(json_object_get(b, "questions")), 36);
	json_decref(a);
	json_decref(b);
}
END_TEST

START_TEST(missing_rule_file_is_not_found)
{
	struct aiact_rules *r = (struct aiact_rules *)&r;
	struct err e = {0};
	ck_assert_int_eq(aiact_rules_load_file("/nonexistent/rules.json", &r, &e), -1);
	ck_assert_ptr_null(r);
	ck_assert_int_eq(e.code, ERR_NOT_FOUND);
}
END_TEST

/* Load the shipped document, let `mutate` break it, and expect ERR_INVALID at `field`. */
static void expect_bad_rules(void (*mutate)(json_t *doc), const char *field)
{
	json_error_t je;
	json_t *doc = json_load_file(rules_path, 0, &je);
	struct aiact_rules *r = NULL;
	struct err e = {0};
	ck_assert_ptr_nonnull(doc);
	mutate(doc);
	ck_assert_int_eq(aiact_rules_load_json(doc, &r, &e), -1);
	ck_assert_ptr_null(r);
	ck_assert_int_eq(e.code, ERR_INVALID);
	ck_assert_str_eq(e.field, field);
	json_decref(doc);
}

static void drop_date(json_t *doc)
{
	json_object_del(
	        json_object_get(
	                json_object_get(json_object_get(doc, "regimes"), "original"), "dates"),
	        "high_risk_annex_iii");
}

static void unknown_fact(json_t *doc)
{
	json_object_set_new(json_array_get(json_object_get(doc, "obligations"), 2), "when",
	        json_string("is_big"));
}

static void forward_ask_if(json_t *doc)
{
	json_object_set_new(json_array_get(json_object_get(doc, "questionnaire"), 1), "ask_if",
	        json_string("role"));
}

static void bad_threshold(json_t *doc)
{
	json_object_set_new(
	        json_object_get(json_object_get(doc, "thresholds"), "gpai_systemic_training_flop"),
	        "value", json_string("1e25"));
}

static void unknown_role_value(json_t *doc)
{
	json_array_append_new(json_object_get(doc, "roles"),
	        json_pack("{s:s,s:s,s:s}", "id", "operator", "article", "Art. 3(8)", "title",
	                "operator"));
}

static void bad_date_key(json_t *doc)
{
	json_object_set_new(json_array_get(json_object_get(doc, "obligations"), 2), "applies_from",
	        json_string("someday"));
}

START_TEST(rule_set_missing_a_regime_date_is_rejected)
{
	expect_bad_rules(drop_date, "regimes.original.dates.high_risk_annex_iii");
}
END_TEST

START_TEST(rule_set_condition_naming_unknown_fact_is_rejected)
{
	expect_bad_rules(unknown_fact, "obligations[2].when");
}
END_TEST

START_TEST(rule_set_ask_if_naming_a_later_question_is_rejected)
{
	expect_bad_rules(forward_ask_if, "questionnaire[1].ask_if");
}
END_TEST

START_TEST(rule_set_non_numeric_threshold_is_rejected)
{
	expect_bad_rules(bad_threshold, "thresholds.gpai_systemic_training_flop.value");
}
END_TEST

START_TEST(rule_set_role_unknown_to_the_engine_is_rejected)
{
	expect_bad_rules(unknown_role_value, "questionnaire.role");
}
END_TEST

START_TEST(rule_set_obligation_with_unknown_date_key_is_rejected)
{
	expect_bad_rules(bad_date_key, "obligations[2]");
}
END_TEST

START_TEST(rule_set_threshold_comes_from_data)
{
	json_error_t je;
	json_t *doc = json_load_file(rules_path, 0, &je), *a, *res = NULL;
	struct aiact_rules *r = NULL;
	struct err e = {0};
	json_object_set_new(
	        json_object_get(json_object_get(doc, "thresholds"), "gpai_systemic_training_flop"),
	        "value", json_real(1e24));
	ck_assert_int_eq(aiact_rules_load_json(doc, &r, &e), 0);
	a = ans("{'object':'gpai_model','role':'provider','training_compute_flop':2e24}");
	ck_assert_int_eq(aiact_classify(r, a, AIACT_AMENDED, &res, &e), 0);
	ck_assert_str_eq(str(res, "risk_category"), "gpai_systemic");
	json_decref(res);
	json_decref(a);
	json_decref(doc);
	aiact_rules_free(r);
}
END_TEST

START_TEST(reasoning_follows_the_decision_procedure_in_order)
{
	json_t *res = classify("{'object':'ai_system','role':'deployer','annex_iii_point':'4(a)',"
	                       "'interacts_with_natural_persons':true}");
	ck_assert_str_eq(join(res, "reasoning", "step", NULL),
	        "object,territorial_scope,exclusions,prohibited_practices,high_risk_annex_i,high_"
	        "risk_annex_iii,transparency,applicability");
	ck_assert_str_eq(join(res, "reasoning", "article", NULL),
	        "Art. 3(1),Art. 2(1)(b),Art. 2(3)-(10),Art. 5,Art. 6(1),Art. 6(2); Annex III "
	        "point 4(a),Art. 50(1),Art. 113(c)(i) as amended by Reg. (EU) 2026/1744");
	json_decref(res);
}
END_TEST

START_TEST(obligation_entries_have_article_title_bearer_and_date)
{
	json_t *res = classify("{'object':'ai_system','role':'deployer','annex_iii_point':'4(a)'}");
	const json_t *o = json_array_get(json_object_get(res, "obligations"), 1);
	ck_assert_str_eq(str(o, "article"), "Art. 26");
	ck_assert_str_eq(str(o, "bearer"), "deployer");
	ck_assert_str_eq(str(o, "applies_from"), "2027-12-02");
	ck_assert_int_gt((int)strlen(str(o, "title")), 10);
	json_decref(res);
}
END_TEST

START_TEST(answers_are_borrowed_and_left_unchanged)
{
	json_t *a = ans("{'object':'ai_system','role':'provider','annex_iii_point':'4(a)'}");
	char *before = json_dumps(a, JSON_SORT_KEYS), *after;
	json_t *res = NULL;
	struct err e = {0};
	ck_assert_int_eq(aiact_classify(rules, a, AIACT_AMENDED, &res, &e), 0);
	after = json_dumps(a, JSON_SORT_KEYS);
	ck_assert_str_eq(after, before);
	ck_assert_int_eq((int)a->refcount, 1);
	free(before);
	free(after);
	json_decref(res);
	json_decref(a);
}
END_TEST

struct worker {
	const char *answers;
	char *out;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	for (int i = 0; i < 50; i++) {
		json_t *res = classify(w->answers);
		free(w->out);
		w->out = json_dumps(res, JSON_SORT_KEYS);
		json_decref(res);
	}
	return NULL;
}

START_TEST(shared_rule_set_classifies_concurrently)
{
	pthread_t t[4];
	struct worker w[4] = {{0}};
	const char *answers = "{'object':'ai_system','role':'deployer','annex_iii_point':'5(b)',"
	                      "'deepfake':true}";
	json_t *res = classify(answers);
	char *expected = json_dumps(res, JSON_SORT_KEYS);
	json_decref(res);
	for (int i = 0; i < 4; i++) {
		w[i].answers = answers;
		ck_assert_int_eq(pthread_create(&t[i], NULL, work, &w[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		ck_assert_str_eq(w[i].out, expected);
		free(w[i].out);
	}
	free(expected);
}
END_TEST

/* ---------------------------------------------------------------------------------------- */

static Suite *aiact_suite(void)
{
	Suite *s = suite_create("aiact");
	TCase *scope = tcase_create("scope"), *excl = tcase_create("exclusions");
	TCase *art5 = tcase_create("art5"), *annex3 = tcase_create("annex_iii");
	TCase *annex1 = tcase_create("annex_i"), *chain = tcase_create("value_chain");
	TCase *art50 = tcase_create("art50"), *foss = tcase_create("open_source");
	TCase *gpai = tcase_create("gpai"), *legacy = tcase_create("legacy_and_dates");
	TCase *input = tcase_create("bad_input"), *api = tcase_create("api");
	int n_prohibited = (int)(sizeof prohibited_cases / sizeof prohibited_cases[0]);
	int n_points = (int)(sizeof annex_iii_points / sizeof annex_iii_points[0]);
	int n_dates = (int)(sizeof bad_dates / sizeof bad_dates[0]);

	tcase_add_test(scope, not_an_ai_system_is_out_of_scope);
	tcase_add_test(scope, minimal_risk_provider_has_only_ai_literacy_from_feb_2025);
	tcase_add_test(scope, minimal_risk_deployer_has_ai_literacy_as_deployer);
	tcase_add_test(scope, importer_of_minimal_risk_system_has_no_obligation);
	tcase_add_test(scope, provider_without_eu_market_or_eu_output_is_out_of_scope);
	tcase_add_test(
	        scope, third_country_provider_whose_output_is_used_in_eu_is_in_scope_art_2_1_c);
	tcase_add_test(scope,
	        third_country_provider_placing_high_risk_on_eu_market_must_appoint_art_22_rep);
	tcase_add_test(scope, eu_provider_has_no_art_22_duty);
	tcase_add_test(scope, third_country_deployer_without_eu_output_is_out_of_scope);
	tcase_add_test(scope, third_country_deployer_whose_output_is_used_in_eu_is_in_scope);
	suite_add_tcase(s, scope);

	tcase_add_test(excl, military_defence_national_security_is_excluded);
	tcase_add_test(excl, third_country_public_authority_cooperation_is_excluded);
	tcase_add_test(excl, scientific_research_sole_purpose_is_excluded);
	tcase_add_test(excl, pre_market_research_and_testing_is_excluded);
	tcase_add_test(excl, personal_non_professional_use_excludes_the_deployer);
	tcase_add_test(excl, personal_use_exclusion_leaves_provider_art_50_2_duty);
	tcase_add_test(excl, exclusion_applies_before_art_5);
	tcase_add_test(excl, scientific_research_exclusion_covers_gpai_models);
	suite_add_tcase(s, excl);

	tcase_add_loop_test(art5, each_art_5_practice_is_prohibited_from_its_date, 0, n_prohibited);
	tcase_add_test(art5, new_intimate_deepfake_prohibition_flags_safeguard_ambiguity);
	tcase_add_test(art5, social_scoring_flags_its_open_terms);
	tcase_add_test(art5, real_time_rbi_use_prohibition_does_not_bind_provider);
	tcase_add_test(art5, carve_out_objective_facts_lifts_5_1_d_and_annex_iii_6_d_applies);
	tcase_add_test(art5, carve_out_objective_facts_without_annex_iii_point_is_minimal);
	tcase_add_test(art5,
	        carve_out_medical_or_safety_makes_workplace_emotion_recognition_annex_iii_1_c);
	tcase_add_test(
	        art5, carve_out_labelling_lawful_datasets_makes_categorisation_annex_iii_1_b);
	tcase_add_test(art5, carve_out_law_enforcement_rbi_requires_fria_and_registration_art_5_2);
	tcase_add_test(art5, carve_out_of_another_point_has_no_effect);
	tcase_add_test(art5, open_source_licence_does_not_lift_a_prohibition);
	tcase_add_test(art5, original_regime_has_no_5_1_ba_and_assesses_the_generator_under_art_50);
	tcase_add_test(art5, original_regime_keeps_5_1_a_from_feb_2025);
	suite_add_tcase(s, art5);

	tcase_add_loop_test(annex3, every_annex_iii_point_is_high_risk_from_dec_2027, 0, n_points);
	tcase_add_test(annex3, area_1_biometrics_provider_has_full_chapter_iii_and_eu_registration);
	tcase_add_test(
	        annex3, area_2_critical_infrastructure_registers_nationally_not_in_eu_database);
	tcase_add_test(annex3, area_2_public_deployer_needs_no_fria_registration_or_art_86);
	tcase_add_test(annex3, area_3_education_public_deployer_needs_fria_and_registration);
	tcase_add_test(annex3, area_4_employment_private_deployer_needs_no_fria);
	tcase_add_test(annex3, area_5_credit_scoring_needs_fria_from_any_deployer);
	tcase_add_test(annex3, area_5_life_and_health_insurance_needs_fria_from_any_deployer);
	tcase_add_test(annex3, area_5_emergency_triage_private_deployer_needs_no_fria);
	tcase_add_test(
	        annex3, private_entity_providing_public_services_needs_fria_and_flags_recital_96);
	tcase_add_test(annex3, area_6_law_enforcement_provider_registers_in_eu_database);
	tcase_add_test(annex3, area_7_migration_public_deployer_needs_fria);
	tcase_add_test(annex3, area_8_election_influence_is_high_risk);
	tcase_add_test(annex3, emotion_recognition_annex_iii_1_c_flags_literal_reading);
	tcase_add_loop_test(
	        annex3, each_art_6_3_condition_derogates_with_documentation_and_registration, 0, 4);
	tcase_add_loop_test(annex3, profiling_overrides_every_art_6_3_condition, 0, 4);
	tcase_add_test(annex3, derogated_system_deployer_has_only_ai_literacy);
	tcase_add_test(annex3, derogation_registration_under_original_regime_from_aug_2026);
	tcase_add_test(annex3, derogated_chatbot_stays_limited_risk_with_art_50_1);
	suite_add_tcase(s, annex3);

	tcase_add_test(
	        annex1, annex_i_section_a_with_third_party_assessment_is_high_risk_from_aug_2028);
	tcase_add_test(annex1, annex_i_section_a_under_original_regime_from_aug_2027);
	tcase_add_test(annex1, annex_i_section_a_without_third_party_assessment_is_not_high_risk);
	tcase_add_test(annex1, annex_i_non_safety_component_is_not_high_risk);
	tcase_add_test(annex1, annex_i_section_b_is_high_risk_but_only_art_6_1_applies_art_2_2);
	tcase_add_test(annex1, annex_i_section_b_without_third_party_assessment_keeps_art_50);
	tcase_add_test(annex1, annex_i_section_a_deployer_has_art_26_but_no_fria);
	tcase_add_test(
	        annex1, product_manufacturer_of_section_a_safety_component_is_provider_art_25_3);
	tcase_add_test(annex1, product_manufacturer_of_minimal_system_bears_provider_side_duties);
	tcase_add_test(
	        annex1, system_in_annex_i_and_annex_iii_reports_annex_i_with_annex_iii_duties);
	tcase_add_test(annex1, art_6_3_condition_cannot_derogate_an_annex_i_high_risk_system);
	suite_add_tcase(s, annex1);

	tcase_add_test(chain, distributor_rebranding_high_risk_system_becomes_provider_art_25_1_a);
	tcase_add_test(chain,
	        importer_substantially_modifying_high_risk_system_becomes_provider_art_25_1_b);
	tcase_add_test(chain,
	        deployer_repurposing_to_high_risk_becomes_provider_and_keeps_deployer_duties);
	tcase_add_test(chain, art_25_trigger_on_non_high_risk_system_changes_no_role);
	tcase_add_test(chain, art_25_does_not_apply_to_section_b_systems);
	tcase_add_test(chain, importer_of_high_risk_system_has_art_23);
	tcase_add_test(chain, distributor_of_high_risk_system_has_art_24);
	tcase_add_test(
	        chain, authorised_representative_has_art_22_and_registers_on_providers_behalf);
	tcase_add_test(chain, authorised_representative_of_section_a_system_does_not_register);
	suite_add_tcase(s, chain);

	tcase_add_test(art50, chatbot_provider_must_disclose_ai_interaction_art_50_1);
	tcase_add_test(art50, art_50_1_does_not_apply_when_ai_interaction_is_obvious);
	tcase_add_test(art50, art_50_1_does_not_apply_to_law_enforcement_system);
	tcase_add_test(
	        art50, art_50_1_applies_to_law_enforcement_system_open_to_public_crime_reports);
	tcase_add_test(art50, chatbot_deployer_is_limited_risk_without_own_art_50_duty);
	tcase_add_test(art50, generator_provider_must_mark_outputs_art_50_2);
	tcase_add_test(art50, art_50_2_does_not_apply_to_assistive_editing);
	tcase_add_test(art50, art_50_2_does_not_apply_to_law_enforcement_use);
	tcase_add_test(art50, emotion_recognition_deployer_must_inform_art_50_3);
	tcase_add_test(art50, art_50_3_does_not_apply_to_law_enforcement_use);
	tcase_add_test(art50, deepfake_deployer_must_disclose_art_50_4_first_subparagraph);
	tcase_add_test(art50, artistic_deepfake_keeps_a_limited_art_50_4_duty);
	tcase_add_test(art50, deepfake_authorised_for_law_enforcement_needs_no_disclosure);
	tcase_add_test(
	        art50, public_interest_text_deployer_must_disclose_art_50_4_second_subparagraph);
	tcase_add_test(art50, public_interest_text_under_editorial_control_needs_no_disclosure);
	tcase_add_test(art50, deepfake_duty_binds_deployer_not_provider);
	tcase_add_test(art50, provider_bears_art_50_1_and_2_deployer_bears_art_50_3_and_4);
	tcase_add_test(art50, high_risk_chatbot_stays_high_risk_and_carries_art_50_1);
	suite_add_tcase(s, art50);

	tcase_add_test(foss, open_source_minimal_risk_system_is_excluded);
	tcase_add_test(foss, open_source_system_under_art_50_is_in_scope);
	tcase_add_test(foss, open_source_high_risk_system_is_in_scope);
	tcase_add_test(foss, open_source_derogated_annex_iii_system_is_excluded);
	suite_add_tcase(s, foss);

	tcase_add_test(gpai, gpai_below_threshold_has_art_53_from_aug_2025);
	tcase_add_test(gpai, gpai_at_exactly_threshold_is_not_presumed_systemic);
	tcase_add_test(gpai, gpai_above_threshold_is_systemic_with_arts_52_and_55);
	tcase_add_test(gpai, gpai_designated_by_commission_is_systemic_without_compute);
	tcase_add_test(gpai, open_weights_gpai_without_systemic_risk_gets_art_53_2_and_54_6_relief);
	tcase_add_test(gpai, open_weights_gpai_with_systemic_risk_loses_relief);
	tcase_add_test(gpai, public_weights_without_open_source_licence_get_no_relief);
	tcase_add_test(gpai, third_country_gpai_provider_must_appoint_representative_art_54);
	tcase_add_test(gpai, gpai_authorised_representative_has_art_54_tasks);
	tcase_add_test(gpai, gpai_not_placed_on_eu_market_is_out_of_scope);
	tcase_add_test(gpai, legacy_gpai_model_has_until_aug_2027_art_111_3);
	tcase_add_test(gpai, deployer_of_gpai_model_has_no_chapter_v_obligation);
	suite_add_tcase(s, gpai);

	tcase_add_test(legacy, legacy_annex_iii_system_without_design_change_is_grandfathered);
	tcase_add_test(legacy, annex_iii_system_placed_on_the_application_date_is_not_legacy);
	tcase_add_test(legacy, legacy_system_with_significant_design_change_is_caught);
	tcase_add_test(legacy, legacy_system_for_public_authorities_must_comply_by_aug_2030);
	tcase_add_test(legacy, legacy_cutoff_differs_between_regimes);
	tcase_add_test(legacy, legacy_annex_i_cutoff_is_aug_2028_under_amended_regime);
	tcase_add_test(legacy, annex_x_large_scale_it_component_has_until_end_2030_art_111_1);
	tcase_add_test(
	        legacy, generative_system_already_on_market_gets_art_50_2_grace_until_dec_2026);
	tcase_add_test(legacy, art_50_1_gets_no_grace_period_for_systems_already_on_market);
	tcase_add_test(legacy, minimal_risk_and_gpai_dates_are_the_same_in_both_regimes);
	tcase_add_test(legacy, high_risk_date_gap_is_flagged_only_under_amended_regime);
	suite_add_tcase(s, legacy);

	tcase_add_test(input, unknown_key_is_rejected_naming_the_key);
	tcase_add_test(input, wrong_type_for_boolean_is_rejected);
	tcase_add_test(input, null_for_boolean_is_rejected);
	tcase_add_test(input, bad_role_value_lists_allowed_roles);
	tcase_add_test(input, bad_object_value_is_rejected);
	tcase_add_test(input, missing_object_and_role_are_rejected);
	tcase_add_test(input, answers_must_be_an_object);
	tcase_add_test(input, bad_annex_iii_point_is_rejected);
	tcase_add_test(input, bad_prohibited_practice_and_exception_are_rejected);
	tcase_add_test(input, bad_training_compute_is_rejected);
	tcase_add_loop_test(input, bad_dates_are_rejected, 0, n_dates);
	tcase_add_test(input, leap_day_and_null_dates_are_accepted);
	tcase_add_test(input, bad_regime_value_is_rejected);
	suite_add_tcase(s, input);

	tcase_add_test(api, regime_parse_accepts_amended_original_and_null);
	tcase_add_test(api, rule_set_reports_its_version);
	tcase_add_test(api, questionnaire_lists_every_input_with_type_values_and_ask_if);
	tcase_add_test(api, questionnaire_is_a_fresh_copy_each_call);
	tcase_add_test(api, missing_rule_file_is_not_found);
	tcase_add_test(api, rule_set_missing_a_regime_date_is_rejected);
	tcase_add_test(api, rule_set_condition_naming_unknown_fact_is_rejected);
	tcase_add_test(api, rule_set_ask_if_naming_a_later_question_is_rejected);
	tcase_add_test(api, rule_set_non_numeric_threshold_is_rejected);
	tcase_add_test(api, rule_set_role_unknown_to_the_engine_is_rejected);
	tcase_add_test(api, rule_set_obligation_with_unknown_date_key_is_rejected);
	tcase_add_test(api, rule_set_threshold_comes_from_data);
	tcase_add_test(api, reasoning_follows_the_decision_procedure_in_order);
	tcase_add_test(api, obligation_entries_have_article_title_bearer_and_date);
	tcase_add_test(api, answers_are_borrowed_and_left_unchanged);
	tcase_add_test(api, shared_rule_set_classifies_concurrently);
	suite_add_tcase(s, api);
	return s;
}

int main(void)
{
	const char *root = getenv("CONCORD_ROOT");
	struct err e = {0};
	SRunner *sr;
	int failed;

	snprintf(rules_path, sizeof rules_path, "%s/catalog/aiact/rules-2026.1.json",
	        root && *root ? root : ".");
	if (aiact_rules_load_file(rules_path, &rules, &e) < 0) {
		fprintf(stderr, "test_aiact: cannot load %s: %s (field %s)\n", rules_path,
		        e.message, e.field);
		return 1;
	}
	sr = srunner_create(aiact_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	aiact_rules_free(rules);
	return failed == 0 ? 0 : 1;
}
