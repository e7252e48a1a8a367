/*
 * oidc.c - OpenID Connect relying-party toolkit (see oidc.h for the contract and the
 * security decisions).
 *
 * Signatures are verified with OpenSSL EVP directly rather than through libjwt: the
 * JOSE header is parsed here, the algorithm is checked against an allow-list before
 * any key is touched, and the key is built from the provider's JWK, so there is no
 * code path where a key could be used with an algorithm it was not meant for.
 *
 * libcurl is initialised once (pthread_once) before the first handle; every request
 * uses its own easy handle, so calls from different threads do not share state.
 */
#include "oidc.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "arena.h"
#include "log.h"
#include "util.h"

#define HTTP_MAX_BODY    (1 << 20)
#define HTTP_CONNECT_MS  5000L
#define HTTP_TOTAL_MS    10000L
#define JWKS_CACHE_SLOTS 64

/* ------------------------------------------------------------ algorithms */

enum key_kind { KIND_RSA, KIND_PSS, KIND_EC };

struct alg_info {
	const char *name;
	enum key_kind kind;
	const EVP_MD *(*md)(void);
	const char *crv;  /* EC: the JWK curve name */
	size_t coord_len; /* EC: bytes per coordinate (and per half of the signature) */
};

static const struct alg_info algs[] = {
        {"RS256", KIND_RSA, EVP_sha256, NULL, 0},
        {"RS384", KIND_RSA, EVP_sha384, NULL, 0},
        {"RS512", KIND_RSA, EVP_sha512, NULL, 0},
        {"PS256", KIND_PSS, EVP_sha256, NULL, 0},
        {"PS384", KIND_PSS, EVP_sha384, NULL, 0},
        {"PS512", KIND_PSS, EVP_sha512, NULL, 0},
        {"ES256", KIND_EC, EVP_sha256, "P-256", 32},
        {"ES384", KIND_EC, EVP_sha384, "P-384", 48},
        {"ES512", KIND_EC, EVP_sha512, "P-521", 66},
};

static const struct alg_info *alg_find(const char *name)
{
	for (size_t i = 0; name && i < sizeof algs / sizeof algs[0]; i++)
		if (strcmp(algs[i].name, name) == 0)
			return &algs[i];
	return NULL;
}

/* ------------------------------------------------------------------ JWT */

static json_t *b64_json(const char *seg, size_t n)
{
	char *s = xmalloc(n + 1);
	memcpy(s, seg, n);
	s[n] = '\0';
	size_t len;
	unsigned char *raw = util_b64url_decode(s, &len);
	free(s);
	if (!raw)
		return NULL;
	json_t *j = json_loadb((const char *)raw, len, JSON_REJECT_DUPLICATES, NULL);
	free(raw);
	if (j && !json_is_object(j)) {
		json_decref(j);
		return NULL;
	}
	return j;
}

int oidc_jwt_parse(const char *token, struct oidc_jwt *out, struct err *e)
{
	memset(out, 0, sizeof *out);
	size_t n = token ? strlen(token) : 0;
	const char *d1 = token ? strchr(token, '.') : NULL;
	const char *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
	if (n == 0 || n > OIDC_MAX_TOKEN || !d1 || !d2 || strchr(d2 + 1, '.'))
		return err_set(e, ERR_UNAUTHENTICATED, NULL, "token is not a compact signed JWT");
	out->header = b64_json(token, (size_t)(d1 - token));
	out->claims = b64_json(d1 + 1, (size_t)(d2 - d1 - 1));
	out->sig = util_b64url_decode(d2 + 1, &out->siglen);
	if (!out->header || !out->claims || !out->sig) {
		oidc_jwt_free(out);
		return err_set(e, ERR_UNAUTHENTICATED, NULL, "token is not a compact signed JWT");
	}
	out->signing_input = xmalloc((size_t)(d2 - token) + 1);
	memcpy(out->signing_input, token, (size_t)(d2 - token));
	out->signing_input[d2 - token] = '\0';
	out->alg = json_string_value(json_object_get(out->header, "alg"));
	out->kid = json_string_value(json_object_get(out->header, "kid"));
	if (!out->alg) {
		oidc_jwt_free(out);
		return err_set(e, ERR_UNAUTHENTICATED, NULL, "token header names no algorithm");
	}
	if (json_object_get(out->header, "crit")) {
		/* RFC 7515 4.1.11: we understand no extension, so we must refuse them all */
		oidc_jwt_free(out);
		return err_set(e, ERR_UNAUTHENTICATED, NULL,
		        "token header has critical extensions Concord does not support");
	}
	return 0;
}

void oidc_jwt_free(struct oidc_jwt *t)
{
	json_decref(t->header);
	json_decref(t->claims);
	free(t->signing_input);
	free(t->sig);
	memset(t, 0, sizeof *t);
}

int oidc_alg_check(const char *alg, const json_t *advertised, struct err *e)
{
	if (!alg || strcasecmp(alg, "none") == 0)
		return err_set(e, ERR_UNAUTHENTICATED, NULL, "unsigned token (alg none) refused");
	if (strncasecmp(alg, "HS", 2) == 0)
		return err_set(e, ERR_UNAUTHENTICATED, NULL,
		        "token algorithm %.16s refused: only the provider's published public keys "
		        "are trusted",
		        alg);
	if (!alg_find(alg))
		return err_set(e, ERR_UNAUTHENTICATED, NULL,
		        "token algorithm %.16s is not supported", alg);
	if (json_is_array(advertised) && json_array_size(advertised) > 0) {
		size_t i;
		json_t *v;
		json_array_foreach(advertised, i, v)
		{
			if (json_is_string(v) && strcmp(json_string_value(v), alg) == 0)
				return 0;
		}
		return err_set(e, ERR_UNAUTHENTICATED, NULL,
		        "token algorithm %.16s is not one the provider advertises", alg);
	}
	return 0;
}

/* ------------------------------------------------------------------ keys */

static BIGNUM *jwk_bn(const json_t *jwk, const char *name)
{
	const char *s = json_string_value(json_object_get(jwk, name));
	if (!s || strlen(s) > 2048)
		return NULL;
	size_t n;
	unsigned char *raw = util_b64url_decode(s, &n);
	if (!raw)
		return NULL;
	BIGNUM *bn = n ? BN_bin2bn(raw, (int)n, NULL) : NULL;
	free(raw);
	return bn;
}

/* EC point coordinates decoded at their exact curve size. */
static unsigned char *jwk_coord(const json_t *jwk, const char *name, size_t want)
{
	const char *s = json_string_value(json_object_get(jwk, name));
	size_t n;
	unsigned char *raw = s && strlen(s) < 200 ? util_b64url_decode(s, &n) : NULL;
	if (raw && n != want) {
		free(raw);
		raw = NULL;
	}
	return raw;
}

EVP_PKEY *oidc_jwk_to_pkey(const json_t *jwk, struct err *e)
{
	const char *kty = json_string_value(json_object_get(jwk, "kty"));
	EVP_PKEY *pkey = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	BIGNUM *n = NULL, *x = NULL;
	unsigned char *cx = NULL, *cy = NULL, *point = NULL;
	if (!bld)
		abort();
	if (kty && strcmp(kty, "RSA") == 0) {
		n = jwk_bn(jwk, "n");
		x = jwk_bn(jwk, "e");
		if (!n || !x) {
			err_set(e, ERR_UNAUTHENTICATED, NULL, "provider key lacks RSA parameters");
			goto out;
		}
		if (!OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) ||
		        !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, x))
			abort();
		ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	} else if (kty && strcmp(kty, "EC") == 0) {
		const char *crv = json_string_value(json_object_get(jwk, "crv"));
		size_t len = 0;
		for (size_t i = 0; crv && i < sizeof algs / sizeof algs[0]; i++)
			if (algs[i].crv && strcmp(algs[i].crv, crv) == 0)
				len = algs[i].coord_len;
		cx = len ? jwk_coord(jwk, "x", len) : NULL;
		cy = len ? jwk_coord(jwk, "y", len) : NULL;
		if (!cx || !cy) {
			err_set(e, ERR_UNAUTHENTICATED, NULL,
			        "provider key is not a usable EC key (curve or coordinates)");
			goto out;
		}
		point = xmalloc(1 + 2 * len);
		point[0] = 0x04; /* uncompressed point */
		memcpy(point + 1, cx, len);
		memcpy(point + 1 + len, cy, len);
		if (!OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, crv, 0) ||
		        !OSSL_PARAM_BLD_push_octet_string(
		                bld, OSSL_PKEY_PARAM_PUB_KEY, point, 1 + 2 * len))
			abort();
		ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	} else {
		err_set(e, ERR_UNAUTHENTICATED, NULL, "provider key type is not RSA or EC");
		goto out;
	}
	params = OSSL_PARAM_BLD_to_param(bld);
	if (!ctx || !params || EVP_PKEY_fromdata_init(ctx) != 1 ||
	        EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1) {
		EVP_PKEY_free(pkey);
		pkey = NULL;
		err_set(e, ERR_UNAUTHENTICATED, NULL, "provider key could not be loaded");
		goto out;
	}
	if (strcmp(kty, "RSA") == 0 && EVP_PKEY_get_bits(pkey) < 2048) {
		EVP_PKEY_free(pkey);
		pkey = NULL;
		err_set(e, ERR_UNAUTHENTICATED, NULL, "provider RSA key is shorter than 2048 bits");
	}
out:
	BN_free(n);
	BN_free(x);
	free(cx);
	free(cy);
	free(point);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	EVP_PKEY_CTX_free(ctx);
	return pkey;
}

/* Whether a JWK may verify tokens of algorithm a. */
static bool jwk_fits(const json_t *jwk, const struct alg_info *a)
{
	const char *kty = json_string_value(json_object_get(jwk, "kty"));
	const char *use = json_string_value(json_object_get(jwk, "use"));
	const char *kalg = json_string_value(json_object_get(jwk, "alg"));
	if (!kty || (use && strcmp(use, "sig") != 0) || (kalg && strcmp(kalg, a->name) != 0))
		return false;
	if (a->kind == KIND_EC) {
		const char *crv = json_string_value(json_object_get(jwk, "crv"));
		return strcmp(kty, "EC") == 0 && crv && strcmp(crv, a->crv) == 0;
	}
	return strcmp(kty, "RSA") == 0;
}

/* JWS ECDSA signatures are r || s; OpenSSL wants DER. */
static unsigned char *ecdsa_der(const unsigned char *sig, size_t len, size_t half, size_t *out)
{
	if (len != 2 * half)
		return NULL;
	ECDSA_SIG *es = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(sig, (int)half, NULL), *s = BN_bin2bn(sig + half, (int)half, NULL);
	if (!es || !r || !s || ECDSA_SIG_set0(es, r, s) != 1) {
		BN_free(r);
		BN_free(s);
		ECDSA_SIG_free(es);
		return NULL;
	}
	unsigned char *der = NULL;
	int n = i2d_ECDSA_SIG(es, &der);
	ECDSA_SIG_free(es);
	if (n <= 0)
		return NULL;
	unsigned char *copy = xmalloc((size_t)n);
	memcpy(copy, der, (size_t)n);
	OPENSSL_free(der);
	*out = (size_t)n;
	return copy;
}

int oidc_verify_signature(const struct oidc_jwt *t, const json_t *jwk, struct err *e)
{
	const struct alg_info *a = alg_find(t->alg);
	if (!a)
		return err_set(e, ERR_UNAUTHENTICATED, NULL, "token algorithm is not supported");
	if (!jwk_fits(jwk, a))
		return err_set(e, ERR_UNAUTHENTICATED, NULL,
		        "the provider key named by the token is not a %s signing key", a->name);
	EVP_PKEY *pkey = oidc_jwk_to_pkey(jwk, e);
	if (!pkey)
		return -1;
	int rc = -1;
	EVP_MD_CTX *mctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	unsigned char *der = NULL;
	const unsigned char *sig = t->sig;
	size_t siglen = t->siglen;
	if (a->kind == KIND_EC) {
		der = ecdsa_der(t->sig, t->siglen, a->coord_len, &siglen);
		sig = der;
	}
	if (mctx && sig && siglen > 0 &&
	        EVP_DigestVerifyInit(mctx, &pctx, a->md(), NULL, pkey) == 1 &&
	        (a->kind != KIND_PSS ||
	                (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
	                        EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) ==
	                                1)) &&
	        EVP_DigestVerify(mctx, sig, siglen, (const unsigned char *)t->signing_input,
	                strlen(t->signing_input)) == 1)
		rc = 0;
	else
		err_set(e, ERR_UNAUTHENTICATED, NULL, "token signature does not verify");
	free(der);
	EVP_MD_CTX_free(mctx);
	EVP_PKEY_free(pkey);
	return rc;
}

/* --------------------------------------------------------------- claims */

static bool num_claim(const json_t *claims, const char *name, long *out)
{
	json_t *v = json_object_get(claims, name);
	if (!json_is_number(v))
		return false;
	double d = json_number_value(v);
	if (d < 0 || d > 1e12)
		return false;
	*out = (long)d;
	return true;
}

static bool aud_has(const json_t *aud, const char *want, size_t *count)
{
	*count = 0;
	if (json_is_string(aud)) {
		*count = 1;
		return strcmp(json_string_value(aud), want) == 0;
	}
	bool found = false;
	size_t i;
	json_t *v;
	json_array_foreach(aud, i, v)
	{
		(*count)++;
		if (json_is_string(v) && strcmp(json_string_value(v), want) == 0)
			found = true;
	}
	return found;
}

int oidc_check_claims(const json_t *c, const struct oidc_expect *x, struct err *e)
{
	const char *iss = json_string_value(json_object_get(c, "iss"));
	const char *sub = json_string_value(json_object_get(c, "sub"));
	const char *azp = json_string_value(json_object_get(c, "azp"));
	long exp, iat, nbf;
	size_t naud;
	if (!iss || strcmp(iss, x->issuer) != 0)
		return err_set(e, ERR_UNAUTHENTICATED, NULL,
		        "token issuer does not match the tenant's identity provider");
	if (!aud_has(json_object_get(c, "aud"), x->audience, &naud))
		return err_set(e, ERR_UNAUTHENTICATED, NULL,
		        "token audience does not include this client");
	if (azp && strcmp(azp, x->audience) != 0)
		return err_set(e, ERR_UNAUTHENTICATED, NULL,
		        "token authorised party (azp) is not this client");
	if (x->id_token && naud > 1 && !azp)
		return err_set(e, ERR_UNAUTHENTICATED, NULL,
		        "token has several audiences but no authorised party (azp)");
	if (!num_claim(c, "exp", &exp))
		return err_set(e, ERR_UNAUTHENTICATED, NULL, "token has no expiry (exp)");
	if (x->now >= exp + OIDC_LEEWAY)
		return err_set(e, ERR_UNAUTHENTICATED, NULL, "token expired");
	if (!num_claim(c, "iat", &iat))
		return err_set(e, ERR_UNAUTHENTICATED, NULL, "token has no issue time (iat)");
	if (iat > x->now + OIDC_LEEWAY)
		return err_set(e, ERR_UNAUTHENTICATED, NULL, "token issue time is in the future");
	if (x->id_token && iat < x->now - OIDC_ID_TOKEN_MAX_AGE - OIDC_LEEWAY)
		return err_set(e, ERR_UNAUTHENTICATED, NULL, "ID token was issued too long ago");
	if (json_object_get(c, "nbf") && (!num_claim(c, "nbf", &nbf) || nbf > x->now + OIDC_LEEWAY))
		return err_set(e, ERR_UNAUTHENTICATED, NULL, "token is not valid yet (nbf)");
	if (!sub || !*sub || strlen(sub) > 255)
		return err_set(e, ERR_UNAUTHENTICATED, NULL, "token has no usable subject (sub)");
	if (x->id_token) {
		const char *nonce = json_string_value(json_object_get(c, "nonce"));
		size_t n = x->nonce ? strlen(x->nonce) : 0;
		if (!nonce || !x->nonce || strlen(nonce) != n || CRYPTO_memcmp(nonce, x->nonce, n))
			return err_set(e, ERR_UNAUTHENTICATED, NULL,
			        "ID token nonce does not match this sign-in");
	}
	return 0;
}

/* ------------------------------------------------------------------ URLs */

static bool loopback_host(const char *h)
{
	if (strcasecmp(h, "localhost") == 0 || strcmp(h, "[::1]") == 0)
		return true;
	struct in_addr a;
	return inet_pton(AF_INET, h, &a) == 1 && (ntohl(a.s_addr) >> 24) == 127;
}

int oidc_url_check(const char *url, bool allow_http_loopback, const char *field, struct err *e)
{
	int rc = -1;
	char *scheme = NULL, *host = NULL, *user = NULL, *frag = NULL;
	CURLU *u = curl_url();
	if (!u)
		abort();
	if (!url || strlen(url) > 2000 || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	        curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK || !*host) {
		err_set(e, ERR_INVALID, field, "must be an absolute https URL");
		goto out;
	}
	if (curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK ||
	        curl_url_get(u, CURLUPART_FRAGMENT, &frag, 0) == CURLUE_OK) {
		err_set(e, ERR_INVALID, field, "must not contain credentials or a fragment");
		goto out;
	}
	if (strcmp(scheme, "https") == 0) {
		rc = 0;
	} else if (strcmp(scheme, "http") == 0 && allow_http_loopback && loopback_host(host)) {
		rc = 0;
	} else {
		err_set(e, ERR_INVALID, field, "must use https (%s)", url);
	}
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(user);
	curl_free(frag);
	curl_url_cleanup(u);
	return rc;
}

static pthread_once_t env_once = PTHREAD_ONCE_INIT;
static bool allow_loopback;

static void env_init(void)
{
	const char *v = getenv("CONCORD_OIDC_ALLOW_HTTP_LOOPBACK");
	allow_loopback = v && strcmp(v, "1") == 0;
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

bool oidc_allow_http_loopback(void)
{
	pthread_once(&env_once, env_init);
	return allow_loopback;
}

char *oidc_escape(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	char *out = xmalloc(3 * strlen(s) + 1), *o = out;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		        (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' || *p == '_' ||
		        *p == '~') {
			*o++ = (char)*p;
		} else {
			*o++ = '%';
			*o++ = hex[*p >> 4];
			*o++ = hex[*p & 15];
		}
	}
	*o = '\0';
	return out;
}

/* ------------------------------------------------------------------ HTTP */

struct body {
	char *p;
	size_t len;
	bool too_big;
};

static size_t on_body(char *data, size_t size, size_t n, void *ud)
{
	struct body *b = ud;
	size_t add = size * n;
	if (b->len + add > HTTP_MAX_BODY) {
		b->too_big = true;
		return 0;
	}
	b->p = xrealloc(b->p, b->len + add + 1);
	memcpy(b->p + b->len, data, add);
	b->len += add;
	b->p[b->len] = '\0';
	return add;
}

/* One HTTP exchange. Returns the parsed JSON body (object) or NULL with e set; the HTTP
 * status in *status. `what` names the endpoint in messages. */
static json_t *http_json(const char *url, const char *form, const char *user, const char *pass,
        const char *field, const char *what, long *status, struct err *e)
{
	bool loop = oidc_allow_http_loopback();
	if (oidc_url_check(url, loop, field, e))
		return NULL;
	CURL *c = curl_easy_init();
	if (!c)
		abort();
	struct body b = {0};
	char errbuf[CURL_ERROR_SIZE] = "";
	struct curl_slist *hl = curl_slist_append(NULL, "Accept: application/json");
	json_t *out = NULL;
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, loop ? "http,https" : "https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, HTTP_CONNECT_MS);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, HTTP_TOTAL_MS);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "concord-oidc/1");
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	if (form) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, form);
		hl = curl_slist_append(hl, "Content-Type: application/x-www-form-urlencoded");
	}
	if (user) {
		curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(c, CURLOPT_USERNAME, user);
		curl_easy_setopt(c, CURLOPT_PASSWORD, pass ? pass : "");
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
	CURLcode rc = curl_easy_perform(c);
	*status = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
	if (rc != CURLE_OK) {
		if (b.too_big)
			err_set(e, ERR_UNAVAILABLE, field, "the %s answer exceeds 1 MiB", what);
		else
			err_set(e, ERR_UNAVAILABLE, field, "could not reach the %s: %s", what,
			        curl_easy_strerror(rc));
		err_log_detail(e, "%s %s: %s", what, url, errbuf);
		goto out;
	}
	out = b.p ? json_loadb(b.p, b.len, 0, NULL) : NULL;
	if (!json_is_object(out)) {
		json_decref(out);
		out = NULL;
		if (*status != 200)
			err_set(e, ERR_UNAVAILABLE, field, "the %s answered HTTP %ld", what,
			        *status);
		else
			err_set(e, ERR_UNAVAILABLE, field,
			        "the %s did not answer with a JSON object", what);
	}
out:
	curl_slist_free_all(hl);
	curl_easy_cleanup(c);
	free(b.p);
	return out;
}

json_t *oidc_get_json(const char *url, const char *field, struct err *e)
{
	long status;
	json_t *j = http_json(url, NULL, NULL, NULL, field, "identity provider", &status, e);
	if (j && status != 200) {
		json_decref(j);
		err_set(e, ERR_UNAVAILABLE, field, "the identity provider answered HTTP %ld",
		        status);
		return NULL;
	}
	return j;
}

json_t *oidc_post_form(const char *url, const char *form, const char *basic_user,
        const char *basic_pass, long *status, struct err *e)
{
	char *u = basic_user ? oidc_escape(basic_user) : NULL;
	char *p = basic_user ? oidc_escape(basic_pass ? basic_pass : "") : NULL;
	json_t *j = http_json(url, form, u, p, NULL, "provider's token endpoint", status, e);
	if (p)
		OPENSSL_cleanse(p, strlen(p));
	free(u);
	free(p);
	return j;
}

/* ------------------------------------------------------------- discovery */

static bool str_in(const json_t *arr, const char *s)
{
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v)
	{
		if (json_is_string(v) && strcmp(json_string_value(v), s) == 0)
			return true;
	}
	return false;
}

int oidc_discovery_check(
        const json_t *doc, const char *issuer, const char *field, json_t **summary, struct err *e)
{
	const char *iss = json_string_value(json_object_get(doc, "issuer"));
	bool loop = oidc_allow_http_loopback();
	if (!iss)
		return err_set(
		        e, ERR_UNPROCESSABLE, field, "the discovery document names no issuer");
	if (strcmp(iss, issuer) != 0)
		return err_set(e, ERR_UNPROCESSABLE, field,
		        "the discovery document names issuer \"%.200s\", not \"%.200s\"", iss,
		        issuer);
	static const char *const endpoints[] = {
	        "authorization_endpoint", "token_endpoint", "jwks_uri", NULL};
	for (const char *const *k = endpoints; *k; k++) {
		const char *u = json_string_value(json_object_get(doc, *k));
		struct err ue = {0};
		if (!u)
			return err_set(e, ERR_UNPROCESSABLE, field,
			        "the discovery document has no %s", *k);
		if (oidc_url_check(u, loop, *k, &ue))
			return err_set(e, ERR_UNPROCESSABLE, field,
			        "the discovery document's %s is not usable: %s", *k, ue.message);
	}
	json_t *rt = json_object_get(doc, "response_types_supported");
	if (json_is_array(rt) && !str_in(rt, "code"))
		return err_set(e, ERR_UNPROCESSABLE, field,
		        "the provider does not support the authorization code flow");
	json_t *ccm = json_object_get(doc, "code_challenge_methods_supported");
	if (json_is_array(ccm) && !str_in(ccm, "S256"))
		return err_set(e, ERR_UNPROCESSABLE, field,
		        "the provider does not support PKCE with S256");
	json_t *adv = json_object_get(doc, "id_token_signing_alg_values_supported");
	json_t *ok = json_array();
	size_t i;
	json_t *v;
	json_array_foreach(adv, i, v)
	{
		if (json_is_string(v) && alg_find(json_string_value(v)))
			json_array_append(ok, v);
	}
	if (json_array_size(ok) == 0) {
		json_decref(ok);
		return err_set(e, ERR_UNPROCESSABLE, field,
		        "the provider advertises no ID token signing algorithm Concord accepts "
		        "(RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512)");
	}
	json_t *am = json_object_get(doc, "token_endpoint_auth_methods_supported");
	const char *auth = "client_secret_basic"; /* the default when not advertised */
	if (json_is_array(am) && !str_in(am, "client_secret_basic")) {
		if (!str_in(am, "client_secret_post")) {
			json_decref(ok);
			return err_set(e, ERR_UNPROCESSABLE, field,
			        "the provider's token endpoint accepts neither client_secret_basic "
			        "nor "
			        "client_secret_post");
		}
		auth = "client_secret_post";
	}
	*summary = json_pack("{s:s, s:O, s:O, s:O, s:o, s:s}", "issuer", iss,
	        "authorization_endpoint", json_object_get(doc, "authorization_endpoint"),
	        "token_endpoint", json_object_get(doc, "token_endpoint"), "jwks_uri",
	        json_object_get(doc, "jwks_uri"), "algs", ok, "token_auth", auth);
	return 0;
}

/* ------------------------------------------------------------ JWKS cache */

struct jwks_slot {
	char *uri;         /* malloc'd; NULL = free slot */
	json_t *keys;      /* the "keys" array (one reference held by the cache) */
	time_t fetched;    /* when keys were fetched */
	time_t miss_fetch; /* last re-fetch caused by an unknown kid */
};

static struct jwks_slot slots[JWKS_CACHE_SLOTS];
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

/* Caller holds cache_lock. The slot for uri, creating it (evicting the stalest). */
static struct jwks_slot *slot_for(const char *uri)
{
	struct jwks_slot *victim = &slots[0];
	for (int i = 0; i < JWKS_CACHE_SLOTS; i++) {
		if (slots[i].uri && strcmp(slots[i].uri, uri) == 0)
			return &slots[i];
		if (!slots[i].uri || (victim->uri && slots[i].fetched < victim->fetched))
			victim = &slots[i];
	}
	free(victim->uri);
	json_decref(victim->keys);
	memset(victim, 0, sizeof *victim);
	victim->uri = xstrdup(uri);
	return victim;
}

static json_t *fetch_keys(const char *uri, struct err *e)
{
	json_t *doc = oidc_get_json(uri, "jwks_uri", e);
	if (!doc)
		return NULL;
	json_t *keys = json_incref(json_object_get(doc, "keys"));
	json_decref(doc);
	if (!json_is_array(keys)) {
		json_decref(keys);
		err_set(e, ERR_UNAVAILABLE, NULL, "the provider's key set has no \"keys\" array");
		return NULL;
	}
	return keys;
}

static void store_keys(const char *uri, json_t *keys, bool miss)
{
	pthread_mutex_lock(&cache_lock);
	struct jwks_slot *s = slot_for(uri);
	json_decref(s->keys);
	s->keys = json_incref(keys);
	s->fetched = time(NULL);
	if (miss)
		s->miss_fetch = s->fetched;
	pthread_mutex_unlock(&cache_lock);
}

/* The key for kid (or the single fitting key when kid is NULL). Borrowed from keys. */
static json_t *select_key(json_t *keys, const char *kid, const struct alg_info *a)
{
	json_t *found = NULL, *v;
	size_t i, fitting = 0;
	json_array_foreach(keys, i, v)
	{
		const char *k = json_string_value(json_object_get(v, "kid"));
		if (kid) {
			if (k && strcmp(k, kid) == 0)
				return v;
		} else if (jwk_fits(v, a)) {
			found = v;
			fitting++;
		}
	}
	return fitting == 1 ? found : NULL;
}

json_t *oidc_jwks_key(const char *jwks_uri, const char *kid, const char *alg, struct err *e)
{
	const struct alg_info *a = alg_find(alg);
	if (!a) {
		err_set(e, ERR_UNAUTHENTICATED, NULL, "token algorithm is not supported");
		return NULL;
	}
	time_t now = time(NULL);
	json_t *keys = NULL, *jwk = NULL;
	bool fresh = false, may_refetch = false;
	pthread_mutex_lock(&cache_lock);
	for (int i = 0; i < JWKS_CACHE_SLOTS; i++)
		if (slots[i].uri && strcmp(slots[i].uri, jwks_uri) == 0 &&
		        now - slots[i].fetched < OIDC_JWKS_TTL)
			keys = json_incref(slots[i].keys);
	pthread_mutex_unlock(&cache_lock);
	if (!keys) {
		if (!(keys = fetch_keys(jwks_uri, e)))
			return NULL;
		store_keys(jwks_uri, keys, false);
		fresh = true;
	}
	jwk = select_key(keys, kid, a);
	if (!jwk && !fresh) {
		/* an unknown kid usually means the provider rotated its keys: look again,
		 * but not more often than OIDC_JWKS_MISS_INTERVAL */
		pthread_mutex_lock(&cache_lock);
		struct jwks_slot *s = slot_for(jwks_uri);
		if (now - s->miss_fetch >= OIDC_JWKS_MISS_INTERVAL) {
			s->miss_fetch = now;
			may_refetch = true;
		}
		pthread_mutex_unlock(&cache_lock);
		if (may_refetch) {
			json_t *nk = fetch_keys(jwks_uri, e);
			if (!nk) {
				json_decref(keys);
				return NULL;
			}
			log_info("re-fetched the key set of %s after an unknown kid", jwks_uri);
			store_keys(jwks_uri, nk, true);
			json_decref(keys);
			keys = nk;
			jwk = select_key(keys, kid, a);
		}
	}
	if (!jwk) {
		json_decref(keys);
		err_set(e, ERR_UNAUTHENTICATED, NULL,
		        "token is signed by a key the provider does not publish");
		return NULL;
	}
	json_incref(jwk);
	json_decref(keys);
	return jwk;
}

json_t *oidc_discover(const char *issuer, struct err *e)
{
	struct err ue = {0};
	bool loop = oidc_allow_http_loopback();
	if (oidc_url_check(issuer, loop, "issuer", e))
		return NULL;
	if (strchr(issuer, '?')) {
		err_set(e, ERR_INVALID, "issuer", "must not contain a query");
		return NULL;
	}
	size_t n = strlen(issuer);
	char *url = xmalloc(n + 64);
	/* OpenID Connect Discovery 1.0 section 4: issuer without its trailing slash */
	snprintf(url, n + 64, "%.*s/.well-known/openid-configuration",
	        (int)(n > 0 && issuer[n - 1] == '/' ? n - 1 : n), issuer);
	json_t *doc = oidc_get_json(url, "issuer", &ue), *summary = NULL;
	if (!doc) {
		err_set(e, ERR_UNPROCESSABLE, "issuer", "discovery failed at %.300s: %s", url,
		        ue.message);
		err_log_detail(e, "%s", ue.detail_log);
		goto out;
	}
	if (oidc_discovery_check(doc, issuer, "issuer", &summary, e))
		goto out;
	/* the key set must be reachable and hold at least one signing key we can use */
	const char *jwks_uri = json_string_value(json_object_get(summary, "jwks_uri"));
	json_t *keys = fetch_keys(jwks_uri, &ue);
	if (!keys) {
		err_set(e, ERR_UNPROCESSABLE, "issuer", "the provider's key set at %.300s: %s",
		        jwks_uri, ue.message);
		json_decref(summary);
		summary = NULL;
		goto out;
	}
	size_t usable = 0, i, j;
	json_t *k, *alg;
	json_array_foreach(keys, i, k)
	{
		json_array_foreach(json_object_get(summary, "algs"), j, alg)
		{
			const struct alg_info *a = alg_find(json_string_value(alg));
			struct err ke = {0};
			EVP_PKEY *pk = a && jwk_fits(k, a) ? oidc_jwk_to_pkey(k, &ke) : NULL;
			if (pk) {
				usable++;
				EVP_PKEY_free(pk);
				break;
			}
		}
	}
	store_keys(jwks_uri, keys, false);
	json_decref(keys);
	if (usable == 0) {
		err_set(e, ERR_UNPROCESSABLE, "issuer",
		        "the provider's key set holds no signing key for its advertised "
		        "algorithms");
		json_decref(summary);
		summary = NULL;
	}
out:
	json_decref(doc);
	free(url);
	return summary;
}

int oidc_verify(const char *token, const char *jwks_uri, const json_t *advertised,
        const struct oidc_expect *x, json_t **claims, struct err *e)
{
	struct oidc_jwt t;
	if (oidc_jwt_parse(token, &t, e))
		return -1;
	int rc = -1;
	json_t *jwk = NULL;
	if (oidc_alg_check(t.alg, advertised, e))
		goto out;
	if (!(jwk = oidc_jwks_key(jwks_uri, t.kid, t.alg, e)))
		goto out;
	if (oidc_verify_signature(&t, jwk, e) || oidc_check_claims(t.claims, x, e))
		goto out;
	*claims = json_incref(t.claims);
	rc = 0;
out:
	json_decref(jwk);
	oidc_jwt_free(&t);
	return rc;
}
