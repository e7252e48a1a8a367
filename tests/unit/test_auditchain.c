/*
 * test_auditchain.c - the audit chain verifier (lib/auditchain.c) over crafted chains:
 * an intact chain passes and every kind of tampering is reported at the right event.
 * Chains are built here with OpenSSL's one-shot SHA256(), independently of the code
 * under test.
 */
#include <check.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auditchain.h"

#define N 10

struct ev {
	long long seq;
	unsigned char prev[32], hash[32];
	size_t prev_len;
	char canonical[96];
};

static struct ev chain[N + 1]; /* chain[1..N] */

/* hash = SHA-256(prev || canonical), written out independently of auditchain_link. */
static void link_hash(
        const unsigned char *prev, size_t prev_len, const char *canonical, unsigned char out[32])
{
	unsigned char buf[160];
	size_t n = strlen(canonical);
	memcpy(buf, prev, prev_len);
	memcpy(buf + prev_len, canonical, n);
	SHA256(buf, prev_len + n, out);
}

static void build(void)
{
	for (int i = 1; i <= N; i++) {
		struct ev *e = &chain[i];
		e->seq = i;
		snprintf(e->canonical, sizeof e->canonical,
		        "{\"seq\": %d, \"action\": \"risk.update\", \"after\": {\"score\": %d}}", i,
		        i * 3);
		e->prev_len = i == 1 ? 0 : 32;
		if (i > 1)
			memcpy(e->prev, chain[i - 1].hash, 32);
		link_hash(e->prev, e->prev_len, e->canonical, e->hash);
	}
}

static struct auditchain_row row_of(const struct ev *e)
{
	struct auditchain_row r = {
	        e->seq, e->prev, e->prev_len, e->hash, 32, e->canonical, strlen(e->canonical)};
	return r;
}

/* Feed chain[from..to] skipping `skip` (0 = none); returns the first non-zero result. */
static int feed_range(struct auditchain *c, int from, int to, int skip)
{
	int rc = 0;
	for (int i = from; i <= to; i++) {
		if (i == skip)
			continue;
		struct auditchain_row r = row_of(&chain[i]);
		if (auditchain_feed(c, &r) && rc == 0)
			rc = -1;
	}
	return rc;
}

START_TEST(link_is_sha256_of_prev_hash_then_canonical_text)
{
	/* FIPS 180-2 test vector: SHA-256("abc") with an empty previous hash */
	static const unsigned char abc[32] = {0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41,
	        0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a,
	        0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad};
	unsigned char out[32], want[32];
	auditchain_link(NULL, 0, "abc", 3, out);
	ck_assert_mem_eq(out, abc, 32);
	/* with a previous hash the bytes are concatenated, prev first */
	auditchain_link(abc, 32, "next", 4, out);
	link_hash(abc, 32, "next", want);
	ck_assert_mem_eq(out, want, 32);
	link_hash((const unsigned char *)"next", 4, (const char *)abc, want);
	ck_assert_int_ne(memcmp(out, want, 32), 0);
}
END_TEST

START_TEST(intact_chain_verifies_and_counts_every_event)
{
	struct auditchain c;
	auditchain_init(&c);
	ck_assert_int_eq(feed_range(&c, 1, N, 0), 0);
	ck_assert_int_eq(auditchain_finish(&c, N, chain[N].hash, 32), 0);
	ck_assert_int_eq(auditchain_check_tail(&c, N, N), 0);
	ck_assert_int_eq(c.fault, AUDITCHAIN_OK);
	ck_assert_int_eq(c.checked, N);
	ck_assert_str_eq(auditchain_fault_name(c.fault), "ok");
}
END_TEST

START_TEST(tenant_without_events_verifies_against_empty_head)
{
	struct auditchain c;
	auditchain_init(&c);
	ck_assert_int_eq(auditchain_finish(&c, 0, NULL, 0), 0);
	ck_assert_int_eq(auditchain_check_tail(&c, 0, 0), 0);
	ck_assert_int_eq(c.checked, 0);
}
END_TEST

START_TEST(altered_event_content_is_reported_at_its_seq)
{
	chain[6].canonical[strlen(chain[6].canonical) - 3] = '9'; /* the score changes */
	struct auditchain c;
	auditchain_init(&c);
	ck_assert_int_eq(feed_range(&c, 1, N, 0), -1);
	ck_assert_int_eq(c.fault, AUDITCHAIN_HASH_MISMATCH);
	ck_assert_int_eq(c.fault_seq, 6);
	ck_assert_int_eq(c.checked, 6);
	ck_assert_str_eq(auditchain_fault_name(c.fault), "hash_mismatch");
	ck_assert_int_eq(auditchain_finish(&c, N, chain[N].hash, 32), -1);
	ck_assert_int_eq(c.fault_seq, 6); /* the first fault is kept */
}
END_TEST

START_TEST(altered_stored_hash_is_reported_at_its_seq)
{
	chain[3].hash[0] ^= 1;
	struct auditchain c;
	auditchain_init(&c);
	ck_assert_int_eq(feed_range(&c, 1, N, 0), -1);
	ck_assert_int_eq(c.fault, AUDITCHAIN_HASH_MISMATCH);
	ck_assert_int_eq(c.fault_seq, 3);
}
END_TEST

START_TEST(removed_middle_event_is_a_gap_at_the_missing_seq)
{
	struct auditchain c;
	auditchain_init(&c);
	ck_assert_int_eq(feed_range(&c, 1, N, 5), -1);
	ck_assert_int_eq(c.fault, AUDITCHAIN_SEQ_GAP);
	ck_assert_int_eq(c.fault_seq, 5);
	ck_assert_str_eq(auditchain_fault_name(c.fault), "seq_gap");
	ck_assert_ptr_nonnull(strstr(c.detail, "5..5"));
}
END_TEST

START_TEST(removed_first_event_is_a_gap_at_seq_1)
{
	struct auditchain c;
	auditchain_init(&c);
	ck_assert_int_eq(feed_range(&c, 2, N, 0), -1);
	ck_assert_int_eq(c.fault, AUDITCHAIN_SEQ_GAP);
	ck_assert_int_eq(c.fault_seq, 1);
	ck_assert_int_eq(c.checked, 1);
}
END_TEST

START_TEST(renumbered_event_after_a_removal_breaks_the_prev_link)
{
	/* event 5 removed and 6..10 renumbered to close the gap: seqs are contiguous but
	 * the new 5 (old 6) does not chain to event 4 */
	struct auditchain c;
	auditchain_init(&c);
	ck_assert_int_eq(feed_range(&c, 1, 4, 0), 0);
	for (int i = 6; i <= N; i++) {
		struct auditchain_row r = row_of(&chain[i]);
		r.seq = i - 1;
		auditchain_feed(&c, &r);
	}
	ck_assert_int_eq(c.fault, AUDITCHAIN_PREV_MISMATCH);
	ck_assert_int_eq(c.fault_seq, 5);
}
END_TEST

START_TEST(replaced_event_with_recomputed_hash_breaks_the_next_link)
{
	/* a forger rewrites event 4 and recomputes its hash: event 4 looks fine, event 5
	 * still points at the original */
	snprintf(chain[4].canonical, sizeof chain[4].canonical, "{\"seq\": 4, \"forged\": true}");
	link_hash(chain[4].prev, chain[4].prev_len, chain[4].canonical, chain[4].hash);
	struct auditchain c;
	auditchain_init(&c);
	ck_assert_int_eq(feed_range(&c, 1, N, 0), -1);
	ck_assert_int_eq(c.fault, AUDITCHAIN_PREV_MISMATCH);
	ck_assert_int_eq(c.fault_seq, 5);
	ck_assert_str_eq(auditchain_fault_name(c.fault), "prev_hash_mismatch");
}
END_TEST

START_TEST(first_event_must_start_from_the_empty_hash)
{
	chain[1].prev_len = 32;
	memset(chain[1].prev, 7, 32);
	link_hash(chain[1].prev, 32, chain[1].canonical, chain[1].hash);
	struct auditchain c;
	auditchain_init(&c);
	ck_assert_int_eq(feed_range(&c, 1, 1, 0), -1);
	ck_assert_int_eq(c.fault, AUDITCHAIN_PREV_MISMATCH);
	ck_assert_int_eq(c.fault_seq, 1);
}
END_TEST

START_TEST(repeated_seq_is_reported)
{
	struct auditchain c;
	auditchain_init(&c);
	ck_assert_int_eq(feed_range(&c, 1, 3, 0), 0);
	struct auditchain_row r = row_of(&chain[3]);
	ck_assert_int_eq(auditchain_feed(&c, &r), -1);
	ck_assert_int_eq(c.fault, AUDITCHAIN_SEQ_GAP);
	ck_assert_int_eq(c.fault_seq, 3);
}
END_TEST

START_TEST(removed_last_events_are_a_head_mismatch)
{
	struct auditchain c;
	auditchain_init(&c);
	ck_assert_int_eq(feed_range(&c, 1, N - 2, 0), 0);
	ck_assert_int_eq(auditchain_finish(&c, N, chain[N].hash, 32), -1);
	ck_assert_int_eq(c.fault, AUDITCHAIN_HEAD_MISMATCH);
	ck_assert_int_eq(c.fault_seq, N - 1);
	ck_assert_str_eq(auditchain_fault_name(c.fault), "head_mismatch");
}
END_TEST

START_TEST(altered_head_hash_is_a_head_mismatch)
{
	unsigned char head[32];
	memcpy(head, chain[N].hash, 32);
	head[31] ^= 0x80;
	struct auditchain c;
	auditchain_init(&c);
	ck_assert_int_eq(feed_range(&c, 1, N, 0), 0);
	ck_assert_int_eq(auditchain_finish(&c, N, head, 32), -1);
	ck_assert_int_eq(c.fault, AUDITCHAIN_HEAD_MISMATCH);
	ck_assert_int_eq(c.fault_seq, N);
}
END_TEST

START_TEST(events_beyond_a_head_moved_back_are_reported)
{
	/* the head was reset to event 7 (seq and hash consistent): the chain up to 7 is
	 * intact, but events 8..10 are still stored */
	struct auditchain c;
	auditchain_init(&c);
	ck_assert_int_eq(feed_range(&c, 1, 7, 0), 0);
	ck_assert_int_eq(auditchain_finish(&c, 7, chain[7].hash, 32), 0);
	ck_assert_int_eq(auditchain_check_tail(&c, 7, N), -1);
	ck_assert_int_eq(c.fault, AUDITCHAIN_HEAD_MISMATCH);
	ck_assert_int_eq(c.fault_seq, 8);
}
END_TEST

START_TEST(head_behind_the_fed_events_is_reported)
{
	struct auditchain c;
	auditchain_init(&c);
	ck_assert_int_eq(feed_range(&c, 1, N, 0), 0);
	ck_assert_int_eq(auditchain_finish(&c, N - 3, chain[N - 3].hash, 32), -1);
	ck_assert_int_eq(c.fault, AUDITCHAIN_HEAD_MISMATCH);
	ck_assert_int_eq(c.fault_seq, N - 2);
}
END_TEST

START_TEST(truncated_stored_hash_is_a_mismatch)
{
	struct auditchain c;
	auditchain_init(&c);
	ck_assert_int_eq(feed_range(&c, 1, 2, 0), 0);
	struct auditchain_row r = row_of(&chain[3]);
	r.hash_len = 31;
	ck_assert_int_eq(auditchain_feed(&c, &r), -1);
	ck_assert_int_eq(c.fault, AUDITCHAIN_HASH_MISMATCH);
	ck_assert_int_eq(c.fault_seq, 3);
}
END_TEST

static Suite *auditchain_suite(void)
{
	Suite *s = suite_create("auditchain");
	TCase *tc = tcase_create("verify");
	tcase_add_checked_fixture(tc, build, NULL);
	tcase_add_test(tc, link_is_sha256_of_prev_hash_then_canonical_text);
	tcase_add_test(tc, intact_chain_verifies_and_counts_every_event);
	tcase_add_test(tc, tenant_without_events_verifies_against_empty_head);
	tcase_add_test(tc, altered_event_content_is_reported_at_its_seq);
	tcase_add_test(tc, altered_stored_hash_is_reported_at_its_seq);
	tcase_add_test(tc, removed_middle_event_is_a_gap_at_the_missing_seq);
	tcase_add_test(tc, removed_first_event_is_a_gap_at_seq_1);
	tcase_add_test(tc, renumbered_event_after_a_removal_breaks_the_prev_link);
	tcase_add_test(tc, replaced_event_with_recomputed_hash_breaks_the_next_link);
	tcase_add_test(tc, first_event_must_start_from_the_empty_hash);
	tcase_add_test(tc, repeated_seq_is_reported);
	tcase_add_test(tc, removed_last_events_are_a_head_mismatch);
	tcase_add_test(tc, altered_head_hash_is_a_head_mismatch);
	tcase_add_test(tc, events_beyond_a_head_moved_back_are_reported);
	tcase_add_test(tc, head_behind_the_fed_events_is_reported);
	tcase_add_test(tc, truncated_stored_hash_is_a_mismatch);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(auditchain_suite());
	srunner_run_all(sr, CK_NORMAL);
	int nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
