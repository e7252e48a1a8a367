/*
 * main.c - the concord-worker binary (job workers and the scheduler). Filled in by
 * workers/README.md's design; this entry point only loads configuration for now.
 */
#include <stdio.h>

#include "config.h"
#include "log.h"

int main(void)
{
	if (config_load())
		return 2;
	log_init("worker", LOG_INFO);
	fprintf(stderr, "concord-worker: no job types registered\n");
	return 1;
}
