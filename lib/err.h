/*
 * err.h - the one error model of Concord.
 *
 * Every function that can fail returns 0 on success or -1 on failure and fills a
 * caller-owned `struct err`. The API tier maps `code` to an HTTP status and an
 * RFC 9457 problem document in exactly one place (api/problem.c); workers store
 * `message` as the job's last error. `detail_log` is for the log only and is never
 * sent to a client (it may hold SQL errors, file paths, library messages).
 *
 * Thread-safety: a struct err belongs to one thread; the functions keep no state.
 */
#ifndef CONCORD_ERR_H
#define CONCORD_ERR_H

#include <stdarg.h>

enum err_code {
	ERR_OK = 0,
	ERR_INVALID,               /* 400 bad input; `field` names the offending field */
	ERR_UNAUTHENTICATED,       /* 401 */
	ERR_FORBIDDEN,             /* 403 */
	ERR_NOT_FOUND,             /* 404 */
	ERR_METHOD,                /* 405 */
	ERR_CONFLICT,              /* 409 */
	ERR_GONE,                  /* 410 */
	ERR_PRECONDITION_FAILED,   /* 412 version / If-Match mismatch */
	ERR_TOO_LARGE,             /* 413 */
	ERR_MEDIA_TYPE,            /* 415 */
	ERR_UNPROCESSABLE,         /* 422 well-formed but violates a domain rule */
	ERR_PRECONDITION_REQUIRED, /* 428 If-Match missing */
	ERR_TOO_MANY,              /* 429 throttled */
	ERR_UNAVAILABLE,           /* 503 dependency down; retry */
	ERR_INTERNAL,              /* 500 a bug or an unexpected failure */
};

struct err {
	enum err_code code;
	char message[256];    /* short, lower-case, no final period: "unknown field" */
	char detail[512];     /* for the client: says what to change */
	char field[128];      /* JSON pointer-ish name of the offending field, or "" */
	char detail_log[512]; /* for the log only */
};

/* Fill *e (if e is not NULL) and return -1, so callers can `return err_set(...)`. */
int err_set(struct err *e, enum err_code code, const char *field, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));
/* Add a log-only detail to an error already set. Returns -1. */
int err_log_detail(struct err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void err_clear(struct err *e);
/* HTTP status, stable problem slug ("invalid-field") and title for a code. */
int err_http_status(enum err_code code);
const char *err_slug(enum err_code code);
const char *err_title(enum err_code code);

#endif
