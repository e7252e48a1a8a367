/*
 * test_oidc.c - the pure parts of lib/oidc.c (JWT parsing, algorithm policy, JWK ->
 * key conversion, signature verification for RSA, RSA-PSS and ECDSA, claim checks,
 * discovery and URL checks) and lib/secretbox.c, which seals the SSO client secrets.
 *
 * Keys are generated here with OpenSSL and tokens signed here, so every case is built
 * from first principles; times are fixed (no clock).
 */
#include <check.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oidc.h"
#include "secretbox.h"
#include "util.h"

#define NOW 1700000000L

static EVP_PKEY *rsa, *rsa_other, *ec;

static void keys_setup(void)
{
	rsa = EVP_RSA_gen(2048);
	rsa_other = EVP_RSA_gen(2048);
	ec = EVP_EC_gen("P-256");
	ck_assert(rsa && rsa_other && ec);
}

static void keys_teardown(void)
{
	EVP_PKEY_free(rsa);
	EVP_PKEY_free(rsa_other);
	EVP_PKEY_free(ec);
}

static char *bn_b64(const EVP_PKEY *pk, const char *param, int pad)
{
	BIGNUM *bn = NULL;
	ck_assert_int_eq(EVP_PKEY_get_bn_param(pk, param, &bn), 1);
	unsigned char buf[600];
	int n = pad ? BN_bn2binpad(bn, buf, pad) : BN_bn2bin(bn, buf);
	BN_free(bn);
	return util_b64url_encode(buf, (size_t)n);
}

/* The public JWK of a key, with kid (new reference). */
static json_t *jwk_of(const EVP_PKEY *pk, const char *kid)
{
	if (EVP_PKEY_get_base_id(pk) == EVP_PKEY_RSA) {
		char *n = bn_b64(pk, OSSL_PKEY_PARAM_RSA_N, 0),
		     *e = bn_b64(pk, OSSL_PKEY_PARAM_RSA_E, 0);
		json_t *j =
		        json_pack("{s:s, s:s, s:s, s:s}", "kty", "RSA", "kid", kid, "n", n, "e", e);
		free(n);
		free(e);
		return j;
	}
	char *x = bn_b64(pk, OSSL_PKEY_PARAM_EC_PUB_X, 32),
	     *y = bn_b64(pk, OSSL_PKEY_PARAM_EC_PUB_Y, 32);
	json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s}", "kty", "EC", "crv", "P-256", "kid", kid,
	        "x", x, "y", y);
	free(x);
	free(y);
	return j;
}

/* Sign header.claims with pk as alg says (RS256, PS256, ES256) or HS256 with secret. */
static char *sign(
        const char *alg, const char *kid, json_t *claims, EVP_PKEY *pk, const char *hmac_secret)
{
	json_t *h = json_pack("{s:s, s:s}", "alg", alg, "typ", "JWT");
	if (kid)
		json_object_set_new(h, "kid", json_string(kid));
	char *hs = json_dumps(h, JSON_COMPACT), *cs = json_dumps(claims, JSON_COMPACT);
	char *hb = util_b64url_encode(hs, strlen(hs)), *cb = util_b64url_encode(cs, strlen(cs));
	char input[8192];
	snprintf(input, sizeof input, "%s.%s", hb, cb);
	free(hs);
	free(cs);
	free(hb);
	free(cb);
	json_decref(h);
	unsigned char sig[1024];
	size_t len = sizeof sig;
	if (hmac_secret) {
		util_hmac_sha256(hmac_secret, strlen(hmac_secret), input, strlen(input), sig);
		len = 32;
	} else if (pk) {
		EVP_MD_CTX *m = EVP_MD_CTX_new();
		EVP_PKEY_CTX *pc = NULL;
		ck_assert_int_eq(EVP_DigestSignInit(m, &pc, EVP_sha256(), NULL, pk), 1);
		if (strcmp(alg, "PS256") == 0) {
			EVP_PKEY_CTX_set_rsa_padding(pc, RSA_PKCS1_PSS_PADDING);
			EVP_PKEY_CTX_set_rsa_pss_saltlen(pc, RSA_PSS_SALTLEN_DIGEST);
		}
		ck_assert_int_eq(
		        EVP_DigestSign(m, sig, &len, (unsigned char *)input, strlen(input)), 1);
		EVP_MD_CTX_free(m);
		if (strcmp(alg, "ES256") == 0) { /* DER -> JWS r || s */
			const unsigned char *p = sig;
			ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)len);
			const BIGNUM *r, *s;
			ECDSA_SIG_get0(es, &r, &s);
			BN_bn2binpad(r, sig, 32);
			BN_bn2binpad(s, sig + 32, 32);
			ECDSA_SIG_free(es);
			len = 64;
		}
	} else {
		len = 0;
	}
	char *sb = util_b64url_encode(sig, len);
	size_t n = strlen(input) + strlen(sb) + 2;
	char *out = malloc(n);
	snprintf(out, n, "%s.%s", input, sb);
	free(sb);
	return out;
}

static json_t *good_claims(void)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:s}", "iss", "https://idp.example/t",
	        "sub", "248289761001", "aud", "concord-client", "azp", "concord-client", "exp",
	        (json_int_t)NOW + 300, "iat", (json_int_t)NOW - 10, "nonce", "n-0S6_WzA2Mj");
}

static const struct oidc_expect expect_id = {
        "https://idp.example/t", "concord-client", "n-0S6_WzA2Mj", true, NOW};

/* Parse token and verify it with jwk; returns 0 or -1 and the error message. */
static int check_sig(const char *token, json_t *jwk, struct err *e)
{
	struct oidc_jwt t;
	if (oidc_jwt_parse(token, &t, e))
		return -1;
	int rc = oidc_verify_signature(&t, jwk, e);
	oidc_jwt_free(&t);
	return rc;
}

START_TEST(rs256_token_verifies_with_the_jwk_built_from_n_and_e)
{
	json_t *c = good_claims(), *jwk = jwk_of(rsa, "k1");
	char *tok = sign("RS256", "k1", c, rsa, NULL);
	struct err e = {0};
	ck_assert_msg(check_sig(tok, jwk, &e) == 0, "%s", e.message);
	struct oidc_jwt t;
	ck_assert_int_eq(oidc_jwt_parse(tok, &t, &e), 0);
	ck_assert_str_eq(t.alg, "RS256");
	ck_assert_str_eq(t.kid, "k1");
	ck_assert_str_eq(json_string_value(json_object_get(t.claims, "sub")), "248289761001");
	oidc_jwt_free(&t);
	free(tok);
	json_decref(jwk);
	json_decref(c);
}
END_TEST

START_TEST(another_key_or_an_altered_payload_fails_the_signature)
{
	json_t *c = good_claims(), *jwk = jwk_of(rsa, "k1"), *other = jwk_of(rsa_other, "k1");
	char *tok = sign("RS256", "k1", c, rsa, NULL);
	struct err e = {0};
	ck_assert_int_eq(check_sig(tok, other, &e), -1);
	ck_assert_str_eq(e.message, "token signature does not verify");
	/* change one claim but keep the signature */
	json_object_set_new(c, "sub", json_string("admin"));
	char *forged = sign("RS256", "k1", c, rsa_other, NULL);
	char *dot = strrchr(forged, '.'), *orig = strrchr(tok, '.');
	char *spliced = malloc(strlen(forged) + strlen(orig) + 1);
	memcpy(spliced, forged, (size_t)(dot - forged));
	strcpy(spliced + (dot - forged), orig);
	ck_assert_int_eq(check_sig(spliced, jwk, &e), -1);
	free(spliced);
	free(forged);
	free(tok);
	json_decref(jwk);
	json_decref(other);
	json_decref(c);
}
END_TEST

START_TEST(es256_and_ps256_tokens_verify)
{
	json_t *c = good_claims(), *ejwk = jwk_of(ec, "e1"), *rjwk = jwk_of(rsa, "r1");
	struct err e = {0};
	char *es = sign("ES256", "e1", c, ec, NULL);
	ck_assert_msg(check_sig(es, ejwk, &e) == 0, "%s", e.message);
	char *ps = sign("PS256", "r1", c, rsa, NULL);
	ck_assert_msg(check_sig(ps, rjwk, &e) == 0, "%s", e.message);
	/* a PS256 signature is not an RS256 one */
	char *rs = sign("RS256", "r1", c, rsa, NULL);
	char *mixed = malloc(strlen(ps) + strlen(rs));
	size_t hl = (size_t)(strrchr(rs, '.') - rs);
	memcpy(mixed, rs, hl);
	strcpy(mixed + hl, strrchr(ps, '.'));
	ck_assert_int_eq(check_sig(mixed, rjwk, &e), -1);
	free(mixed);
	free(rs);
	free(ps);
	free(es);
	json_decref(ejwk);
	json_decref(rjwk);
	json_decref(c);
}
END_TEST

START_TEST(none_and_hmac_are_refused_whatever_the_key)
{
	struct err e = {0};
	ck_assert_int_eq(oidc_alg_check("none", NULL, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.message, "alg none"));
	ck_assert_int_eq(oidc_alg_check("NONE", NULL, &e), -1);
	ck_assert_int_eq(oidc_alg_check(NULL, NULL, &e), -1);
	ck_assert_int_eq(oidc_alg_check("HS256", NULL, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.message, "HS256 refused"));
	ck_assert_int_eq(oidc_alg_check("HS512", NULL, &e), -1);
	/* even a provider that advertises HS256 does not get it */
	json_t *adv = json_pack("[ss]", "HS256", "RS256");
	ck_assert_int_eq(oidc_alg_check("HS256", adv, &e), -1);
	ck_assert_int_eq(oidc_alg_check("RS256", adv, &e), 0);
	json_decref(adv);
	/* the classic confusion: HMAC keyed with the public key's PEM */
	BIO *b = BIO_new(BIO_s_mem());
	PEM_write_bio_PUBKEY(b, rsa);
	char *pem;
	long n = BIO_get_mem_data(b, &pem);
	char *secret = strndup(pem, (size_t)n);
	BIO_free(b);
	json_t *c = good_claims(), *jwk = jwk_of(rsa, "k1");
	char *tok = sign("HS256", "k1", c, NULL, secret);
	ck_assert_int_eq(check_sig(tok, jwk, &e), -1);
	/* an unsigned token has no signature to check */
	char *none = sign("none", NULL, c, NULL, NULL);
	ck_assert_int_eq(check_sig(none, jwk, &e), -1);
	free(none);
	free(tok);
	free(secret);
	json_decref(c);
	json_decref(jwk);
}
END_TEST

START_TEST(algorithm_must_be_one_the_provider_advertises)
{
	struct err e = {0};
	json_t *adv = json_pack("[s]", "RS256");
	ck_assert_int_eq(oidc_alg_check("RS256", adv, &e), 0);
	ck_assert_int_eq(oidc_alg_check("PS256", adv, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.message, "not one the provider advertises"));
	ck_assert_int_eq(oidc_alg_check("EdDSA", NULL, &e), -1);
	json_decref(adv);
}
END_TEST

START_TEST(key_must_fit_the_algorithm)
{
	json_t *c = good_claims(), *rjwk = jwk_of(rsa, "k1"), *ejwk = jwk_of(ec, "k1");
	struct err e = {0};
	char *es = sign("ES256", "k1", c, ec, NULL), *rs = sign("RS256", "k1", c, rsa, NULL);
	ck_assert_int_eq(check_sig(es, rjwk, &e), -1); /* EC token, RSA key */
	ck_assert_ptr_nonnull(strstr(e.message, "not a ES256 signing key"));
	ck_assert_int_eq(check_sig(rs, ejwk, &e), -1); /* RSA token, EC key */
	json_object_set_new(rjwk, "use", json_string("enc"));
	ck_assert_int_eq(check_sig(rs, rjwk, &e), -1);
	json_object_set_new(rjwk, "use", json_string("sig"));
	json_object_set_new(rjwk, "alg", json_string("RS512"));
	ck_assert_int_eq(check_sig(rs, rjwk, &e), -1);
	json_object_set_new(rjwk, "alg", json_string("RS256"));
	ck_assert_int_eq(check_sig(rs, rjwk, &e), 0);
	free(es);
	free(rs);
	json_decref(rjwk);
	json_decref(ejwk);
	json_decref(c);
}
END_TEST

START_TEST(jwk_conversion_refuses_weak_or_malformed_keys)
{
	struct err e = {0};
	EVP_PKEY *small = EVP_RSA_gen(1024);
	json_t *j = jwk_of(small, "s");
	ck_assert_ptr_null(oidc_jwk_to_pkey(j, &e));
	ck_assert_ptr_nonnull(strstr(e.message, "2048"));
	json_decref(j);
	EVP_PKEY_free(small);
	j = jwk_of(rsa, "k");
	EVP_PKEY *ok = oidc_jwk_to_pkey(j, &e);
	ck_assert_ptr_nonnull(ok);
	ck_assert_int_eq(EVP_PKEY_eq(ok, rsa), 1);
	EVP_PKEY_free(ok);
	json_object_del(j, "n");
	ck_assert_ptr_null(oidc_jwk_to_pkey(j, &e));
	json_decref(j);
	j = json_pack("{s:s, s:s}", "kty", "oct", "k", "c2VjcmV0");
	ck_assert_ptr_null(oidc_jwk_to_pkey(j, &e));
	json_decref(j);
	j = jwk_of(ec, "e");
	json_object_set_new(j, "x", json_string("AAAA")); /* 3 bytes, not 32 */
	ck_assert_ptr_null(oidc_jwk_to_pkey(j, &e));
	json_decref(j);
	j = jwk_of(ec, "e");
	json_object_set_new(j, "crv", json_string("secp256k1"));
	ck_assert_ptr_null(oidc_jwk_to_pkey(j, &e));
	json_decref(j);
}
END_TEST

START_TEST(malformed_tokens_are_not_parsed)
{
	struct err e = {0};
	struct oidc_jwt t;
	const char *bad[] = {"", "abc", "a.b", "a.b.c.d", "!!!.e30.", "W10.e30.", /* [] header */
	        "eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.",               /* payload "not json" */
	        "e30.e30.",                                        /* header without alg */
	        "eyJhbGciOiJSUzI1NiIsImNyaXQiOlsiYjY0Il19.e30.AA", /* crit */
	        NULL};
	for (int i = 0; bad[i]; i++)
		ck_assert_msg(oidc_jwt_parse(bad[i], &t, &e) == -1, "parsed %s", bad[i]);
	char *huge = malloc(OIDC_MAX_TOKEN + 10);
	memset(huge, 'a', OIDC_MAX_TOKEN + 9);
	huge[OIDC_MAX_TOKEN + 9] = '\0';
	huge[10] = '.';
	huge[20] = '.';
	ck_assert_int_eq(oidc_jwt_parse(huge, &t, &e), -1);
	free(huge);
}
END_TEST

/* Claims with one change checked against expect_id (or x). */
static void expect_claims(json_t *c, const struct oidc_expect *x, const char *why)
{
	struct err e = {0};
	int rc = oidc_check_claims(c, x ? x : &expect_id, &e);
	if (!why)
		ck_assert_msg(rc == 0, "refused: %s", e.message);
	else
		ck_assert_msg(rc == -1 && strstr(e.message, why), "want \"%s\", got %d \"%s\"", why,
		        rc, e.message);
	json_decref(c);
}

START_TEST(claims_iss_aud_azp_are_checked)
{
	expect_claims(good_claims(), NULL, NULL);
	json_t *c = good_claims();
	json_object_set_new(c, "iss", json_string("https://idp.example/t/"));
	expect_claims(c, NULL, "issuer does not match");
	c = good_claims();
	json_object_del(c, "iss");
	expect_claims(c, NULL, "issuer does not match");
	c = good_claims();
	json_object_set_new(c, "aud", json_string("someone-else"));
	json_object_del(c, "azp");
	expect_claims(c, NULL, "audience does not include");
	c = good_claims();
	json_object_set_new(c, "aud", json_pack("[ss]", "someone-else", "concord-client"));
	expect_claims(c, NULL, NULL); /* several audiences with azp = us */
	c = good_claims();
	json_object_set_new(c, "aud", json_pack("[ss]", "someone-else", "concord-client"));
	json_object_del(c, "azp");
	expect_claims(c, NULL, "no authorised party");
	c = good_claims();
	json_object_set_new(c, "azp", json_string("someone-else"));
	expect_claims(c, NULL, "authorised party (azp) is not this client");
	c = good_claims();
	json_object_set_new(c, "aud", json_integer(7));
	expect_claims(c, NULL, "audience does not include");
}
END_TEST

START_TEST(claims_times_are_checked_with_leeway)
{
	json_t *c = good_claims();
	json_object_set_new(c, "exp", json_integer(NOW - OIDC_LEEWAY - 1));
	expect_claims(c, NULL, "token expired");
	c = good_claims();
	json_object_set_new(c, "exp", json_integer(NOW - OIDC_LEEWAY + 5)); /* within skew */
	expect_claims(c, NULL, NULL);
	c = good_claims();
	json_object_del(c, "exp");
	expect_claims(c, NULL, "no expiry");
	c = good_claims();
	json_object_set_new(c, "exp", json_string("tomorrow"));
	expect_claims(c, NULL, "no expiry");
	c = good_claims();
	json_object_del(c, "iat");
	expect_claims(c, NULL, "no issue time");
	c = good_claims();
	json_object_set_new(c, "iat", json_integer(NOW + OIDC_LEEWAY + 10));
	expect_claims(c, NULL, "in the future");
	c = good_claims();
	json_object_set_new(c, "iat", json_integer(NOW - OIDC_ID_TOKEN_MAX_AGE - OIDC_LEEWAY - 1));
	expect_claims(c, NULL, "issued too long ago");
	c = good_claims();
	json_object_set_new(c, "nbf", json_integer(NOW + OIDC_LEEWAY + 10));
	expect_claims(c, NULL, "not valid yet");
	/* an access token may be older than an ID token */
	struct oidc_expect at = {"https://idp.example/t", "concord-client", NULL, false, NOW};
	c = good_claims();
	json_object_set_new(c, "iat", json_integer(NOW - 3000));
	expect_claims(c, &at, NULL);
}
END_TEST

START_TEST(claims_nonce_and_subject_are_checked)
{
	json_t *c = good_claims();
	json_object_set_new(c, "nonce", json_string("n-0S6_WzA2Mk"));
	expect_claims(c, NULL, "nonce does not match");
	c = good_claims();
	json_object_del(c, "nonce");
	expect_claims(c, NULL, "nonce does not match");
	c = good_claims();
	json_object_set_new(c, "nonce", json_string("n-0S6_WzA2Mj-and-more"));
	expect_claims(c, NULL, "nonce does not match");
	c = good_claims();
	json_object_del(c, "sub");
	expect_claims(c, NULL, "subject");
	c = good_claims();
	json_object_set_new(c, "sub", json_string(""));
	expect_claims(c, NULL, "subject");
	/* access tokens carry no nonce */
	struct oidc_expect at = {"https://idp.example/t", "concord-client", NULL, false, NOW};
	c = good_claims();
	json_object_del(c, "nonce");
	expect_claims(c, &at, NULL);
}
END_TEST

static json_t *discovery_doc(void)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:[s], s:[sss], s:[ss], s:[s]}", "issuer",
	        "https://idp.example/t", "authorization_endpoint", "https://idp.example/t/auth",
	        "token_endpoint", "https://idp.example/t/token", "jwks_uri",
	        "https://idp.example/t/keys", "response_types_supported", "code",
	        "id_token_signing_alg_values_supported", "HS256", "RS256", "EdDSA",
	        "code_challenge_methods_supported", "plain", "S256",
	        "token_endpoint_auth_methods_supported", "client_secret_basic");
}

static void expect_discovery(json_t *doc, const char *why)
{
	struct err e = {0};
	json_t *sum = NULL;
	int rc = oidc_discovery_check(doc, "https://idp.example/t", "issuer", &sum, &e);
	if (why) {
		ck_assert_msg(rc == -1 && strstr(e.message, why), "want \"%s\", got \"%s\"", why,
		        e.message);
		ck_assert_str_eq(e.field, "issuer");
		ck_assert_int_eq(e.code, ERR_UNPROCESSABLE);
	} else {
		ck_assert_msg(rc == 0, "%s", e.message);
	}
	json_decref(sum);
	json_decref(doc);
}

START_TEST(discovery_document_is_checked_and_reduced)
{
	struct err e = {0};
	json_t *doc = discovery_doc(), *sum = NULL;
	ck_assert_int_eq(oidc_discovery_check(doc, "https://idp.example/t", "issuer", &sum, &e), 0);
	/* only the algorithms Concord accepts are kept */
	ck_assert_int_eq(json_array_size(json_object_get(sum, "algs")), 1);
	ck_assert_str_eq(
	        json_string_value(json_array_get(json_object_get(sum, "algs"), 0)), "RS256");
	ck_assert_str_eq(
	        json_string_value(json_object_get(sum, "token_auth")), "client_secret_basic");
	ck_assert_str_eq(
	        json_string_value(json_object_get(sum, "jwks_uri")), "https://idp.example/t/keys");
	json_decref(sum);
	json_decref(doc);

	doc = discovery_doc();
	json_object_set_new(doc, "issuer", json_string("https://evil.example/t"));
	expect_discovery(doc, "names issuer");
	doc = discovery_doc();
	json_object_del(doc, "jwks_uri");
	expect_discovery(doc, "no jwks_uri");
	doc = discovery_doc();
	json_object_set_new(doc, "token_endpoint", json_string("http://idp.example/t/token"));
	expect_discovery(doc, "token_endpoint is not usable");
	doc = discovery_doc();
	json_object_set_new(
	        doc, "id_token_signing_alg_values_supported", json_pack("[s]", "HS256"));
	expect_discovery(doc, "no ID token signing algorithm");
	doc = discovery_doc();
	json_object_set_new(doc, "code_challenge_methods_supported", json_pack("[s]", "plain"));
	expect_discovery(doc, "PKCE");
	doc = discovery_doc();
	json_object_set_new(doc, "response_types_supported", json_pack("[s]", "token"));
	expect_discovery(doc, "authorization code flow");
	doc = discovery_doc();
	json_object_set_new(
	        doc, "token_endpoint_auth_methods_supported", json_pack("[s]", "private_key_jwt"));
	expect_discovery(doc, "neither client_secret_basic nor client_secret_post");
	/* a provider that only takes the secret in the body */
	doc = discovery_doc();
	json_object_set_new(doc, "token_endpoint_auth_methods_supported",
	        json_pack("[s]", "client_secret_post"));
	ck_assert_int_eq(oidc_discovery_check(doc, "https://idp.example/t", "issuer", &sum, &e), 0);
	ck_assert_str_eq(
	        json_string_value(json_object_get(sum, "token_auth")), "client_secret_post");
	json_decref(sum);
	json_decref(doc);
}
END_TEST

START_TEST(only_https_or_explicitly_allowed_loopback_urls_are_called)
{
	struct err e = {0};
	ck_assert_int_eq(
	        oidc_url_check("https://login.microsoftonline.com/x/v2.0", false, "f", &e), 0);
	ck_assert_int_eq(oidc_url_check("http://login.example.com/", false, "f", &e), -1);
	ck_assert_str_eq(e.field, "f");
	ck_assert_int_eq(oidc_url_check("http://127.0.0.1:8080/realm", false, "f", &e), -1);
	ck_assert_int_eq(oidc_url_check("http://127.0.0.1:8080/realm", true, "f", &e), 0);
	ck_assert_int_eq(oidc_url_check("http://localhost/realm", true, "f", &e), 0);
	ck_assert_int_eq(oidc_url_check("http://[::1]:9/realm", true, "f", &e), 0);
	ck_assert_int_eq(oidc_url_check("http://10.0.0.1/realm", true, "f", &e), -1);
	ck_assert_int_eq(oidc_url_check("http://127.0.0.1.example.com/", true, "f", &e), -1);
	ck_assert_int_eq(oidc_url_check("https://user:pw@idp.example/", false, "f", &e), -1);
	ck_assert_int_eq(oidc_url_check("https://idp.example/#frag", false, "f", &e), -1);
	ck_assert_int_eq(oidc_url_check("idp.example", false, "f", &e), -1);
	ck_assert_int_eq(oidc_url_check("file:///etc/passwd", true, "f", &e), -1);
	ck_assert_int_eq(oidc_url_check(NULL, true, "f", &e), -1);
}
END_TEST

/* ------------------------------------------------------------ secretbox */

static const char key_a[] = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
static const char key_b[] = "ff0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

START_TEST(sealed_secrets_open_only_with_their_key_and_context)
{
	struct err e = {0};
	const char *secret = "client-secret with spaces & symbols";
	char *s1 = secretbox_seal(key_a, "sso.client_secret:t1", secret, strlen(secret), &e);
	char *s2 = secretbox_seal(key_a, "sso.client_secret:t1", secret, strlen(secret), &e);
	ck_assert_ptr_nonnull(s1);
	ck_assert(strncmp(s1, "v1.", 3) == 0);
	ck_assert_ptr_null(strstr(s1, "client-secret"));
	ck_assert_str_ne(s1, s2); /* a fresh nonce each time */
	size_t n;
	unsigned char *p = secretbox_open(key_a, "sso.client_secret:t1", s1, &n, &e);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(n, strlen(secret));
	ck_assert_str_eq((char *)p, secret);
	free(p);
	/* another tenant's context, another key, an altered byte: all refused */
	ck_assert_ptr_null(secretbox_open(key_a, "sso.client_secret:t2", s1, &n, &e));
	ck_assert_ptr_null(secretbox_open(key_b, "sso.client_secret:t1", s1, &n, &e));
	s1[10] = s1[10] == 'A' ? 'B' : 'A';
	ck_assert_ptr_null(secretbox_open(key_a, "sso.client_secret:t1", s1, &n, &e));
	ck_assert_ptr_null(secretbox_open(key_a, "sso.client_secret:t1", "plain text", &n, &e));
	free(s1);
	free(s2);
}
END_TEST

START_TEST(secrets_need_a_configured_key)
{
	struct err e = {0};
	ck_assert_ptr_null(secretbox_seal(NULL, "x", "s", 1, &e));
	ck_assert_int_eq(e.code, ERR_UNAVAILABLE);
	ck_assert_ptr_nonnull(strstr(e.message, "CONCORD_SECRET_KEY"));
	ck_assert_ptr_null(secretbox_seal("abcd", "x", "s", 1, &e));
	ck_assert_ptr_null(
	        secretbox_seal("zz0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
	                "x", "s", 1, &e));
}
END_TEST

static Suite *oidc_suite(void)
{
	Suite *s = suite_create("oidc");
	TCase *jwt = tcase_create("jwt");
	tcase_add_unchecked_fixture(jwt, keys_setup, keys_teardown);
	tcase_add_test(jwt, rs256_token_verifies_with_the_jwk_built_from_n_and_e);
	tcase_add_test(jwt, another_key_or_an_altered_payload_fails_the_signature);
	tcase_add_test(jwt, es256_and_ps256_tokens_verify);
	tcase_add_test(jwt, none_and_hmac_are_refused_whatever_the_key);
	tcase_add_test(jwt, algorithm_must_be_one_the_provider_advertises);
	tcase_add_test(jwt, key_must_fit_the_algorithm);
	tcase_add_test(jwt, jwk_conversion_refuses_weak_or_malformed_keys);
	tcase_add_test(jwt, malformed_tokens_are_not_parsed);
	suite_add_tcase(s, jwt);
	TCase *claims = tcase_create("claims");
	tcase_add_test(claims, claims_iss_aud_azp_are_checked);
	tcase_add_test(claims, claims_times_are_checked_with_leeway);
	tcase_add_test(claims, claims_nonce_and_subject_are_checked);
	tcase_add_test(claims, discovery_document_is_checked_and_reduced);
	tcase_add_test(claims, only_https_or_explicitly_allowed_loopback_urls_are_called);
	suite_add_tcase(s, claims);
	TCase *box = tcase_create("secretbox");
	tcase_add_test(box, sealed_secrets_open_only_with_their_key_and_context);
	tcase_add_test(box, secrets_need_a_configured_key);
	suite_add_tcase(s, box);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(oidc_suite());
	srunner_run_all(sr, CK_NORMAL);
	int nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
