/*
 * totp.c - RFC 6238 TOTP, RFC 4648 base32 and otpauth URIs (see totp.h).
 *
 * The HMAC is OpenSSL's (HMAC with EVP_sha1); only the RFC 4226 dynamic truncation is
 * written here. Verification walks every step of the window without an early exit and
 * compares with CRYPTO_memcmp, so the time taken does not depend on which step (if
 * any) matched.
 */
#include "totp.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

static const char b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

int64_t totp_step(time_t t)
{
	return (int64_t)t / TOTP_PERIOD;
}

void totp_code(const unsigned char *key, size_t klen, int64_t step, int digits, char *out)
{
	unsigned char msg[8], mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0;
	uint64_t c = (uint64_t)step;
	for (int i = 7; i >= 0; i--) {
		msg[i] = (unsigned char)(c & 0xff);
		c >>= 8;
	}
	if (!HMAC(EVP_sha1(), key, (int)klen, msg, sizeof msg, mac, &maclen) || maclen < 20)
		abort(); /* cannot happen: SHA-1 is always available in OpenSSL's default provider */
	/* RFC 4226 section 5.3: dynamic truncation */
	unsigned off = mac[maclen - 1] & 0x0f;
	uint32_t bin = (uint32_t)(mac[off] & 0x7f) << 24 | (uint32_t)mac[off + 1] << 16 |
	               (uint32_t)mac[off + 2] << 8 | mac[off + 3];
	uint32_t mod = 1;
	for (int i = 0; i < digits; i++)
		mod *= 10;
	snprintf(out, (size_t)digits + 1, "%0*u", digits, bin % mod);
}

int64_t totp_verify(const unsigned char *key, size_t klen, const char *code, time_t now, int window,
        int64_t last_step)
{
	size_t n = code ? strlen(code) : 0;
	if (n != TOTP_DIGITS)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (code[i] < '0' || code[i] > '9')
			return 0;
	int64_t base = totp_step(now), matched = 0;
	for (int64_t s = base - window; s <= base + window; s++) {
		char want[TOTP_DIGITS + 1];
		totp_code(key, klen, s, TOTP_DIGITS, want);
		if (CRYPTO_memcmp(want, code, TOTP_DIGITS) == 0 && matched == 0)
			matched = s;
	}
	if (matched == 0)
		return 0;
	return matched > last_step ? matched : -1;
}

char *totp_base32_encode(const unsigned char *in, size_t n)
{
	char *out = xmalloc((n * 8 + 4) / 5 + 1), *o = out;
	unsigned acc = 0;
	int bits = 0;
	for (size_t i = 0; i < n; i++) {
		acc = acc << 8 | in[i];
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			*o++ = b32[acc >> bits & 31];
		}
	}
	if (bits > 0)
		*o++ = b32[acc << (5 - bits) & 31];
	*o = '\0';
	return out;
}

unsigned char *totp_base32_decode(const char *in, size_t *n)
{
	unsigned char *out = xmalloc(strlen(in) * 5 / 8 + 1);
	size_t o = 0;
	unsigned acc = 0;
	int bits = 0;
	for (const char *p = in; *p; p++) {
		if (*p == ' ' || *p == '=')
			continue;
		char c = (char)((*p >= 'a' && *p <= 'z') ? *p - 32 : *p);
		const char *pos = strchr(b32, c);
		if (!pos || !c) {
			free(out);
			return NULL;
		}
		acc = acc << 5 | (unsigned)(pos - b32);
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(acc >> bits & 0xff);
		}
	}
	*n = o;
	return out;
}

/* Percent-encode everything but RFC 3986 unreserved characters. */
static void pct(char **o, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		        (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' || *p == '_' ||
		        *p == '~') {
			*(*o)++ = (char)*p;
		} else {
			*(*o)++ = '%';
			*(*o)++ = hex[*p >> 4];
			*(*o)++ = hex[*p & 15];
		}
	}
}

char *totp_uri(const char *issuer, const char *account, const char *secret_b32)
{
	size_t cap = 3 * (2 * strlen(issuer) + strlen(account)) + strlen(secret_b32) + 128;
	char *out = xmalloc(cap), *o = out;
	const char *head = "otpauth://totp/";
	memcpy(o, head, strlen(head));
	o += strlen(head);
	pct(&o, issuer);
	*o++ = ':';
	pct(&o, account);
	o += snprintf(o, cap - (size_t)(o - out), "?secret=%s&issuer=", secret_b32);
	pct(&o, issuer);
	o += snprintf(o, cap - (size_t)(o - out), "&algorithm=SHA1&digits=%d&period=%d",
	        TOTP_DIGITS, TOTP_PERIOD);
	*o = '\0';
	return out;
}
