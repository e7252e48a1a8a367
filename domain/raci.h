/*
 * raci.h - the integrated RACI matrix (activities x roles with R/A/C/I): validation
 * and CSV export.
 *
 *   {"roles": [{"key": "isms_owner", "name": "ISMS Owner", "platform_role": "isms_lead"}],
 *    "activities": [{"key": "risk-method", "name": "Define the risk methodology",
 *                    "phase": 1, "assignments": {"isms_owner": "A", "risk": "R"}}]}
 *
 * Shape (raci_check_shape, ERR_INVALID): known fields only, keys of lower-case letters,
 * digits, '_' and '-', unique role and activity keys, assignments naming a listed role
 * with "R", "A", "C", "I" or "AR" (accountable and responsible at once).
 * Rules (raci_problems): every activity has exactly one A and at least one R.
 *
 * Pure functions over jansson values; any thread.
 */
#ifndef CONCORD_RACI_H
#define CONCORD_RACI_H

#include <jansson.h>

#include "err.h"

#define RACI_ROLES_MAX      30
#define RACI_ACTIVITIES_MAX 200

/* Structural validation; platform_roles (NULL-terminated) are the values platform_role
 * may take. */
int raci_check_shape(const json_t *matrix, const char *const *platform_roles, struct err *e);
/* Rule violations of a well-shaped matrix, as a new array of {"field", "activity",
 * "rule", "message"} (empty when the matrix is valid). */
json_t *raci_problems(const json_t *matrix);
/* Shape, then rules: the first violation as ERR_UNPROCESSABLE naming its field. */
int raci_validate(const json_t *matrix, const char *const *platform_roles, struct err *e);
/* The matrix as CSV (RFC 4180, CRLF line ends): Activity, Phase, one column per role.
 * Cells that a spreadsheet would read as a formula are prefixed with a quote.
 * Returns malloc'd text; the caller frees it. */
char *raci_csv(const json_t *matrix);

#endif
