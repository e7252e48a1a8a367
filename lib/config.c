/*
 * config.c - environment parsing for `struct config` (see config.h). Called once
 * from main() before threads start.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

struct config cfg;

static const char *env_or(const char *name, const char *def)
{
	const char *v = getenv(name);
	return v && *v ? v : def;
}

static int env_int(const char *name, long def, long min, long max, long *out)
{
	const char *v = getenv(name);
	if (!v || !*v) {
		*out = def;
		return 0;
	}
	char *end;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (errno || *end || n < min || n > max) {
		fprintf(stderr, "concord: %s must be an integer in [%ld, %ld], got '%s'\n", name,
		        min, max, v);
		return -1;
	}
	*out = n;
	return 0;
}

int config_load(void)
{
	long n;
	cfg.root = env_or("CONCORD_ROOT", ".");
	cfg.database_url = env_or("DATABASE_URL", "postgresql:///concord");
	cfg.owner_url = env_or("DATABASE_OWNER_URL", cfg.database_url);
	cfg.redis_url = env_or("REDIS_URL", "redis://127.0.0.1:6379/0");
	cfg.listen_addr = env_or("CONCORD_LISTEN", "127.0.0.1");
	cfg.keys_dir = env_or("CONCORD_KEYS_DIR", "var/keys");
	cfg.public_url = env_or("CONCORD_PUBLIC_URL", NULL);
	cfg.secret_key_hex = env_or("CONCORD_SECRET_KEY", NULL);
	if (env_int("CONCORD_PORT", 8080, 1, 65535, &n))
		return -1;
	cfg.port = (int)n;
	if (env_int("CONCORD_THREADS", 8, 1, 256, &n))
		return -1;
	cfg.threads = (int)n;
	if (env_int("CONCORD_MAX_BODY", 1 << 20, 1024, 64L << 20, &n))
		return -1;
	cfg.max_body = (size_t)n;
	if (env_int("CONCORD_ACCESS_TTL", 900, 30, 86400, &n))
		return -1;
	cfg.access_ttl = (int)n;
	if (env_int("CONCORD_REFRESH_TTL", 30 * 86400, 60, 365 * 86400, &n))
		return -1;
	cfg.refresh_ttl = (int)n;
	if (env_int("CONCORD_LOGIN_MAX_FAILURES", 5, 1, 1000, &n))
		return -1;
	cfg.login_max_failures = (int)n;
	if (env_int("CONCORD_LOGIN_WINDOW", 900, 1, 86400, &n))
		return -1;
	cfg.login_window = (int)n;
	if (env_int("CONCORD_TENANT_DELETE_GRACE", 30 * 86400, 0, 365 * 86400, &n))
		return -1;
	cfg.tenant_delete_grace = (int)n;
	if (env_int("CONCORD_JOB_VISIBILITY", 60, 1, 86400, &n))
		return -1;
	cfg.job_visibility_timeout = (int)n;
	if (env_int("CONCORD_JOB_MAX_ATTEMPTS", 5, 1, 100, &n))
		return -1;
	cfg.job_max_attempts = (int)n;
	if (cfg.public_url == NULL) {
		static char buf[128];
		snprintf(buf, sizeof buf, "http://%s:%d", cfg.listen_addr, cfg.port);
		cfg.public_url = buf;
	}
	return 0;
}
