/*
 * authz.c - the permission matrix: the one place that decides which role may use
 * which route. Routes name a permission "resource:action"; actions are read, write,
 * approve and admin. Each role lists allow patterns ("*:read", "risks:*") and deny
 * patterns; a deny wins. Roles follow the engagement's RACI (see README "Roles").
 * Pure data and pure functions; any thread.
 */
#include <string.h>

#include "api.h"

const char *const authz_roles[] = {"operator", "consultant", "sponsor", "isms_lead", "aims_lead",
        "product_ai_lead", "risk_compliance", "security_lead", "contributor", "auditor", "viewer",
        NULL};

struct role_rules {
	const char *role;
	const char *const *allow;
	const char *const *deny;
};

#define LIST(...) ((const char *const[]){__VA_ARGS__, NULL})

/* Resources: tenants, members, tokens, service_accounts, audit, jobs, catalog, controls,
 * soa, risks, assets, governance, kpis, ai_systems, aiact, documents, evidence, audits,
 * audit_findings, reviews, nonconformities, sso, portfolio. */
static const struct role_rules matrix[] = {
        {"operator", LIST("*:*"), LIST("-")},
        {"consultant", LIST("*:read", "*:write", "*:approve", "members:admin", "jobs:*"),
                LIST("tenants:admin", "sso:admin")},
        {"sponsor", LIST("*:read", "*:approve", "jobs:write"),
                LIST("tokens:read", "service_accounts:read")},
        {"isms_lead", LIST("*:read", "*:write", "*:approve", "members:admin", "sso:admin"),
                LIST("tenants:admin", "tenants:write")},
        {"aims_lead", LIST("*:read", "*:write", "*:approve", "members:admin"),
                LIST("tenants:admin", "tenants:write", "sso:admin")},
        {"product_ai_lead",
                LIST("*:read", "ai_systems:write", "aiact:write", "risks:write", "controls:write",
                        "evidence:write", "documents:write", "jobs:write", "kpis:write"),
                LIST("tokens:read", "service_accounts:read", "sso:read")},
        {"risk_compliance",
                LIST("*:read", "risks:write", "risks:approve", "controls:write", "soa:write",
                        "aiact:write", "evidence:write", "documents:write", "nonconformities:write",
                        "governance:write", "jobs:write", "kpis:write"),
                LIST("tokens:read", "service_accounts:read", "sso:read")},
        {"security_lead",
                LIST("*:read", "risks:write", "assets:write", "controls:write", "soa:write",
                        "evidence:write", "documents:write", "nonconformities:write", "jobs:write",
                        "kpis:write"),
                LIST("tokens:read", "service_accounts:read", "sso:read")},
        {"contributor", LIST("*:read", "evidence:write", "documents:write", "kpis:write"),
                LIST("audit:read", "tokens:read", "service_accounts:read", "sso:read",
                        "members:read")},
        {"auditor", LIST("*:read", "audit_findings:write"),
                LIST("tokens:read", "service_accounts:read", "sso:read")},
        {"viewer", LIST("*:read"),
                LIST("audit:read", "tokens:read", "service_accounts:read", "sso:read", "jobs:read",
                        "members:read")},
};

bool authz_pattern_match(const char *pat, const char *perm)
{
	const char *pc = strchr(pat, ':'), *qc = strchr(perm, ':');
	if (!pc || !qc)
		return false;
	size_t pr = (size_t)(pc - pat), qr = (size_t)(qc - perm);
	bool res_ok = (pr == 1 && pat[0] == '*') || (pr == qr && strncmp(pat, perm, pr) == 0);
	bool act_ok = strcmp(pc + 1, "*") == 0 || strcmp(pc + 1, qc + 1) == 0;
	return res_ok && act_ok;
}

bool authz_is_role(const char *role)
{
	for (const char *const *r = authz_roles; *r; r++)
		if (strcmp(*r, role) == 0)
			return true;
	return false;
}

bool authz_allows(const char *role, const char *perm)
{
	if (!perm)
		return true;
	for (size_t i = 0; i < sizeof matrix / sizeof matrix[0]; i++) {
		if (strcmp(matrix[i].role, role) != 0)
			continue;
		for (const char *const *d = matrix[i].deny; *d; d++)
			if (authz_pattern_match(*d, perm))
				return false;
		for (const char *const *a = matrix[i].allow; *a; a++)
			if (authz_pattern_match(*a, perm))
				return true;
		return false;
	}
	return false;
}

bool authz_scope_allows(const struct principal *p, const char *perm)
{
	if (!p->scopes || !perm)
		return true;
	for (int i = 0; i < p->nscopes; i++)
		if (authz_pattern_match(p->scopes[i], perm))
			return true;
	return false;
}
