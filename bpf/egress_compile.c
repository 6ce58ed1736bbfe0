/* SPDX-License-Identifier: MIT */
/* egress_compile: rules and host addresses as LPM prefixes (see the
 * header for the semantics). */
#include "egress_compile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

bool ec_covers(const uint8_t *a, uint8_t alen, const uint8_t *b, uint8_t blen)
{
	unsigned full = alen / 8, rem = alen % 8;

	if (alen > blen)
		return false;
	if (memcmp(a, b, full) != 0)
		return false;
	if (rem) {
		uint8_t mask = (uint8_t)(0xffu << (8 - rem));
		if ((a[full] ^ b[full]) & mask)
			return false;
	}
	return true;
}

static bool host_bits_clear(const uint8_t *a, uint8_t plen)
{
	for (unsigned bit = plen; bit < 128; bit++)
		if (a[bit / 8] & (0x80u >> (bit % 8)))
			return false;
	return true;
}

int ec_check_rules(const struct egress_rule *rules, size_t n, char *err,
		   size_t errsz)
{
	for (size_t i = 0; i < n; i++) {
		const struct egress_rule *r = &rules[i];
		const char *why = NULL;

		if (r->plen > 128)
			why = "prefix length over 128";
		else if (!host_bits_clear(r->addr, r->plen))
			why = "host bits set below the prefix";
		else if (r->exclude)
			continue; /* the rest does not apply to exclusions */
		else if (r->action > EGRESS_APPROVED)
			why = "unknown action";
		else if (!r->protos || (r->protos & ~EGRESS_PROTO_ANY))
			why = "bad protocol mask";
		else if (r->port_lo > r->port_hi)
			why = "port range ends before it starts";
		if (why) {
			snprintf(err, errsz, "rule entry %zu (rule %u): %s", i,
				 r->rule, why);
			return -EINVAL;
		}
	}
	return 0;
}

/* Is rule excluded at prefix p (a not_cidr containing it, or a not_host
 * at this very address)? */
static bool excluded(uint32_t rule, const struct egress_rule *rules,
		     size_t nrules, const struct ec_host *hosts, size_t nhosts,
		     const uint8_t *addr, uint8_t plen)
{
	for (size_t i = 0; i < nrules; i++)
		if (rules[i].exclude && rules[i].rule == rule &&
		    ec_covers(rules[i].addr, rules[i].plen, addr, plen))
			return true;
	if (plen != 128)
		return false;
	for (size_t i = 0; i < nhosts; i++)
		if (hosts[i].h.exclude && hosts[i].h.rule == rule &&
		    !memcmp(hosts[i].h.addr, addr, 16))
			return true;
	return false;
}

/* Strictness: deny, an approval, prompt, log, allow. */
static int rank(uint8_t action)
{
	static const int r[] = {[TG_ALLOW] = 0,
				[TG_LOG] = 1,
				[TG_PROMPT] = 2,
				[TG_APPROVED] = 3,
				[TG_DENY] = 4};
	return action <= TG_APPROVED ? r[action] : 5;
}

static int entry_cmp(const void *pa, const void *pb)
{
	const struct tg_entry *a = pa, *b = pb;

	if (a->action != b->action)
		return rank(a->action) > rank(b->action) ? -1 : 1;
	if (a->rule != b->rule)
		return a->rule < b->rule ? -1 : 1;
	/* permanent before expiring, later expiry first */
	if (a->expires != b->expires) {
		if (!a->expires || !b->expires)
			return !a->expires ? -1 : 1;
		return a->expires > b->expires ? -1 : 1;
	}
	if (a->protos != b->protos)
		return a->protos > b->protos ? -1 : 1;
	return a->port_lo < b->port_lo ? -1 : a->port_lo > b->port_lo;
}

/* k is earlier (stricter or first): does it always match before e? */
static bool dominates(const struct tg_entry *k, const struct tg_entry *e)
{
	if ((k->protos & e->protos) != e->protos)
		return false;
	if (k->port_lo > e->port_lo || k->port_hi < e->port_hi)
		return false;
	return !k->expires || (e->expires && k->expires >= e->expires);
}

/* Growable list of candidate entries for one prefix. */
struct elist {
	struct tg_entry *v;
	size_t n, cap;
};

static int elist_push(struct elist *l, const struct tg_entry *e)
{
	if (tg_grow((void **)&l->v, &l->cap, l->n + 1, sizeof(*l->v)) < 0)
		return -ENOMEM;
	l->v[l->n++] = *e;
	return 0;
}

static void fmt_prefix(const uint8_t *a, uint8_t plen, char *buf, size_t bufsz)
{
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0,    0,
					   0, 0, 0, 0, 0xff, 0xff};

	if (plen >= 96 && !memcmp(a, mapped, 12)) {
		snprintf(buf, bufsz, "%u.%u.%u.%u/%u", a[12], a[13], a[14],
			 a[15], plen - 96);
		return;
	}
	size_t o = 0;
	for (int i = 0; i < 16 && o + 6 < bufsz; i += 2)
		o += (size_t)snprintf(buf + o, bufsz - o, "%s%x", i ? ":" : "",
				      (unsigned)(a[i] << 8 | a[i + 1]));
	snprintf(buf + o, bufsz - o, "/%u", plen);
}

static int prefix_value(const struct egress_rule *rules, size_t nrules,
			const struct ec_host *hosts, size_t nhosts,
			const uint8_t *addr, uint8_t plen,
			struct tg_rule_val *ret, char *err, size_t errsz)
{
	struct elist l = {0};
	int r = 0;

	for (size_t i = 0; i < nrules && r == 0; i++) {
		const struct egress_rule *ru = &rules[i];
		if (ru->exclude || !ec_covers(ru->addr, ru->plen, addr, plen) ||
		    excluded(ru->rule, rules, nrules, hosts, nhosts, addr,
			     plen))
			continue;
		struct tg_entry e = {.action = ru->action,
				     .protos = ru->protos,
				     .port_lo = ru->port_lo,
				     .port_hi = ru->port_hi,
				     .rule = ru->rule};
		r = elist_push(&l, &e);
	}
	for (size_t i = 0; plen == 128 && i < nhosts && r == 0; i++) {
		const struct ec_host *h = &hosts[i];
		if (h->h.exclude || memcmp(h->h.addr, addr, 16) ||
		    excluded(h->h.rule, rules, nrules, hosts, nhosts, addr,
			     plen))
			continue;
		struct tg_entry e = {.action = h->h.action,
				     .protos = h->h.protos,
				     .port_lo = h->h.port_lo,
				     .port_hi = h->h.port_hi,
				     .rule = h->h.rule,
				     .expires = h->expires};
		r = elist_push(&l, &e);
	}
	if (r < 0)
		goto out;
	if (l.n)
		qsort(l.v, l.n, sizeof(*l.v), entry_cmp);
	memset(ret, 0, sizeof(*ret));
	for (size_t i = 0; i < l.n; i++) {
		bool dom = false;
		for (size_t k = 0; k < ret->n && !dom; k++)
			dom = dominates(&ret->e[k], &l.v[i]);
		if (dom)
			continue;
		if (ret->n == TG_MAX_ENTRIES) {
			char p[64];
			fmt_prefix(addr, plen, p, sizeof(p));
			snprintf(err, errsz,
				 "%s: more than %d distinct rule entries "
				 "apply to this block",
				 p, TG_MAX_ENTRIES);
			r = -E2BIG;
			goto out;
		}
		ret->e[ret->n++] = l.v[i];
	}
out:
	free(l.v);
	return r;
}

static int prefix_cmp(const void *pa, const void *pb)
{
	const struct ec_prefix *a = pa, *b = pb;
	int c = memcmp(a->addr, b->addr, 16);

	if (c)
		return c;
	return (int)a->plen - (int)b->plen;
}

int ec_compile(const struct egress_rule *rules, size_t nrules,
	       const struct ec_host *hosts, size_t nhosts,
	       struct ec_prefix **ret, size_t *ret_n, char *err, size_t errsz)
{
	struct ec_prefix *v = NULL;
	size_t n = 0, cap = 0, u = 0;
	int r;

	r = ec_check_rules(rules, nrules, err, errsz);
	if (r < 0)
		return r;
	for (size_t i = 0; i < nrules + nhosts; i++) {
		if (tg_grow((void **)&v, &cap, n + 1, sizeof(*v)) < 0) {
			free(v);
			return -ENOMEM;
		}
		memset(&v[n], 0, sizeof(v[n]));
		if (i < nrules) {
			memcpy(v[n].addr, rules[i].addr, 16);
			v[n].plen = rules[i].plen;
		} else {
			memcpy(v[n].addr, hosts[i - nrules].h.addr, 16);
			v[n].plen = 128;
		}
		n++;
	}
	if (n)
		qsort(v, n, sizeof(*v), prefix_cmp);
	for (size_t i = 0; i < n; i++)
		if (!u || prefix_cmp(&v[u - 1], &v[i]))
			v[u++] = v[i];
	for (size_t i = 0; i < u; i++) {
		r = prefix_value(rules, nrules, hosts, nhosts, v[i].addr,
				 v[i].plen, &v[i].val, err, errsz);
		if (r < 0) {
			free(v);
			return r;
		}
	}
	*ret = v;
	*ret_n = u;
	return 0;
}

int ec_host_prefix(const struct egress_rule *rules, size_t nrules,
		   const struct ec_host *hosts, size_t nhosts,
		   const uint8_t addr[16], struct tg_rule_val *ret,
		   bool *ret_needed, char *err, size_t errsz)
{
	struct tg_rule_val val;
	bool needed = false;
	int r;

	for (size_t i = 0; i < nrules && !needed; i++)
		needed =
		    rules[i].plen == 128 && !memcmp(rules[i].addr, addr, 16);
	for (size_t i = 0; i < nhosts && !needed; i++)
		needed = !memcmp(hosts[i].h.addr, addr, 16);
	r = prefix_value(rules, nrules, hosts, nhosts, addr, 128, &val, err,
			 errsz);
	if (r < 0)
		return r;
	*ret = val;
	*ret_needed = needed;
	return 0;
}
