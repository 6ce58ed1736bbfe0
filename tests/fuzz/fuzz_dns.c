/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the DNS forwarder's parsing (dnsmsg, dnsproxy):
 * the first byte picks what the rest is.
 *   even: a program's query (dnsproxy_query), then, when it was sent
 *         upstream, the same bytes (QR set) as the answer to it
 *   odd:  an upstream answer to a waiting query for "fuzz.example" A
 *         (its ID patched in, so the fuzzer reaches the records)
 * and every offset of the input is read as a name. Properties: nothing
 * read outside the input, no loop, an answer never longer than out, and
 * every address learned belongs to the name asked.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dnsmsg.h"
#include "dnsproxy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *asked;

static enum dnsproxy_verdict decide(void *s, const char *name, uint16_t qt)
{
	(void)s;
	(void)qt;
	if (strlen(name) >= DNS_NAME_BUF)
		abort();
	return name[0] == 'x' ? DNSPROXY_REFUSED : DNSPROXY_FORWARD;
}

static int learn(void *s, const char *name, const uint8_t addr[16],
		 uint32_t ttl)
{
	(void)s;
	(void)addr;
	if (!asked || strcmp(name, asked) || ttl < 5 || ttl > 86400)
		abort();
	return 0;
}

static struct dnsproxy *P;
static int up[2] = {-1, -1};
static uint8_t out[DNS_MAX_MSG];

static void init(void)
{
	const struct dnsproxy_ops ops = {decide, learn};
	if (P)
		return;
	if (dnsproxy_new(&ops, NULL, &P) < 0 ||
	    socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, up) < 0)
		abort();
}

/* The ID of what went upstream last (or -1). */
static int upstream_id(uint8_t *q, size_t *qlen)
{
	ssize_t n = recv(up[1], q, 512, MSG_DONTWAIT);
	if (n < 12)
		return -1;
	*qlen = (size_t)n;
	return dns_get16(q);
}

static void answer(const uint8_t *a, size_t n, int id)
{
	static uint8_t buf[DNS_MAX_MSG];
	struct dnsproxy_client c;
	void *sess;
	size_t len;

	if (n < 2 || n > sizeof(buf))
		return;
	memcpy(buf, a, n);
	dns_put16(buf, (uint16_t)id);
	if (n > 2)
		buf[2] |= 0x80; /* QR: the fuzzer need not find it */
	if (dnsproxy_answer(P, buf, n, out, sizeof(out), &len, &c, &sess) ==
		0 &&
	    len > sizeof(out))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct dnsproxy_client client = {.fd = 3};
	uint8_t q[512];
	char name[DNS_NAME_BUF];
	size_t len, qlen;
	int id;

	init();
	for (size_t off = 0; off < size && off < 64; off++) {
		size_t o = off;
		if (dns_name_read(data, size, &o, false, name) == 0 &&
		    (o <= off || o > size || strlen(name) > 253))
			abort();
	}
	if (size < 1)
		return 0;
	if (!(data[0] & 1)) {
		if (dnsproxy_query(P, NULL, &client, data + 1, size - 1, up[0],
				   0, out, sizeof(out), &len) == 0 &&
		    len == 0 && (id = upstream_id(q, &qlen)) >= 0) {
			struct dns_question dq;
			size_t o = 12;
			if (dns_question_read(q, qlen, &o, true, &dq) < 0)
				abort(); /* we sent something we cannot read */
			asked = dq.name;
			answer(data + 1, size - 1, id);
		}
	} else {
		const uint8_t fq[] = {0,   1, 1,   0,	0,   1,	  0,   0,
				      0,   0, 0,   0,	4,   'f', 'u', 'z',
				      'z', 7, 'e', 'x', 'a', 'm', 'p', 'l',
				      'e', 0, 0,   1,	0,   1};
		if (dnsproxy_query(P, NULL, &client, fq, sizeof(fq), up[0], 0,
				   out, sizeof(out), &len) == 0 &&
		    len == 0 && (id = upstream_id(q, &qlen)) >= 0) {
			asked = "fuzz.example";
			answer(data + 1, size - 1, id);
		}
	}
	asked = NULL;
	dnsproxy_expire(P, ~0ull >> 1);
	return 0;
}
