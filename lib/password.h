/*
 * password.h - argon2id password hashing (libargon2). Parameters follow current
 * guidance for interactive logins (m = 19 MiB, t = 2, p = 1) and are stored in the
 * encoded hash, so they can be raised later without invalidating existing hashes.
 * Any thread.
 */
#ifndef CONCORD_PASSWORD_H
#define CONCORD_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

#define PASSWORD_MIN 12
#define PASSWORD_MAX 256

/* Encoded argon2id hash into out (>= 128 bytes). */
int password_hash(const char *pwd, char *out, size_t n, struct err *e);
/* True when pwd matches encoded; a NULL encoded runs a dummy verification (same cost). */
bool password_verify(const char *encoded, const char *pwd);
/* Length and character policy; ERR_INVALID naming `field`. */
int password_policy(const char *pwd, const char *field, struct err *e);

#endif
