/*
 * api.h - cross-module entry points of the API tier (authentication, the permission
 * matrix, metrics) and the route tables each resource module exports.
 */
#ifndef CONCORD_API_H
#define CONCORD_API_H

#include <stdbool.h>
#include <sys/socket.h>

#include "http.h"

/* auth.c: who is calling (Authorization header) - 401 on failure. No database. */
int auth_authenticate(struct req *r, struct err *e);
/* auth.c: which tenant the request acts in: X-Concord-Tenant or the caller's home tenant. */
int auth_select_tenant(struct req *r, const char **tenant, struct err *e);
/* auth.c: inside the transaction: membership/role, tenant and account status, permission. */
int auth_authorize(struct req *r, struct err *e);

/* auth.c: start a sign-in session for user (home tenant `tenant`) exactly as password
 * login does: new refresh-token family, access + refresh tokens in *out (new reference),
 * audit event auth.login with the given method ("password", "sso", "password+totp"). */
int auth_start_session(struct req *r, const char *tenant, const char *user, const char *method,
        json_t **out, struct err *e);
/* sso.c: a tenant's provider-issued bearer token; 1 = not one (try Concord's), 0 ok, -1 refused */
int sso_authenticate_bearer(struct req *r, const char *token, struct err *e);
/* mfa.c: after a right password: *challenge NULL = no second factor due, else the answer */
int mfa_login_step(
        struct req *r, const char *tenant, const char *user, json_t **challenge, struct err *e);

/* authz.c: the one permission matrix. */
bool authz_allows(const char *role, const char *perm);
/* Does a "resource:action" pattern ("*:read", "risks:*") match permission perm? */
bool authz_pattern_match(const char *pattern, const char *perm);
/* Do the caller's API-token scopes (same pattern syntax) include perm? No scopes = yes. */
bool authz_scope_allows(const struct principal *p, const char *perm);
/* All roles, NULL-terminated. */
extern const char *const authz_roles[];
bool authz_is_role(const char *role);

/* metrics.c */
void metrics_observe(const struct route *rt, int status, double seconds);
int metrics_format_ip(const struct sockaddr *sa, char *out, size_t n);
int metrics_render(struct req *r, struct resp *resp, struct err *e);

/* Route tables (one per resource module). */
extern const struct route health_routes[];
extern const struct route auth_routes[];
extern const struct route tenant_routes[];
extern const struct route user_routes[];
extern const struct route token_routes[];
extern const struct route audit_routes[];
extern const struct route job_routes[];
extern const struct route baseline_routes[];
extern const struct route sso_routes[];
extern const struct route mfa_routes[];
extern const struct route catalog_routes[], control_routes[], soa_routes[];
extern const struct route ai_system_routes[], supplier_routes[], aiact_routes[];
extern const struct route engagement_routes[], context_routes[], governance_routes[], kpi_routes[],
        risk_routes[], asset_routes[], portfolio_routes[];
extern const struct route document_routes[], evidence_routes[];

/* Links declared in a request body (links.c). */
enum link_kind { LINK_UUID, LINK_REQUIREMENT };
int links_check(struct req *r, const json_t *b, const char *key, enum link_kind kind,
        const char *missing_sql, const char *what, struct err *e);
int links_replace(struct req *r, const char *id, const json_t *b, const char *key,
        const char *del_sql, const char *add_sql, struct err *e);
bool links_same_set(const json_t *a, const json_t *b);
/* One kind of link a body may declare, and how it is checked and stored. */
struct link_set {
	const char *key;
	enum link_kind kind;
	const char *missing_sql, *what; /* links_check */
	const char *del_sql, *add_sql;  /* links_replace */
};
int links_check_all(struct req *r, const json_t *b, const struct link_set *sets, struct err *e);
int links_save_all(
        struct req *r, const char *id, const json_t *b, const struct link_set *sets, struct err *e);
/* 409 naming where id is linked when links_sql ($1 = id -> {"where": count}) finds any. */
int links_refuse_linked(
        struct req *r, const char *links_sql, const char *id, const char *advice, struct err *e);
/* First unresolved element of a JSON array of requirement ids / control ids ($1). */
extern const char links_missing_requirement_sql[], links_missing_control_sql[];

#endif
