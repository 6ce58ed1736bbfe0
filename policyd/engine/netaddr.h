/* SPDX-License-Identifier: MIT */
/*
 * netaddr: IP addresses, CIDR blocks and host-name patterns.
 *
 * Every address is kept as 16 bytes in IPv6 form; IPv4 is stored
 * IPv4-mapped (::ffff:a.b.c.d), so "::ffff:10.1.2.3" and "10.1.2.3" are the
 * same address and an IPv4 CIDR matches both spellings.
 */
#ifndef TIERGATE_NETADDR_H
#define TIERGATE_NETADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tg_addr {
	uint8_t b[16];
};

struct tg_cidr {
	struct tg_addr net; /* host bits cleared */
	uint8_t plen;	    /* 0..128, in IPv6 terms */
	bool v4;	    /* written as IPv4 */
};

/* Parses "10.1.2.3", "fd00::1", "::ffff:10.1.2.3", "[::1]". */
int tg_addr_parse(const char *s, struct tg_addr *ret);
bool tg_addr_is_v4(const struct tg_addr *a);
/* Formats into buf (at least 46 bytes): IPv4-mapped as dotted quad. */
void tg_addr_format(const struct tg_addr *a, char *buf, size_t bufsz);

/* Parses "10.0.0.0/8", "fd00::/8", or a bare address (/32, /128).
 * Host bits set below the prefix are an error (-EINVAL) so that typos like
 * 10.1.2.3/16 are caught; *ret_err gets a message. */
int tg_cidr_parse(const char *s, struct tg_cidr *ret, const char **ret_err);
bool tg_cidr_contains(const struct tg_cidr *c, const struct tg_addr *a);
/* Does a contain all of b? */
bool tg_cidr_covers(const struct tg_cidr *a, const struct tg_cidr *b);

/*
 * Host patterns: "example.org" (exact, case-insensitive, trailing dot
 * ignored), "*.example.org" (one or more labels before example.org), "*"
 * (any name). Returns 0 or -EINVAL with *ret_err.
 */
int tg_host_pattern_check(const char *pat, const char **ret_err);
/* Lower-cases and strips a trailing dot into out; -EINVAL when the name is
 * not a plausible DNS name. */
int tg_host_normalize(const char *host, char *out, size_t outsz);
/* pat must have passed tg_host_pattern_check and be lower case; host must
 * be normalised. */
bool tg_host_match(const char *pat, const char *host);

#endif
