/* SPDX-License-Identifier: MIT */
/* dnsproxy: the DNS forwarder's message logic (see the header). */
#include "dnsproxy.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "dnsmsg.h"

#define MAX_CHAIN 8	  /* names followed through CNAMEs */
#define UPSTREAM_UDP 1232 /* the OPT size we ask upstream for, at most */
#define OPT_LEN 11

struct pending {
	bool used;
	bool edns, dnssec_ok;
	uint16_t up_id, client_id, client_flags, client_udp;
	uint64_t t_ms;
	void *session;
	struct dnsproxy_client client;
	struct dns_question q;
};

/* The answer section's records (their offsets), read once. */
struct answers {
	struct dns_rr rr[DNS_MAX_RRS];
	int n;
};

struct dnsproxy {
	struct dnsproxy_ops ops;
	struct dnsproxy_opts o;
	struct pending *v;
	unsigned n;
	uint64_t rng;
	struct answers ans; /* scratch for dnsproxy_answer */
};

static uint16_t rnd16(struct dnsproxy *p)
{
	/* xorshift64*: IDs an observer cannot guess from earlier ones
	 * without seeing many; seeded from getrandom */
	p->rng ^= p->rng >> 12;
	p->rng ^= p->rng << 25;
	p->rng ^= p->rng >> 27;
	return (uint16_t)((p->rng * 0x2545F4914F6CDD1Dull) >> 48);
}

int dnsproxy_new(const struct dnsproxy_ops *ops,
		 const struct dnsproxy_opts *opts, struct dnsproxy **ret)
{
	struct dnsproxy *p;

	if (!ops || !ops->decide || !ops->learn)
		return -EINVAL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->ops = *ops;
	if (opts)
		p->o = *opts;
	if (!p->o.min_ttl)
		p->o.min_ttl = 5;
	if (!p->o.max_ttl)
		p->o.max_ttl = 86400;
	if (p->o.max_ttl < p->o.min_ttl)
		p->o.max_ttl = p->o.min_ttl;
	if (!p->o.timeout_ms)
		p->o.timeout_ms = 5000;
	if (!p->o.max_pending)
		p->o.max_pending = 256;
	if (p->o.max_pending > 65536)
		p->o.max_pending = 65536;
	p->v = calloc(p->o.max_pending, sizeof(*p->v));
	if (!p->v) {
		free(p);
		return -ENOMEM;
	}
	if (getrandom(&p->rng, sizeof(p->rng), 0) != sizeof(p->rng))
		p->rng = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	p->rng |= 1;
	*ret = p;
	return 0;
}

void dnsproxy_free(struct dnsproxy *p)
{
	if (!p)
		return;
	free(p->v);
	free(p);
}

unsigned dnsproxy_pending(const struct dnsproxy *p)
{
	return p->n;
}

/* An answer made here: the query's header and its question bytes as
 * they came (qend: where the question ends; 0: none could be read). */
static int reply(const uint8_t *msg, const struct dns_hdr *qh, size_t qend,
		 int rcode, uint8_t *out, size_t outsz, size_t *ret_len)
{
	struct dns_hdr h = {
	    .id = qh->id,
	    .flags =
		(uint16_t)(DNS_F_QR |
			   (qh->flags & (DNS_F_OPCODE | DNS_F_RD | DNS_F_CD)) |
			   DNS_F_RA | (uint16_t)rcode),
	    .qd = qend ? 1 : 0,
	};
	size_t n = qend ? qend : DNS_HDR_LEN;

	if (n > outsz)
		return -ENOSPC;
	memcpy(out, msg, n);
	dns_hdr_write(out, &h);
	*ret_len = n;
	return 0;
}

/* The query's additional section: nothing, or one OPT (its UDP size and
 * DO bit are kept; its options are not). */
static int read_opt(const uint8_t *m, size_t len, size_t *off,
		    const struct dns_hdr *h, struct pending *pe)
{
	struct dns_rr rr;
	int r;

	pe->edns = false;
	pe->client_udp = 512;
	if (h->ar == 0)
		return 0;
	if (h->ar > 1)
		return -EBADMSG;
	r = dns_rr_read(m, len, off, &rr);
	if (r < 0 || rr.type != DNS_T_OPT || rr.name[0])
		return -EBADMSG;
	pe->edns = true;
	pe->dnssec_ok = rr.ttl & 0x8000;
	pe->client_udp = rr.rclass < 512 ? 512 : rr.rclass;
	return 0;
}

static struct pending *slot_new(struct dnsproxy *p)
{
	struct pending *free_ = NULL;
	uint16_t id;

	if (p->n >= p->o.max_pending)
		return NULL;
	for (unsigned i = 0; i < p->o.max_pending && !free_; i++)
		if (!p->v[i].used)
			free_ = &p->v[i];
	if (!free_)
		return NULL;
	/* an ID no other waiting query has */
	for (;;) {
		bool taken = false;
		id = rnd16(p);
		for (unsigned i = 0; i < p->o.max_pending && !taken; i++)
			taken = p->v[i].used && p->v[i].up_id == id;
		if (!taken)
			break;
	}
	memset(free_, 0, sizeof(*free_));
	free_->up_id = id;
	return free_;
}

/* Our own query for pe, sent on upstream_fd. */
static int send_upstream(const struct pending *pe, int upstream_fd)
{
	uint8_t q[DNS_HDR_LEN + 256 + 4 + OPT_LEN];
	struct dns_hdr h = {
	    .id = pe->up_id,
	    .flags = (uint16_t)(pe->client_flags & (DNS_F_RD | DNS_F_CD)),
	    .qd = 1,
	    .ar = pe->edns ? 1 : 0};
	int n = dns_msg_start(q, sizeof(q), &h, &pe->q);

	if (n < 0)
		return n;
	if (pe->edns) {
		uint16_t sz = pe->client_udp > UPSTREAM_UDP ? UPSTREAM_UDP
							    : pe->client_udp;
		q[n] = 0;
		dns_put16(q + n + 1, DNS_T_OPT);
		dns_put16(q + n + 3, sz);
		dns_put32(q + n + 5, pe->dnssec_ok ? 0x8000 : 0);
		dns_put16(q + n + 9, 0);
		n += OPT_LEN;
	}
	if (send(upstream_fd, q, (size_t)n, MSG_NOSIGNAL) != n)
		return -errno ? -errno : -EIO;
	return 0;
}

int dnsproxy_query(struct dnsproxy *p, void *session,
		   const struct dnsproxy_client *client, const uint8_t *msg,
		   size_t len, int upstream_fd, uint64_t now_ms, uint8_t *out,
		   size_t outsz, size_t *ret_len)
{
	struct pending tmp = {0}, *pe;
	struct dns_question q;
	struct dns_hdr h;
	size_t off = DNS_HDR_LEN, qend;
	int r;

	if (len > DNS_MAX_MSG || dns_hdr_read(msg, len, &h) < 0 ||
	    (h.flags & DNS_F_QR))
		return -EBADMSG; /* never answer an answer */
	if (h.flags & DNS_F_OPCODE)
		return reply(msg, &h, 0, DNS_R_NOTIMP, out, outsz, ret_len);
	if (h.qd != 1 || h.an || h.ns)
		return reply(msg, &h, 0, DNS_R_FORMERR, out, outsz, ret_len);
	r = dns_question_read(msg, len, &off, true, &q);
	if (r == -EINVAL) {
		/* well formed but no host name: echo it, refuse it */
		off = DNS_HDR_LEN;
		if (dns_question_read(msg, len, &off, false, &q) < 0)
			return reply(msg, &h, 0, DNS_R_FORMERR, out, outsz,
				     ret_len);
		return reply(msg, &h, off, DNS_R_REFUSED, out, outsz, ret_len);
	}
	if (r < 0)
		return reply(msg, &h, 0, DNS_R_FORMERR, out, outsz, ret_len);
	qend = off;
	if (read_opt(msg, len, &off, &h, &tmp) < 0 || off != len)
		return reply(msg, &h, qend, DNS_R_FORMERR, out, outsz, ret_len);
	if (q.qclass != DNS_C_IN)
		return reply(msg, &h, qend, DNS_R_REFUSED, out, outsz, ret_len);
	switch (p->ops.decide(session, q.name, q.qtype)) {
	case DNSPROXY_FORWARD:
		break;
	case DNSPROXY_NXDOMAIN:
		return reply(msg, &h, qend, DNS_R_NXDOMAIN, out, outsz,
			     ret_len);
	case DNSPROXY_REFUSED:
	default: /* an unknown verdict refuses */
		return reply(msg, &h, qend, DNS_R_REFUSED, out, outsz, ret_len);
	}
	pe = slot_new(p);
	if (!pe)
		return reply(msg, &h, qend, DNS_R_SERVFAIL, out, outsz,
			     ret_len);
	pe->edns = tmp.edns;
	pe->dnssec_ok = tmp.dnssec_ok;
	pe->client_udp = tmp.client_udp;
	pe->client_id = h.id;
	pe->client_flags = h.flags;
	pe->t_ms = now_ms;
	pe->session = session;
	pe->client = *client;
	pe->q = q;
	if (send_upstream(pe, upstream_fd) < 0)
		return reply(msg, &h, qend, DNS_R_SERVFAIL, out, outsz,
			     ret_len);
	pe->used = true;
	p->n++;
	*ret_len = 0;
	return 0;
}

static struct pending *find(struct dnsproxy *p, uint16_t id)
{
	for (unsigned i = 0; i < p->o.max_pending; i++)
		if (p->v[i].used && p->v[i].up_id == id)
			return &p->v[i];
	return NULL;
}

static void release(struct dnsproxy *p, struct pending *pe)
{
	pe->used = false;
	p->n--;
}

struct chain {
	char names[MAX_CHAIN][DNS_NAME_BUF];
	int n;
};

static bool in_chain(const struct chain *c, const char *name)
{
	for (int i = 0; i < c->n; i++)
		if (!strcmp(c->names[i], name))
			return true;
	return false;
}

/* Reads every record of the answer: all must be well formed. The answer
 * section's go to a; every TTL past max_ttl is lowered in out. */
static int read_records(const struct dnsproxy *p, const uint8_t *m, size_t len,
			const struct dns_hdr *h, size_t off, struct answers *a,
			uint8_t *out)
{
	unsigned total = (unsigned)h->an + h->ns + h->ar;
	struct dns_rr rr;

	if (total > DNS_MAX_RRS)
		return -E2BIG;
	a->n = 0;
	for (unsigned i = 0; i < total; i++) {
		int r = dns_rr_read(m, len, &off, &rr);
		if (r < 0)
			return r;
		/* an OPT's TTL field holds flags */
		if (rr.type != DNS_T_OPT && rr.ttl > p->o.max_ttl)
			dns_put32(out + rr.ttl_off, p->o.max_ttl);
		if (i < h->an)
			a->rr[a->n++] = rr;
	}
	return off == len ? 0 : -EBADMSG;
}

static int learn_all(struct dnsproxy *p, const struct pending *pe,
		     const uint8_t *m, size_t len, const struct answers *a)
{
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0,    0,
					   0, 0, 0, 0, 0xff, 0xff};
	struct chain c = {.n = 1};
	bool grew = true;

	memcpy(c.names[0], pe->q.name, sizeof(c.names[0]));
	/* the CNAME chain, in whatever order the records come */
	for (int pass = 0; grew && pass < MAX_CHAIN; pass++) {
		grew = false;
		for (int i = 0; i < a->n && c.n < MAX_CHAIN; i++) {
			size_t off = a->rr[i].rdata_off;
			char target[DNS_NAME_BUF];
			if (a->rr[i].type != DNS_T_CNAME ||
			    !in_chain(&c, a->rr[i].name) ||
			    dns_name_read(m, len, &off, false, target) < 0 ||
			    off != a->rr[i].rdata_off + a->rr[i].rdlen ||
			    in_chain(&c, target))
				continue;
			memcpy(c.names[c.n++], target, DNS_NAME_BUF);
			grew = true;
		}
	}
	for (int i = 0; i < a->n; i++) {
		const struct dns_rr *rr = &a->rr[i];
		uint8_t addr[16];
		if (rr->rclass != DNS_C_IN || !in_chain(&c, rr->name))
			continue;
		if (rr->type == DNS_T_A && rr->rdlen == 4) {
			memcpy(addr, mapped, 12);
			memcpy(addr + 12, m + rr->rdata_off, 4);
		} else if (rr->type == DNS_T_AAAA && rr->rdlen == 16) {
			memcpy(addr, m + rr->rdata_off, 16);
		} else {
			continue;
		}
		uint32_t ttl = rr->ttl < p->o.min_ttl	? p->o.min_ttl
			       : rr->ttl > p->o.max_ttl ? p->o.max_ttl
							: rr->ttl;
		if (p->ops.learn(pe->session, pe->q.name, addr, ttl) < 0)
			return -EIO;
	}
	return 0;
}

/* The answer for the program when upstream's cannot be given. */
static int answer_fail(const struct pending *pe, int rcode, bool tc,
		       uint8_t *out, size_t outsz, size_t *ret_len)
{
	struct dns_hdr h = {
	    .id = pe->client_id,
	    .flags = (uint16_t)(DNS_F_QR | DNS_F_RA |
				(pe->client_flags & (DNS_F_RD | DNS_F_CD)) |
				(tc ? DNS_F_TC : 0) | (uint16_t)rcode),
	    .qd = 1,
	};
	int n = dns_msg_start(out, outsz, &h, &pe->q);

	if (n < 0)
		return n;
	*ret_len = (size_t)n;
	return 0;
}

int dnsproxy_answer(struct dnsproxy *p, const uint8_t *msg, size_t len,
		    uint8_t *out, size_t outsz, size_t *ret_len,
		    struct dnsproxy_client *ret_client, void **ret_session)
{
	struct answers *a = &p->ans;
	struct dns_question q;
	struct pending *pe;
	struct dns_hdr h;
	size_t off = DNS_HDR_LEN;
	int r;

	if (len > DNS_MAX_MSG || dns_hdr_read(msg, len, &h) < 0 ||
	    !(h.flags & DNS_F_QR) || !(pe = find(p, h.id)))
		return -ENOENT;
	/* the question must be ours: else it is no answer to us */
	if (h.qd != 1 || dns_question_read(msg, len, &off, false, &q) < 0 ||
	    strcmp(q.name, pe->q.name) || q.qtype != pe->q.qtype ||
	    q.qclass != pe->q.qclass)
		return -ENOENT;
	*ret_client = pe->client;
	*ret_session = pe->session;
	if (len > outsz) {
		r = answer_fail(pe, DNS_R_SERVFAIL, false, out, outsz, ret_len);
		goto done;
	}
	memcpy(out, msg, len);
	if (read_records(p, msg, len, &h, off, a, out) < 0) {
		r = answer_fail(pe, DNS_R_SERVFAIL, false, out, outsz, ret_len);
		goto done;
	}
	if ((h.flags & DNS_F_RCODE) == DNS_R_NOERROR &&
	    learn_all(p, pe, msg, len, a) < 0) {
		r = answer_fail(pe, DNS_R_SERVFAIL, false, out, outsz, ret_len);
		goto done;
	}
	if (!pe->client.tcp && len > pe->client_udp) {
		/* too big for the program's UDP: it retries over TCP */
		r = answer_fail(pe, (h.flags & DNS_F_RCODE), true, out, outsz,
				ret_len);
		goto done;
	}
	dns_put16(out, pe->client_id);
	*ret_len = len;
	r = 0;
done:
	release(p, pe);
	return r;
}

int dnsproxy_expire(struct dnsproxy *p, uint64_t now_ms)
{
	int n = 0;

	for (unsigned i = 0; i < p->o.max_pending; i++) {
		if (p->v[i].used && now_ms - p->v[i].t_ms >= p->o.timeout_ms) {
			release(p, &p->v[i]);
			n++;
		}
	}
	return n;
}

void dnsproxy_forget(struct dnsproxy *p, void *session)
{
	for (unsigned i = 0; i < p->o.max_pending; i++)
		if (p->v[i].used && p->v[i].session == session)
			release(p, &p->v[i]);
}
