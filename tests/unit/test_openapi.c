/*
 * test_openapi.c - the OpenAPI document tells the truth about the route table:
 * every route has an operation with the same summary and its path parameters, every
 * operation has a route, every non-public operation documents 401/403 and a 4xx
 * problem response, and POST routes accept Idempotency-Key.
 */
#include <check.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"

json_t *api_openapi_build(const char *root);

static json_t *doc;

static void setup(void)
{
	const char *root = getenv("CONCORD_ROOT");
	doc = api_openapi_build(root ? root : ".");
	ck_assert_ptr_nonnull(doc);
}

static void teardown(void)
{
	json_decref(doc);
}

static void lower(char *dst, const char *src)
{
	while ((*dst++ = (char)((*src >= 'A' && *src <= 'Z') ? *src + 32 : *src)))
		src++;
}

START_TEST(every_route_is_documented_with_its_summary)
{
	json_t *paths = json_object_get(doc, "paths");
	int n = 0;
	for (const struct route *const *t = route_tables; *t; t++)
		for (const struct route *r = *t; r->method; r++, n++) {
			char m[16];
			lower(m, r->method);
			json_t *op = json_object_get(json_object_get(paths, r->pattern), m);
			ck_assert_msg(op, "route %s %s is not in the OpenAPI document", r->method,
			        r->pattern);
			const char *s = json_string_value(json_object_get(op, "summary"));
			ck_assert_msg(s && strcmp(s, r->summary) == 0,
			        "summary of %s %s differs from the route table", r->method,
			        r->pattern);
			/* every {param} of the path is declared */
			for (const char *p = strchr(r->pattern, '{'); p; p = strchr(p + 1, '{')) {
				const char *end = strchr(p, '}');
				char name[64];
				snprintf(name, sizeof name, "%.*s", (int)(end - p - 1), p + 1);
				bool found = false;
				size_t i;
				json_t *par;
				json_array_foreach(json_object_get(op, "parameters"), i, par)
				{
					const char *pn =
					        json_string_value(json_object_get(par, "name"));
					if (pn && strcmp(pn, name) == 0)
						found = true;
				}
				ck_assert_msg(found, "%s %s does not declare path parameter %s",
				        r->method, r->pattern, name);
			}
			json_t *responses = json_object_get(op, "responses");
			ck_assert_msg(json_object_get(responses, "400") ||
			                      json_object_get(responses, "404"),
			        "%s %s documents no 4xx problem", r->method, r->pattern);
			if (!(r->flags & ROUTE_PUBLIC)) {
				ck_assert_msg(json_object_get(responses, "401") &&
				                      json_object_get(responses, "403"),
				        "%s %s must document 401 and 403", r->method, r->pattern);
			}
		}
	ck_assert_int_gt(n, 20);
}
END_TEST

START_TEST(every_documented_operation_has_a_route)
{
	const char *path;
	json_t *item;
	json_object_foreach(json_object_get(doc, "paths"), path, item)
	{
		const char *m;
		json_t *op;
		json_object_foreach(item, m, op)
		{
			if (strcmp(m, "parameters") == 0)
				continue;
			bool found = false;
			for (const struct route *const *t = route_tables; *t && !found; t++)
				for (const struct route *r = *t; r->method; r++) {
					char lm[16];
					lower(lm, r->method);
					if (strcmp(lm, m) == 0 && strcmp(r->pattern, path) == 0)
						found = true;
				}
			ck_assert_msg(found, "documented %s %s has no route", m, path);
		}
	}
}
END_TEST

START_TEST(document_is_openapi_3_1)
{
	ck_assert_str_eq(json_string_value(json_object_get(doc, "openapi")), "3.1.0");
	ck_assert_ptr_nonnull(json_object_get(
	        json_object_get(json_object_get(doc, "components"), "schemas"), "Problem"));
}
END_TEST

static Suite *openapi_suite(void)
{
	Suite *s = suite_create("openapi");
	TCase *tc = tcase_create("contract");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, every_route_is_documented_with_its_summary);
	tcase_add_test(tc, every_documented_operation_has_a_route);
	tcase_add_test(tc, document_is_openapi_3_1);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(openapi_suite());
	srunner_run_all(sr, CK_NORMAL);
	int nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
