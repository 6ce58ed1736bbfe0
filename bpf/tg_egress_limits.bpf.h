/* SPDX-License-Identifier: (MIT OR GPL-2.0) */
/*
 * tg_egress_limits: the buckets (egress rate, connect_rate), the totals
 * and TCP pacing, for tg_egress.bpf.c's programs.
 */
#ifndef TIERGATE_TG_EGRESS_LIMITS_BPF_H
#define TIERGATE_TG_EGRESS_LIMITS_BPF_H

#include "tg_egress_common.bpf.h"

/* connect_rate: one token per connect; false when the bucket is empty. */
static __always_inline bool conn_take(struct tg_sess_state *st,
				      const struct tg_sess_cfg *cfg)
{
	/* a jiffy's precision is plenty for connects per second */
	__u64 now = bpf_ktime_get_coarse_ns();
	const __s64 one = 1ll << TG_CONN_SHIFT;
	__s64 c;
	bool ok;

	bpf_spin_lock(&st->lock);
	__u64 delta = now - st->conn_ns;
	st->conn_ns = now;
	if (delta >= cfg->conn_fill_ns)
		c = (__s64)cfg->conn_burst_scaled;
	else
		c = st->conn_credit + (__s64)(delta * cfg->conn_rate_scaled);
	if (c > (__s64)cfg->conn_burst_scaled)
		c = (__s64)cfg->conn_burst_scaled;
	ok = c >= one;
	if (ok)
		c -= one;
	st->conn_credit = c;
	bpf_spin_unlock(&st->lock);
	return ok;
}

/* ------------------------------------------------------------- packets */

/* The packet's TCP socket, or NULL. */
static __always_inline struct bpf_sock *skb_tcp_sock(struct __sk_buff *skb)
{
	struct bpf_sock *sk = skb->sk;

	if (!sk)
		return NULL;
	sk = bpf_sk_fullsock(sk);
	return sk && sk->protocol == IPPROTO_TCP ? sk : NULL;
}

/*
 * The egress bucket (HBM): credit refills at the rate up to the burst;
 * a packet takes its length. Below zero a TCP packet still passes but
 * with a congestion notification (return 3: the stack's tcp_enter_cwr
 * halves the window) until the credit is queue_scaled below zero; then
 * it is dropped with the notification (2: TCP keeps it queued and
 * retries, no loss is seen on the wire). Other protocols are dropped as
 * soon as the credit is spent.
 */
static __always_inline int bucket(struct tg_sess_state *st,
				  const struct tg_sess_cfg *cfg, __u32 len,
				  bool tcp, __s64 *ret_credit)
{
	__u64 now = bpf_ktime_get_ns();
	__s64 cost = (__s64)len << TG_RATE_SHIFT;
	int ret = 1;
	__s64 c;

	bpf_spin_lock(&st->lock);
	__u64 delta = now - st->credit_ns;
	st->credit_ns = now;
	if (delta >= cfg->fill_ns)
		c = (__s64)cfg->burst_scaled;
	else
		c = st->credit + (__s64)(delta * cfg->rate_scaled);
	if (c > (__s64)cfg->burst_scaled)
		c = (__s64)cfg->burst_scaled;
	c -= cost;
	if (c < 0) {
		if (tcp && c >= -queue_scaled) {
			ret = 3;
		} else {
			c += cost; /* not sent: no credit taken */
			ret = tcp ? 2 : 0;
		}
	}
	st->credit = c;
	bpf_spin_unlock(&st->lock);
	*ret_credit = c;
	return ret;
}

/* The burst is nearly spent: this TCP socket is to pace itself from its
 * next RTT sample on (tg_sockops). Made once per socket, only for
 * sockets that reach the limit: sockets that never do cost nothing. */
static __always_inline void tag_for_pacing(struct bpf_sock *sk, __u64 sess)
{
	struct tg_sock *t =
	    bpf_sk_storage_get(&tg_sock, sk, 0, BPF_SK_STORAGE_GET_F_CREATE);

	if (t && !t->cgid)
		t->cgid = sess;
}

/* Adds len to *counter unless that passes total; false when it would
 * (the first time, one event). */
static __always_inline bool within_total(__u64 *counter, __u64 total, __u32 len,
					 __u32 *spent, struct ev_args *ev)
{
	__u64 old;

	if (!total)
		return true;
	if (*spent) /* spent: nothing more, whatever its size */
		return false;
	old = __sync_fetch_and_add(counter, len);
	if (old + len <= total)
		return true;
	__sync_fetch_and_sub(counter, len);
	if (__sync_lock_test_and_set(spent, 1) == 0) {
		ev->value = old;
		emit(ev);
	}
	return false;
}

/* A packet counts when the session limits loopback or it is not on lo:
 * the common case of a local server leaves at the first instruction. */
static __always_inline bool skb_counted(struct __sk_buff *skb)
{
	return limit_loopback || skb->ifindex != LOOPBACK_IFINDEX;
}

/* ------------------------------------------------------------- pacing */

/*
 * The bucket alone costs a TCP flow dearly: a dropped packet is kept by
 * TCP and sent again from its probe timer (200 ms and more), and at a
 * veth's or a LAN's RTT a halved window slows nothing. So a TCP socket of
 * a rate-limited session paces itself (SO_MAX_PACING_RATE, TCP's own
 * pacing, with any qdisc) at the session's rate once the session's burst
 * is nearly spent (an eighth left), and stops pacing when the bucket is
 * nearly full again: bursts stay bursts, a long transfer runs smoothly at
 * the rate, and the bucket remains the cap (several flows, a program that
 * sets the option itself). The packet path tags a socket when the burst
 * is nearly spent; its RTT samples (BPF_SOCK_OPS_RTT_CB) then decide.
 */
static __always_inline void set_pacing(struct bpf_sock_ops *ops, __u64 rate)
{
	/* an int for this option; ~0U is "no limit" */
	int r = rate && rate < 0x7fffffff ? (int)rate : -1;

	bpf_setsockopt(ops, SOL_SOCKET, SO_MAX_PACING_RATE, &r, sizeof(r));
}

static __always_inline void pace_adjust(struct bpf_sock_ops *ops,
					struct tg_sock *t)
{
	struct tg_sess_state *st = bpf_map_lookup_elem(&tg_state, &t->cgid);
	struct tg_sess_cfg *cfg = bpf_map_lookup_elem(&tg_sess, &t->cgid);
	__s64 c, burst, low;
	__u64 delta;

	if (!cfg || !st || !cfg->pace_rate) {
		if (t->paced) {
			set_pacing(ops, 0);
			t->paced = 0;
		}
		return;
	}
	burst = (__s64)cfg->burst_scaled;
	low = (__s64)(cfg->burst_scaled >> 3); /* no signed division in BPF */
	/* the credit as the next packet would find it (not written) */
	delta = bpf_ktime_get_ns() - st->credit_ns;
	if (delta >= cfg->fill_ns)
		c = burst;
	else
		c = st->credit + (__s64)(delta * cfg->rate_scaled);
	if (!t->paced && c < low) {
		set_pacing(ops, cfg->pace_rate);
		t->paced = 1;
	} else if (t->paced && c >= burst - low) {
		set_pacing(ops, 0);
		t->paced = 0;
	}
}

#endif
