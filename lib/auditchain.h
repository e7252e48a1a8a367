/*
 * auditchain.h - verification of a tenant's hash-chained audit trail.
 *
 * audit_append() (migrations/0001_platform.sql) gives each event of a tenant the next
 * sequence number and stores
 *
 *     hash = SHA-256(prev_hash || audit_canonical(event))
 *
 * where prev_hash is the previous event's hash (empty for seq 1) and audit_heads holds
 * the last (seq, hash). This module re-does that computation in C, independently of
 * the database, over rows fed in ascending seq order, and names the first broken link:
 *
 *   AUDITCHAIN_SEQ_GAP        seq is not previous + 1: events were removed (or the
 *                             order was tampered with); reported at the first missing seq
 *   AUDITCHAIN_PREV_MISMATCH  prev_hash is not the previous event's hash: an event
 *                             before this one was replaced, hash and all
 *   AUDITCHAIN_HASH_MISMATCH  hash does not match the event's content: it was altered
 *   AUDITCHAIN_HEAD_MISMATCH  the last event is not the recorded head: events at the
 *                             end were removed, or the head itself was altered
 *
 * The state is a fixed-size struct: verifying millions of events takes constant
 * memory, the caller streams rows in batches and drops each batch after feeding it.
 * Pure functions over caller-owned memory (OpenSSL SHA-256 only); any thread, one
 * struct auditchain per verification.
 */
#ifndef CONCORD_AUDITCHAIN_H
#define CONCORD_AUDITCHAIN_H

#include <stdbool.h>
#include <stddef.h>

#define AUDITCHAIN_HASH_MAX 64 /* longest hash accepted (SHA-256 needs 32) */

enum auditchain_fault {
	AUDITCHAIN_OK = 0,
	AUDITCHAIN_SEQ_GAP,
	AUDITCHAIN_PREV_MISMATCH,
	AUDITCHAIN_HASH_MISMATCH,
	AUDITCHAIN_HEAD_MISMATCH,
};

/* One stored event as the verifier needs it; every pointer is borrowed for the call. */
struct auditchain_row {
	long long seq;
	const unsigned char *prev_hash; /* stored prev_hash bytes */
	size_t prev_len;
	const unsigned char *hash; /* stored hash bytes */
	size_t hash_len;
	const char *canonical; /* audit_canonical(event), UTF-8 */
	size_t canonical_len;
};

struct auditchain {
	long long next_seq; /* seq the next row must carry (1 before the first row) */
	long long checked;  /* rows examined, the faulty one included */
	unsigned char last_hash[AUDITCHAIN_HASH_MAX]; /* hash of the last intact row */
	size_t last_len;             /* 0 before the first row: the chain starts from empty */
	enum auditchain_fault fault; /* first fault found, AUDITCHAIN_OK while intact */
	long long fault_seq;         /* seq of the first broken link (0 while intact) */
	char detail[200];            /* one line for the report: what was expected and found */
};

void auditchain_init(struct auditchain *c);
/* Check the next row (ascending seq). 0 while the chain is intact; -1 once a fault
 * is recorded - later calls change nothing and return -1. */
int auditchain_feed(struct auditchain *c, const struct auditchain_row *row);
/* After the last row up to the head: the head (head_seq 0 and an empty hash when the
 * tenant has no events) must be the last row fed. 0 or -1 as auditchain_feed. */
int auditchain_finish(
        struct auditchain *c, long long head_seq, const unsigned char *head_hash, size_t head_len);
/* Rows stored beyond the head (max_seq > head_seq, both read in one snapshot) mean the
 * head was moved back. 0 or -1 as auditchain_feed. */
int auditchain_check_tail(struct auditchain *c, long long head_seq, long long max_seq);
/* Stable name of a fault for reports: "ok", "seq_gap", "prev_hash_mismatch",
 * "hash_mismatch", "head_mismatch". */
const char *auditchain_fault_name(enum auditchain_fault f);
/* hash = SHA-256(prev || canonical), the chain's link function; out receives 32 bytes. */
void auditchain_link(const unsigned char *prev, size_t prev_len, const char *canonical,
        size_t canonical_len, unsigned char out[32]);

#endif
