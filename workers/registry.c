/*
 * registry.c - every job type the workers run. A new job type is one line here
 * (and its own workers/job_<name>.c).
 */
#include <string.h>

#include "job.h"

extern const struct job_type job_tenant_export; /* workers/job_tenant_export.c */
extern const struct job_type job_soa_export;    /* workers/job_soa_export.c */

const struct job_type *const job_types[] = {
	&job_tenant_export,
	&job_soa_export,
	NULL,
};

const struct job_type *job_type_find(const char *name)
{
	for (const struct job_type *const *t = job_types; *t; t++)
		if (strcmp((*t)->name, name) == 0)
			return *t;
	return NULL;
}
