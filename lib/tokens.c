/*
 * tokens.c - keyring and access tokens (see tokens.h). libjwt signs; OpenSSL
 * generates keys, derives public keys and JWK parameters, and verifies signatures.
 * Before a token is verified we parse its header ourselves and insist on alg RS256
 * and a known kid: this is what defeats "alg: none" and HS256-with-the-public-key
 * confusion. Verification uses the key parsed once when the keyring was loaded
 * (libjwt 1.x re-parses the PEM text on every call: half the API's CPU per request).
 */
#include "tokens.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <jwt.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "util.h"

#define TOKEN_ISSUER "concord"
#define MAX_KEYS     16

struct key {
	char kid[64];
	char *priv_pem; /* PEM text of the private key */
	char *pub_pem;  /* PEM text of the public key */
	size_t priv_len, pub_len;
	char n_b64[700], e_b64[16];
	EVP_PKEY *pkey; /* parsed once: verification must not re-parse PEM per request */
};

struct keyring {
	int nkeys;
	struct key keys[MAX_KEYS]; /* sorted by kid ascending; last = signing key */
	struct keyring *older;     /* superseded rings, freed at shutdown */
};

static _Atomic(struct keyring *) ring;
static pthread_mutex_t reload_lock = PTHREAD_MUTEX_INITIALIZER;
static char keys_dir[1024];
static _Atomic long last_reload;
static _Atomic long published_mtime; /* the key directory's mtime when last loaded */
static _Atomic long last_dir_check;

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	if (n < 0 || n > 65536) {
		fclose(f);
		return NULL;
	}
	char *buf = xmalloc((size_t)n + 1);
	size_t got = fread(buf, 1, (size_t)n, f);
	fclose(f);
	buf[got] = '\0';
	*len = got;
	return buf;
}

static char *bio_text(BIO *b, size_t *len)
{
	char *data;
	long n = BIO_get_mem_data(b, &data);
	char *out = xmalloc((size_t)n + 1);
	memcpy(out, data, (size_t)n);
	out[n] = '\0';
	*len = (size_t)n;
	return out;
}

static int load_key(struct key *k, const char *dir, const char *fname)
{
	char path[2048];
	snprintf(path, sizeof path, "%s/%s", dir, fname);
	size_t n = strlen(fname) - 4;
	if (n >= sizeof k->kid)
		return -1;
	memcpy(k->kid, fname, n);
	k->kid[n] = '\0';
	k->priv_pem = read_all(path, &k->priv_len);
	if (!k->priv_pem)
		return -1;
	BIO *in = BIO_new_mem_buf(k->priv_pem, (int)k->priv_len);
	EVP_PKEY *pk = PEM_read_bio_PrivateKey(in, NULL, NULL, NULL);
	BIO_free(in);
	if (!pk || EVP_PKEY_get_base_id(pk) != EVP_PKEY_RSA) {
		EVP_PKEY_free(pk);
		free(k->priv_pem);
		return -1;
	}
	BIO *out = BIO_new(BIO_s_mem());
	PEM_write_bio_PUBKEY(out, pk);
	k->pub_pem = bio_text(out, &k->pub_len);
	BIO_free(out);
	BIGNUM *bn_n = NULL, *bn_e = NULL;
	EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_N, &bn_n);
	EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_E, &bn_e);
	unsigned char buf[1024];
	int len = BN_bn2bin(bn_n, buf);
	char *s = util_b64url_encode(buf, (size_t)len);
	snprintf(k->n_b64, sizeof k->n_b64, "%s", s);
	free(s);
	len = BN_bn2bin(bn_e, buf);
	s = util_b64url_encode(buf, (size_t)len);
	snprintf(k->e_b64, sizeof k->e_b64, "%s", s);
	free(s);
	BN_free(bn_n);
	BN_free(bn_e);
	k->pkey = pk;
	return 0;
}

static int cmp_kid(const void *a, const void *b)
{
	return strcmp(((const struct key *)a)->kid, ((const struct key *)b)->kid);
}

static int cmp_name_desc(const void *a, const void *b)
{
	return strcmp(*(char *const *)b, *(char *const *)a);
}

/* The newest MAX_KEYS keys of dir (kids sort by creation time), oldest first. */
static struct keyring *load_ring(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return NULL;
	char **names = NULL;
	size_t nnames = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);
		if (n < 5 || strcmp(de->d_name + n - 4, ".pem") != 0 || de->d_name[0] == '.')
			continue;
		names = xrealloc(names, sizeof *names * (nnames + 1));
		names[nnames++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (nnames > 1)
		qsort(names, nnames, sizeof *names, cmp_name_desc);
	struct keyring *kr = xcalloc(1, sizeof *kr);
	for (size_t i = 0; i < nnames; i++) {
		if (kr->nkeys < MAX_KEYS && load_key(&kr->keys[kr->nkeys], dir, names[i]) == 0)
			kr->nkeys++;
		free(names[i]);
	}
	free(names);
	qsort(kr->keys, (size_t)kr->nkeys, sizeof kr->keys[0], cmp_kid);
	return kr;
}

static void free_ring(struct keyring *kr)
{
	while (kr) {
		struct keyring *o = kr->older;
		for (int i = 0; i < kr->nkeys; i++) {
			free(kr->keys[i].priv_pem);
			free(kr->keys[i].pub_pem);
			EVP_PKEY_free(kr->keys[i].pkey);
		}
		free(kr);
		kr = o;
	}
}

static long dir_mtime(const char *dir)
{
	struct stat st;
	return stat(dir, &st) == 0 ? (long)st.st_mtim.tv_sec * 1000000000L + st.st_mtim.tv_nsec : 0;
}

static int publish(struct err *e)
{
	atomic_store(&published_mtime, dir_mtime(keys_dir));
	struct keyring *kr = load_ring(keys_dir);
	if (!kr || kr->nkeys == 0) {
		free_ring(kr);
		return err_set(e, ERR_INTERNAL, NULL, "no signing key in %s", keys_dir);
	}
	kr->older = atomic_load(&ring);
	atomic_store(&ring, kr);
	atomic_store(&last_reload, (long)time(NULL));
	return 0;
}

int tokens_rotate(const char *dir, char *kid_out, size_t n, struct err *e)
{
	char kid[64], path[2048], tmp[2100];
	unsigned char rnd[3];
	char rhex[7];
	/* kids sort by creation time, so the newest key signs: microseconds keep two keys
	 * made in the same second (first start, then an immediate rotation) in order */
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	struct tm tm;
	gmtime_r(&now.tv_sec, &tm);
	util_random(rnd, sizeof rnd);
	util_hex(rnd, sizeof rnd, rhex);
	snprintf(kid, sizeof kid, "k%04d%02d%02dT%02d%02d%02d.%06ldZ-%s", tm.tm_year + 1900,
	        tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
	        (long)(now.tv_nsec / 1000), rhex);
	mkdir(dir, 0700);
	snprintf(path, sizeof path, "%s/%s.pem", dir, kid);
	snprintf(tmp, sizeof tmp, "%s.tmp", path);

	EVP_PKEY *pk = EVP_RSA_gen(2048);
	if (!pk)
		return err_set(e, ERR_INTERNAL, NULL, "RSA key generation failed");
	FILE *f = fopen(tmp, "wx");
	if (!f) {
		EVP_PKEY_free(pk);
		return err_set(
		        e, ERR_INTERNAL, NULL, "could not write %s: %s", tmp, strerror(errno));
	}
	chmod(tmp, 0600);
	int ok = PEM_write_PrivateKey(f, pk, NULL, NULL, 0, NULL, NULL);
	EVP_PKEY_free(pk);
	if (fclose(f) != 0 || !ok || rename(tmp, path) != 0) {
		unlink(tmp);
		return err_set(e, ERR_INTERNAL, NULL, "could not write key %s", path);
	}
	if (kid_out)
		snprintf(kid_out, n, "%s", kid);
	if (keys_dir[0] && strcmp(dir, keys_dir) == 0)
		return publish(e);
	return 0;
}

int tokens_init(const char *dir, struct err *e)
{
	snprintf(keys_dir, sizeof keys_dir, "%s", dir);
	mkdir(dir, 0700);
	struct keyring *probe = load_ring(dir);
	int have = probe && probe->nkeys > 0;
	free_ring(probe);
	if (!have && tokens_rotate(dir, NULL, 0, e))
		return -1;
	return publish(e);
}

void tokens_shutdown(void)
{
	free_ring(atomic_exchange(&ring, NULL));
}

/* A key rotated by another process (concord-api keys rotate) adds a file and so
 * changes the directory's mtime: reload then, so new sessions are signed with the new
 * key without a restart. Checked at most once a second. */
static void reload_if_rotated(void)
{
	long now = (long)time(NULL);
	if (now == atomic_load(&last_dir_check))
		return;
	atomic_store(&last_dir_check, now);
	if (dir_mtime(keys_dir) == atomic_load(&published_mtime))
		return;
	pthread_mutex_lock(&reload_lock);
	if (dir_mtime(keys_dir) != atomic_load(&published_mtime)) {
		struct err ignore = {0};
		publish(&ignore);
	}
	pthread_mutex_unlock(&reload_lock);
}

char *tokens_sign_access(const struct access_claims *c, int ttl, struct err *e)
{
	reload_if_rotated();
	struct keyring *kr = atomic_load(&ring);
	if (!kr || kr->nkeys == 0) {
		err_set(e, ERR_INTERNAL, NULL, "no signing key");
		return NULL;
	}
	const struct key *k = &kr->keys[kr->nkeys - 1];
	jwt_t *jwt = NULL;
	char *out = NULL;
	long now = (long)time(NULL);
	if (jwt_new(&jwt) ||
	        jwt_set_alg(
	                jwt, JWT_ALG_RS256, (const unsigned char *)k->priv_pem, (int)k->priv_len) ||
	        jwt_add_header(jwt, "kid", k->kid) || jwt_add_grant(jwt, "iss", TOKEN_ISSUER) ||
	        jwt_add_grant(jwt, "sub", c->sub) || jwt_add_grant(jwt, "tid", c->tid) ||
	        jwt_add_grant(jwt, "sid", c->sid) || jwt_add_grant_int(jwt, "iat", now) ||
	        jwt_add_grant_int(jwt, "exp", now + ttl)) {
		err_set(e, ERR_INTERNAL, NULL, "could not build token");
		goto out;
	}
	out = jwt_encode_str(jwt);
	if (!out)
		err_set(e, ERR_INTERNAL, NULL, "could not sign token");
out:
	jwt_free(jwt);
	return out;
}

static const struct key *find_key(struct keyring *kr, const char *kid)
{
	for (int i = 0; kr && i < kr->nkeys; i++)
		if (strcmp(kr->keys[i].kid, kid) == 0)
			return &kr->keys[i];
	return NULL;
}

/* Parse the JOSE header without trusting it: alg must be RS256, kid a string. */
static int header_kid(const char *token, char *kid, size_t n)
{
	const char *dot = strchr(token, '.');
	if (!dot || dot - token > 1024)
		return -1;
	char seg[1100];
	memcpy(seg, token, (size_t)(dot - token));
	seg[dot - token] = '\0';
	size_t len;
	unsigned char *raw = util_b64url_decode(seg, &len);
	if (!raw)
		return -1;
	json_t *h = json_loadb((const char *)raw, len, 0, NULL);
	free(raw);
	const char *alg = json_string_value(json_object_get(h, "alg"));
	const char *k = json_string_value(json_object_get(h, "kid"));
	int rc = -1;
	if (alg && k && strcmp(alg, "RS256") == 0 && strlen(k) < n) {
		snprintf(kid, n, "%s", k);
		rc = 0;
	}
	json_decref(h);
	return rc;
}

int tokens_verify_access(const char *token, struct access_claims *out, struct err *e)
{
	char kid[64];
	if (strlen(token) > 8192 || header_kid(token, kid, sizeof kid))
		return err_set(e, ERR_UNAUTHENTICATED, NULL, "invalid access token");
	struct keyring *kr = atomic_load(&ring);
	const struct key *k = find_key(kr, kid);
	long now = (long)time(NULL);
	if (!k && now - atomic_load(&last_reload) >= 5) {
		pthread_mutex_lock(&reload_lock);
		struct err ignore = {0};
		publish(&ignore);
		pthread_mutex_unlock(&reload_lock);
		kr = atomic_load(&ring);
		k = find_key(kr, kid);
	}
	if (!k)
		return err_set(
		        e, ERR_UNAUTHENTICATED, NULL, "access token signed by an unknown key");
	/* RS256 over "header.payload" with the key parsed at load time */
	const char *d1 = strchr(token, '.'), *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
	if (!d2 || strchr(d2 + 1, '.') || !d2[1])
		return err_set(e, ERR_UNAUTHENTICATED, NULL, "invalid access token");
	size_t siglen = 0, plen = 0;
	unsigned char *sig = util_b64url_decode(d2 + 1, &siglen);
	char *pseg = strndup(d1 + 1, (size_t)(d2 - d1 - 1));
	unsigned char *payload = pseg ? util_b64url_decode(pseg, &plen) : NULL;
	free(pseg);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok = sig && payload && ctx &&
	         EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, k->pkey) == 1 &&
	         EVP_DigestVerify(
	                 ctx, sig, siglen, (const unsigned char *)token, (size_t)(d2 - token)) == 1;
	EVP_MD_CTX_free(ctx);
	free(sig);
	json_t *claims = ok ? json_loadb((const char *)payload, plen, 0, NULL) : NULL;
	free(payload);
	if (!json_is_object(claims)) {
		json_decref(claims);
		return err_set(e, ERR_UNAUTHENTICATED, NULL, "invalid access token");
	}
	const char *iss = json_string_value(json_object_get(claims, "iss")),
	           *sub = json_string_value(json_object_get(claims, "sub")),
	           *tid = json_string_value(json_object_get(claims, "tid")),
	           *sid = json_string_value(json_object_get(claims, "sid"));
	long exp = (long)json_integer_value(json_object_get(claims, "exp")),
	     iat = (long)json_integer_value(json_object_get(claims, "iat"));
	int rc = 0;
	if (!iss || strcmp(iss, TOKEN_ISSUER) || !sub || !util_is_uuid(sub) || !tid ||
	        !util_is_uuid(tid) || !sid || strlen(sid) >= sizeof out->sid)
		rc = err_set(e, ERR_UNAUTHENTICATED, NULL, "invalid access token");
	else if (exp <= now)
		rc = err_set(e, ERR_UNAUTHENTICATED, NULL, "access token expired");
	else {
		snprintf(out->sub, sizeof out->sub, "%s", sub);
		snprintf(out->tid, sizeof out->tid, "%s", tid);
		snprintf(out->sid, sizeof out->sid, "%s", sid);
		out->exp = exp;
		out->iat = iat;
	}
	json_decref(claims);
	return rc;
}

json_t *tokens_jwks(void)
{
	struct keyring *kr = atomic_load(&ring);
	json_t *keys = json_array();
	for (int i = 0; kr && i < kr->nkeys; i++)
		json_array_append_new(
		        keys, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "kty", "RSA", "use",
		                      "sig", "alg", "RS256", "kid", kr->keys[i].kid, "n",
		                      kr->keys[i].n_b64, "e", kr->keys[i].e_b64));
	return json_pack("{s:o}", "keys", keys);
}
