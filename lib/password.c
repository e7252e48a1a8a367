/*
 * password.c - see password.h.
 */
#include "password.h"

#include <argon2.h>
#include <string.h>

#include "util.h"

#define T_COST   2
#define M_COST   19456
#define PARALLEL 1

int password_hash(const char *pwd, char *out, size_t n, struct err *e)
{
	unsigned char salt[16];
	util_random(salt, sizeof salt);
	int rc = argon2id_hash_encoded(
	        T_COST, M_COST, PARALLEL, pwd, strlen(pwd), salt, sizeof salt, 32, out, n);
	if (rc != ARGON2_OK)
		return err_set(e, ERR_INTERNAL, NULL, "password hashing failed: %s",
		        argon2_error_message(rc));
	return 0;
}

bool password_verify(const char *encoded, const char *pwd)
{
	/* a fixed hash of a random string, so unknown accounts cost the same time */
	static const char dummy[] = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$"
	                            "Zr8CqK3D3m2hWmH0m8vF5y5vY0l8m3Z6o0W1xN8b1qQ";
	if (!encoded || strncmp(encoded, "$argon2id$", 10) != 0) {
		argon2id_verify(dummy, pwd, strlen(pwd));
		return false;
	}
	return argon2id_verify(encoded, pwd, strlen(pwd)) == ARGON2_OK;
}

int password_policy(const char *pwd, const char *field, struct err *e)
{
	size_t n = strlen(pwd);
	if (n < PASSWORD_MIN)
		return err_set(
		        e, ERR_INVALID, field, "must be at least %d characters", PASSWORD_MIN);
	if (n > PASSWORD_MAX)
		return err_set(
		        e, ERR_INVALID, field, "must be at most %d characters", PASSWORD_MAX);
	return 0;
}
