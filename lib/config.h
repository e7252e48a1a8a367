/*
 * config.h - process configuration, read once from the environment at start-up.
 *
 * Every knob has a default that works for `make run`; README.md lists them all.
 * The struct is filled before any thread starts and is read-only afterwards.
 */
#ifndef CONCORD_CONFIG_H
#define CONCORD_CONFIG_H

#include <stddef.h>

struct config {
	const char *root; /* CONCORD_ROOT: where migrations/, catalog/, api/openapi.json live */
	const char *
	        database_url; /* DATABASE_URL: the application role (no table ownership, no BYPASSRLS) */
	const char *owner_url;   /* DATABASE_OWNER_URL: the schema owner, used by `migrate` only */
	const char *redis_url;   /* REDIS_URL: redis://host:port/db or unix:/path */
	const char *listen_addr; /* CONCORD_LISTEN: address to bind (default 127.0.0.1) */
	int port;                /* CONCORD_PORT (default 8080) */
	int threads;     /* CONCORD_THREADS: HTTP worker threads = DB connections (default 8) */
	size_t max_body; /* CONCORD_MAX_BODY: request body limit in bytes (default 1 MiB) */
	const char *keys_dir;   /* CONCORD_KEYS_DIR: JWT signing keys, one PEM per kid */
	int access_ttl;         /* CONCORD_ACCESS_TTL seconds (default 900) */
	int refresh_ttl;        /* CONCORD_REFRESH_TTL seconds (default 30 days) */
	const char *public_url; /* CONCORD_PUBLIC_URL: external base URL (SSO redirects) */
	int login_max_failures; /* CONCORD_LOGIN_MAX_FAILURES per account or IP per window (default 5) */
	int login_window;       /* CONCORD_LOGIN_WINDOW seconds (default 900) */
	int tenant_delete_grace; /* CONCORD_TENANT_DELETE_GRACE seconds before purge (default 30 days) */
	int job_visibility_timeout; /* CONCORD_JOB_VISIBILITY seconds before a claimed job is reclaimed (default 60) */
	int job_max_attempts;       /* CONCORD_JOB_MAX_ATTEMPTS (default 5) */
	const char *secret_key_hex; /* CONCORD_SECRET_KEY: 64 hex chars, encrypts secrets at rest */
};

extern struct config cfg;

/* Fill `cfg` from the environment. Returns -1 and prints why on an invalid value. */
int config_load(void);

#endif
