/*
 * auditchain.c - audit chain verification (see auditchain.h).
 *
 * Checks are ordered from the cheapest and most telling to the most expensive: a
 * sequence gap names removed events, a prev_hash mismatch names a replaced
 * predecessor, and only then is the event's own hash recomputed. The first fault
 * freezes the state, so the report always names the earliest broken link.
 */
#include "auditchain.h"

#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(struct auditchain *c, enum auditchain_fault f, long long seq, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

static int fail(struct auditchain *c, enum auditchain_fault f, long long seq, const char *fmt, ...)
{
	va_list ap;
	c->fault = f;
	c->fault_seq = seq;
	va_start(ap, fmt);
	vsnprintf(c->detail, sizeof c->detail, fmt, ap);
	va_end(ap);
	return -1;
}

static bool same(const unsigned char *a, size_t alen, const unsigned char *b, size_t blen)
{
	return alen == blen && (alen == 0 || memcmp(a, b, alen) == 0);
}

void auditchain_link(const unsigned char *prev, size_t prev_len, const char *canonical,
        size_t canonical_len, unsigned char out[32])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned int n = 0;
	if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1 ||
	        EVP_DigestUpdate(ctx, prev, prev_len) != 1 ||
	        EVP_DigestUpdate(ctx, canonical, canonical_len) != 1 ||
	        EVP_DigestFinal_ex(ctx, out, &n) != 1 || n != 32) {
		/* cannot happen with a working libcrypto; a wrong answer would be worse */
		fputs("concord: SHA-256 failed\n", stderr);
		abort();
	}
	EVP_MD_CTX_free(ctx);
}

void auditchain_init(struct auditchain *c)
{
	memset(c, 0, sizeof *c);
	c->next_seq = 1;
}

int auditchain_feed(struct auditchain *c, const struct auditchain_row *row)
{
	if (c->fault != AUDITCHAIN_OK)
		return -1;
	c->checked++;
	if (row->seq > c->next_seq)
		return fail(c, AUDITCHAIN_SEQ_GAP, c->next_seq,
		        "expected event %lld, found %lld: events %lld..%lld are missing",
		        c->next_seq, row->seq, c->next_seq, row->seq - 1);
	if (row->seq < c->next_seq)
		return fail(c, AUDITCHAIN_SEQ_GAP, row->seq,
		        "expected event %lld, found %lld again or out of order", c->next_seq,
		        row->seq);
	if (!same(row->prev_hash, row->prev_len, c->last_hash, c->last_len))
		return fail(c, AUDITCHAIN_PREV_MISMATCH, row->seq,
		        "prev_hash of event %lld is not the hash of event %lld", row->seq,
		        row->seq - 1);
	unsigned char h[32];
	auditchain_link(row->prev_hash, row->prev_len, row->canonical, row->canonical_len, h);
	if (!same(h, sizeof h, row->hash, row->hash_len))
		return fail(c, AUDITCHAIN_HASH_MISMATCH, row->seq,
		        "event %lld does not match its hash: its content was changed", row->seq);
	memcpy(c->last_hash, row->hash, row->hash_len); /* 32 bytes: it matched h */
	c->last_len = row->hash_len;
	c->next_seq = row->seq + 1;
	return 0;
}

int auditchain_finish(
        struct auditchain *c, long long head_seq, const unsigned char *head_hash, size_t head_len)
{
	if (c->fault != AUDITCHAIN_OK)
		return -1;
	long long last = c->next_seq - 1;
	if (head_seq > last)
		return fail(c, AUDITCHAIN_HEAD_MISMATCH, last + 1,
		        "the head is at event %lld but the events end at %lld: events %lld..%lld "
		        "are "
		        "missing",
		        head_seq, last, last + 1, head_seq);
	if (head_seq < last)
		return fail(c, AUDITCHAIN_HEAD_MISMATCH, head_seq + 1,
		        "the head is at event %lld but events continue to %lld", head_seq, last);
	if (!same(head_hash, head_len, c->last_hash, c->last_len))
		return fail(c, AUDITCHAIN_HEAD_MISMATCH, head_seq,
		        "the head's hash is not the hash of event %lld", head_seq);
	return 0;
}

int auditchain_check_tail(struct auditchain *c, long long head_seq, long long max_seq)
{
	if (c->fault != AUDITCHAIN_OK)
		return -1;
	if (max_seq > head_seq)
		return fail(c, AUDITCHAIN_HEAD_MISMATCH, head_seq + 1,
		        "events up to %lld are stored beyond the head at event %lld", max_seq,
		        head_seq);
	return 0;
}

const char *auditchain_fault_name(enum auditchain_fault f)
{
	switch (f) {
	case AUDITCHAIN_OK:
		return "ok";
	case AUDITCHAIN_SEQ_GAP:
		return "seq_gap";
	case AUDITCHAIN_PREV_MISMATCH:
		return "prev_hash_mismatch";
	case AUDITCHAIN_HASH_MISMATCH:
		return "hash_mismatch";
	case AUDITCHAIN_HEAD_MISMATCH:
		return "head_mismatch";
	}
	return "unknown";
}
