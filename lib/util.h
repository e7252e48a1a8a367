/*
 * util.h - small helpers over OpenSSL and libc: randomness, SHA-256, HMAC, hex and
 * base64url codecs, constant-time comparison, UUID syntax checks, time formatting.
 * All functions are pure or use only thread-safe OpenSSL entry points.
 */
#ifndef CONCORD_UTIL_H
#define CONCORD_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Fill buf with cryptographically secure random bytes; aborts if the CSPRNG fails. */
void util_random(void *buf, size_t n);
/* out must hold 2*n+1 bytes. */
void util_hex(const void *in, size_t n, char *out);
/* Decode 2*n hex chars into n bytes; -1 on bad input. */
int util_unhex(const char *in, void *out, size_t n);
void util_sha256(const void *in, size_t n, unsigned char out[32]);
/* SHA-256 as 64 lowercase hex chars + NUL. */
void util_sha256_hex(const void *in, size_t n, char out[65]);
void util_hmac_sha256(
        const void *key, size_t klen, const void *in, size_t n, unsigned char out[32]);
/* base64url without padding. util_b64url_encode returns a malloc'd string (caller frees). */
char *util_b64url_encode(const void *in, size_t n);
/* Returns malloc'd bytes and sets *outlen; NULL on bad input. */
unsigned char *util_b64url_decode(const char *in, size_t *outlen);
bool util_ct_equal(const void *a, const void *b, size_t n);
/* Canonical textual UUID (8-4-4-4-12 hex, either case). */
bool util_is_uuid(const char *s);
/* A random secret token: prefix + 43 base64url chars (256 bits). Caller frees. */
char *util_new_secret(const char *prefix);
/* Monotonic time in seconds, as a double. */
double util_now_mono(void);
/* Strict YYYY-MM-DD check (valid calendar date). */
bool util_is_date(const char *s);
/* A valid UTF-8 byte string without NUL bytes. */
bool util_utf8_valid(const char *s, size_t n);
/* Write s (may be NULL) to f escaped for HTML text and attribute values: & < > " '. */
void util_html_escape(FILE *f, const char *s);

#endif
