/*
 * secretbox.c - AES-256-GCM sealing of secrets at rest (see secretbox.h).
 *
 * Each seal draws a fresh random 96-bit nonce (util_random); with one key per
 * deployment and far fewer than 2^32 seals, random nonces stay well inside GCM's
 * safety margin. The key is parsed from hex on every call: secrets are sealed and
 * opened a few times per sign-in, not on a hot path, and nothing key-related is cached.
 */
#include "secretbox.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "util.h"

#define SB_PREFIX "v1."
#define SB_NONCE  12
#define SB_TAG    16
#define SB_MAX    (64 * 1024) /* secrets are small; refuse anything absurd */

static int parse_key(const char *key_hex, unsigned char key[32], struct err *e)
{
	if (!key_hex || util_unhex(key_hex, key, 32) != 0)
		return err_set(e, ERR_UNAVAILABLE, NULL,
		        "secrets at rest are not configured: set CONCORD_SECRET_KEY to 64 hex "
		        "characters");
	return 0;
}

char *secretbox_seal(
        const char *key_hex, const char *aad, const void *plain, size_t n, struct err *e)
{
	unsigned char key[32];
	unsigned char *buf = NULL;
	char *out = NULL;
	EVP_CIPHER_CTX *ctx = NULL;
	int len = 0, fin = 0;
	if (parse_key(key_hex, key, e))
		return NULL;
	if (n > SB_MAX) {
		err_set(e, ERR_INVALID, NULL, "secret too long");
		goto out;
	}
	buf = xmalloc(SB_NONCE + n + SB_TAG);
	util_random(buf, SB_NONCE);
	ctx = EVP_CIPHER_CTX_new();
	if (!ctx || EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL) != 1 ||
	        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, SB_NONCE, NULL) != 1 ||
	        EVP_EncryptInit_ex(ctx, NULL, NULL, key, buf) != 1 ||
	        (aad && EVP_EncryptUpdate(ctx, NULL, &len, (const unsigned char *)aad,
	                        (int)strlen(aad)) != 1) ||
	        EVP_EncryptUpdate(ctx, buf + SB_NONCE, &len, plain, (int)n) != 1 ||
	        EVP_EncryptFinal_ex(ctx, buf + SB_NONCE + len, &fin) != 1 ||
	        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, SB_TAG, buf + SB_NONCE + n) != 1) {
		err_set(e, ERR_INTERNAL, NULL, "could not encrypt a secret");
		goto out;
	}
	char *b = util_b64url_encode(buf, SB_NONCE + n + SB_TAG);
	size_t bl = strlen(b);
	out = xmalloc(sizeof SB_PREFIX + bl);
	memcpy(out, SB_PREFIX, sizeof SB_PREFIX - 1);
	memcpy(out + sizeof SB_PREFIX - 1, b, bl + 1);
	free(b);
out:
	OPENSSL_cleanse(key, sizeof key);
	EVP_CIPHER_CTX_free(ctx);
	free(buf);
	return out;
}

unsigned char *secretbox_open(
        const char *key_hex, const char *aad, const char *sealed, size_t *n, struct err *e)
{
	unsigned char key[32];
	unsigned char *raw = NULL, *plain = NULL;
	EVP_CIPHER_CTX *ctx = NULL;
	size_t rawlen = 0;
	int len = 0, fin = 0;
	if (parse_key(key_hex, key, e))
		return NULL;
	if (!sealed || strncmp(sealed, SB_PREFIX, sizeof SB_PREFIX - 1) != 0 ||
	        strlen(sealed) > 2 * SB_MAX ||
	        !(raw = util_b64url_decode(sealed + sizeof SB_PREFIX - 1, &rawlen)) ||
	        rawlen < SB_NONCE + SB_TAG) {
		err_set(e, ERR_INTERNAL, NULL, "a stored secret is not in sealed form");
		goto out;
	}
	size_t clen = rawlen - SB_NONCE - SB_TAG;
	plain = xmalloc(clen + 1);
	ctx = EVP_CIPHER_CTX_new();
	if (!ctx || EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL) != 1 ||
	        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, SB_NONCE, NULL) != 1 ||
	        EVP_DecryptInit_ex(ctx, NULL, NULL, key, raw) != 1 ||
	        (aad && EVP_DecryptUpdate(ctx, NULL, &len, (const unsigned char *)aad,
	                        (int)strlen(aad)) != 1) ||
	        EVP_DecryptUpdate(ctx, plain, &len, raw + SB_NONCE, (int)clen) != 1 ||
	        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, SB_TAG, raw + SB_NONCE + clen) !=
	                1 ||
	        EVP_DecryptFinal_ex(ctx, plain + len, &fin) != 1) {
		/* wrong key, wrong aad or altered text: GCM's tag check refuses all three */
		OPENSSL_cleanse(plain, clen + 1);
		free(plain);
		plain = NULL;
		err_set(e, ERR_INTERNAL, NULL, "a stored secret could not be decrypted");
		err_log_detail(e, "secretbox: authentication failed (key rotated or data altered)");
		goto out;
	}
	plain[clen] = '\0';
	*n = clen;
out:
	OPENSSL_cleanse(key, sizeof key);
	EVP_CIPHER_CTX_free(ctx);
	free(raw);
	return plain;
}
