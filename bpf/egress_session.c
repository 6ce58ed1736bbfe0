/* SPDX-License-Identifier: MIT */
/*
 * egress_session: sessions (slots, rule generations, limits), host
 * addresses with their TTLs, and adopting the sessions of a pinned layer.
 *
 * A session's trie keys carry slot << 1 | generation. A new rule set is
 * written under the other generation, then the session's configuration
 * (one hash element, replaced whole, so a program sees the old or the
 * new one) is switched to it, then the old keys are deleted: a program
 * never sees half a rule set.
 */
#include <errno.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "egress_internal.h"
#include "util.h"

/* Host addresses one session may hold (each a trie prefix). */
#define EG_MAX_HOSTS 16384
#define NSEC 1000000000ull

struct eg_sess *eg_sess_find(const struct egress *e, uint64_t cgid)
{
	for (size_t i = 0; i < e->nsess; i++)
		if (e->sess[i].cgid == cgid)
			return &e->sess[i];
	return NULL;
}

static void sess_clear(struct eg_sess *s)
{
	free(s->rules);
	free(s->hosts);
	free(s->keys);
	memset(s, 0, sizeof(*s));
}

void eg_sessions_free(struct egress *e)
{
	for (size_t i = 0; i < e->nsess; i++)
		sess_clear(&e->sess[i]);
	free(e->sess);
	e->sess = NULL;
	e->nsess = e->capsess = 0;
	e->nprefixes = 0;
	memset(e->slots, 0, sizeof(e->slots));
}

static int slot_alloc(struct egress *e, uint32_t *ret)
{
	for (uint32_t i = 0; i < TG_MAX_SESSIONS; i++) {
		if (!(e->slots[i / 8] & (1u << (i % 8)))) {
			e->slots[i / 8] |= (uint8_t)(1u << (i % 8));
			*ret = i;
			return 0;
		}
	}
	return -ENOSPC;
}

static void slot_free(struct egress *e, uint32_t slot)
{
	e->slots[slot / 8] &= (uint8_t) ~(1u << (slot % 8));
}

/* bpf_ktime_get_ns and bpf_ktime_get_coarse_ns, from user space */
static __u64 mono_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (__u64)ts.tv_sec * NSEC + (__u64)ts.tv_nsec;
}

/* The limits as the kernel's fixed-point buckets (tg_egress.h). */
static void limits_to_cfg(const struct egress *e,
			  const struct egress_session *s, struct tg_sess_cfg *c)
{
	if (s->egress_rate) {
		__u64 rate =
		    s->egress_rate < TG_MAX_RATE ? s->egress_rate : TG_MAX_RATE;
		__u64 burst = s->egress_burst ? s->egress_burst : 64 * 1024;
		if (burst > TG_MAX_BURST)
			burst = TG_MAX_BURST;
		unsigned __int128 rs =
		    ((unsigned __int128)rate << TG_RATE_SHIFT) / NSEC;
		c->rate_scaled = rs ? (__u64)rs : 1;
		c->burst_scaled = burst << TG_RATE_SHIFT;
		c->fill_ns = (burst + e->queue_bytes) * NSEC / rate + 1;
		c->pace_rate = rate;
	}
	if (s->connect_rate) {
		__u64 rate = s->connect_rate < TG_MAX_CONN_RATE
				 ? s->connect_rate
				 : TG_MAX_CONN_RATE;
		__u64 burst = s->connect_burst ? s->connect_burst : rate;
		if (burst > TG_MAX_CONN_BURST)
			burst = TG_MAX_CONN_BURST;
		c->conn_rate_scaled = (rate << TG_CONN_SHIFT) / NSEC;
		c->conn_burst_scaled = burst << TG_CONN_SHIFT;
		c->conn_fill_ns = burst * NSEC / rate + 1;
	}
	c->egress_total = s->egress_total;
	c->ingress_total = s->ingress_total;
}

static int make_cfg(struct egress *e, const struct egress_session *s,
		    struct tg_sess_cfg *ret)
{
	const uint32_t all = EGRESS_S_ALLOW_RAW | EGRESS_S_ALLOW_OTHER_PROTO |
			     EGRESS_S_UNIX_LEN_GUARD | EGRESS_S_DNS_ALL |
			     EGRESS_S_DNS_RESOLVERS;
	struct tg_sess_cfg c;

	if (s->default_action >= EGRESS_ACTION_MAX)
		return eg_fail(e, -EINVAL, "unknown default action %u",
			       s->default_action);
	if (s->flags & ~all)
		return eg_fail(e, -EINVAL, "unknown session flags %#x",
			       s->flags & ~all);
	memset(&c, 0, sizeof(c));
	/* EGRESS_S_* and TG_F_* are the same bits */
	c.flags = s->flags;
	c.default_action = s->default_action;
	c.dns_port = s->dns_port;
	c.dns_addr4 = e->dns.addr4;
	memcpy(c.dns_addr6, e->dns.addr6, 16);
	c.epoch = ++e->epoch;
	limits_to_cfg(e, s, &c);
	*ret = c;
	return 0;
}

static int key_push(struct eg_key **v, size_t *n, size_t *cap,
		    const uint8_t *addr, uint8_t plen)
{
	if (tg_grow((void **)v, cap, *n + 1, sizeof(**v)) < 0)
		return -ENOMEM;
	memcpy((*v)[*n].addr, addr, 16);
	(*v)[*n].plen = plen;
	(*n)++;
	return 0;
}

static void make_key(struct tg_rule_key *k, uint32_t slot, uint8_t gen,
		     const uint8_t *addr, uint8_t plen)
{
	memset(k, 0, sizeof(*k));
	k->prefixlen = 32 + plen;
	k->slot_gen = TG_SLOT_GEN(slot, gen);
	memcpy(k->addr, addr, 16);
}

static void delete_keys(struct egress *e, uint32_t slot, uint8_t gen,
			const struct eg_key *keys, size_t n)
{
	int fd = eg_map_fd(e, "tg_rules");
	struct tg_rule_key k;

	for (size_t i = 0; i < n; i++) {
		make_key(&k, slot, gen, keys[i].addr, keys[i].plen);
		if (bpf_map_delete_elem(fd, &k) == 0 && e->nprefixes)
			e->nprefixes--;
	}
}

/* Writes a compiled rule set under (slot, gen); on failure deletes what
 * it wrote. *ret_keys gets the keys. */
static int write_prefixes(struct egress *e, uint32_t slot, uint8_t gen,
			  const struct ec_prefix *p, size_t n,
			  struct eg_key **ret_keys)
{
	int fd = eg_map_fd(e, "tg_rules");
	struct eg_key *keys = NULL;
	size_t nk = 0, cap = 0;
	struct tg_rule_key k;
	int r = 0;

	if (e->nprefixes + n > TG_MAX_PREFIXES)
		return eg_fail(e, -ENOSPC,
			       "%zu prefixes would pass the trie's %d", n,
			       TG_MAX_PREFIXES);
	for (size_t i = 0; i < n && r == 0; i++) {
		make_key(&k, slot, gen, p[i].addr, p[i].plen);
		if (bpf_map_update_elem(fd, &k, &p[i].val, BPF_ANY) < 0)
			r = eg_fail(e, -errno, "tg_rules: %s", strerror(errno));
		else if ((r = key_push(&keys, &nk, &cap, p[i].addr,
				       p[i].plen)) == 0)
			e->nprefixes++;
	}
	if (r < 0) {
		delete_keys(e, slot, gen, keys, nk);
		free(keys);
		return r;
	}
	*ret_keys = keys;
	return (int)nk;
}

bool eg_fwdport_used(const struct egress *e, uint16_t port)
{
	if (port == e->reserved_port)
		return true;
	for (size_t i = 0; i < e->nsess; i++)
		if (e->sess[i].cfg.dns_port == port)
			return true;
	return false;
}

/* The forwarder ports: every session's dns_port and the reserved port,
 * nothing else. */
static void sync_fwdports(struct egress *e, uint16_t old, uint16_t new)
{
	int fd = eg_map_fd(e, "tg_fwdports");
	__u8 one = 1;

	if (new)
		bpf_map_update_elem(fd, &new, &one, BPF_ANY);
	if (!old || old == new || eg_fwdport_used(e, old))
		return;
	bpf_map_delete_elem(fd, &old);
}

/* A new session's state (full buckets) and its slot's counters at 0. */
static int state_init(struct egress *e, uint64_t cgid, uint32_t slot,
		      const struct tg_sess_cfg *c)
{
	int ncpu = libbpf_num_possible_cpus();
	struct tg_sess_state st;

	memset(&st, 0, sizeof(st));
	st.credit = (__s64)c->burst_scaled;
	st.credit_ns = mono_ns(CLOCK_MONOTONIC);
	st.conn_credit = (__s64)c->conn_burst_scaled;
	st.conn_ns = mono_ns(CLOCK_MONOTONIC_COARSE);
	if (ncpu <= 0)
		return eg_fail(e, -EINVAL, "number of CPUs unknown");
	_cleanup_free_ struct tg_counters *zero =
	    calloc((size_t)ncpu, sizeof(*zero));
	if (!zero)
		return -ENOMEM;
	if (bpf_map_update_elem(eg_map_fd(e, "tg_cnt"), &slot, zero, BPF_ANY) <
	    0)
		return eg_fail(e, -errno, "tg_cnt: %s", strerror(errno));
	if (bpf_map_update_elem(eg_map_fd(e, "tg_state"), &cgid, &st, BPF_ANY) <
	    0)
		return eg_fail(e, -errno, "tg_state: %s", strerror(errno));
	return 0;
}

static struct eg_sess *sess_new(struct egress *e, uint64_t cgid)
{
	uint32_t slot;

	if (e->nsess >= TG_MAX_SESSIONS || slot_alloc(e, &slot) < 0)
		return NULL;
	if (tg_grow((void **)&e->sess, &e->capsess, e->nsess + 1,
		    sizeof(*e->sess)) < 0) {
		slot_free(e, slot);
		return NULL;
	}
	struct eg_sess *s = &e->sess[e->nsess++];
	memset(s, 0, sizeof(*s));
	s->cgid = cgid;
	s->slot = slot;
	s->gen = 1; /* the first set writes generation 0 */
	return s;
}

static void sess_drop(struct egress *e, struct eg_sess *s)
{
	eg_sessprogs_release(s, true);
	slot_free(e, s->slot);
	sess_clear(s);
	*s = e->sess[--e->nsess];
}

/* Switches s to the new rules, keys and configuration. */
static int sess_switch(struct egress *e, struct eg_sess *s, uint64_t cgid,
		       struct tg_sess_cfg *cfg, struct egress_rule *rules,
		       size_t nrules, struct eg_key *keys, size_t nkeys,
		       bool fresh)
{
	uint8_t gen = s->gen ^ 1;
	uint16_t old_port = fresh ? 0 : s->cfg.dns_port;

	cfg->slot_gen = TG_SLOT_GEN(s->slot, gen);
	if (bpf_map_update_elem(eg_map_fd(e, "tg_sess"), &cgid, cfg, BPF_ANY) <
	    0)
		return eg_fail(e, -errno, "tg_sess: %s", strerror(errno));
	if (!fresh)
		delete_keys(e, s->slot, s->gen, s->keys, s->nkeys);
	free(s->keys);
	free(s->rules);
	s->keys = keys;
	s->nkeys = s->capkeys = nkeys;
	s->rules = rules;
	s->nrules = nrules;
	s->gen = gen;
	s->cfg = *cfg;
	s->rules_known = true;
	sync_fwdports(e, old_port, cfg->dns_port);
	return 0;
}

int egress_session_set(struct egress *e, uint64_t cgid,
		       const struct egress_session *in)
{
	struct ec_prefix *p = NULL;
	struct eg_key *keys = NULL;
	struct tg_sess_cfg cfg;
	size_t np = 0;
	int r, nk;

	if (!e->started)
		return eg_fail(e, -EINVAL, "not started");
	if ((r = make_cfg(e, in, &cfg)) < 0)
		return r;
	_cleanup_free_ struct egress_rule *rules =
	    in->nrules ? malloc(in->nrules * sizeof(*rules)) : NULL;
	if (in->nrules && !rules)
		return -ENOMEM;
	if (in->nrules)
		memcpy(rules, in->rules, in->nrules * sizeof(*rules));
	struct eg_sess *s = eg_sess_find(e, cgid);
	bool fresh = !s;
	if (fresh && !(s = sess_new(e, cgid)))
		return eg_fail(e, -ENOSPC, "no session slot left");
	r = ec_compile(rules, in->nrules, s->hosts, s->nhosts, &p, &np, e->err,
		       sizeof(e->err));
	if (r < 0)
		goto fail;
	nk = write_prefixes(e, s->slot, s->gen ^ 1, p, np, &keys);
	free(p);
	if (nk < 0) {
		r = nk;
		goto fail;
	}
	if (fresh && (r = state_init(e, cgid, s->slot, &cfg)) < 0)
		goto fail_keys;
	/* the programs the new configuration needs are there before it is
	 * (they find the old one, or none: pass); the ones it no longer
	 * needs go after */
	if ((r = eg_sessprogs_sync(e, s, &cfg, false)) < 0)
		goto fail_state;
	r = sess_switch(e, s, cgid, &cfg, rules, in->nrules, keys, (size_t)nk,
			fresh);
	if (r < 0)
		goto fail_state;
	rules = NULL; /* owned by s */
	return eg_sessprogs_sync(e, s, &s->cfg, true);
fail_state:
	if (fresh)
		bpf_map_delete_elem(eg_map_fd(e, "tg_state"), &cgid);
fail_keys:
	delete_keys(e, s->slot, s->gen ^ 1, keys, (size_t)nk);
	free(keys);
fail:
	if (fresh)
		sess_drop(e, s);
	return r;
}

int egress_session_remove(struct egress *e, uint64_t cgid)
{
	struct eg_sess *s = eg_sess_find(e, cgid);
	uint16_t port;

	if (!s)
		return -ENOENT;
	/* configuration first: from here the cgroup is refused everything */
	bpf_map_delete_elem(eg_map_fd(e, "tg_sess"), &cgid);
	bpf_map_delete_elem(eg_map_fd(e, "tg_state"), &cgid);
	delete_keys(e, s->slot, s->gen, s->keys, s->nkeys);
	port = s->cfg.dns_port;
	sess_drop(e, s);
	sync_fwdports(e, port, 0);
	return 0;
}

int egress_sessions(const struct egress *e, uint64_t *ids, size_t cap,
		    size_t *ret_n)
{
	for (size_t i = 0; i < e->nsess && i < cap; i++)
		ids[i] = e->sess[i].cgid;
	*ret_n = e->nsess;
	return 0;
}

/* -------------------------------------------------------------- hosts */

static struct eg_key *key_find(struct eg_sess *s, const uint8_t *addr,
			       uint8_t plen)
{
	for (size_t i = 0; i < s->nkeys; i++)
		if (s->keys[i].plen == plen &&
		    !memcmp(s->keys[i].addr, addr, 16))
			return &s->keys[i];
	return NULL;
}

/* A new epoch for the session: the programs look its exact-address
 * results up again (tg_exact_val). */
static int new_epoch(struct egress *e, struct eg_sess *s)
{
	struct tg_sess_cfg c = s->cfg;

	c.epoch = ++e->epoch;
	if (bpf_map_update_elem(eg_map_fd(e, "tg_sess"), &s->cgid, &c,
				BPF_ANY) < 0)
		return eg_fail(e, -errno, "tg_sess: %s", strerror(errno));
	s->cfg = c;
	return 0;
}

int eg_sessions_push_dns(struct egress *e)
{
	for (size_t i = 0; i < e->nsess; i++) {
		struct eg_sess *s = &e->sess[i];
		s->cfg.dns_addr4 = e->dns.addr4;
		memcpy(s->cfg.dns_addr6, e->dns.addr6, 16);
		if (bpf_map_update_elem(eg_map_fd(e, "tg_sess"), &s->cgid,
					&s->cfg, BPF_ANY) < 0)
			return eg_fail(e, -errno, "tg_sess: %s",
				       strerror(errno));
	}
	return 0;
}

/* Writes (or deletes) the /128 prefix of addr from the session's rules
 * and hosts, then moves the session's epoch on. */
static int host_prefix_sync(struct egress *e, struct eg_sess *s,
			    const uint8_t *addr)
{
	struct tg_rule_val val;
	struct tg_rule_key k;
	struct eg_key *have = key_find(s, addr, 128);
	int fd = eg_map_fd(e, "tg_rules");
	bool needed;
	int r;

	r = ec_host_prefix(s->rules, s->nrules, s->hosts, s->nhosts, addr, &val,
			   &needed, e->err, sizeof(e->err));
	if (r < 0)
		return r;
	make_key(&k, s->slot, s->gen, addr, 128);
	if (!needed) {
		if (have) {
			if (bpf_map_delete_elem(fd, &k) == 0 && e->nprefixes)
				e->nprefixes--;
			*have = s->keys[--s->nkeys];
		}
		return new_epoch(e, s);
	}
	if (!have && e->nprefixes >= TG_MAX_PREFIXES)
		return eg_fail(e, -ENOSPC, "the trie is full");
	if (bpf_map_update_elem(fd, &k, &val, BPF_ANY) < 0)
		return eg_fail(e, -errno, "tg_rules: %s", strerror(errno));
	if (!have) {
		if (key_push(&s->keys, &s->nkeys, &s->capkeys, addr, 128) < 0)
			return -ENOMEM;
		e->nprefixes++;
	}
	return new_epoch(e, s);
}

static int host_sess(struct egress *e, uint64_t cgid, struct eg_sess **ret)
{
	struct eg_sess *s = eg_sess_find(e, cgid);

	if (!s)
		return eg_fail(e, -ENOENT, "no session %llu",
			       (unsigned long long)cgid);
	if (!s->rules_known)
		return eg_fail(e, -ESTALE,
			       "session %llu was adopted: set its rules first",
			       (unsigned long long)cgid);
	*ret = s;
	return 0;
}

static bool host_same(const struct egress_host *a, const struct egress_host *b)
{
	return !memcmp(a->addr, b->addr, 16) && a->rule == b->rule &&
	       a->exclude == b->exclude && a->protos == b->protos &&
	       a->port_lo == b->port_lo && a->port_hi == b->port_hi;
}

int egress_host_add(struct egress *e, uint64_t cgid,
		    const struct egress_host *h, uint32_t ttl_s)
{
	struct ec_host nh = {.h = *h}, old;
	struct egress_rule chk = {.plen = 128,
				  .protos = h->protos,
				  .action = h->action,
				  .exclude = h->exclude,
				  .port_lo = h->port_lo,
				  .port_hi = h->port_hi,
				  .rule = h->rule};
	struct eg_sess *s;
	size_t i;
	int r;

	if ((r = host_sess(e, cgid, &s)) < 0)
		return r;
	memcpy(chk.addr, h->addr, 16);
	if ((r = ec_check_rules(&chk, 1, e->err, sizeof(e->err))) < 0)
		return r;
	nh.expires = ttl_s ? eg_now_s() + ttl_s : 0;
	/* one entry per (address, rule, protocols, ports, exclusion): a rule
	 * with several port ranges adds one each; a repeat renews its TTL */
	for (i = 0; i < s->nhosts; i++)
		if (host_same(&s->hosts[i].h, h))
			break;
	bool added = i == s->nhosts;
	if (added) {
		if (s->nhosts >= EG_MAX_HOSTS)
			return eg_fail(e, -ENOSPC,
				       "more than %d host addresses",
				       EG_MAX_HOSTS);
		if (tg_grow((void **)&s->hosts, &s->caphosts, s->nhosts + 1,
			    sizeof(*s->hosts)) < 0)
			return -ENOMEM;
		s->nhosts++;
	} else {
		old = s->hosts[i];
	}
	s->hosts[i] = nh;
	r = host_prefix_sync(e, s, h->addr);
	if (r < 0) {
		/* back to what the kernel still has */
		if (added)
			s->nhosts--;
		else
			s->hosts[i] = old;
	}
	return r;
}

int egress_host_remove(struct egress *e, uint64_t cgid, const uint8_t addr[16],
		       uint32_t rule)
{
	struct eg_sess *s;
	bool found = false;
	int r;

	if ((r = host_sess(e, cgid, &s)) < 0)
		return r;
	for (size_t i = 0; i < s->nhosts;) {
		if (!memcmp(s->hosts[i].h.addr, addr, 16) &&
		    (rule == EGRESS_ALL_RULES || s->hosts[i].h.rule == rule)) {
			s->hosts[i] = s->hosts[--s->nhosts];
			found = true;
		} else {
			i++;
		}
	}
	if (!found)
		return -ENOENT;
	return host_prefix_sync(e, s, addr);
}

int egress_refresh(struct egress *e)
{
	uint32_t now = eg_now_s();
	int dropped = 0, r = 0;

	for (size_t si = 0; si < e->nsess; si++) {
		struct eg_sess *s = &e->sess[si];
		for (size_t i = 0; i < s->nhosts;) {
			struct ec_host *h = &s->hosts[i];
			uint8_t addr[16];
			if (!h->expires || h->expires > now) {
				i++;
				continue;
			}
			memcpy(addr, h->h.addr, 16);
			*h = s->hosts[--s->nhosts];
			dropped++;
			if (s->rules_known) {
				int q = host_prefix_sync(e, s, addr);
				if (q < 0 && !r)
					r = q;
			}
		}
	}
	return r < 0 ? r : dropped;
}
