/* SPDX-License-Identifier: MIT */
/*
 * egress_adopt: the session table of a layer pinned by an earlier
 * policyd, rebuilt from its maps. The kernel kept enforcing those
 * sessions all along; here the new process learns their slots, trie keys
 * and the host addresses still alive (entries with an expiry), so that
 * the next egress_session_set() replaces them cleanly. Keys of a
 * generation no session uses (an update cut short) and states without a
 * session are deleted.
 */
#include <errno.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#include "egress_internal.h"
#include "util.h"

static struct eg_sess *by_slot(struct egress *e, uint32_t slot_gen)
{
	for (size_t i = 0; i < e->nsess; i++)
		if (e->sess[i].cfg.slot_gen == slot_gen)
			return &e->sess[i];
	return NULL;
}

static int adopt_one(struct egress *e, uint64_t cgid,
		     const struct tg_sess_cfg *cfg)
{
	uint32_t slot = cfg->slot_gen >> 1;

	if (slot >= TG_MAX_SESSIONS ||
	    (e->slots[slot / 8] & (1u << (slot % 8))))
		return -EINVAL;
	if (tg_grow((void **)&e->sess, &e->capsess, e->nsess + 1,
		    sizeof(*e->sess)) < 0)
		return -ENOMEM;
	struct eg_sess *s = &e->sess[e->nsess++];
	memset(s, 0, sizeof(*s));
	s->cgid = cgid;
	s->slot = slot;
	s->gen = cfg->slot_gen & 1;
	s->cfg = *cfg;
	if (cfg->epoch > e->epoch)
		e->epoch = cfg->epoch; /* new epochs go on from there */
	e->slots[slot / 8] |= (uint8_t)(1u << (slot % 8));
	return 0;
}

static int adopt_sessions(struct egress *e)
{
	int fd = eg_map_fd(e, "tg_sess");
	__u64 key, next;
	struct tg_sess_cfg cfg;
	bool first = true;

	while (bpf_map_get_next_key(fd, first ? NULL : &key, &next) == 0) {
		key = next;
		first = false;
		if (bpf_map_lookup_elem(fd, &key, &cfg) < 0)
			continue;
		int r = adopt_one(e, key, &cfg);
		if (r == -ENOMEM)
			return r;
		if (r < 0) /* a slot twice: refuse the cgroup (fail closed) */
			bpf_map_delete_elem(fd, &key);
	}
	return 0;
}

/* States and keys nobody owns are deleted after the walk (deleting
 * during bpf_map_get_next_key would restart it). */
static void drop_orphan_states(struct egress *e)
{
	int fd = eg_map_fd(e, "tg_state");
	__u64 key, next, *del = NULL;
	size_t n = 0, cap = 0;
	bool first = true;

	while (bpf_map_get_next_key(fd, first ? NULL : &key, &next) == 0) {
		key = next;
		first = false;
		if (!eg_sess_find(e, key) &&
		    tg_grow((void **)&del, &cap, n + 1, sizeof(*del)) == 0)
			del[n++] = key;
	}
	for (size_t i = 0; i < n; i++)
		bpf_map_delete_elem(fd, &del[i]);
	free(del);
}

static int adopt_hosts(struct eg_sess *s, const struct tg_rule_val *v,
		       const uint8_t *addr, uint32_t now)
{
	for (__u32 i = 0; i < v->n && i < TG_MAX_ENTRIES; i++) {
		const struct tg_entry *t = &v->e[i];
		if (!t->expires || t->expires <= now)
			continue;
		if (tg_grow((void **)&s->hosts, &s->caphosts, s->nhosts + 1,
			    sizeof(*s->hosts)) < 0)
			return -ENOMEM;
		struct ec_host *h = &s->hosts[s->nhosts++];
		memset(h, 0, sizeof(*h));
		memcpy(h->h.addr, addr, 16);
		h->h.action = t->action;
		h->h.protos = t->protos;
		h->h.port_lo = t->port_lo;
		h->h.port_hi = t->port_hi;
		h->h.rule = t->rule;
		h->expires = t->expires;
	}
	return 0;
}

static int adopt_keys(struct egress *e)
{
	int fd = eg_map_fd(e, "tg_rules");
	struct tg_rule_key key, next, *del = NULL;
	struct tg_rule_val val;
	size_t n = 0, cap = 0;
	uint32_t now = eg_now_s();
	bool first = true;
	int r = 0;

	while (r == 0 &&
	       bpf_map_get_next_key(fd, first ? NULL : &key, &next) == 0) {
		key = next;
		first = false;
		struct eg_sess *s = by_slot(e, key.slot_gen);
		uint8_t plen = (uint8_t)(key.prefixlen - 32);
		if (!s || key.prefixlen < 32 || key.prefixlen > 160) {
			if (tg_grow((void **)&del, &cap, n + 1, sizeof(*del)) ==
			    0)
				del[n++] = key;
			continue;
		}
		if (tg_grow((void **)&s->keys, &s->capkeys, s->nkeys + 1,
			    sizeof(*s->keys)) < 0) {
			r = -ENOMEM;
			break;
		}
		memcpy(s->keys[s->nkeys].addr, key.addr, 16);
		s->keys[s->nkeys++].plen = plen;
		e->nprefixes++;
		if (plen == 128 && bpf_map_lookup_elem(fd, &key, &val) == 0)
			r = adopt_hosts(s, &val, key.addr, now);
	}
	for (size_t i = 0; i < n; i++)
		bpf_map_delete_elem(fd, &del[i]);
	free(del);
	return r;
}

static void adopt_fwdports(struct egress *e)
{
	int fd = eg_map_fd(e, "tg_fwdports");
	__u16 key, next;
	__u8 one = 1;

	while (bpf_map_get_next_key(fd, NULL, &next) == 0) {
		key = next;
		if (bpf_map_delete_elem(fd, &key) < 0)
			break;
	}
	for (size_t i = 0; i < e->nsess; i++)
		if (e->sess[i].cfg.dns_port)
			bpf_map_update_elem(fd, &e->sess[i].cfg.dns_port, &one,
					    BPF_ANY);
	/* the earlier policyd's reserved port went with its socket: the new
	 * one reserves its own (egress_port_reserve) */
	e->reserved_port = 0;
}

int eg_sessions_adopt(struct egress *e)
{
	__u32 zero = 0;
	int r;

	eg_sessions_free(e);
	bpf_map_lookup_elem(eg_map_fd(e, "tg_dns"), &zero, &e->dns);
	if ((r = adopt_sessions(e)) < 0 || (r = adopt_keys(e)) < 0) {
		eg_sessions_free(e);
		return eg_fail(e, r, "adopting the pinned sessions: %s",
			       strerror(-r));
	}
	drop_orphan_states(e);
	adopt_fwdports(e);
	return 0;
}
