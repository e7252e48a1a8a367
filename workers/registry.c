/*
 * registry.c - every job type the workers run. A new job type is one line here
 * (and its own workers/job_<name>.c).
 */
#include <string.h>

#include "job.h"

extern const struct job_type job_tenant_export; /* workers/job_tenant_export.c */
extern const struct job_type job_soa_export;    /* workers/job_soa_export.c */
extern const struct job_type job_ai_maps, job_aiact_roadmap, job_aiact_matrix,
        job_aiact_reclassify; /* workers/job_ai_maps.c, job_aiact_*.c */
extern const struct job_type job_kpi_aggregate, job_risk_export,
        job_phase1_pack; /* workers/job_kpi_aggregate.c, job_risk_export.c, job_phase1_pack.c */
extern const struct job_type job_aiact_dossier; /* workers/job_aiact_dossier.c */

const struct job_type *const job_types[] = {
        &job_tenant_export,
        &job_soa_export,
        &job_ai_maps,
        &job_aiact_roadmap,
        &job_aiact_matrix,
        &job_aiact_reclassify,
        &job_kpi_aggregate,
        &job_risk_export,
        &job_phase1_pack,
        &job_aiact_dossier,
        NULL,
};

const struct job_type *job_type_find(const char *name)
{
	for (const struct job_type *const *t = job_types; *t; t++)
		if (strcmp((*t)->name, name) == 0)
			return *t;
	return NULL;
}
