/*
 * router.c - match a request path against the registered route tables.
 *
 * Patterns are literal segments and {name} segments; a {name} segment matches one
 * non-empty path segment (no '/'). The tables are small (a few hundred routes) and
 * matching is a linear scan with early segment mismatch, well under a microsecond per
 * route: no index is needed. Pure function of its inputs; any thread.
 */
#include <stdio.h>
#include <string.h>

#include "server.h"

static bool match(const char *pattern, const char *path, struct req *r)
{
	const char *p = pattern, *s = path;
	int np = 0;
	while (*p && *s) {
		if (*p == '{') {
			const char *pe = strchr(p, '}');
			const char *se = strchr(s, '/');
			if (!pe)
				return false;
			if (!se)
				se = s + strlen(s);
			if (se == s || np >= ROUTE_MAX_PARAMS)
				return false;
			if (r) {
				r->param_names[np] =
				        arena_strndup(r->arena, p + 1, (size_t)(pe - p - 1));
				r->params[np] = arena_strndup(r->arena, s, (size_t)(se - s));
			}
			np++;
			p = pe + 1;
			s = se;
			continue;
		}
		if (*p != *s)
			return false;
		p++;
		s++;
	}
	if (*p || *s)
		return false;
	if (r)
		r->nparams = np;
	return true;
}

const struct route *router_match(const char *method, const char *path, struct req *r,
        bool *path_matched, char *allow, size_t allow_len)
{
	size_t used = 0;
	*path_matched = false;
	if (allow_len)
		allow[0] = '\0';
	for (const struct route *const *t = route_tables; *t; t++) {
		for (const struct route *rt = *t; rt->method; rt++) {
			if (!match(rt->pattern, path, NULL))
				continue;
			*path_matched = true;
			if (strcmp(rt->method, method) == 0) {
				match(rt->pattern, path, r);
				return rt;
			}
			if (used < allow_len) {
				int n = snprintf(allow + used, allow_len - used, "%s%s",
				        used ? ", " : "", rt->method);
				if (n > 0)
					used += (size_t)n;
			}
		}
	}
	return NULL;
}
