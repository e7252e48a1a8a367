/*
 * secretbox.h - secrets at rest: AES-256-GCM (OpenSSL EVP) under the deployment key
 * CONCORD_SECRET_KEY (cfg.secret_key_hex, 64 hex characters).
 *
 * A sealed value is text, "v1." followed by base64url(nonce[12] || ciphertext || tag[16]),
 * so it can live in a text column. The associated data binds a ciphertext to where it
 * belongs (for example "sso.client_secret:<tenant id>"): a value copied into another
 * row or tenant does not open. Used for SSO client secrets and TOTP seeds.
 *
 * Ownership: returned strings and buffers are malloc'd; the caller frees them.
 * Pure functions over their arguments; any thread.
 */
#ifndef CONCORD_SECRETBOX_H
#define CONCORD_SECRETBOX_H

#include <stddef.h>

#include "err.h"

/* Encrypt n bytes of plain under key_hex with associated data aad. Returns the sealed
 * text, or NULL with e set (ERR_UNAVAILABLE when no valid key is configured). */
char *secretbox_seal(
        const char *key_hex, const char *aad, const void *plain, size_t n, struct err *e);

/* Decrypt a sealed text; the plaintext is NUL-terminated (for text secrets) and its
 * length stored in *n. NULL with e set when the key, the aad or the text is wrong. */
unsigned char *secretbox_open(
        const char *key_hex, const char *aad, const char *sealed, size_t *n, struct err *e);

#endif
