/* SPDX-License-Identifier: MIT */
/*
 * dnsmsg: DNS wire format, strictly (RFC 1035). Pure functions over a
 * message buffer: every read is bounds-checked, compression pointers
 * must point backwards and are followed at most DNS_MAX_PTRS times per
 * name, names are at most 255 bytes on the wire. The input is hostile
 * (a sandboxed program's query, or an answer that could be spoofed).
 * Used by dnsproxy.c; fuzzed by tests/fuzz/fuzz_dns.c.
 */
#ifndef TIERGATE_DNSMSG_H
#define TIERGATE_DNSMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DNS_HDR_LEN 12
#define DNS_MAX_MSG 65535
#define DNS_NAME_BUF 256 /* text form, NUL included */
#define DNS_MAX_PTRS 16
#define DNS_MAX_RRS 128 /* records read from one message */

#define DNS_T_A 1
#define DNS_T_CNAME 5
#define DNS_T_AAAA 28
#define DNS_T_OPT 41
#define DNS_C_IN 1

#define DNS_F_QR 0x8000
#define DNS_F_OPCODE 0x7800
#define DNS_F_AA 0x0400
#define DNS_F_TC 0x0200
#define DNS_F_RD 0x0100
#define DNS_F_RA 0x0080
#define DNS_F_AD 0x0020
#define DNS_F_CD 0x0010
#define DNS_F_RCODE 0x000f

enum dns_rcode {
	DNS_R_NOERROR = 0,
	DNS_R_FORMERR = 1,
	DNS_R_SERVFAIL = 2,
	DNS_R_NXDOMAIN = 3,
	DNS_R_NOTIMP = 4,
	DNS_R_REFUSED = 5,
};

struct dns_hdr {
	uint16_t id, flags, qd, an, ns, ar;
};

struct dns_question {
	char name[DNS_NAME_BUF]; /* lower case, no trailing dot; "" = root */
	uint16_t qtype, qclass;
};

struct dns_rr {
	char name[DNS_NAME_BUF];
	uint16_t type, rclass;
	uint32_t ttl;
	size_t ttl_off; /* where the TTL is in the message */
	size_t rdata_off;
	uint16_t rdlen;
};

int dns_hdr_read(const uint8_t *m, size_t len, struct dns_hdr *ret);
void dns_hdr_write(uint8_t *m, const struct dns_hdr *h);

/*
 * Reads the name at *off into out (DNS_NAME_BUF bytes) and moves *off
 * past it. strict: a byte that is not a letter, digit, '-' or '_' is
 * -EINVAL (such a name cannot be a host name a policy names); otherwise
 * it becomes '?' (which no strict name contains). -EBADMSG for a
 * malformed name, -ELOOP for too many pointers.
 */
int dns_name_read(const uint8_t *m, size_t len, size_t *off, bool strict,
		  char *out);
int dns_question_read(const uint8_t *m, size_t len, size_t *off, bool strict,
		      struct dns_question *ret);
int dns_rr_read(const uint8_t *m, size_t len, size_t *off, struct dns_rr *ret);

/* Writes name (text, labels 1-63 bytes) at out: -EINVAL or -ENOSPC. */
int dns_name_write(const char *name, uint8_t *out, size_t outsz,
		   size_t *ret_len);
/* A header and one question: the start of every message dnsproxy
 * builds. Returns the length or -ENOSPC. */
int dns_msg_start(uint8_t *out, size_t outsz, const struct dns_hdr *h,
		  const struct dns_question *q);

static inline uint16_t dns_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline void dns_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline uint32_t dns_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline void dns_put32(uint8_t *p, uint32_t v)
{
	dns_put16(p, (uint16_t)(v >> 16));
	dns_put16(p + 2, (uint16_t)v);
}

#endif
