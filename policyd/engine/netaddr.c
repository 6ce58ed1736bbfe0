/* SPDX-License-Identifier: MIT */
#include "netaddr.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

static const uint8_t v4mapped_prefix[12] = {0, 0, 0, 0, 0,    0,
					    0, 0, 0, 0, 0xff, 0xff};

int tg_addr_parse(const char *s, struct tg_addr *ret)
{
	char buf[64];
	size_t n = strlen(s);
	if (n == 0 || n >= sizeof(buf))
		return -EINVAL;
	if (s[0] == '[') {
		if (n < 3 || s[n - 1] != ']')
			return -EINVAL;
		memcpy(buf, s + 1, n - 2);
		buf[n - 2] = '\0';
	} else {
		memcpy(buf, s, n + 1);
	}
	struct in_addr a4;
	struct in6_addr a6;
	if (inet_pton(AF_INET, buf, &a4) == 1) {
		memcpy(ret->b, v4mapped_prefix, 12);
		memcpy(ret->b + 12, &a4, 4);
		return 0;
	}
	if (inet_pton(AF_INET6, buf, &a6) == 1) {
		memcpy(ret->b, &a6, 16);
		return 0;
	}
	return -EINVAL;
}

bool tg_addr_is_v4(const struct tg_addr *a)
{
	return memcmp(a->b, v4mapped_prefix, 12) == 0;
}

void tg_addr_format(const struct tg_addr *a, char *buf, size_t bufsz)
{
	if (tg_addr_is_v4(a))
		inet_ntop(AF_INET, a->b + 12, buf, (socklen_t)bufsz);
	else
		inet_ntop(AF_INET6, a->b, buf, (socklen_t)bufsz);
}

static bool host_bits_clear(const struct tg_addr *a, unsigned plen)
{
	for (unsigned bit = plen; bit < 128; bit++)
		if (a->b[bit / 8] & (0x80u >> (bit % 8)))
			return false;
	return true;
}

int tg_cidr_parse(const char *s, struct tg_cidr *ret, const char **ret_err)
{
	char buf[64];
	size_t n = strlen(s);
	if (n == 0 || n >= sizeof(buf)) {
		*ret_err = "not a CIDR block";
		return -EINVAL;
	}
	memcpy(buf, s, n + 1);
	char *slash = strchr(buf, '/');
	unsigned plen;
	if (slash) {
		*slash = '\0';
		const char *p = slash + 1;
		if (!isdigit((unsigned char)*p) || strlen(p) > 3) {
			*ret_err = "bad prefix length";
			return -EINVAL;
		}
		plen = 0;
		for (; *p; p++) {
			if (!isdigit((unsigned char)*p)) {
				*ret_err = "bad prefix length";
				return -EINVAL;
			}
			plen = plen * 10 + (unsigned)(*p - '0');
		}
	} else {
		plen = 999; /* whole address */
	}
	struct tg_addr a;
	if (tg_addr_parse(buf, &a) < 0) {
		*ret_err = "not an IPv4 or IPv6 address";
		return -EINVAL;
	}
	/* a dotted quad, even inside ::ffff:, is IPv4 notation */
	bool v4 = strchr(buf, ':') == NULL;
	unsigned maxlen = v4 ? 32 : 128;
	if (plen == 999)
		plen = maxlen;
	if (plen > maxlen) {
		*ret_err = v4 ? "IPv4 prefix length is above 32"
			      : "IPv6 prefix length is above 128";
		return -EINVAL;
	}
	unsigned plen6 = v4 ? plen + 96 : plen;
	if (!host_bits_clear(&a, plen6)) {
		*ret_err = "address has bits set beyond the prefix length";
		return -EINVAL;
	}
	ret->net = a;
	ret->plen = (uint8_t)plen6;
	ret->v4 = v4;
	return 0;
}

bool tg_cidr_contains(const struct tg_cidr *c, const struct tg_addr *a)
{
	unsigned full = c->plen / 8, rem = c->plen % 8;
	if (memcmp(c->net.b, a->b, full) != 0)
		return false;
	if (rem) {
		uint8_t mask = (uint8_t)(0xffu << (8 - rem));
		if ((a->b[full] & mask) != c->net.b[full])
			return false;
	}
	return true;
}

bool tg_cidr_covers(const struct tg_cidr *a, const struct tg_cidr *b)
{
	return a->plen <= b->plen && tg_cidr_contains(a, &b->net);
}

static bool label_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
	       c == '_';
}

static int check_name(const char *s, const char **ret_err)
{
	size_t n = strlen(s);
	if (n == 0) {
		*ret_err = "empty host name";
		return -EINVAL;
	}
	if (n > 253) {
		*ret_err = "host name is longer than 253 bytes";
		return -EINVAL;
	}
	size_t lab = 0;
	for (const char *p = s; *p; p++) {
		if (*p == '.') {
			if (lab == 0) {
				*ret_err = "empty label in host name";
				return -EINVAL;
			}
			lab = 0;
			continue;
		}
		if (!label_char(*p)) {
			*ret_err = "host names may hold only letters, digits, "
				   "'-', '_' and '.'";
			return -EINVAL;
		}
		if (++lab > 63) {
			*ret_err = "host name label is longer than 63 bytes";
			return -EINVAL;
		}
	}
	if (lab == 0) {
		*ret_err = "empty label in host name";
		return -EINVAL;
	}
	return 0;
}

int tg_host_pattern_check(const char *pat, const char **ret_err)
{
	if (strcmp(pat, "*") == 0)
		return 0;
	for (const char *p = pat; *p; p++)
		if (isupper((unsigned char)*p)) {
			*ret_err =
			    "host patterns are matched case-insensitively; "
			    "write them in lower case";
			return -EINVAL;
		}
	if (strncmp(pat, "*.", 2) == 0)
		pat += 2;
	if (strchr(pat, '*')) {
		*ret_err = "'*' is only allowed as a leading '*.' label in "
			   "host patterns";
		return -EINVAL;
	}
	return check_name(pat, ret_err);
}

int tg_host_normalize(const char *host, char *out, size_t outsz)
{
	size_t n = strlen(host);
	if (n && host[n - 1] == '.')
		n--;
	if (n == 0 || n + 1 > outsz)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		out[i] = (char)tolower((unsigned char)host[i]);
	out[n] = '\0';
	const char *err;
	return check_name(out, &err);
}

bool tg_host_match(const char *pat, const char *host)
{
	if (pat[0] == '*' && pat[1] == '\0')
		return true;
	if (pat[0] == '*' && pat[1] == '.') {
		const char *suffix = pat + 1; /* ".example.org" */
		size_t sl = strlen(suffix), hl = strlen(host);
		return hl > sl && strcmp(host + hl - sl, suffix) == 0;
	}
	return strcmp(pat, host) == 0;
}
