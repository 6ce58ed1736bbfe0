/* SPDX-License-Identifier: MIT */
/* policy_netmatch: the connect matcher. */
#include "policy_netmatch.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "policy_hints.h"
#include "policy_matchers.h"
#include "policy_vars.h"

/* "N" or "LO-HI", 1-65535. */
static int parse_port(const char *s, struct portrange *ret)
{
	uint64_t lo, hi;
	const char *dash = strchr(s, '-');
	if (!dash) {
		if (tg_parse_u64(s, 65535, &lo) < 0 || lo == 0)
			return -EINVAL;
		hi = lo;
	} else {
		char a[16];
		size_t al = (size_t)(dash - s);
		if (al == 0 || al >= sizeof(a))
			return -EINVAL;
		memcpy(a, s, al);
		a[al] = '\0';
		if (tg_parse_u64(a, 65535, &lo) < 0 ||
		    tg_parse_u64(dash + 1, 65535, &hi) < 0 || lo == 0 ||
		    lo > hi)
			return -EINVAL;
	}
	ret->lo = (uint16_t)lo;
	ret->hi = (uint16_t)hi;
	return 0;
}

static int compile_ports(struct loader *L, const struct ynode *v,
			 const char *field, struct portrange **ret,
			 size_t *ret_n)
{
	struct yitems it;
	int r =
	    loader_list_alloc(L, v, field, &it, sizeof(**ret), (void **)ret);
	if (r < 0)
		return r;
	int rc = 0;
	for (size_t i = 0; i < it.n; i++) {
		if (parse_port(it.v[i]->str, &(*ret)[*ret_n]) < 0) {
			char msg[512];
			hints_port(field, it.v[i]->str, msg, sizeof(msg));
			loader_err(L, it.v[i], "%s", msg);
			rc = -EINVAL;
			continue;
		}
		(*ret_n)++;
	}
	return rc;
}

/* Appends c to the list *v of *n entries. 0 or -ENOMEM. */
static int cidr_push(struct tg_cidr **v, size_t *n, const struct tg_cidr *c)
{
	struct tg_cidr *nv = realloc(*v, (*n + 1) * sizeof(**v));
	if (!nv)
		return -ENOMEM;
	*v = nv;
	(*v)[(*n)++] = *c;
	return 0;
}

/* Written as an address (or a block) rather than a name: digits, dots and
 * a '/', or a ':' (IPv6, or a mistake such as NAME:PORT). */
static bool address_like(const char *h)
{
	return strchr(h, ':') ||
	       (h[0] && strspn(h, "0123456789./") == strlen(h));
}

/* One host entry: a name pattern into *ret, an IP literal (an exact-address
 * CIDR, or a block) into *cidr. */
static int compile_host(struct loader *L, const struct ynode *item,
			const char *field, char **ret, size_t *ret_n,
			struct tg_cidr **cidr, size_t *ncidr)
{
	_cleanup_free_ char *h = vars_expand(L, item, false);
	if (!h)
		return -EINVAL;
	char msg[512];
	struct tg_cidr c;
	const char *aerr = NULL, *perr = NULL;
	if (hints_url(field, h, msg, sizeof(msg))) {
		loader_err(L, item, "%s", msg);
		return -EINVAL;
	}
	if (tg_cidr_parse(h, &c, &aerr) == 0)
		return cidr_push(cidr, ncidr, &c);
	if (address_like(h) || tg_host_pattern_check(h, &perr) < 0) {
		hints_host(field, h, aerr, address_like(h) ? NULL : perr, msg,
			   sizeof(msg));
		loader_err(L, item, "%s", msg);
		return -EINVAL;
	}
	ret[(*ret_n)++] = steal_pointer(&h);
	return 0;
}

static int compile_hosts(struct loader *L, const struct ynode *v,
			 const char *field, char ***ret, size_t *ret_n,
			 struct tg_cidr **cidr, size_t *ncidr)
{
	struct yitems it;
	int r =
	    loader_list_alloc(L, v, field, &it, sizeof(char *), (void **)ret);
	if (r < 0)
		return r;
	int rc = 0;
	for (size_t i = 0; i < it.n; i++) {
		r = compile_host(L, it.v[i], field, *ret, ret_n, cidr, ncidr);
		if (r == -ENOMEM)
			return r;
		if (r < 0)
			rc = r;
	}
	return rc;
}

/* The address of a resolv.conf `nameserver` line into *ret, or false. */
static bool nameserver_line(char *line, struct tg_cidr *ret)
{
	char *p = line;
	while (*p == ' ' || *p == '\t')
		p++;
	if (strncmp(p, "nameserver", 10) || (p[10] != ' ' && p[10] != '\t'))
		return false;
	p += 10;
	while (*p == ' ' || *p == '\t')
		p++;
	size_t n = strcspn(p, " \t\r\n#;%");
	p[n] = '\0';
	const char *err;
	/* not an address: the resolver ignores it */
	return n && !strchr(p, '/') && tg_cidr_parse(p, ret, &err) == 0;
}

/*
 * The `nameservers` CIDR entry: each `nameserver` address of resolv.conf
 * (an IPv6 scope such as %eth0 dropped), read when the policy is loaded,
 * appended to *ret. A file that is missing or names none adds nothing (a
 * list left empty matches no address: connect_m.dest_set). At most 16
 * addresses, from the first 64 KiB.
 */
#define NAMESERVERS_MAX 16
static int add_nameservers(struct loader *L, const struct ynode *where,
			   struct tg_cidr **ret, size_t *ret_n)
{
	const char *path = L->resolv_conf ? L->resolv_conf : "/etc/resolv.conf";
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	if (!f) {
		loader_warn(L, where,
			    "'nameservers': %s cannot be read (%s); it "
			    "matches no address",
			    path, strerror(errno));
		return 0;
	}
	char line[512];
	size_t got = 0, read_bytes = 0;
	while (got < NAMESERVERS_MAX && read_bytes < 65536 &&
	       fgets(line, sizeof(line), f)) {
		read_bytes += strlen(line);
		struct tg_cidr c;
		if (!nameserver_line(line, &c))
			continue;
		if (cidr_push(ret, ret_n, &c) < 0)
			return -ENOMEM;
		got++;
	}
	if (got == 0)
		loader_warn(L, where,
			    "'nameservers': %s names no name server; it "
			    "matches no address",
			    path);
	return 0;
}

static int compile_cidrs(struct loader *L, const struct ynode *v,
			 const char *field, struct tg_cidr **ret, size_t *ret_n)
{
	struct yitems it;
	int r = loader_list(L, v, field, &it);
	if (r < 0)
		return r;
	int rc = 0;
	for (size_t i = 0; i < it.n; i++) {
		_cleanup_free_ char *s = vars_expand(L, it.v[i], false);
		if (!s) {
			rc = -EINVAL;
			continue;
		}
		if (!strcmp(s, "nameservers")) {
			int nr = add_nameservers(L, it.v[i], ret, ret_n);
			if (nr < 0)
				return nr;
			continue;
		}
		const char *err = NULL;
		struct tg_cidr c;
		if (tg_cidr_parse(s, &c, &err) < 0) {
			char msg[512];
			hints_cidr(field, s, err, msg, sizeof(msg));
			loader_err(L, it.v[i], "%s", msg);
			rc = -EINVAL;
			continue;
		}
		if (cidr_push(ret, ret_n, &c) < 0)
			return -ENOMEM;
	}
	return rc;
}

static int compile_proto(struct loader *L, const struct ynode *v,
			 const char *field, enum policy_proto *ret)
{
	const char *s = loader_scalar(L, v, field);
	if (!s)
		return -EINVAL;
	if (policy_proto_from_name(s, ret) < 0) {
		loader_err(L, v, "bad proto '%.20s': use tcp, udp or any", s);
		return -EINVAL;
	}
	return 0;
}

enum net_field {
	NF_HOST,
	NF_CIDR,
	NF_PORT,
	NF_PROTO,
	NF_MAX,
};

static const struct {
	const char *key;
	enum net_field kind;
	bool negated;
} connect_fields[] = {
    {"host", NF_HOST, false},	{"not_host", NF_HOST, true},
    {"cidr", NF_CIDR, false},	{"not_cidr", NF_CIDR, true},
    {"port", NF_PORT, false},	{"not_port", NF_PORT, true},
    {"proto", NF_PROTO, false},
};

static int compile_field(struct loader *L, enum net_field kind, bool neg,
			 const char *k, const struct ynode *v,
			 struct connect_m *m)
{
	switch (kind) {
	case NF_HOST:
		if (neg)
			return compile_hosts(L, v, k, &m->not_host,
					     &m->nnot_host, &m->not_cidr,
					     &m->nnot_cidr);
		return compile_hosts(L, v, k, &m->host, &m->nhost, &m->cidr,
				     &m->ncidr);
	case NF_CIDR:
		if (neg)
			return compile_cidrs(L, v, k, &m->not_cidr,
					     &m->nnot_cidr);
		return compile_cidrs(L, v, k, &m->cidr, &m->ncidr);
	case NF_PORT:
		if (neg)
			return compile_ports(L, v, k, &m->not_port,
					     &m->nnot_port);
		return compile_ports(L, v, k, &m->port, &m->nport);
	case NF_PROTO:
		return compile_proto(L, v, k, &m->proto);
	default:
		return -EINVAL;
	}
}

int netmatch_connect(struct loader *L, const struct ynode *n,
		     struct connect_m **ret)
{
	/* (+ unix, not_unix: a typo of them is suggested; the matcher with
	 * them is policy_matchers.c's) */
	const char *keys[TG_ARRAY_SIZE(connect_fields) + 3];
	for (size_t f = 0; f < TG_ARRAY_SIZE(connect_fields); f++)
		keys[f] = connect_fields[f].key;
	keys[TG_ARRAY_SIZE(connect_fields)] = "unix";
	keys[TG_ARRAY_SIZE(connect_fields) + 1] = "not_unix";
	keys[TG_ARRAY_SIZE(connect_fields) + 2] = NULL;
	if (!matcher_check_map(L, n, "connect"))
		return -EINVAL;
	struct connect_m *m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	*ret = m;
	int rc =
	    loader_check_keys(L, n, keys, "a connect matcher") ? 0 : -EINVAL;
	for (size_t i = 0; i + 1 < n->n; i += 2) {
		const char *k = n->items[i]->str;
		for (size_t f = 0; f < TG_ARRAY_SIZE(connect_fields); f++) {
			if (strcmp(k, connect_fields[f].key) != 0)
				continue;
			/* a destination was given: an empty list (every
			 * entry wrong, or no name server) matches nothing */
			if (connect_fields[f].kind != NF_PORT &&
			    connect_fields[f].kind != NF_PROTO &&
			    !connect_fields[f].negated)
				m->dest_set = true;
			int r = compile_field(L, connect_fields[f].kind,
					      connect_fields[f].negated, k,
					      n->items[i + 1], m);
			if (r < 0)
				rc = r;
			break;
		}
	}
	return rc;
}

void netmatch_connect_free(struct connect_m *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->nhost; i++)
		free(m->host[i]);
	for (size_t i = 0; i < m->nnot_host; i++)
		free(m->not_host[i]);
	free(m->host);
	free(m->not_host);
	free(m->cidr);
	free(m->not_cidr);
	free(m->port);
	free(m->not_port);
	free(m);
}
