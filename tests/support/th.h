/*
 * th.h - test harness for integration tests: HTTP calls to the running API with
 * libcurl, JSON bodies with jansson, fresh consultancies created through the
 * concord-api binary, and direct SQL through libpq (as the superuser, to tamper
 * with data behind the API's back).
 *
 * Environment (set by scripts/test.sh): CONCORD_TEST_URL, CONCORD_TEST_BIN,
 * DATABASE_SUPER_URL. Single-threaded unless stated.
 */
#ifndef CONCORD_TH_H
#define CONCORD_TH_H

#include <check.h>
#include <jansson.h>
#include <stdbool.h>

struct th_resp {
	long status;
	char *body; /* NUL-terminated */
	size_t len;
	char *headers; /* raw header block */
	json_t *json;  /* parsed body when it is JSON, else NULL */
};

/* A consultancy created for one test: its operator user, signed in. */
struct th_operator {
	char tenant_id[37];
	char user_id[37];
	char slug[64];
	char email[128];
	char password[96];
	char *token;   /* access token (malloc'd) */
	char *refresh; /* refresh token (malloc'd) */
};

/* Perform a request. headers: NULL-terminated "Name: value" strings, may be NULL.
 * Returns 0 when the HTTP exchange happened (any status). */
int th_req(const char *method, const char *path, const char *token, const char *body,
        const char *const *headers, struct th_resp *out);
/* Same, with a raw body of given length and content type. */
int th_req_raw(const char *method, const char *path, const char *token, const char *body,
        size_t len, const char *const *headers, struct th_resp *out);
void th_free(struct th_resp *r);
/* Value of a response header (case-insensitive name), malloc'd, or NULL. */
char *th_header(const struct th_resp *r, const char *name);
/* String member of the JSON body, or NULL. */
const char *th_str(const struct th_resp *r, const char *key);

/* A unique suffix for names in this test process. */
const char *th_unique(void);
/* Create a consultancy with an operator user and sign in. */
void th_new_operator(struct th_operator *op);
void th_operator_free(struct th_operator *op);
/* Sign in; returns the access token (malloc'd) or NULL. */
char *th_login(const char *email, const char *password, const char *tenant_slug);
/* Create a client tenant under op; fills id (37 bytes). */
void th_new_client(const struct th_operator *op, char *id_out);
/* Create a local user in tenant `tenant` (acting as op) with `role`; returns its token. */
char *th_new_user(const struct th_operator *op, const char *tenant, const char *role,
        char *email_out, size_t n);

/* Run SQL as the database superuser; returns the first cell of the first row (malloc'd)
 * or NULL; fails the test on error. */
char *th_sql(const char *sql);
/* Run a shell command; returns its exit status. */
int th_sh(const char *cmd);
/* Poll GET path until json member `key` equals `want` (or timeout seconds). */
bool th_wait_json(const char *path, const char *token, const char *const *headers, const char *key,
        const char *want, int seconds);

/* Formatted text (malloc'd). th_j also turns every ' into ", so that JSON bodies can be
 * written with single quotes in C strings. */
char *th_p(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *th_j(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Send method path (malloc'd, freed) with body (malloc'd or NULL, freed) and If-Match:
 * "etag" when etag is given; fail unless the status is want; return the JSON body (new
 * reference, or NULL). */
json_t *th_call(
        const char *token, const char *method, char *path, char *body, const char *etag, long want);
/* th_call expecting a problem that names field. */
void th_problem(const char *token, const char *method, char *path, char *body, const char *etag,
        long status, const char *field);
/* Run sql as the superuser with text parameters $1.. (a NULL-terminated list after sql);
 * the first cell of the first row (malloc'd) or NULL. th_count: that cell as a number. */
char *th_sqlp(const char *sql, ...) __attribute__((sentinel));
long long th_count(const char *sql, ...) __attribute__((sentinel));

/* Standard main for a test file: runs the suite built by make_suite(). */
#define TH_MAIN(make_suite)                                                                        \
	int main(void)                                                                             \
	{                                                                                          \
		SRunner *sr = srunner_create(make_suite());                                        \
		srunner_run_all(sr, CK_NORMAL);                                                    \
		int nf = srunner_ntests_failed(sr);                                                \
		srunner_free(sr);                                                                  \
		return nf == 0 ? 0 : 1;                                                            \
	}

#endif
