/*
 * tokens.h - Concord's own access tokens: RS256 JWTs signed with a rotating keyring.
 *
 * Keys live in a directory as PEM private keys named <kid>.pem; kids sort by creation
 * time, to the microsecond ("k20261129T040000.123456Z-ab12"), the greatest is the signing key, all are accepted
 * for verification until removed. tokens_rotate() adds a new signing key. A token with
 * an unknown kid makes the keyring reload the directory (at most every 5 s), so a key
 * rotated by another process is picked up without restart.
 *
 * The keyring is an immutable snapshot published through an atomic pointer, so
 * verification takes no lock. Thread-safe after tokens_init().
 */
#ifndef CONCORD_TOKENS_H
#define CONCORD_TOKENS_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

struct access_claims {
	char sub[37]; /* user id */
	char tid[37]; /* home tenant id */
	char sid[37]; /* session (refresh-token family) id */
	long iat, exp;
};

/* Load the keyring from dir, creating a first key if the directory has none. */
int tokens_init(const char *dir, struct err *e);
/* Create a new signing key in dir; returns its kid in kid_out. */
int tokens_rotate(const char *dir, char *kid_out, size_t n, struct err *e);
/* Sign an access token valid for ttl seconds; returns a malloc'd string. */
char *tokens_sign_access(const struct access_claims *c, int ttl, struct err *e);
/* Verify signature (RS256 only, kid must be known), issuer and expiry. */
int tokens_verify_access(const char *token, struct access_claims *out, struct err *e);
/* The public keys as a JWKS document (new json_t reference). */
struct json_t *tokens_jwks(void);
void tokens_shutdown(void);

#endif
