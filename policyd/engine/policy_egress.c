/* SPDX-License-Identifier: MIT */
/*
 * policy_egress: a policy's connect rules in the form the eBPF egress
 * layer takes them (bpf/egress.h, through policyd/egress_glue.c), and the
 * DNS forwarder's question "may this name be looked up?".
 *
 * A connect rule's destination is its hosts or its CIDRs (either
 * matches). The CIDR side becomes parts now; the host side only once
 * policyd has resolved a name that a host pattern matches
 * (policy_host_parts, per learned address). Ports are the rule's ports
 * less its not_port ranges; not_cidr blocks are exclusions of the rule.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy_diag.h"
#include "policy_internal.h"

#define MAX_RANGES 64

/* The rule's port ranges less its not_port ranges, sorted or not: n, or
 * -E2BIG past MAX_RANGES. */
static int port_ranges(const struct connect_m *m, uint16_t lo[MAX_RANGES],
		       uint16_t hi[MAX_RANGES])
{
	int n = 0;
	if (!m->nport) {
		lo[0] = 0;
		hi[0] = 65535;
		n = 1;
	}
	for (size_t i = 0; i < m->nport && n < MAX_RANGES; i++, n++) {
		lo[n] = m->port[i].lo;
		hi[n] = m->port[i].hi;
	}
	if ((size_t)n < m->nport)
		return -E2BIG;
	for (size_t x = 0; x < m->nnot_port; x++) {
		uint16_t xl = m->not_port[x].lo, xh = m->not_port[x].hi;
		int k = n;
		for (int i = 0; i < k; i++) {
			if (xh < lo[i] || xl > hi[i])
				continue;
			/* [lo, xl-1] and [xh+1, hi] survive */
			bool left = xl > lo[i], right = xh < hi[i];
			uint16_t ohi = hi[i];
			if (left && right) {
				if (n == MAX_RANGES)
					return -E2BIG;
				lo[n] = (uint16_t)(xh + 1);
				hi[n++] = ohi;
			}
			if (left) {
				hi[i] = (uint16_t)(xl - 1);
			} else if (right) {
				lo[i] = (uint16_t)(xh + 1);
			} else { /* all of it: mark empty */
				lo[i] = 1;
				hi[i] = 0;
			}
		}
	}
	return n;
}

struct parts {
	struct policy_net_part *v;
	size_t n, cap;
};

static int push(struct parts *ps, const struct policy_net_part *p)
{
	if (ps->n == ps->cap) {
		size_t nc = ps->cap ? ps->cap * 2 : 32;
		struct policy_net_part *nv = realloc(ps->v, nc * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		ps->v = nv;
		ps->cap = nc;
	}
	ps->v[ps->n++] = *p;
	return 0;
}

/* One part per port range of rule i at cidr (NULL: every address). */
static int rule_parts(const struct policy *p, size_t i, const struct tg_cidr *c,
		      struct parts *ps)
{
	const struct connect_m *m = p->rules[i].connect;
	uint16_t lo[MAX_RANGES], hi[MAX_RANGES];
	int n = port_ranges(m, lo, hi);
	if (n < 0)
		return n;
	for (int k = 0; k < n; k++) {
		if (lo[k] > hi[k])
			continue;
		struct policy_net_part part = {.rule = (int)i,
					       .action = p->rules[i].action,
					       .proto = m->proto,
					       .port_lo = lo[k],
					       .port_hi = hi[k]};
		if (c)
			part.cidr = *c; /* else ::/0, plen 0: both families */
		int r = push(ps, &part);
		if (r < 0)
			return r;
	}
	return 0;
}

int policy_net_parts(const struct policy *p, struct policy_net_part **ret,
		     size_t *ret_n)
{
	struct parts ps = {0};
	int r = 0;
	for (size_t i = 0; i < p->nrules && r == 0; i++) {
		const struct connect_m *m = p->rules[i].connect;
		if (!m)
			continue;
		if (!m->dest_set)
			r = rule_parts(p, i, NULL, &ps);
		for (size_t c = 0; c < m->ncidr && r == 0; c++)
			r = rule_parts(p, i, &m->cidr[c], &ps);
		for (size_t c = 0; c < m->nnot_cidr && r == 0; c++) {
			struct policy_net_part x = {.rule = (int)i,
						    .action =
							p->rules[i].action,
						    .exclude = true,
						    .cidr = m->not_cidr[c],
						    .port_hi = 65535};
			r = push(&ps, &x);
		}
	}
	if (r < 0) {
		free(ps.v);
		return r;
	}
	*ret = ps.v;
	*ret_n = ps.n;
	return 0;
}

static bool names(char *const *v, size_t n, const char *host)
{
	for (size_t i = 0; i < n; i++)
		if (tg_host_match(v[i], host))
			return true;
	return false;
}

int policy_host_parts(const struct policy *p, const char *name,
		      struct policy_net_part **ret, size_t *ret_n)
{
	struct parts ps = {0};
	int r = 0;
	for (size_t i = 0; i < p->nrules && r == 0; i++) {
		const struct connect_m *m = p->rules[i].connect;
		if (!m)
			continue;
		if (names(m->not_host, m->nnot_host, name)) {
			struct policy_net_part x = {.rule = (int)i,
						    .action =
							p->rules[i].action,
						    .exclude = true,
						    .port_hi = 65535};
			r = push(&ps, &x);
		} else if (names(m->host, m->nhost, name)) {
			r = rule_parts(p, i, NULL, &ps);
		}
	}
	if (r < 0) {
		free(ps.v);
		return r;
	}
	*ret = ps.v;
	*ret_n = ps.n;
	return 0;
}

enum policy_action policy_host_lookup(const struct policy *p, const char *name,
				      int *ret_rule)
{
	bool named = false,
	     any_open = p->settings.default_action != POLICY_DENY;
	*ret_rule = -1;
	for (size_t i = 0; i < p->nrules; i++) {
		const struct connect_m *m = p->rules[i].connect;
		if (!m)
			continue;
		if (p->rules[i].action != POLICY_DENY &&
		    (m->ncidr || !m->dest_set))
			any_open = true;
		if (names(m->not_host, m->nnot_host, name) ||
		    !names(m->host, m->nhost, name))
			continue;
		named = true;
		/* a deny for every port and protocol of the name: every
		 * connect to it is refused, whatever else matches */
		if (p->rules[i].action == POLICY_DENY && !m->nport &&
		    m->proto == POLICY_PROTO_ANY) {
			*ret_rule = (int)i;
			return POLICY_DENY;
		}
	}
	if (named || any_open)
		return POLICY_ALLOW;
	return POLICY_DENY; /* no rule could let a connect to it through */
}

static bool has_limits(const struct policy_limits *l)
{
	return l->egress_rate || l->egress_burst || l->egress_total ||
	       l->ingress_total || l->connect_rate;
}

size_t policy_egress_needs(const struct policy *p,
			   struct policy_egress_need *out, size_t max)
{
	size_t n = 0;
	if (has_limits(&p->limits)) {
		if (n < max)
			out[n] = (struct policy_egress_need){
			    -1, p->limits_file ? p->limits_file : p->path,
			    p->limits_line ? p->limits_line : 1,
			    p->limits_line ? p->limits_col : 1};
		n++;
	}
	for (size_t i = 0; i < p->nrules; i++) {
		if (!p->rules[i].connect || !p->rules[i].connect->nhost)
			continue;
		if (n < max)
			out[n] = (struct policy_egress_need){
			    (int)i, p->rules[i].file, p->rules[i].line,
			    p->rules[i].col};
		n++;
	}
	return n;
}

/* Whether this host can enforce limits: and host rules is policyctl
 * check's to say (it asks a running policyd, or probes the host): the
 * engine does not look at the host. What the layer refuses whatever the
 * host is said here. */
void policy_egress_lint(const struct policy *p, struct policy_diags *d)
{
	const struct policy_limits *l = &p->limits;
	const char *file = p->limits_file ? p->limits_file : p->path;
	int line = p->limits_line ? p->limits_line : 1;
	int col = p->limits_line ? p->limits_col : 1;
	/* what the layer takes (bpf/tg_egress.h): beyond, a session with
	 * this policy would not start */
	if (l->egress_rate > 100000000000ull || l->egress_burst > (1ull << 38))
		policy_diag_add(
		    d, file, line, col, true,
		    "limits: egress_rate above 100 GB/s or "
		    "egress_burst above 256 GiB: sessions with this "
		    "policy cannot start under the eBPF layer");
	if (l->connect_rate > 1000000)
		policy_diag_add(
		    d, file, line, col, true,
		    "limits: connect_rate above 1000000/s: sessions "
		    "with this policy cannot start under the eBPF "
		    "layer");
}
