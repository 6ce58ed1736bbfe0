/* SPDX-License-Identifier: MIT */
/*
 * egress_sessprogs: the programs attached to a session's own cgroup, only
 * for the sessions that need them: the packet programs (cgroup_skb egress
 * and ingress: the rate, the totals, the byte counters) for sessions with
 * egress_rate, egress_total or ingress_total, and TCP pacing (sockops)
 * for sessions with egress_rate.
 *
 * Why not on the parent like the others: a program attached to the parent
 * runs for every packet and TCP event of every session, and a run costs
 * even when it leaves at its first instruction. Measured (bench_bpf, the
 * same process alternating between cgroups, medians of three runs): a
 * session's connect+close 1.053x and loopback throughput 1.052x with them
 * on the parent, 1.012x and 0.995x without. A session without those limits
 * has nothing for them to do but count bytes; its byte counters are "off"
 * (egress_counters says so, and policyctl shows it), its connect,
 * refusal and socket counters are kept by the parent's programs.
 *
 * Nothing is weakened by this: the packet programs never refused
 * anything for a session without limits (a cgroup under the parent that
 * is no session is refused its sockets by sock_create and connect4/6,
 * which stay on the parent), and the session's sub-cgroups inherit its
 * programs (BPF_F_ALLOW_MULTI, which is what a link attaches with).
 *
 * Links, pinned as link_s<cgid>_<program> when the layer is pinned, so a
 * restarted policyd adopts them like the parent's (one BPF_LINK_UPDATE
 * each: never a moment without them).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "egress_internal.h"
#include "tg_egress.skel.h"
#include "util.h"

static const char *const sessprog_name[EG_NSESSPROGS] = {
    "tg_skb_egress", "tg_skb_ingress", "tg_sockops"};

int eg_sessprog_index(const char *name)
{
	for (int i = 0; i < EG_NSESSPROGS; i++)
		if (!strcmp(name, sessprog_name[i]))
			return i;
	return -1;
}

bool eg_sess_counts_packets(const struct tg_sess_cfg *c)
{
	return c->rate_scaled || c->egress_total || c->ingress_total;
}

/* The programs cfg wants, a bit per sessprog_name. */
static unsigned wanted(const struct tg_sess_cfg *c)
{
	unsigned w = 0;

	if (eg_sess_counts_packets(c))
		w |= 1u << 0 | 1u << 1;
	if (c->rate_scaled)
		w |= 1u << 2;
	return w;
}

static int link_pin(const struct egress *e, uint64_t cgid, int k, char *buf,
		    size_t bufsz)
{
	int n = snprintf(buf, bufsz, "%s/link_s%llu_%s", e->pin_dir,
			 (unsigned long long)cgid, sessprog_name[k]);
	return n < 0 || (size_t)n >= bufsz ? -ENAMETOOLONG : 0;
}

/* The session's cgroup by its id (a cgroup2 file handle: the id is the
 * handle). Needs CAP_DAC_READ_SEARCH, which the layer's user has. */
static int open_cgroup(const struct egress *e, uint64_t cgid)
{
	struct {
		struct file_handle fh;
		uint64_t id;
	} h = {.fh = {.handle_bytes = sizeof(uint64_t),
		      .handle_type = 0xfe /* FILEID_KERNFS */},
	       .id = cgid};
	int fd = open_by_handle_at(e->cg_fd, &h.fh, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* A link pinned by an earlier run for this session: takes it over with
 * our program. -ENOENT: none. */
static int adopt(struct eg_sess *s, int k, struct bpf_program *prog,
		 const char *pin)
{
	struct bpf_link *l = bpf_link__open(pin);
	int r;

	if (!l)
		return -errno;
	r = bpf_link__update_program(l, prog);
	if (r < 0) {
		bpf_link__destroy(l);
		return r;
	}
	s->plinks[k] = l;
	return 0;
}

static int attach_one(struct egress *e, struct eg_sess *s, int k, int cg)
{
	struct bpf_program *prog =
	    bpf_object__find_program_by_name(e->skel->obj, sessprog_name[k]);
	char pin[PATH_MAX];
	int r;

	if (!prog || !bpf_program__autoload(prog))
		return 0; /* not loaded (tg_sockops is optional) */
	if (e->pinned) {
		if ((r = link_pin(e, s->cgid, k, pin, sizeof(pin))) < 0)
			return r;
		r = adopt(s, k, prog, pin);
		if (r != -ENOENT)
			return r < 0
				   ? eg_fail(e, r, "%s: %s", pin, strerror(-r))
				   : 0;
	}
	s->plinks[k] = bpf_program__attach_cgroup(prog, cg);
	if (!s->plinks[k]) {
		r = -errno;
		return eg_fail(e, r, "attaching %s to session %llu: %s",
			       sessprog_name[k], (unsigned long long)s->cgid,
			       strerror(-r));
	}
	if (e->pinned && (r = bpf_link__pin(s->plinks[k], pin)) < 0) {
		bpf_link__destroy(s->plinks[k]);
		s->plinks[k] = NULL;
		return eg_fail(e, r, "%s: %s", pin, strerror(-r));
	}
	return 0;
}

static void drop_one(struct eg_sess *s, int k, bool detach)
{
	if (!s->plinks[k])
		return;
	if (detach) {
		bpf_link__unpin(s->plinks[k]);
		bpf_link__detach(s->plinks[k]);
	}
	bpf_link__destroy(s->plinks[k]);
	s->plinks[k] = NULL;
}

/* The session's cgroup cannot be opened. Gone (its session ended while
 * no policyd ran: adopted from the maps): no process can be in it, and
 * the kernel detached its links; their pins go. Else an error. */
static int gone(struct egress *e, struct eg_sess *s, int r)
{
	char pin[PATH_MAX];

	if (r != -ESTALE && r != -ENOENT)
		return eg_fail(e, r, "session %llu's cgroup: %s",
			       (unsigned long long)s->cgid, strerror(-r));
	for (int k = 0; k < EG_NSESSPROGS && e->pinned; k++)
		if (link_pin(e, s->cgid, k, pin, sizeof(pin)) == 0)
			unlink(pin);
	return 0;
}

int eg_sessprogs_sync(struct egress *e, struct eg_sess *s,
		      const struct tg_sess_cfg *cfg, bool detach)
{
	unsigned want = wanted(cfg);
	_cleanup_close_ int cg = -1;
	int r;

	for (int k = 0; k < EG_NSESSPROGS; k++) {
		if (!(want & (1u << k))) {
			char pin[PATH_MAX];
			/* a pinned one not ours yet (an earlier policyd
			 * that stopped between attaching and switching) */
			if (!s->plinks[k] && detach && e->pinned &&
			    link_pin(e, s->cgid, k, pin, sizeof(pin)) == 0)
				s->plinks[k] = bpf_link__open(pin);
			drop_one(s, k, detach);
			continue;
		}
		if (s->plinks[k])
			continue;
		if (cg < 0 && (cg = open_cgroup(e, s->cgid)) < 0)
			return gone(e, s, cg);
		if ((r = attach_one(e, s, k, cg)) < 0)
			return r;
	}
	return 0;
}

void eg_sessprogs_release(struct eg_sess *s, bool detach)
{
	for (int k = 0; k < EG_NSESSPROGS; k++)
		drop_one(s, k, detach);
}

void eg_sessprogs_drop_parent_pins(struct egress *e)
{
	char p[PATH_MAX];

	if (!e->pinned)
		return;
	for (int k = 0; k < EG_NSESSPROGS; k++) {
		snprintf(p, sizeof(p), "%s/link_%s", e->pin_dir,
			 sessprog_name[k]);
		int fd = bpf_obj_get(p);
		if (fd < 0)
			continue;
		bpf_link_detach(fd);
		close(fd);
		unlink(p);
	}
}
