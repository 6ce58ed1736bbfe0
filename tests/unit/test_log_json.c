/* SPDX-License-Identifier: MIT */
/* The audit log's JSON: strings from any bytes (jsonw), whole records
 * (audit_format). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>

#include "audit.h"
#include "jsonw.h"
#include "util.h"

/* jsonw_str's output for s, malloc'd; *esc says whether it escaped. */
static char *enc(const char *s, size_t cap, bool *esc)
{
	struct strbuf b = {0};
	bool e = false;
	jsonw_str(&b, s, cap, &e);
	if (esc)
		*esc = e;
	return strbuf_steal(&b);
}

static void assert_enc(const char *s, const char *want, bool want_esc)
{
	bool esc;
	char *got = enc(s, 4096, &esc);
	assert_string_equal(got, want);
	assert_int_equal(esc, want_esc);
	free(got);
}

/* Is s valid UTF-8 holding no control character (what a JSON line must
 * be, raw)? */
static bool clean_utf8(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s);
	for (size_t i = 0; i < n;) {
		size_t k = jsonw_utf8_len(u + i, n - i);
		if (!k || (k == 1 && (u[i] < 0x20 || u[i] == 0x7f)))
			return false;
		i += k;
	}
	return true;
}

static void test_valid_utf8_kept(void **state)
{
	(void)state;
	/* the C1 controls are valid UTF-8 too, and escaped: CSI, OSC, ST */
	assert_enc("a\xc2\x9b"
		   "31m\xc2\x9d"
		   "52;c;x\xc2\x9c\xc2\x80",
		   "\"a\\u009b31m\\u009d52;c;x\\u009c\\u0080\"", false);
	assert_enc("nbsp\xc2\xa0", "\"nbsp\xc2\xa0\"", false);
	assert_enc("plain /a/b.c", "\"plain /a/b.c\"", false);
	assert_enc("caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x98\x80",
		   "\"caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x98\x80\"", false);
	/* the last code point, U+10FFFF */
	assert_enc("\xf4\x8f\xbf\xbf", "\"\xf4\x8f\xbf\xbf\"", false);
	assert_enc("a\\b", "\"a\\\\b\"", false);
	char *n = enc(NULL, 10, NULL);
	assert_string_equal(n, "null");
	free(n);
}

static void test_control_characters(void **state)
{
	(void)state;
	assert_enc("a\"b\n\t\r", "\"a\\\"b\\n\\t\\r\"", false);
	assert_enc("\x01\x1b[31m\x7f", "\"\\u0001\\u001b[31m\\u007f\"", false);
}

static void test_invalid_bytes_escaped(void **state)
{
	(void)state;
	assert_enc("a\xff" "b", "\"a\\\\xffb\"", true);
	/* in an escaped string a backslash is doubled: \x41 the text stays
	 * apart from the byte 0x41 */
	assert_enc("\\x41\xfe", "\"\\\\\\\\x41\\\\xfe\"", true);
	/* overlong '/', a surrogate, beyond U+10FFFF, a cut sequence, a
	 * lone continuation byte */
	assert_enc("\xc0\xaf", "\"\\\\xc0\\\\xaf\"", true);
	assert_enc("\xe0\x80\xaf", "\"\\\\xe0\\\\x80\\\\xaf\"", true);
	assert_enc("\xed\xa0\x80", "\"\\\\xed\\\\xa0\\\\x80\"", true);
	assert_enc("\xf4\x90\x80\x80", "\"\\\\xf4\\\\x90\\\\x80\\\\x80\"", true);
	assert_enc("x\xe4\xb8", "\"x\\\\xe4\\\\xb8\"", true);
	assert_enc("\x80", "\"\\\\x80\"", true);
	/* valid characters around invalid bytes are kept */
	assert_enc("\xc3\xa9\xff\xc3\xa9", "\"\xc3\xa9\\\\xff\xc3\xa9\"", true);
}

static void test_long_strings_cut_on_characters(void **state)
{
	(void)state;
	/* 3000 two-byte characters cut at 4095 bytes: 2047 whole ones */
	char s[6001];
	for (int i = 0; i < 3000; i++)
		memcpy(s + 2 * i, "\xc3\xa9", 2);
	s[6000] = '\0';
	bool esc;
	char *out = enc(s, 4095, &esc);
	assert_false(esc);
	assert_true(clean_utf8(out));
	char want[64];
	snprintf(want, sizeof(want), "\xc3\xa9...[+%d bytes]\"", 6000 - 4094);
	assert_non_null(strstr(out, want));
	assert_int_equal(strlen(out), 1 + 4094 + strlen(want) - 2);
	free(out);
	/* a string within the cap is whole */
	out = enc("abc", 3, NULL);
	assert_string_equal(out, "\"abc\"");
	free(out);
}

/* The bytes a jsonw_str string stands for: JSON-decoded, then (escaped)
 * \\ and \xHH undone. Returns the length. */
static size_t decode(const char *j, bool escaped, char *out)
{
	size_t o = 0;
	assert_int_equal(*j++, '"');
	char tmp[8192];
	size_t t = 0;
	while (*j != '"') {
		if (*j != '\\') {
			tmp[t++] = *j++;
			continue;
		}
		j++;
		char c = *j++;
		if (c == 'u') {
			unsigned v;
			assert_int_equal(sscanf(j, "%4x", &v), 1);
			/* C0 controls and DEL, or a C1 control (U+0080 to
			 * U+009F), which is two bytes of UTF-8 */
			assert_true(v < 0xa0);
			if (v >= 0x80)
				tmp[t++] = (char)0xc2;
			tmp[t++] = (char)v;
			j += 4;
		} else {
			tmp[t++] = c == 'n' ? '\n' : c == 't' ? '\t' : c == 'r' ? '\r' : c;
		}
	}
	for (size_t i = 0; i < t;) {
		if (escaped && tmp[i] == '\\' && tmp[i + 1] == '\\') {
			out[o++] = '\\';
			i += 2;
		} else if (escaped && tmp[i] == '\\' && tmp[i + 1] == 'x') {
			unsigned v;
			char h[3] = {tmp[i + 2], tmp[i + 3], 0};
			assert_int_equal(sscanf(h, "%2x", &v), 1);
			out[o++] = (char)v;
			i += 4;
		} else {
			assert_false(escaped && tmp[i] == '\\');
			out[o++] = tmp[i++];
		}
	}
	return o;
}

/* Any bytes: the line is clean UTF-8 and gives the bytes back. */
static void test_any_bytes_round_trip(void **state)
{
	(void)state;
	srand(17);
	for (int round = 0; round < 5000; round++) {
		char s[64], back[8192];
		size_t n = (size_t)(rand() % 63);
		for (size_t i = 0; i < n; i++) {
			int pick = rand() % 4;
			s[i] = (char)(pick == 0   ? 1 + rand() % 255
				      : pick == 1 ? 0x80 + rand() % 0x80
				      : pick == 2 ? "\\\"x\xc3\xa9"[rand() % 5]
						  : 0x20 + rand() % 0x5f);
			if (!s[i])
				s[i] = 'z';
		}
		s[n] = '\0';
		bool esc;
		char *j = enc(s, 4096, &esc);
		assert_true(clean_utf8(j));
		assert_int_equal(decode(j, esc, back), n);
		assert_memory_equal(back, s, n);
		free(j);
	}
}

static void test_record_names_escaped_fields(void **state)
{
	(void)state;
	const char *argv[] = {"cat", "bad\xff"};
	struct audit_rec r = {.session = "s3",
			      .session_name = "my\xc3\xa9",
			      .pid = 5,
			      .argv = argv,
			      .argc = 2,
			      .kind = "open",
			      .target = "/w/\xfe\xc3\xa9",
			      .tier = 0,
			      .decision = "refused",
			      .extra = {{"policy", "/p.yaml", 0},
					{"generation", NULL, 42}}};
	char *s = audit_format(&r);
	assert_non_null(s);
	assert_true(clean_utf8(strtok(s, "\n")));
	assert_non_null(strstr(s, "\"session\":\"s3\",\"session_name\":\"my\xc3\xa9\""));
	assert_non_null(strstr(s, "\"argv\":[\"cat\",\"bad\\\\xff\"]"));
	assert_non_null(strstr(s, "\"target\":\"/w/\\\\xfe\xc3\xa9\""));
	assert_non_null(strstr(s, ",\"policy\":\"/p.yaml\",\"generation\":42"));
	assert_non_null(strstr(s, ",\"escaped\":[\"argv\",\"target\"]}"));
	free(s);
	/* a clean record has no "escaped" member, and null session_name */
	struct audit_rec c = {.session = "s1", .kind = "exec", .tier = -1};
	s = audit_format(&c);
	assert_null(strstr(s, "escaped"));
	assert_non_null(strstr(s, "\"session_name\":null"));
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_valid_utf8_kept),
	    cmocka_unit_test(test_control_characters),
	    cmocka_unit_test(test_invalid_bytes_escaped),
	    cmocka_unit_test(test_long_strings_cut_on_characters),
	    cmocka_unit_test(test_any_bytes_round_trip),
	    cmocka_unit_test(test_record_names_escaped_fields),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
