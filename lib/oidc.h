/*
 * oidc.h - the OpenID Connect relying-party toolkit: outbound HTTP to identity
 * providers (libcurl), discovery, the JWKS key cache, and JWT verification (OpenSSL).
 *
 * Layers, from pure to networked:
 *   - pure (unit-tested without a network): oidc_jwt_parse, oidc_alg_check,
 *     oidc_jwk_to_pkey, oidc_verify_signature, oidc_check_claims, oidc_discovery_check,
 *     oidc_url_check;
 *   - networked: oidc_get_json, oidc_post_form, oidc_discover, oidc_jwks_key, and
 *     oidc_verify, which ties them together for one token.
 *
 * Security decisions live here, once: only asymmetric algorithms Concord implements AND
 * the provider advertises are accepted ("none" and every HMAC algorithm are refused
 * before any key is looked at, so a public key can never be used as an HMAC secret);
 * the key is found by `kid` and must match the algorithm's key type; issuer, audience,
 * authorised party, expiry, issue time and nonce are checked with a small leeway.
 *
 * Outbound HTTP verifies TLS (peer and host name), never follows redirects, caps
 * responses at 1 MiB and times out (5 s to connect, 10 s in all). Plain http is
 * refused, except to a loopback address when CONCORD_OIDC_ALLOW_HTTP_LOOPBACK=1 (tests
 * and local development only).
 *
 * JWKS cache: per jwks_uri, process-wide, refreshed after an hour, and re-fetched when
 * a token names an unknown kid (at most once per OIDC_JWKS_MISS_INTERVAL seconds per
 * provider, so tokens with random kids cannot make Concord hammer a provider).
 *
 * Ownership: json_t results are new references; EVP_PKEY results belong to the caller
 * (EVP_PKEY_free). Errors: token failures are ERR_UNAUTHENTICATED with a message naming
 * the check that failed; provider unreachable is ERR_UNAVAILABLE; bad configuration is
 * ERR_UNPROCESSABLE naming `field`. Thread-safe: the cache takes a mutex, network I/O
 * happens outside it.
 */
#ifndef CONCORD_OIDC_H
#define CONCORD_OIDC_H

#include <jansson.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stddef.h>

#include "err.h"

#define OIDC_LEEWAY             60   /* seconds of clock skew tolerated */
#define OIDC_ID_TOKEN_MAX_AGE   600  /* an ID token issued longer ago is stale */
#define OIDC_JWKS_TTL           3600 /* seconds a fetched key set is trusted */
#define OIDC_JWKS_MISS_INTERVAL 30   /* minimum seconds between unknown-kid re-fetches */
#define OIDC_MAX_TOKEN          16384

/* ---------------------------------------------------------------- pure parts */

/* A compact JWS split into its parts; the signing input is "header.payload". */
struct oidc_jwt {
	json_t *header;      /* owned */
	json_t *claims;      /* owned */
	char *signing_input; /* malloc'd */
	unsigned char *sig;  /* malloc'd */
	size_t siglen;
	const char *alg, *kid; /* borrowed from header; kid may be NULL */
};

/* Split and decode a compact JWS (three base64url parts, JSON objects). */
int oidc_jwt_parse(const char *token, struct oidc_jwt *out, struct err *e);
void oidc_jwt_free(struct oidc_jwt *t);

/* The algorithm is one Concord verifies (RS256/384/512, PS256/384/512, ES256/384/512)
 * and, when advertised is a non-empty array, one the provider advertises. "none" and
 * HS* are always refused. */
int oidc_alg_check(const char *alg, const json_t *advertised, struct err *e);

/* A JWK (kty RSA with n, e; or kty EC with crv P-256/P-384/P-521, x, y) as a public
 * key; NULL with e set for anything else (private members are ignored, RSA keys under
 * 2048 bits are refused). */
EVP_PKEY *oidc_jwk_to_pkey(const json_t *jwk, struct err *e);

/* Verify the token's signature with jwk for the token's algorithm: the JWK's kty (and
 * curve) must fit the algorithm, and its "use"/"alg" members, when present, too. */
int oidc_verify_signature(const struct oidc_jwt *t, const json_t *jwk, struct err *e);

/* What the claims must say. */
struct oidc_expect {
	const char *issuer;   /* exact match of "iss" */
	const char *audience; /* must be in "aud"; for ID tokens also the client id for azp */
	const char *nonce;    /* ID tokens: must equal "nonce"; NULL for access tokens */
	bool id_token;        /* apply ID-token rules (nonce, azp, issue-time age) */
	long now;             /* unix time */
};
int oidc_check_claims(const json_t *claims, const struct oidc_expect *x, struct err *e);

/* Check a fetched discovery document against the configured issuer and reduce it to
 * what Concord stores: {issuer, authorization_endpoint, token_endpoint, jwks_uri,
 * algs: [...], token_auth: "client_secret_basic"|"client_secret_post"}. ERR_UNPROCESSABLE
 * naming `field` (normally "issuer") with a message that says what is wrong. */
int oidc_discovery_check(
        const json_t *doc, const char *issuer, const char *field, json_t **summary, struct err *e);

/* An endpoint URL Concord may call: https, or http to a loopback host when
 * allow_http_loopback. ERR_INVALID naming field otherwise. */
int oidc_url_check(const char *url, bool allow_http_loopback, const char *field, struct err *e);

/* ------------------------------------------------------------ networked parts */

/* Whether CONCORD_OIDC_ALLOW_HTTP_LOOPBACK=1 (read once). */
bool oidc_allow_http_loopback(void);

/* GET url and parse a JSON object. `field` names the configuration field blamed when
 * the URL is refused or the answer is not usable (ERR_UNPROCESSABLE); ERR_UNAVAILABLE
 * when the provider cannot be reached. */
json_t *oidc_get_json(const char *url, const char *field, struct err *e);

/* POST an application/x-www-form-urlencoded body (already encoded) with optional HTTP
 * Basic client authentication (user and password are form-encoded first, as RFC 6749
 * section 2.3.1 requires). Returns the parsed JSON object whatever the status, which is
 * stored in *status. */
json_t *oidc_post_form(const char *url, const char *form, const char *basic_user,
        const char *basic_pass, long *status, struct err *e);

/* application/x-www-form-urlencoded / URL query escaping (malloc'd). */
char *oidc_escape(const char *s);

/* Fetch issuer's /.well-known/openid-configuration, check it (oidc_discovery_check) and
 * its JWKS (at least one usable signing key). Returns the summary. */
json_t *oidc_discover(const char *issuer, struct err *e);

/* The JWK for kid (or the only usable key when kid is NULL) from the cached key set at
 * jwks_uri, fetching or re-fetching as described above. New reference. */
json_t *oidc_jwks_key(const char *jwks_uri, const char *kid, const char *alg, struct err *e);

/* Verify a provider token end to end: parse, algorithm, key (cache), signature, claims.
 * On success *claims is a new reference. */
int oidc_verify(const char *token, const char *jwks_uri, const json_t *algs,
        const struct oidc_expect *x, json_t **claims, struct err *e);

#endif
