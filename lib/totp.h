/*
 * totp.h - time-based one-time passwords (RFC 6238 over RFC 4226 HOTP) with
 * HMAC-SHA-1 from OpenSSL, 6 digits and a 30-second step: what every authenticator
 * app understands. Also the RFC 4648 base32 codec that authenticator apps use for
 * the shared secret, and the otpauth:// URI that QR codes carry.
 *
 * Replay protection is the caller's job, helped by totp_verify(): it reports which
 * time step matched, and refuses any step not later than the last one accepted, so a
 * code can be used once.
 *
 * Ownership: returned strings are malloc'd (caller frees). Pure functions; any thread.
 */
#ifndef CONCORD_TOTP_H
#define CONCORD_TOTP_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define TOTP_PERIOD     30
#define TOTP_DIGITS     6
#define TOTP_SECRET_LEN 20 /* bytes: 160 bits, the size RFC 4226 recommends */
#define TOTP_WINDOW     1  /* steps accepted either side of now (clock drift) */

/* The time step that contains unix time t. */
int64_t totp_step(time_t t);

/* HOTP value for counter `step` as `digits` decimal digits into out (digits + 1 bytes).
 * digits is 6..8. */
void totp_code(const unsigned char *key, size_t klen, int64_t step, int digits, char *out);

/* Check `code` against the steps around `now` (+- window). A match at a step that is
 * not greater than last_step is a replay and is refused. Returns the matched step
 * (> last_step), 0 when the code is wrong and -1 when it is a replay. Constant-time
 * comparison; non-digit or wrong-length codes are simply wrong. */
int64_t totp_verify(const unsigned char *key, size_t klen, const char *code, time_t now, int window,
        int64_t last_step);

/* RFC 4648 base32 (upper case, no padding). */
char *totp_base32_encode(const unsigned char *in, size_t n);
/* Decodes upper or lower case, ignores spaces and '=' padding; NULL on bad input. */
unsigned char *totp_base32_decode(const char *in, size_t *n);

/* otpauth://totp/<issuer>:<account>?secret=...&issuer=...&algorithm=SHA1&digits=6&period=30
 * with issuer and account percent-encoded. */
char *totp_uri(const char *issuer, const char *account, const char *secret_b32);

#endif
