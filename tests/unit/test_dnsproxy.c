/* SPDX-License-Identifier: MIT */
/* dnsproxy: queries decided, forwarded as our own, answers matched,
 * learned and handed back; hostile bytes refused. The upstream is one
 * end of a datagram socketpair. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dnsmsg.h"
#include "dnsproxy.h"

struct learned {
	char name[DNS_NAME_BUF];
	uint8_t addr[16];
	uint32_t ttl;
};

struct env {
	struct dnsproxy *p;
	int up[2]; /* [0] the proxy's upstream socket, [1] the resolver */
	struct learned l[16];
	int nl;
	int fail_learn;
	char last_decided[DNS_NAME_BUF];
};

static enum dnsproxy_verdict decide(void *s, const char *name, uint16_t qt)
{
	struct env *e = s;
	(void)qt;
	snprintf(e->last_decided, sizeof(e->last_decided), "%s", name);
	if (!strcmp(name, "bad.example"))
		return DNSPROXY_NXDOMAIN;
	if (!strcmp(name, "refused.example"))
		return DNSPROXY_REFUSED;
	return DNSPROXY_FORWARD;
}

static int learn(void *s, const char *name, const uint8_t addr[16],
		 uint32_t ttl)
{
	struct env *e = s;
	if (e->fail_learn)
		return -ENOSPC;
	if (e->nl < 16) {
		snprintf(e->l[e->nl].name, DNS_NAME_BUF, "%s", name);
		memcpy(e->l[e->nl].addr, addr, 16);
		e->l[e->nl].ttl = ttl;
		e->nl++;
	}
	return 0;
}

static int setup(void **state)
{
	static struct env e;
	const struct dnsproxy_ops ops = {decide, learn};
	const struct dnsproxy_opts o = {
	    .min_ttl = 30, .max_ttl = 600, .max_pending = 4};
	memset(&e, 0, sizeof(e));
	assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM, 0, e.up), 0);
	assert_int_equal(dnsproxy_new(&ops, &o, &e.p), 0);
	*state = &e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;
	dnsproxy_free(e->p);
	close(e->up[0]);
	close(e->up[1]);
	return 0;
}

/* A query: id, flags, one question, optionally an OPT with options. */
static size_t make_query(uint8_t *m, uint16_t id, const char *name,
			 uint16_t qtype, bool opt)
{
	struct dns_hdr h = {
	    .id = id, .flags = DNS_F_RD, .qd = 1, .ar = opt ? 1 : 0};
	struct dns_question q = {.qtype = qtype, .qclass = DNS_C_IN};
	snprintf(q.name, sizeof(q.name), "%s", name);
	int n = dns_msg_start(m, 512, &h, &q);
	assert_true(n > 0);
	if (opt) {
		/* OPT, 4096 bytes, DO, one 8-byte option (a cookie) */
		const uint8_t o[] = {0, 0, 41, 0x10, 0,	 0, 0, 0x80,
				     0, 0, 12, 0,    10, 0, 8, 1,
				     2, 3, 4,  5,    6,	 7, 8};
		memcpy(m + n, o, sizeof(o));
		n += (int)sizeof(o);
	}
	return (size_t)n;
}

static const struct dnsproxy_client udp_client = {.fd = 7};

static size_t query(struct env *e, const uint8_t *m, size_t n, uint8_t *out)
{
	size_t len = 99;
	assert_int_equal(dnsproxy_query(e->p, e, &udp_client, m, n, e->up[0],
					1000, out, DNS_MAX_MSG, &len),
			 0);
	return len;
}

static void test_denied_names(void **state)
{
	struct env *e = *state;
	uint8_t m[512], out[DNS_MAX_MSG];
	size_t n = make_query(m, 0x1234, "Bad.Example", DNS_T_A, false);
	size_t len = query(e, m, n, out);
	struct dns_hdr h;
	assert_int_equal(len, n);
	dns_hdr_read(out, len, &h);
	assert_int_equal(h.id, 0x1234);
	assert_int_equal(h.flags & DNS_F_RCODE, DNS_R_NXDOMAIN);
	assert_true(h.flags & DNS_F_QR);
	assert_int_equal(h.qd, 1);
	assert_memory_equal(out + 12, m + 12, n - 12); /* question echoed */
	assert_string_equal(e->last_decided, "bad.example");
	n = make_query(m, 7, "refused.example", DNS_T_AAAA, true);
	len = query(e, m, n, out);
	dns_hdr_read(out, len, &h);
	assert_int_equal(h.flags & DNS_F_RCODE, DNS_R_REFUSED);
	assert_int_equal(dnsproxy_pending(e->p), 0);
}

static void test_malformed(void **state)
{
	struct env *e = *state;
	uint8_t m[512] = {0}, out[DNS_MAX_MSG];
	struct dns_hdr h;
	size_t n, len;

	/* not a header: dropped */
	assert_int_equal(dnsproxy_query(e->p, e, &udp_client, m, 5, e->up[0], 0,
					out, sizeof(out), &len),
			 -EBADMSG);
	/* an answer sent as a query: dropped (no reflection) */
	n = make_query(m, 1, "a.example", DNS_T_A, false);
	m[2] |= 0x80;
	assert_int_equal(dnsproxy_query(e->p, e, &udp_client, m, n, e->up[0], 0,
					out, sizeof(out), &len),
			 -EBADMSG);
	/* another opcode */
	n = make_query(m, 1, "a.example", DNS_T_A, false);
	m[2] |= 0x28; /* opcode 5: update */
	len = query(e, m, n, out);
	dns_hdr_read(out, len, &h);
	assert_int_equal(h.flags & DNS_F_RCODE, DNS_R_NOTIMP);
	/* two questions */
	n = make_query(m, 1, "a.example", DNS_T_A, false);
	m[5] = 2;
	len = query(e, m, n, out);
	dns_hdr_read(out, len, &h);
	assert_int_equal(h.flags & DNS_F_RCODE, DNS_R_FORMERR);
	/* trailing bytes */
	n = make_query(m, 1, "a.example", DNS_T_A, false);
	m[n++] = 0;
	len = query(e, m, n, out);
	dns_hdr_read(out, len, &h);
	assert_int_equal(h.flags & DNS_F_RCODE, DNS_R_FORMERR);
	/* a name no host rule could name */
	const uint8_t odd[] = {0, 9, 1,	  0,   0,   1, 0, 0, 0, 0, 0,
			       0, 3, 'a', '/', 'b', 0, 0, 1, 0, 1};
	len = query(e, odd, sizeof(odd), out);
	dns_hdr_read(out, len, &h);
	assert_int_equal(h.flags & DNS_F_RCODE, DNS_R_REFUSED);
	/* class CH (version.bind) */
	n = make_query(m, 1, "version.bind", 16, false);
	m[n - 1] = 3;
	len = query(e, m, n, out);
	dns_hdr_read(out, len, &h);
	assert_int_equal(h.flags & DNS_F_RCODE, DNS_R_REFUSED);
	/* a pointer loop in the question */
	const uint8_t loop[] = {0, 9, 1, 0,    0,  1, 0, 0, 0,
				0, 0, 0, 0xc0, 12, 0, 1, 0, 1};
	len = query(e, loop, sizeof(loop), out);
	dns_hdr_read(out, len, &h);
	assert_int_equal(h.flags & DNS_F_RCODE, DNS_R_FORMERR);
	assert_int_equal(h.qd, 0);
	assert_int_equal(dnsproxy_pending(e->p), 0);
}

/* Forwards a query, reads what went upstream. */
static size_t forward(struct env *e, uint16_t id, const char *name,
		      uint16_t qtype, bool opt, uint8_t *up)
{
	uint8_t m[512], out[DNS_MAX_MSG];
	size_t n = make_query(m, id, name, qtype, opt);
	assert_int_equal(query(e, m, n, out), 0);
	ssize_t r = recv(e->up[1], up, 512, MSG_DONTWAIT);
	assert_true(r > 12);
	return (size_t)r;
}

static void test_forwarded_as_ours(void **state)
{
	struct env *e = *state;
	uint8_t up[512];
	struct dns_hdr h;
	struct dns_question q;
	struct dns_rr rr;
	size_t off = 12;

	size_t n = forward(e, 0x4242, "WWW.Example.ORG", DNS_T_A, true, up);
	dns_hdr_read(up, n, &h);
	assert_int_equal(h.qd, 1);
	assert_int_equal(h.ar, 1);
	assert_true(h.flags & DNS_F_RD);
	assert_int_equal(dns_question_read(up, n, &off, true, &q), 0);
	assert_string_equal(q.name, "www.example.org");
	/* the OPT is ours: 1232 at most, DO kept, the cookie gone */
	assert_int_equal(dns_rr_read(up, n, &off, &rr), 0);
	assert_int_equal(rr.type, DNS_T_OPT);
	assert_int_equal(rr.rclass, 1232);
	assert_int_equal(rr.ttl, 0x8000);
	assert_int_equal(rr.rdlen, 0);
	assert_int_equal(off, n);
	n = forward(e, 1, "plain.example", DNS_T_AAAA, false, up);
	dns_hdr_read(up, n, &h);
	assert_int_equal(h.ar, 0);
	assert_int_equal(dnsproxy_pending(e->p), 2);
	/* full (max_pending 4): SERVFAIL */
	forward(e, 2, "c.example", DNS_T_A, false, up);
	forward(e, 3, "d.example", DNS_T_A, false, up);
	uint8_t m[512], out[DNS_MAX_MSG];
	size_t qn = make_query(m, 5, "e.example", DNS_T_A, false);
	size_t len = query(e, m, qn, out);
	dns_hdr_read(out, len, &h);
	assert_int_equal(h.flags & DNS_F_RCODE, DNS_R_SERVFAIL);
	/* they expire */
	assert_int_equal(dnsproxy_expire(e->p, 1000 + 4999), 0);
	assert_int_equal(dnsproxy_expire(e->p, 1000 + 5000), 4);
	assert_int_equal(dnsproxy_pending(e->p), 0);
}

/* An answer to the upstream query up: a CNAME to b.cdn, then A and AAAA
 * of b.cdn, an A of an unrelated name, and an NS in authority. */
static size_t make_answer(const uint8_t *up, size_t upn, uint8_t *a,
			  uint32_t ttl)
{
	struct dns_hdr h;
	size_t o;
	dns_hdr_read(up, upn, &h);
	memcpy(a, up, upn);
	o = 12;
	struct dns_question q;
	dns_question_read(up, upn, &o, false, &q);
	h.flags |= DNS_F_QR | DNS_F_RA;
	h.an = 4;
	h.ns = 1;
	h.ar = 0;
	dns_hdr_write(a, &h);
	/* CNAME: owner = pointer to the question (12), target b.cdn */
	const uint8_t cname[] = {0xc0, 12, 0, 5,   0, 1,   0,	0,   0, 0,
				 0,    7,  1, 'b', 3, 'c', 'd', 'n', 0};
	memcpy(a + o, cname, sizeof(cname));
	size_t target = o + 12;
	dns_put32(a + o + 6, ttl);
	o += sizeof(cname);
	/* A of b.cdn (pointer to the target) */
	const uint8_t rr_a[] = {0xc0, 0, 0, 1, 0,   1, 0, 0,
				0,    0, 0, 4, 192, 0, 2, 7};
	memcpy(a + o, rr_a, sizeof(rr_a));
	a[o + 1] = (uint8_t)target;
	dns_put32(a + o + 6, ttl);
	o += sizeof(rr_a);
	/* AAAA of b.cdn */
	const uint8_t rr_aaaa[] = {0xc0, 0,  0,	   28, 0,    1,	   0, 0, 0, 0,
				   0,	 16, 0x20, 1,  0x0d, 0xb8, 0, 0, 0, 0,
				   0,	 0,  0,	   0,  0,    0,	   0, 1};
	memcpy(a + o, rr_aaaa, sizeof(rr_aaaa));
	a[o + 1] = (uint8_t)target;
	dns_put32(a + o + 6, ttl);
	o += sizeof(rr_aaaa);
	/* an A of another name: not learned */
	const uint8_t other[] = {5, 'o', 't', 'h', 'e', 'r', 0, 0, 1, 0, 1,
				 0, 0,	 0,   9,   0,	4,   1, 1, 1, 1};
	memcpy(a + o, other, sizeof(other));
	o += sizeof(other);
	const uint8_t ns[] = {0, 0, 2, 0, 1, 0, 0, 0, 9, 0, 2, 0xc0, 0};
	memcpy(a + o, ns, sizeof(ns));
	a[o + 12] = (uint8_t)target;
	o += sizeof(ns);
	return o;
}

static void test_answer_learned(void **state)
{
	struct env *e = *state;
	uint8_t up[512], a[1024], out[DNS_MAX_MSG];
	struct dnsproxy_client c;
	void *sess;
	size_t len;

	size_t n = forward(e, 0x7777, "api.example", DNS_T_A, false, up);
	size_t an = make_answer(up, n, a, 3600);
	assert_int_equal(
	    dnsproxy_answer(e->p, a, an, out, sizeof(out), &len, &c, &sess), 0);
	assert_ptr_equal(sess, e);
	assert_int_equal(c.fd, 7);
	assert_int_equal(len, an);
	assert_int_equal(dns_get16(out), 0x7777);
	assert_int_equal(e->nl, 2);
	assert_string_equal(e->l[0].name, "api.example");
	const uint8_t v4[16] = {0, 0, 0,    0,	  0,   0, 0, 0,
				0, 0, 0xff, 0xff, 192, 0, 2, 7};
	assert_memory_equal(e->l[0].addr, v4, 16);
	assert_int_equal(e->l[0].ttl, 600); /* max_ttl */
	assert_int_equal(e->l[1].addr[0], 0x20);
	/* the TTLs the program sees are lowered to max_ttl too */
	struct dns_hdr h;
	size_t off = 12;
	struct dns_question q;
	struct dns_rr rr;
	dns_hdr_read(out, len, &h);
	dns_question_read(out, len, &off, false, &q);
	for (int i = 0; i < h.an; i++) {
		assert_int_equal(dns_rr_read(out, len, &off, &rr), 0);
		assert_true(rr.ttl <= 600);
	}
	/* the same answer again: no query waits for it */
	assert_int_equal(
	    dnsproxy_answer(e->p, a, an, out, sizeof(out), &len, &c, &sess),
	    -ENOENT);
	/* a short TTL is raised to min_ttl for the map only */
	e->nl = 0;
	n = forward(e, 1, "api.example", DNS_T_A, false, up);
	an = make_answer(up, n, a, 3);
	assert_int_equal(
	    dnsproxy_answer(e->p, a, an, out, sizeof(out), &len, &c, &sess), 0);
	assert_int_equal(e->l[0].ttl, 30);
}

static void test_answer_hostile(void **state)
{
	struct env *e = *state;
	uint8_t up[512], a[1024], out[DNS_MAX_MSG];
	struct dnsproxy_client c;
	struct dns_hdr h;
	void *sess;
	size_t len;

	size_t n = forward(e, 9, "api.example", DNS_T_A, false, up);
	size_t an = make_answer(up, n, a, 60);
	/* another ID, or another question: not ours, and the query waits */
	a[0] ^= 0xff;
	assert_int_equal(
	    dnsproxy_answer(e->p, a, an, out, sizeof(out), &len, &c, &sess),
	    -ENOENT);
	a[0] ^= 0xff;
	a[13] = 'X';
	assert_int_equal(
	    dnsproxy_answer(e->p, a, an, out, sizeof(out), &len, &c, &sess),
	    -ENOENT);
	a[13] = up[13];
	assert_int_equal(dnsproxy_pending(e->p), 1);
	/* a record cut short: SERVFAIL, nothing learned */
	e->nl = 0;
	assert_int_equal(
	    dnsproxy_answer(e->p, a, an - 3, out, sizeof(out), &len, &c, &sess),
	    0);
	dns_hdr_read(out, len, &h);
	assert_int_equal(h.flags & DNS_F_RCODE, DNS_R_SERVFAIL);
	assert_int_equal(h.id, 9);
	assert_int_equal(e->nl, 0);
	/* the map cannot take the address: SERVFAIL */
	n = forward(e, 10, "api.example", DNS_T_A, false, up);
	an = make_answer(up, n, a, 60);
	e->fail_learn = 1;
	assert_int_equal(
	    dnsproxy_answer(e->p, a, an, out, sizeof(out), &len, &c, &sess), 0);
	e->fail_learn = 0;
	dns_hdr_read(out, len, &h);
	assert_int_equal(h.flags & DNS_F_RCODE, DNS_R_SERVFAIL);
	assert_int_equal(dnsproxy_pending(e->p), 0);
}

static void test_truncation(void **state)
{
	struct env *e = *state;
	uint8_t up[512], a[2048], out[DNS_MAX_MSG];
	struct dnsproxy_client c;
	struct dns_hdr h;
	void *sess;
	size_t len;

	size_t n = forward(e, 3, "api.example", DNS_T_A, false, up);
	size_t an = make_answer(up, n, a, 60);
	/* pad to 600 bytes with a TXT record in additional */
	dns_hdr_read(a, an, &h);
	h.ar = 1;
	dns_hdr_write(a, &h);
	const uint8_t txt[] = {0, 0, 16, 0, 1, 0, 0, 0, 9};
	memcpy(a + an, txt, sizeof(txt));
	an += sizeof(txt);
	dns_put16(a + an, 500);
	an += 2;
	memset(a + an, 'x', 500);
	an += 500;
	assert_int_equal(
	    dnsproxy_answer(e->p, a, an, out, sizeof(out), &len, &c, &sess), 0);
	dns_hdr_read(out, len, &h);
	assert_true(h.flags & DNS_F_TC);
	assert_int_equal(h.an, 0);
	assert_true(len <= 512);
	assert_int_equal(e->nl > 0, 1); /* learned all the same */
	/* TCP programs get it whole */
	uint8_t m[512];
	size_t qn = make_query(m, 4, "api.example", DNS_T_A, false);
	struct dnsproxy_client tcp = {.fd = 8, .tcp = true};
	assert_int_equal(dnsproxy_query(e->p, e, &tcp, m, qn, e->up[0], 0, out,
					sizeof(out), &len),
			 0);
	n = (size_t)recv(e->up[1], up, sizeof(up), 0);
	dns_hdr_read(a, an, &h);
	dns_put16(a, dns_get16(up)); /* the new upstream ID */
	assert_int_equal(
	    dnsproxy_answer(e->p, a, an, out, sizeof(out), &len, &c, &sess), 0);
	assert_int_equal(len, an);
	assert_true(c.tcp);
}

static void test_forget(void **state)
{
	struct env *e = *state;
	uint8_t up[512];
	forward(e, 1, "a.example", DNS_T_A, false, up);
	forward(e, 2, "b.example", DNS_T_A, false, up);
	dnsproxy_forget(e->p, e);
	assert_int_equal(dnsproxy_pending(e->p), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_denied_names, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_forwarded_as_ours, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_answer_learned, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_answer_hostile, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_truncation, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_forget, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
