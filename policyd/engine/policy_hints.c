/* SPDX-License-Identifier: MIT */
/* policy_hints: what to write instead of a refused host, CIDR, port or
 * path. */
#include "policy_hints.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "netaddr.h"
#include "util.h"

/* URL schemes, and the service names people write where a port goes. */
static const struct {
	const char *name;
	unsigned port;
} services[] = {
    {"http", 80},	 {"https", 443},       {"ws", 80},
    {"wss", 443},	 {"ssh", 22},	       {"sftp", 22},
    {"git+ssh", 22},	 {"ssh+git", 22},      {"git", 9418},
    {"ftp", 21},	 {"ftps", 990},	       {"rsync", 873},
    {"dns", 53},	 {"domain", 53},       {"smtp", 25},
    {"submission", 587}, {"imap", 143},	       {"imaps", 993},
    {"pop3", 110},	 {"ldap", 389},	       {"ldaps", 636},
    {"ntp", 123},	 {"telnet", 23},       {"mysql", 3306},
    {"postgres", 5432},	 {"postgresql", 5432}, {"redis", 6379},
    {"mongodb", 27017},
};

static unsigned service_port(const char *name, size_t len)
{
	for (size_t i = 0; i < TG_ARRAY_SIZE(services); i++)
		if (strlen(services[i].name) == len &&
		    strncasecmp(name, services[i].name, len) == 0)
			return services[i].port;
	return 0;
}

static bool negated(const char *field)
{
	return strncmp(field, "not_", 4) == 0;
}

/* What a message calls the field's values: "host", "CIDR", "port". */
static const char *label(const char *field)
{
	if (negated(field))
		field += 4;
	return strcmp(field, "cidr") == 0 ? "CIDR" : field;
}

/* v as a YAML value an author can paste: quoted unless every character
 * is one a plain scalar keeps as it is. */
static const char *yq(const char *v, char *buf, size_t n)
{
	bool plain = v[0] && v[0] != '-';
	for (const char *p = v; *p && plain; p++)
		plain = isalnum((unsigned char)*p) || strchr("._/-", *p);
	snprintf(buf, n, plain ? "%s" : "\"%s\"", v);
	return buf;
}

/* "1-65535" digits only, into *ret. */
static bool port_number(const char *s, size_t len, unsigned *ret)
{
	unsigned v = 0;
	if (len == 0 || len > 5)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return false;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	*ret = v;
	return v >= 1 && v <= 65535;
}

struct url {
	char scheme[16];
	char host[256]; /* lower case, without brackets or a final '.' */
	unsigned port;	/* written in the URL, or 0 */
};

/* scheme://[user@]host[:port][/path][?query][#fragment] */
static bool parse_url(const char *v, struct url *u)
{
	const char *sep = strstr(v, "://");
	size_t sl = sep ? (size_t)(sep - v) : 0;
	if (sl == 0 || sl >= sizeof(u->scheme))
		return false;
	for (size_t i = 0; i < sl; i++) {
		if (!isalnum((unsigned char)v[i]) && !strchr("+-.", v[i]))
			return false;
		u->scheme[i] = (char)tolower((unsigned char)v[i]);
	}
	u->scheme[sl] = '\0';
	const char *a = sep + 3, *end = a + strcspn(a, "/?#");
	for (const char *p = a; p < end; p++)
		if (*p == '@')
			a = p + 1; /* user info */
	const char *h = a, *hend;
	if (*a == '[') {
		h = a + 1;
		hend = memchr(h, ']', (size_t)(end - h));
		if (!hend)
			return false;
	} else {
		hend = memchr(a, ':', (size_t)(end - a));
		if (!hend)
			hend = end;
	}
	const char *colon = memchr(hend, ':', (size_t)(end - hend));
	u->port = 0;
	if (colon &&
	    !port_number(colon + 1, (size_t)(end - colon - 1), &u->port))
		u->port = 0;
	size_t hl = (size_t)(hend - h);
	if (hl && h[hl - 1] == '.')
		hl--;
	if (hl >= sizeof(u->host))
		hl = sizeof(u->host) - 1; /* for a message: cut */
	for (size_t i = 0; i < hl; i++)
		u->host[i] = (char)tolower((unsigned char)h[i]);
	u->host[hl] = '\0';
	return true;
}

bool hints_url_target(const char *v, char *host, size_t hostsz,
		      unsigned *ret_port)
{
	struct url u;
	if (!parse_url(v, &u) || !u.host[0])
		return false;
	snprintf(host, hostsz, "%s", u.host);
	*ret_port = u.port ? u.port : service_port(u.scheme, strlen(u.scheme));
	return true;
}

bool hints_url(const char *field, const char *v, char *buf, size_t n)
{
	struct url u;
	if (!parse_url(v, &u))
		return false;
	bool neg = negated(field);
	if (!u.host[0]) {
		snprintf(buf, n,
			 "bad %s '%.100s': it is a URL with no host name; %s "
			 "takes a name such as example.org",
			 label(field), v, field);
		return true;
	}
	struct tg_addr a;
	bool addr = tg_addr_parse(u.host, &a) == 0;
	/* a name goes in host, an address in the field given */
	const char *to = addr ? field : neg ? "not_host" : "host";
	unsigned port =
	    u.port ? u.port : service_port(u.scheme, strlen(u.scheme));
	char q[300], more[80] = "";
	if (!neg && u.port)
		snprintf(more, sizeof(more), " and port: %u", u.port);
	else if (!neg && port)
		snprintf(more, sizeof(more),
			 " (and port: %u if only %s is meant)", port, u.scheme);
	snprintf(buf, n, "bad %s '%.100s': it is a URL, not %s: write %s: %s%s",
		 label(field), v, addr ? "an address" : "a host name", to,
		 yq(u.host, q, sizeof(q)), more);
	return true;
}

/* "a, b" or "a b": several values in one string. */
static bool list_in_string(const char *field, const char *what, const char *v,
			   char *buf, size_t n)
{
	if (!strpbrk(v, ", \t"))
		return false;
	char list[200] = "";
	size_t o = 0;
	for (const char *p = v; *p && o < sizeof(list);) {
		p += strspn(p, ", \t");
		size_t w = strcspn(p, ", \t");
		if (w)
			o += (size_t)snprintf(list + o, sizeof(list) - o,
					      "%s%.*s", o ? ", " : "", (int)w,
					      p);
		p += w;
	}
	snprintf(
	    buf, n,
	    "bad %s '%.100s': it holds several %s: write a list: %s: [%.150s]",
	    label(field), v, what, field, list);
	return true;
}

/* NAME:PORT or [ADDRESS]:PORT (or a service name for the port). */
static bool with_port(const char *field, const char *v, char *buf, size_t n)
{
	const char *colon = strrchr(v, ':');
	if (!colon || colon == v)
		return false;
	const char *h = v, *hend = colon;
	if (v[0] == '[') {
		if (colon[-1] != ']')
			return false;
		h = v + 1;
		hend = colon - 1;
	} else if (memchr(v, ':', (size_t)(colon - v))) {
		return false; /* an IPv6 address */
	}
	unsigned port;
	const char *ps = colon + 1;
	if (!port_number(ps, strlen(ps), &port) &&
	    !(port = service_port(ps, strlen(ps))))
		return false;
	char host[256], q[300];
	snprintf(host, sizeof(host), "%.*s", (int)(hend - h), h);
	const char *what = strchr(field, 'c') ? "an address" : "a host";
	if (negated(field))
		snprintf(buf, n,
			 "bad %s '%.100s': %s entry cannot name a port: write "
			 "%s: %s",
			 label(field), v, what, field, yq(host, q, sizeof(q)));
	else
		snprintf(buf, n,
			 "bad %s '%.100s': %s entry cannot name a port: write "
			 "%s: %s and port: %u",
			 label(field), v, what, field, yq(host, q, sizeof(q)),
			 port);
	return true;
}

/* Digits and dots only: meant as an IPv4 address (or block). */
static bool dotted_numbers(const char *v, size_t len)
{
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!isdigit((unsigned char)v[i]) && v[i] != '.')
			return false;
	return true;
}

/* An IPv4 address written with fewer than four parts, or a part above
 * 255 (v: digits and dots, no prefix). */
static bool short_v4(const char *field, const char *v, size_t len,
		     const char *plen, char *buf, size_t n)
{
	unsigned parts[4], np = 0;
	for (const char *p = v; p < v + len && np < 5;) {
		size_t w = strspn(p, "0123456789");
		if (w == 0 || w > 3)
			return false;
		unsigned x = 0;
		for (size_t i = 0; i < w; i++)
			x = x * 10 + (unsigned)(p[i] - '0');
		if (x > 255) {
			snprintf(buf, n,
				 "bad %s '%.100s': each part of an IPv4 "
				 "address is 0-255",
				 label(field), v);
			return true;
		}
		if (np < 4)
			parts[np] = x;
		np++;
		p += w;
		if (p < v + len && *p++ != '.')
			return false;
	}
	if (np == 0 || np >= 4)
		return false;
	for (; np < 4; np++)
		parts[np] = 0;
	snprintf(buf, n,
		 "bad %s '%.100s': an IPv4 address has four parts: write "
		 "%s: %u.%u.%u.%u%s%.10s",
		 label(field), v, field, parts[0], parts[1], parts[2], parts[3],
		 plen ? "/" : "", plen ? plen : "");
	return true;
}

/* The 32 bits of an IPv4 address (as tg_addr holds it, mapped). */
static uint32_t v4_bits(const struct tg_addr *a)
{
	return (uint32_t)a->b[12] << 24 | (uint32_t)a->b[13] << 16 |
	       (uint32_t)a->b[14] << 8 | a->b[15];
}

static void v4_format(uint32_t x, char *buf, size_t n)
{
	snprintf(buf, n, "%u.%u.%u.%u", x >> 24, (x >> 16) & 255,
		 (x >> 8) & 255, x & 255);
}

/* ADDRESS/LEN: LEN not a number, above the maximum, or bits of the
 * address set beyond it. */
static bool cidr_prefix(const char *field, const char *v, char *buf, size_t n)
{
	const char *slash = strchr(v, '/');
	char a[64], blk[80], qa[96], qb[96];
	struct tg_addr addr;
	if (!slash || slash - v >= (long)sizeof(a))
		return false;
	snprintf(a, sizeof(a), "%.*s", (int)(slash - v), v);
	if (tg_addr_parse(a, &addr) < 0)
		return false;
	bool v4 = !strchr(a, ':');
	unsigned max = v4 ? 32 : 128, plen = 0;
	const char *p = slash + 1;
	size_t w = strspn(p, "0123456789");
	for (size_t i = 0; i < w && i < 4; i++)
		plen = plen * 10 + (unsigned)(p[i] - '0');
	if (w == 0 || w > 3 || p[w]) {
		snprintf(blk, sizeof(blk), "%s/%u", a, v4 ? 24u : 64u);
		snprintf(buf, n,
			 "bad %s '%.60s': write the prefix length after '/' "
			 "as a number 0-%u, such as %s",
			 label(field), v, max, yq(blk, qb, sizeof(qb)));
		return true;
	}
	if (plen > max) {
		snprintf(buf, n,
			 "bad %s '%.60s': the prefix length of an IPv%c "
			 "block is 0-%u",
			 label(field), v, v4 ? '4' : '6', max);
		return true;
	}
	struct tg_addr net = addr;
	for (unsigned bit = v4 ? plen + 96 : plen; bit < 128; bit++)
		net.b[bit / 8] &= (uint8_t) ~(0x80u >> (bit % 8));
	if (!memcmp(&net, &addr, sizeof(net)))
		return false;
	char ns[64];
	if (v4)
		v4_format(v4_bits(&net), ns, sizeof(ns));
	else if (tg_addr_is_v4(&net)) /* written as ::ffff:a.b.c.d */
		snprintf(ns, sizeof(ns), "::ffff:%u.%u.%u.%u", net.b[12],
			 net.b[13], net.b[14], net.b[15]);
	else
		tg_addr_format(&net, ns, sizeof(ns));
	snprintf(blk, sizeof(blk), "%s/%u", ns, plen);
	snprintf(buf, n,
		 "bad %s '%.60s': bits are set beyond the /%u prefix: write "
		 "%s for the block, or %s for the one address",
		 label(field), v, plen, yq(blk, qb, sizeof(qb)),
		 yq(a, qa, sizeof(qa)));
	return true;
}

/* FIRST-LAST (IPv4): the smallest block that holds both. */
static bool cidr_range(const char *field, const char *v, char *buf, size_t n)
{
	const char *dash = strchr(v, '-');
	char a[64], b[64];
	struct tg_addr lo, hi;
	if (!dash || dash - v >= (long)sizeof(a) || strlen(dash) >= sizeof(b))
		return false;
	snprintf(a, sizeof(a), "%.*s", (int)(dash - v), v);
	snprintf(b, sizeof(b), "%s", dash + 1);
	if (tg_addr_parse(a, &lo) < 0 || tg_addr_parse(b, &hi) < 0 ||
	    !tg_addr_is_v4(&lo) || !tg_addr_is_v4(&hi))
		return false;
	uint32_t x = v4_bits(&lo), y = v4_bits(&hi);
	unsigned plen = x == y ? 32 : (unsigned)__builtin_clz(x ^ y);
	uint32_t mask = plen ? ~0u << (32 - plen) : 0;
	char first[20], last[20];
	v4_format(x & mask, first, sizeof(first));
	v4_format((x & mask) | ~mask, last, sizeof(last));
	snprintf(buf, n,
		 "bad %s '%.60s': %s takes blocks, not ranges: write blocks "
		 "such as %s/%u (which holds %s-%s)",
		 label(field), v, field, first, plen, first, last);
	return true;
}

/* "*", "any", "all", or "10.0.*.*". */
static bool cidr_stars(const char *field, const char *v, char *buf, size_t n)
{
	if (!strcmp(v, "*") || !strcasecmp(v, "any") || !strcasecmp(v, "all")) {
		snprintf(buf, n,
			 "bad %s '%.60s': for every address write "
			 "[0.0.0.0/0, \"::/0\"], or leave %s out",
			 label(field), v, field);
		return true;
	}
	if (!strchr(v, '*'))
		return false;
	unsigned parts[4] = {0}, k = 0;
	const char *p = v;
	for (; k < 4 && isdigit((unsigned char)*p); k++) {
		size_t w = strspn(p, "0123456789");
		for (size_t i = 0; i < w && i < 4; i++)
			parts[k] = parts[k] * 10 + (unsigned)(p[i] - '0');
		if (w > 3 || parts[k] > 255 || p[w] != '.')
			return false;
		p += w + 1;
	}
	for (unsigned rest = k; *p; rest++) {
		if (rest >= 4 || *p != '*' || (p[1] && p[1] != '.'))
			return false;
		p += p[1] ? 2 : 1;
	}
	if (k == 0)
		return false;
	snprintf(buf, n,
		 "bad %s '%.60s': a block is written with a prefix length, "
		 "not '*': write %s: %u.%u.%u.%u/%u",
		 label(field), v, field, parts[0], parts[1], parts[2], parts[3],
		 8 * k);
	return true;
}

void hints_cidr(const char *field, const char *v, const char *err, char *buf,
		size_t n)
{
	if (hints_url(field, v, buf, n) || cidr_stars(field, v, buf, n) ||
	    list_in_string(field, "blocks", v, buf, n) ||
	    cidr_range(field, v, buf, n) || with_port(field, v, buf, n) ||
	    cidr_prefix(field, v, buf, n))
		return;
	size_t alen = strcspn(v, "/");
	const char *slash = v[alen] ? v + alen + 1 : NULL;
	if (dotted_numbers(v, alen) && short_v4(field, v, alen, slash, buf, n))
		return;
	const char *perr;
	if (strpbrk(v,
		    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") &&
	    !strchr(v, ':') && !strchr(v, '/') &&
	    tg_host_pattern_check(v, &perr) == 0) {
		char q[300];
		snprintf(buf, n,
			 "bad %s '%.60s': it is a host name; %s takes "
			 "addresses: write %s: %s",
			 label(field), v, field,
			 negated(field) ? "not_host" : "host",
			 yq(v, q, sizeof(q)));
		return;
	}
	snprintf(buf, n,
		 "bad %s '%.60s': %s; write an address or a block such as "
		 "10.0.0.0/8 or fd00::/8",
		 label(field), v, err);
}

/* Mistakes in a host name pattern (v is not one: err says why). */
static void host_name(const char *field, const char *v, const char *err,
		      char *buf, size_t n)
{
	char fix[300], q[300];
	size_t len = strlen(v);
	const char *at = strrchr(v, '@'), *slash = strchr(v, '/');
	if (at && at[1]) {
		snprintf(buf, n,
			 "bad host pattern '%.100s': it holds a user name: "
			 "write %s: %s",
			 v, field, yq(at + 1, q, sizeof(q)));
	} else if (slash && slash != v) {
		snprintf(fix, sizeof(fix), "%.*s", (int)(slash - v), v);
		snprintf(buf, n,
			 "bad host pattern '%.100s': a host is a name, "
			 "without a path: write %s: %s",
			 v, field, yq(fix, q, sizeof(q)));
	} else if (len > 1 && v[len - 1] == '.') {
		snprintf(fix, sizeof(fix), "%.*s", (int)(len - 1), v);
		snprintf(buf, n,
			 "bad host pattern '%.100s': write it without the "
			 "final '.': %s: %s",
			 v, field, yq(fix, q, sizeof(q)));
	} else if (v[0] == '*' && v[1] && v[1] != '.') {
		const char *rest = v + strspn(v, "*.");
		snprintf(
		    buf, n,
		    "bad host pattern '%.100s': '*' stands for whole "
		    "labels: write \"*.%.100s\" for the names under %.100s "
		    "(and %.100s for the name itself)",
		    v, rest, rest, rest);
	} else if (strpbrk(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZ")) {
		snprintf(fix, sizeof(fix), "%s", v);
		for (char *p = fix; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		snprintf(buf, n,
			 "bad host pattern '%.100s': names are matched "
			 "case-insensitively; write them in lower case: %s: %s",
			 v, field, yq(fix, q, sizeof(q)));
	} else if (strchr(v, '*')) {
		snprintf(buf, n,
			 "bad host pattern '%.100s': '*' is only allowed as a "
			 "leading '*.' label; list the names you mean",
			 v);
	} else {
		snprintf(buf, n, "bad host pattern '%.100s': %s", v, err);
	}
}

void hints_host(const char *field, const char *v, const char *aerr,
		const char *perr, char *buf, size_t n)
{
	if (hints_url(field, v, buf, n) ||
	    list_in_string(field, "names", v, buf, n) ||
	    with_port(field, v, buf, n))
		return;
	if (!perr) { /* written as an address */
		const char *pct = strchr(v, '%');
		char q[300];
		size_t alen = strcspn(v, "/");
		if (pct) {
			char a[100];
			snprintf(a, sizeof(a), "%.*s", (int)(pct - v), v);
			snprintf(buf, n,
				 "bad %s '%.100s': a zone (%%%.20s) cannot be "
				 "given: write %s: %s",
				 label(field), v, pct + 1, field,
				 yq(a, q, sizeof(q)));
		} else if (!cidr_prefix(field, v, buf, n) &&
			   !(dotted_numbers(v, alen) &&
			     short_v4(field, v, alen,
				      v[alen] ? v + alen + 1 : NULL, buf, n)))
			snprintf(buf, n,
				 "bad %s '%.100s': %s; write an address such "
				 "as 10.0.0.1 or 2001:db8::1, or a host name",
				 label(field), v, aerr);
		return;
	}
	host_name(field, v, perr, buf, n);
}

/* "8000:8100", "8000..8100", "8000 - 8100": a range written otherwise. */
static bool port_range_spelling(const char *field, const char *v, char *buf,
				size_t n)
{
	static const char *const seps[] = {"..", ":", " - ", "- ", " -", "_"};
	for (size_t i = 0; i < TG_ARRAY_SIZE(seps); i++) {
		const char *s = strstr(v, seps[i]);
		unsigned lo, hi;
		if (!s)
			continue;
		const char *h = s + strlen(seps[i]);
		if (!port_number(v, (size_t)(s - v), &lo) ||
		    !port_number(h, strlen(h), &hi))
			return false;
		snprintf(buf, n,
			 "bad port range '%.40s': write a range with '-' and "
			 "no spaces: %s: \"%u-%u\"",
			 v, field, lo < hi ? lo : hi, lo < hi ? hi : lo);
		return true;
	}
	return false;
}

void hints_port(const char *field, const char *v, char *buf, size_t n)
{
	unsigned lo, hi, svc;
	const char *dash = strchr(v, '-');
	size_t len = strlen(v);
	if (!strcmp(v, "*") || !strcasecmp(v, "any") || !strcasecmp(v, "all"))
		snprintf(buf, n,
			 "bad port '%.40s': to match every port, leave %s out",
			 v, field);
	else if ((svc = service_port(v, len)))
		snprintf(buf, n,
			 "bad port '%.40s': ports are numbers: write %s: %u "
			 "for %s",
			 v, field, svc, v);
	else if (strchr(v, '/') && port_number(v, strcspn(v, "/"), &lo))
		snprintf(buf, n,
			 "bad port '%.40s': write %s: %u and proto: %.10s", v,
			 field, lo, strchr(v, '/') + 1);
	else if (port_range_spelling(field, v, buf, n))
		return;
	else if (strpbrk(v, ", \t"))
		list_in_string(field, "ports", v, buf, n);
	else if (dash && dash != v && port_number(v, (size_t)(dash - v), &lo) &&
		 port_number(dash + 1, strlen(dash + 1), &hi) && lo > hi)
		snprintf(buf, n,
			 "bad port range '%.40s': the low end is above the "
			 "high end: write \"%u-%u\"",
			 v, hi, lo);
	else if (dash && dash != v)
		snprintf(buf, n,
			 "bad port range '%.40s': use 1-65535 on both sides, "
			 "as in \"8000-8100\"",
			 v);
	else
		snprintf(buf, n,
			 "bad port '%.40s': ports are 1-65535; write one, or a "
			 "range such as \"8000-8100\"",
			 v);
}

void hints_relative_path(enum hint_path what, const char *field, const char *v,
			 char *buf, size_t n)
{
	char fix[300], q[320], q2[320];
	size_t nl = v[0]
			? strspn(v + 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
					"abcdefghijklmnopqrstuvwxyz0123456789_")
			: 0;
	const char *rel = !strncmp(v, "./", 2) ? v + 2 : v;
	if (v[0] == '~' && (v[1] == '/' || !v[1])) {
		snprintf(fix, sizeof(fix), "${HOME}%s", v + 1);
		snprintf(buf, n,
			 "path pattern '%.200s' must be absolute ('~' is not "
			 "expanded): write %s: %s",
			 v, field, yq(fix, q, sizeof(q)));
	} else if (v[0] == '$' && nl > 0 && v[1] != '{') {
		snprintf(fix, sizeof(fix), "${%.*s}%s", (int)nl, v + 1,
			 v + 1 + nl);
		snprintf(buf, n,
			 "path pattern '%.200s' must be absolute (variables "
			 "are written ${NAME}): write %s: %s",
			 v, field, yq(fix, q, sizeof(q)));
	} else if (what == HINT_PATH_PROGRAM && !strchr(v, '/')) {
		snprintf(fix, sizeof(fix), "%s **", v);
		snprintf(buf, n,
			 "path pattern '%.200s' must be absolute: write the "
			 "program's full path (such as /usr/bin/%s), or match "
			 "it by name with argv: [%s]",
			 v, v, yq(fix, q, sizeof(q)));
	} else if (what == HINT_PATH_SOCKET) {
		char abs[300];
		snprintf(fix, sizeof(fix), "/%s", rel);
		snprintf(abs, sizeof(abs), "@%s", rel);
		snprintf(buf, n,
			 "Unix socket pattern '%.200s' must be an absolute "
			 "path or an abstract name written with a leading @: "
			 "write %s: %s (a socket file) or %s: %s (an "
			 "abstract name)",
			 v, field, yq(fix, q, sizeof(q)), field,
			 yq(abs, q2, sizeof(q2)));
	} else if (what == HINT_PATH_DIR) {
		snprintf(fix, sizeof(fix), "${PWD}/%s", rel);
		snprintf(buf, n,
			 "path pattern '%.200s' must be absolute: write %s: %s "
			 "(%s under the workspace)",
			 v, field, yq(fix, q, sizeof(q)), rel);
	} else {
		snprintf(fix, sizeof(fix), "${PWD}/%s", rel);
		char any[300];
		snprintf(any, sizeof(any), "**/%s", rel);
		snprintf(buf, n,
			 "path pattern '%.200s' must be absolute: write %s: %s "
			 "(in the workspace) or %s: %s (anywhere)",
			 v, field, yq(fix, q, sizeof(q)), field,
			 yq(any, q2, sizeof(q2)));
	}
}
