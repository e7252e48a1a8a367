/*
 * demo.h - load a demo engagement into a client tenant through the HTTP API (see demo.c).
 */
#ifndef CONCORD_DEMO_H
#define CONCORD_DEMO_H
#include <jansson.h>

#include "err.h"

struct demo_options {
	const char *file;  /* the steps file, e.g. tenants/demo/engagement.json */
	const char *url;   /* the API's base URL, e.g. http://127.0.0.1:8080 */
	const char *email; /* who signs in (a member of the tenant) */
	const char *password;
	const char *tenant; /* the client tenant's slug or id */
};

/* Run the steps in order; *loaded counts the steps done (0 when the tenant already had
 * documents and nothing was loaded). 0, or -1 with e naming the failing step. */
int demo_load(const struct demo_options *o, int *loaded, struct err *e);

#endif
