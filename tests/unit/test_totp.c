/*
 * test_totp.c - lib/totp.c against the published test vectors (RFC 4226 appendix D,
 * RFC 6238 appendix B, RFC 4648 section 10), plus the verification window, replay
 * refusal and otpauth URI encoding. Fixed times only: nothing reads the clock.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "totp.h"

static const unsigned char rfc_key[] = "12345678901234567890"; /* 20 bytes, SHA-1 seed */

START_TEST(hotp_matches_rfc4226_vectors)
{
	static const char *const want[] = {"755224", "287082", "359152", "969429", "338314",
	        "254676", "287922", "162583", "399871", "520489"};
	for (int i = 0; i < 10; i++) {
		char out[7];
		totp_code(rfc_key, 20, i, 6, out);
		ck_assert_str_eq(out, want[i]);
	}
}
END_TEST

START_TEST(totp_matches_rfc6238_sha1_vectors)
{
	static const struct {
		time_t t;
		const char *code;
	} v[] = {{59, "94287082"}, {1111111109, "07081804"}, {1111111111, "14050471"},
	        {1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"}};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		char out[9];
		totp_code(rfc_key, 20, totp_step(v[i].t), 8, out);
		ck_assert_str_eq(out, v[i].code);
	}
}
END_TEST

START_TEST(base32_matches_rfc4648_vectors_and_round_trips)
{
	static const char *const in[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
	static const char *const out[] = {
	        "", "MY", "MZXQ", "MZXW6", "MZXW6YQ", "MZXW6YTB", "MZXW6YTBOI"};
	for (int i = 0; i < 7; i++) {
		char *e = totp_base32_encode((const unsigned char *)in[i], strlen(in[i]));
		ck_assert_str_eq(e, out[i]);
		size_t n;
		unsigned char *d = totp_base32_decode(e, &n);
		ck_assert_uint_eq(n, strlen(in[i]));
		ck_assert(memcmp(d, in[i], n) == 0);
		free(d);
		free(e);
	}
	/* what people type: lower case, spaces, padding */
	size_t n;
	unsigned char *d = totp_base32_decode("mzxw 6ytb oi======", &n);
	ck_assert_uint_eq(n, 6);
	ck_assert(memcmp(d, "foobar", 6) == 0);
	free(d);
	ck_assert_ptr_null(totp_base32_decode("MZXW1", &n)); /* 1 is not base32 */
}
END_TEST

START_TEST(verify_accepts_the_window_and_reports_the_step)
{
	time_t now = 1111111111;
	int64_t step = totp_step(now);
	char code[7];
	totp_code(rfc_key, 20, step, 6, code);
	ck_assert_int_eq(totp_verify(rfc_key, 20, code, now, 1, 0), step);
	totp_code(rfc_key, 20, step - 1, 6, code); /* the previous code: clock drift */
	ck_assert_int_eq(totp_verify(rfc_key, 20, code, now, 1, 0), step - 1);
	totp_code(rfc_key, 20, step + 1, 6, code);
	ck_assert_int_eq(totp_verify(rfc_key, 20, code, now, 1, 0), step + 1);
	totp_code(rfc_key, 20, step + 2, 6, code); /* outside the window */
	ck_assert_int_eq(totp_verify(rfc_key, 20, code, now, 1, 0), 0);
}
END_TEST

START_TEST(verify_refuses_replays_and_malformed_codes)
{
	time_t now = 1234567890;
	int64_t step = totp_step(now);
	char code[7];
	totp_code(rfc_key, 20, step, 6, code);
	/* the step was already used: a replay */
	ck_assert_int_eq(totp_verify(rfc_key, 20, code, now, 1, step), -1);
	/* an older code after a newer one: also a replay */
	char older[7];
	totp_code(rfc_key, 20, step - 1, 6, older);
	ck_assert_int_eq(totp_verify(rfc_key, 20, older, now, 1, step), -1);
	ck_assert_int_eq(totp_verify(rfc_key, 20, "12345", now, 1, 0), 0);
	ck_assert_int_eq(totp_verify(rfc_key, 20, "1234567", now, 1, 0), 0);
	ck_assert_int_eq(totp_verify(rfc_key, 20, "12a456", now, 1, 0), 0);
	ck_assert_int_eq(totp_verify(rfc_key, 20, NULL, now, 1, 0), 0);
	/* another key's code is wrong */
	static const unsigned char other[] = "abcdefghijabcdefghij";
	ck_assert_int_eq(totp_verify(other, 20, code, now, 1, 0) == step, 0);
}
END_TEST

START_TEST(otpauth_uri_escapes_issuer_and_account)
{
	char *u = totp_uri("Concord", "ana+grc@example.com", "MZXW6YTBOI");
	ck_assert_str_eq(u, "otpauth://totp/Concord:ana%2Bgrc%40example.com?secret=MZXW6YTBOI"
	                    "&issuer=Concord&algorithm=SHA1&digits=6&period=30");
	free(u);
	u = totp_uri("A&B Co", "x y", "AB");
	ck_assert_ptr_nonnull(strstr(u, "otpauth://totp/A%26B%20Co:x%20y?"));
	ck_assert_ptr_nonnull(strstr(u, "&issuer=A%26B%20Co&"));
	free(u);
}
END_TEST

static Suite *totp_suite(void)
{
	Suite *s = suite_create("totp");
	TCase *tc = tcase_create("rfc6238");
	tcase_add_test(tc, hotp_matches_rfc4226_vectors);
	tcase_add_test(tc, totp_matches_rfc6238_sha1_vectors);
	tcase_add_test(tc, base32_matches_rfc4648_vectors_and_round_trips);
	tcase_add_test(tc, verify_accepts_the_window_and_reports_the_step);
	tcase_add_test(tc, verify_refuses_replays_and_malformed_codes);
	tcase_add_test(tc, otpauth_uri_escapes_issuer_and_account);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(totp_suite());
	srunner_run_all(sr, CK_NORMAL);
	int nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
