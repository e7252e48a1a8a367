/*
 * err.c - filling and describing `struct err` (see err.h). Pure functions; any thread.
 */
#include "err.h"

#include <stdio.h>
#include <string.h>

int err_set(struct err *e, enum err_code code, const char *field, const char *fmt, ...)
{
	if (!e)
		return -1;
	va_list ap;
	e->code = code;
	snprintf(e->field, sizeof e->field, "%s", field ? field : "");
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof e->message, fmt, ap);
	va_end(ap);
	e->detail[0] = '\0';
	e->detail_log[0] = '\0';
	return -1;
}

int err_log_detail(struct err *e, const char *fmt, ...)
{
	if (!e)
		return -1;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->detail_log, sizeof e->detail_log, fmt, ap);
	va_end(ap);
	return -1;
}

void err_clear(struct err *e)
{
	memset(e, 0, sizeof *e);
}

static const struct {
	int status;
	const char *slug;
	const char *title;
} table[] = {
        [ERR_OK] = {200, "ok", "OK"},
        [ERR_INVALID] = {400, "invalid-input", "Invalid input"},
        [ERR_UNAUTHENTICATED] = {401, "unauthenticated", "Authentication required"},
        [ERR_FORBIDDEN] = {403, "forbidden", "Forbidden"},
        [ERR_NOT_FOUND] = {404, "not-found", "Not found"},
        [ERR_METHOD] = {405, "method-not-allowed", "Method not allowed"},
        [ERR_CONFLICT] = {409, "conflict", "Conflict"},
        [ERR_GONE] = {410, "gone", "Gone"},
        [ERR_PRECONDITION_FAILED] = {412, "version-mismatch", "Precondition failed"},
        [ERR_TOO_LARGE] = {413, "body-too-large", "Request body too large"},
        [ERR_MEDIA_TYPE] = {415, "unsupported-media-type", "Unsupported media type"},
        [ERR_UNPROCESSABLE] = {422, "rule-violation", "Request violates a rule"},
        [ERR_PRECONDITION_REQUIRED] = {428, "if-match-required", "Precondition required"},
        [ERR_TOO_MANY] = {429, "too-many-requests", "Too many requests"},
        [ERR_UNAVAILABLE] = {503, "unavailable", "Service unavailable"},
        [ERR_INTERNAL] = {500, "internal", "Internal error"},
};

int err_http_status(enum err_code code)
{
	return (unsigned)code < sizeof table / sizeof table[0] ? table[code].status : 500;
}

const char *err_slug(enum err_code code)
{
	return (unsigned)code < sizeof table / sizeof table[0] ? table[code].slug : "internal";
}

const char *err_title(enum err_code code)
{
	return (unsigned)code < sizeof table / sizeof table[0] ? table[code].title
	                                                       : "Internal error";
}
