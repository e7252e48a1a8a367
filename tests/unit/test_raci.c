/*
 * test_raci.c - the integrated RACI (domain/raci.c): shape rules name the field,
 * every activity needs exactly one A and at least one R, and the CSV export is exact.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "raci.h"

static const char *const platform_roles[] = {"sponsor", "isms_lead", "aims_lead", NULL};

static json_t *matrix(const char *activities)
{
	char buf[4096];
	snprintf(buf, sizeof buf,
	        "{\"roles\": [{\"key\": \"sponsor\", \"name\": \"Sponsor\", \"platform_role\":"
	        " \"sponsor\"},"
	        " {\"key\": \"isms\", \"name\": \"ISMS Owner\"}, {\"key\": \"dpo\", \"name\":"
	        " \"DPO, Legal\"}],"
	        " \"activities\": %s}",
	        activities);
	json_error_t je;
	json_t *m = json_loads(buf, 0, &je);
	ck_assert_msg(m != NULL, "fixture: %s", je.text);
	return m;
}

START_TEST(a_matrix_with_one_a_and_an_r_per_activity_is_valid)
{
	json_t *m = matrix("[{\"key\": \"scope\", \"name\": \"Define the scopes\", \"phase\": 1,"
	                   " \"assignments\": {\"sponsor\": \"A\", \"isms\": \"R\", \"dpo\":"
	                   " \"C\"}},"
	                   " {\"key\": \"policy\", \"name\": \"Approve the policy\","
	                   " \"assignments\": {\"sponsor\": \"AR\", \"dpo\": \"I\"}}]");
	struct err e = {0};
	ck_assert_int_eq(raci_validate(m, platform_roles, &e), 0);
	json_t *p = raci_problems(m);
	ck_assert_int_eq(json_array_size(p), 0);
	json_decref(p);
	json_decref(m);
}
END_TEST

START_TEST(every_activity_needs_exactly_one_accountable)
{
	json_t *m =
	        matrix("[{\"key\": \"a1\", \"name\": \"One\", \"assignments\": {\"sponsor\": \"A\","
	               " \"isms\": \"R\"}},"
	               " {\"key\": \"a2\", \"name\": \"Two\", \"assignments\": {\"sponsor\":"
	               " \"A\","
	               " \"isms\": \"AR\"}},"
	               " {\"key\": \"a3\", \"name\": \"Three\", \"assignments\": {\"isms\":"
	               " \"R\"}}]");
	json_t *p = raci_problems(m);
	ck_assert_int_eq(json_array_size(p), 2);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(p, 0), "field")),
	        "activities[1].assignments");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(p, 0), "rule")),
	        "one_accountable");
	ck_assert_str_eq(
	        json_string_value(json_object_get(json_array_get(p, 1), "activity")), "a3");
	ck_assert_ptr_nonnull(strstr(
	        json_string_value(json_object_get(json_array_get(p, 1), "message")), "has no A"));
	json_decref(p);
	struct err e = {0};
	ck_assert_int_eq(raci_validate(m, platform_roles, &e), -1);
	ck_assert_int_eq(e.code, ERR_UNPROCESSABLE);
	ck_assert_str_eq(e.field, "activities[1].assignments");
	ck_assert_ptr_nonnull(strstr(e.message, "more than one A"));
	json_decref(m);
}
END_TEST

START_TEST(every_activity_needs_a_responsible)
{
	json_t *m =
	        matrix("[{\"key\": \"a1\", \"name\": \"One\", \"assignments\": {\"sponsor\": \"A\","
	               " \"isms\": \"C\", \"dpo\": \"I\"}}]");
	struct err e = {0};
	ck_assert_int_eq(raci_validate(m, platform_roles, &e), -1);
	ck_assert_int_eq(e.code, ERR_UNPROCESSABLE);
	ck_assert_str_eq(e.field, "activities[0].assignments");
	ck_assert_ptr_nonnull(strstr(e.message, "no R"));
	json_t *p = raci_problems(m);
	ck_assert_int_eq(json_array_size(p), 1);
	ck_assert_str_eq(
	        json_string_value(json_object_get(json_array_get(p, 0), "rule")), "responsible");
	json_decref(p);
	json_decref(m);
}
END_TEST

static void shape_fails(const char *activities, const char *field)
{
	json_t *m = matrix(activities);
	struct err e = {0};
	ck_assert_int_eq(raci_check_shape(m, platform_roles, &e), -1);
	ck_assert_int_eq(e.code, ERR_INVALID);
	ck_assert_str_eq(e.field, field);
	json_decref(m);
}

START_TEST(shape_rules_name_the_field)
{
	shape_fails("[{\"key\": \"a1\", \"name\": \"One\", \"assignments\": {\"ciso\": \"R\"}}]",
	        "activities[0].assignments.ciso");
	shape_fails("[{\"key\": \"a1\", \"name\": \"One\", \"assignments\": {\"isms\": \"X\"}}]",
	        "activities[0].assignments.isms");
	shape_fails("[{\"key\": \"a1\", \"name\": \"One\", \"assignments\": {\"isms\": \"RA\"}}]",
	        "activities[0].assignments.isms");
	shape_fails("[{\"key\": \"a1\", \"name\": \"One\", \"assignments\": {}},"
	            " {\"key\": \"a1\", \"name\": \"Two\", \"assignments\": {}}]",
	        "activities[1].key");
	shape_fails("[{\"key\": \"A 1\", \"name\": \"One\", \"assignments\": {}}]",
	        "activities[0].key");
	shape_fails("[{\"key\": \"a1\", \"assignments\": {}}]", "activities[0].name");
	shape_fails("[{\"key\": \"a1\", \"name\": \"One\", \"phase\": 7, \"assignments\": {}}]",
	        "activities[0].phase");
	shape_fails("[{\"key\": \"a1\", \"name\": \"One\", \"owner\": \"x\", \"assignments\": {}}]",
	        "activities[0].owner");
	shape_fails("[]", "activities");
	json_t *m = json_loads("{\"roles\": [{\"key\": \"x\", \"name\": \"X\", \"platform_role\": "
	                       "\"ceo\"}], \"activities\": [{\"key\": \"a\", \"name\": \"A\", "
	                       "\"assignments\": {}}]}",
	        0, NULL);
	struct err e = {0};
	ck_assert_int_eq(raci_check_shape(m, platform_roles, &e), -1);
	ck_assert_str_eq(e.field, "roles[0].platform_role");
	json_decref(m);
}
END_TEST

START_TEST(csv_export_is_exact_and_spreadsheet_safe)
{
	json_t *m = matrix("[{\"key\": \"scope\", \"name\": \"Define the scopes\", \"phase\": 1,"
	                   " \"assignments\": {\"sponsor\": \"A\", \"isms\": \"R\", \"dpo\":"
	                   " \"C\"}},"
	                   " {\"key\": \"calc\", \"name\": \"=SUM(A1) \\\"quoted\\\"\","
	                   " \"assignments\": {\"sponsor\": \"AR\"}}]");
	char *csv = raci_csv(m);
	ck_assert_str_eq(csv, "Activity,Phase,Sponsor,ISMS Owner,\"DPO, Legal\"\r\n"
	                      "Define the scopes,1,A,R,C\r\n"
	                      "\"'=SUM(A1) \"\"quoted\"\"\",,AR,,\r\n");
	free(csv);
	json_decref(m);
}
END_TEST

static Suite *raci_suite(void)
{
	Suite *s = suite_create("raci");
	TCase *tc = tcase_create("validate");
	tcase_add_test(tc, a_matrix_with_one_a_and_an_r_per_activity_is_valid);
	tcase_add_test(tc, every_activity_needs_exactly_one_accountable);
	tcase_add_test(tc, every_activity_needs_a_responsible);
	tcase_add_test(tc, shape_rules_name_the_field);
	tcase_add_test(tc, csv_export_is_exact_and_spreadsheet_safe);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(raci_suite());
	srunner_run_all(sr, CK_NORMAL);
	int nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
