/* SPDX-License-Identifier: MIT */
/* tg_proto.h helpers shared by the interposer and policyd. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "req_decode.h"
#include "tg_proto.h"

static void test_open_access(void **state)
{
	(void)state;
	assert_int_equal(tgp_open_access(O_RDONLY), TGPA_READ);
	assert_int_equal(tgp_open_access(O_RDONLY | O_CLOEXEC | O_NOFOLLOW),
			 TGPA_READ);
	assert_int_equal(tgp_open_access(O_WRONLY), TGPA_WRITE);
	assert_int_equal(tgp_open_access(O_RDWR), TGPA_READ | TGPA_WRITE);
	/* mode 3 (ioctl only): the kernel checks read and write */
	assert_int_equal(tgp_open_access(O_ACCMODE), TGPA_READ | TGPA_WRITE);
	assert_int_equal(tgp_open_access(O_RDONLY | O_TRUNC), TGPA_WRITE);
	assert_int_equal(tgp_open_access(O_WRONLY | O_CREAT),
			 TGPA_WRITE | TGPA_CREATE);
	assert_int_equal(tgp_open_access(O_RDONLY | O_CREAT),
			 TGPA_WRITE | TGPA_CREATE);
	assert_int_equal(tgp_open_access(O_TMPFILE | O_WRONLY), TGPA_WRITE);
	assert_int_equal(tgp_open_access(O_PATH), 0);
	assert_int_equal(tgp_open_access(O_PATH | O_RDWR | O_CREAT), 0);
}

static long make_msg(uint8_t *buf, size_t cap, uint32_t id, const char *path)
{
	struct tgp_enc e;
	tgp_enc_begin(&e, buf, cap, TGP_DECISION, id);
	tgp_put_str(&e, TGPT_PATH, path);
	return tgp_enc_end(&e);
}

struct slow_writer {
	int fd;
	const uint8_t *msg;
	size_t len;
};

/* writes a message a byte at a time, with pauses: the reader must wait
 * for the rest of the header and of the body */
static void *slow_write(void *arg)
{
	struct slow_writer *w = arg;
	for (size_t i = 0; i < w->len; i++) {
		struct timespec ts = {0, 200000};
		nanosleep(&ts, NULL);
		assert_int_equal(write(w->fd, w->msg + i, 1), 1);
	}
	return NULL;
}

/* tgp_read_msg: exactly one whole message, however it arrives; anything
 * past it, a short or oversized message, or a closed peer is an error */
static void test_read_msg(void **state)
{
	(void)state;
	int sv[2];
	uint8_t m1[512], m2[512], rb[512];
	long n1 = make_msg(m1, sizeof(m1), 7, "/work/a/b");
	long n2 = make_msg(m2, sizeof(m2), 8, "/x");
	assert_true(n1 > 0 && n2 > 0);

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(write(sv[1], m1, (size_t)n1), n1);
	assert_int_equal(tgp_read_msg(sv[0], rb, sizeof(rb)), n1);
	assert_memory_equal(rb, m1, (size_t)n1);

	/* in pieces */
	struct slow_writer w = {sv[1], m1, (size_t)n1};
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, slow_write, &w), 0);
	assert_int_equal(tgp_read_msg(sv[0], rb, sizeof(rb)), n1);
	pthread_join(t, NULL);
	assert_memory_equal(rb, m1, (size_t)n1);

	/* two at once: policyd never sends more than the one reply */
	uint8_t two[1024];
	memcpy(two, m1, (size_t)n1);
	memcpy(two + n1, m2, (size_t)n2);
	assert_int_equal(write(sv[1], two, (size_t)(n1 + n2)), n1 + n2);
	assert_int_equal(tgp_read_msg(sv[0], rb, sizeof(rb)), -1);
	close(sv[0]);
	close(sv[1]);

	/* larger than the reader's buffer */
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(write(sv[1], m1, (size_t)n1), n1);
	assert_int_equal(tgp_read_msg(sv[0], rb, (size_t)n1 - 1), -1);
	close(sv[0]);
	close(sv[1]);

	/* a bad header */
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	uint8_t junk[64];
	memset(junk, 0x41, sizeof(junk));
	assert_int_equal(write(sv[1], junk, sizeof(junk)), (long)sizeof(junk));
	assert_int_equal(tgp_read_msg(sv[0], rb, sizeof(rb)), -1);
	close(sv[0]);
	close(sv[1]);

	/* the peer closes half-way */
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(write(sv[1], m1, (size_t)n1 - 3), n1 - 3);
	close(sv[1]);
	assert_int_equal(tgp_read_msg(sv[0], rb, sizeof(rb)), -1);
	close(sv[0]);
}

/* another version's message is told apart from a malformed one: "TGP"
 * and a digit other than ours; anything else is not tiergate's */
static void test_versions(void **state)
{
	(void)state;
	uint8_t m[512], rb[512];
	long n = make_msg(m, sizeof(m), 9, "/x");
	assert_true(n > 0);
	assert_int_equal(tgp_magic_version(m), TGP_VERSION);
	assert_int_equal(tgp_peek_len(m), n);
	struct tgp_dec d;
	assert_int_equal(tgp_dec_begin(&d, m, (size_t)n), 0);
	for (int v = 0; v <= 9; v++) {
		m[3] = (uint8_t)('0' + v);
		assert_int_equal(tgp_magic_version(m), v);
		long want = v == TGP_VERSION ? n : -EPROTO;
		assert_int_equal(tgp_peek_len(m), want);
		assert_int_equal(tgp_dec_begin(&d, m, (size_t)n),
				 v == TGP_VERSION ? 0 : -EPROTO);
	}
	/* not a digit, or not "TGP": malformed, not another version */
	m[3] = 'x';
	assert_int_equal(tgp_magic_version(m), -1);
	assert_int_equal(tgp_peek_len(m), -EBADMSG);
	m[3] = (uint8_t)('0' + TGP_VERSION);
	m[0] = 'X';
	assert_int_equal(tgp_magic_version(m), -1);
	assert_int_equal(tgp_dec_begin(&d, m, (size_t)n), -EBADMSG);
	m[0] = 'T';
	/* a reader gets the header of another version's message, and only
	 * it, whatever its length field says */
	int sv[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	m[3] = '7';
	assert_int_equal(write(sv[1], m, (size_t)n), n);
	assert_int_equal(tgp_read_msg(sv[0], rb, sizeof(rb)),
			 (long)sizeof(struct tgp_hdr));
	assert_int_equal(tgp_dec_begin(&d, rb, sizeof(struct tgp_hdr)),
			 -EPROTO);
	assert_int_equal(tgp_magic_version(rb), 7);
	close(sv[0]);
	close(sv[1]);
}

/* a names report's addresses: whole 16-byte addresses, one to
 * TGP_MAX_NAME_ADDRS of them, any bytes (NULs included) */
static void test_addrs_field(void **state)
{
	(void)state;
	uint8_t addrs[TGP_MAX_NAME_ADDRS + 1][16];
	memset(addrs, 0, sizeof(addrs)); /* NUL bytes: not a string field */
	const size_t lens[] = {0,
			       1,
			       15,
			       16,
			       17,
			       32,
			       16 * TGP_MAX_NAME_ADDRS,
			       16 * (TGP_MAX_NAME_ADDRS + 1)};
	const bool good[] = {false, false, false, true,
			     false, true,  true,  false};
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		uint8_t buf[512];
		struct tgp_enc e;
		tgp_enc_begin(&e, buf, sizeof(buf), TGP_NAMES, 1);
		tgp_put_str(&e, TGPT_HOST, "example.test");
		tgp_put(&e, TGPT_ADDRS, addrs, lens[i]);
		long n = tgp_enc_end(&e);
		assert_true(n > 0);
		struct tgp_dec d;
		struct tgp_field f;
		assert_int_equal(tgp_dec_begin(&d, buf, (size_t)n), 0);
		assert_int_equal(tgp_dec_next(&d, &f), 1); /* the host */
		int r = tgp_dec_next(&d, &f);
		if (good[i]) {
			assert_int_equal(r, 1);
			assert_int_equal(f.tag, TGPT_ADDRS);
			assert_int_equal(f.len, lens[i]);
			assert_int_equal(tgp_dec_next(&d, &f), 0);
		} else {
			assert_int_equal(r, -EBADMSG);
		}
	}
	/* one ADDRS field per message */
	uint8_t buf[512];
	struct tgp_enc e;
	tgp_enc_begin(&e, buf, sizeof(buf), TGP_NAMES, 1);
	tgp_put(&e, TGPT_ADDRS, addrs, 16);
	tgp_put(&e, TGPT_ADDRS, addrs, 16);
	long n = tgp_enc_end(&e);
	struct tgp_dec d;
	struct tgp_field f;
	assert_int_equal(tgp_dec_begin(&d, buf, (size_t)n), 0);
	assert_int_equal(tgp_dec_next(&d, &f), 1);
	assert_int_equal(tgp_dec_next(&d, &f), -EBADMSG);
}

/* ENV fields of an exec request: decoded in order, capped at
 * TGP_MAX_ENV (one more is a malformed request, never a partial view). */
static void test_env_fields(void **state)
{
	(void)state;
	static uint8_t buf[65536];
	for (int extra = 0; extra <= 1; extra++) {
		struct tgp_enc e;
		tgp_enc_begin(&e, buf, sizeof(buf), TGP_DECIDE, 1);
		tgp_put_u32(&e, TGPT_KIND, TGPK_EXEC);
		tgp_put_str(&e, TGPT_PATH, "/usr/bin/git");
		tgp_put_str(&e, TGPT_ARG, "git");
		for (int i = 0; i < TGP_MAX_ENV + extra; i++) {
			char v[32];
			snprintf(v, sizeof(v), "GIT_CONFIG_KEY_%d=a.b", i);
			tgp_put_str(&e, TGPT_ENV, v);
		}
		long n = tgp_enc_end(&e);
		assert_true(n > 0);
		struct tgp_dec d;
		struct req q;
		int r = req_decode(buf, (size_t)n, &d, &q);
		if (extra) {
			assert_int_equal(r, -EBADMSG);
		} else {
			assert_int_equal(r, 0);
			assert_int_equal(q.nenv, TGP_MAX_ENV);
			assert_string_equal(q.env[0], "GIT_CONFIG_KEY_0=a.b");
			assert_null(q.env[q.nenv]);
		}
		req_free(&q);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_open_access), cmocka_unit_test(test_read_msg),
	    cmocka_unit_test(test_addrs_field), cmocka_unit_test(test_versions),
	    cmocka_unit_test(test_env_fields),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
