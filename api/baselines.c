/*
 * baselines.c - read access to frozen versions of any register (see
 * domain/baseline.h): list, get one (with an integrity check of its hash), and the
 * diff between two versions. Freezing is done by the owning module's approve route
 * (for example POST /v1/soa/{framework}/approve), which builds the content.
 */
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "baseline.h"

static int parse_number(const char *s, const char *field, int *out, struct err *e)
{
	char *end;
	long v = s ? strtol(s, &end, 10) : 0;
	if (!s || !*s || *end || v < 1 || v > 1000000)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such version (%s)", field);
	*out = (int)v;
	return 0;
}

static int kind_param(struct req *r, const char **kind, struct err *e)
{
	*kind = req_param(r, "kind");
	size_t n = strlen(*kind);
	if (n == 0 || n > 64)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such register");
	for (size_t i = 0; i < n; i++) {
		char c = (*kind)[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || strchr("_.:-", c)))
			return err_set(e, ERR_NOT_FOUND, NULL, "no such register");
	}
	return 0;
}

static int baseline_list_route(struct req *r, struct resp *resp, struct err *e)
{
	const char *kind;
	json_t *items;
	if (kind_param(r, &kind, e) || baseline_list(r->db, r->arena, kind, &items, e))
		return -1;
	resp->body = json_pack("{s:O, s:n}", "items", items, "next");
	return 0;
}

static int baseline_get_route(struct req *r, struct resp *resp, struct err *e)
{
	const char *kind;
	int n;
	json_t *b;
	if (kind_param(r, &kind, e) || parse_number(req_param(r, "number"), "number", &n, e) ||
	        baseline_get(r->db, r->arena, kind, n, &b, e))
		return -1;
	resp->body = json_incref(b);
	return 0;
}

static int baseline_diff_route(struct req *r, struct resp *resp, struct err *e)
{
	const char *kind;
	int na, nb;
	json_t *a, *b;
	if (kind_param(r, &kind, e) || parse_number(req_param(r, "a"), "a", &na, e) ||
	        parse_number(req_param(r, "b"), "b", &nb, e) ||
	        baseline_get(r->db, r->arena, kind, na, &a, e) ||
	        baseline_get(r->db, r->arena, kind, nb, &b, e))
		return -1;
	json_t *d = baseline_diff(json_object_get(a, "content"), json_object_get(b, "content"));
	json_object_set_new(d, "kind", json_string(kind));
	json_object_set_new(d, "from", json_integer(na));
	json_object_set_new(d, "to", json_integer(nb));
	resp->body = d;
	return 0;
}

const struct route baseline_routes[] = {
        {"GET", "/v1/baselines/{kind}", baseline_list_route, "baselines:read", 0,
                "Frozen versions of a register (soa:<framework>, risk_register, ai_registry, ...)"},
        {"GET", "/v1/baselines/{kind}/{number}", baseline_get_route, "baselines:read", 0,
                "One frozen version with its content and an integrity check of its hash"},
        {"GET", "/v1/baselines/{kind}/{a}/diff/{b}", baseline_diff_route, "baselines:read", 0,
                "What changed between two frozen versions"},
        {NULL},
};
