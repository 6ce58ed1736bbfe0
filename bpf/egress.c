/* SPDX-License-Identifier: MIT */
/*
 * egress: loading, attaching, pinning and adopting the layer; the DNS
 * settings; events and counters. Sessions and host addresses are in
 * egress_session.c, feature probes in egress_probe.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <dirent.h>

#include "egress_internal.h"
#include "tg_egress.skel.h"
#include "util.h"

#ifndef BPF_FS_MAGIC
#define BPF_FS_MAGIC 0xcafe4a11
#endif
#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

const char *const egress_object_prefix = "tg_";

const struct eg_progdef eg_progs[EG_NPROGS] = {
    {"tg_connect4", BPF_CGROUP_INET4_CONNECT, EGRESS_FT_CONNECT4},
    {"tg_connect6", BPF_CGROUP_INET6_CONNECT, EGRESS_FT_CONNECT6},
    {"tg_sendmsg4", BPF_CGROUP_UDP4_SENDMSG, EGRESS_FT_SENDMSG4},
    {"tg_sendmsg6", BPF_CGROUP_UDP6_SENDMSG, EGRESS_FT_SENDMSG6},
    {"tg_sock_create", BPF_CGROUP_INET_SOCK_CREATE, EGRESS_FT_SOCK_CREATE},
    {"tg_skb_egress", BPF_CGROUP_INET_EGRESS, EGRESS_FT_SKB_EGRESS},
    {"tg_skb_ingress", BPF_CGROUP_INET_INGRESS, EGRESS_FT_SKB_INGRESS},
    {"tg_recvmsg4", BPF_CGROUP_UDP4_RECVMSG, EGRESS_FT_RECVMSG4},
    {"tg_recvmsg6", BPF_CGROUP_UDP6_RECVMSG, EGRESS_FT_RECVMSG6},
    {"tg_peername4", BPF_CGROUP_INET4_GETPEERNAME, EGRESS_FT_GETPEERNAME4},
    {"tg_peername6", BPF_CGROUP_INET6_GETPEERNAME, EGRESS_FT_GETPEERNAME6},
    {"tg_sockops", BPF_CGROUP_SOCK_OPS, EGRESS_FT_SOCK_OPS},
    {"tg_connect_unix", EG_ATTACH_UNIX_CONNECT, EGRESS_FT_CONNECT_UNIX},
    {"tg_sendmsg_unix", EG_ATTACH_UNIX_SENDMSG, EGRESS_FT_SENDMSG_UNIX},
};

/* Maps that are pinned (and adopted): all but the per-load rodata. */
static const char *const pinned_maps[] = {
    "tg_sess",	 "tg_state",	"tg_cnt",  "tg_rules", "tg_exact",  "tg_dns",
    "tg_resolv", "tg_fwdports", "tg_orig", "tg_sock",  "tg_events", "tg_global",
};

/* libbpf's messages: kept (the last one) for egress_error(), never
 * printed; a library does not log. */
static char libbpf_last[256];

static int libbpf_quiet(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	if (level == LIBBPF_WARN) {
		vsnprintf(libbpf_last, sizeof(libbpf_last), fmt, ap);
		libbpf_last[strcspn(libbpf_last, "\n")] = '\0';
	}
	return 0;
}

int eg_fail(struct egress *e, int r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->err, sizeof(e->err), fmt, ap);
	va_end(ap);
	return r;
}

const char *egress_error(const struct egress *e)
{
	return e->err;
}

/* The kernel compares expiries with its coarse CLOCK_MONOTONIC (a
 * jiffy behind at most). */
uint32_t eg_now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint32_t)ts.tv_sec;
}

int eg_map_fd(const struct egress *e, const char *name)
{
	return bpf_object__find_map_fd_by_name(e->skel->obj, name);
}

int egress_new(const struct egress_opts *opts, struct egress **ret)
{
	struct egress *e = calloc(1, sizeof(*e));

	if (!e)
		return -ENOMEM;
	if (opts && opts->pin_dir) {
		if (strlen(opts->pin_dir) + 32 >= sizeof(e->pin_dir)) {
			free(e);
			return -ENAMETOOLONG;
		}
		snprintf(e->pin_dir, sizeof(e->pin_dir), "%s", opts->pin_dir);
		e->pinned = true;
	}
	e->queue_bytes =
	    opts && opts->tcp_queue_bytes ? opts->tcp_queue_bytes : 256 * 1024;
	e->limit_loopback = opts && opts->limit_loopback;
	e->cg_fd = -1;
	libbpf_set_print(libbpf_quiet);
	*ret = e;
	return 0;
}

int egress_cgroup_id(const char *path, uint64_t *ret)
{
	struct {
		struct file_handle fh;
		uint64_t id;
	} h;
	int mnt;

	h.fh.handle_bytes = sizeof(h.id);
	if (name_to_handle_at(AT_FDCWD, path, &h.fh, &mnt, 0) < 0)
		return -errno;
	if (h.fh.handle_bytes != sizeof(h.id))
		return -EINVAL;
	*ret = h.id;
	return 0;
}

/*
 * The depth of dir below the root of its cgroup2 mount (the root is 0):
 * the parent's level as the kernel counts it, unless the mount is a
 * cgroup namespace's view (the programs then search, and count it in
 * level_mismatch).
 */
static int cgroup_depth(const char *dir, uint32_t *ret)
{
	char p[PATH_MAX];
	struct statfs sf;
	struct stat st, up;
	uint32_t depth = 0;

	if (!realpath(dir, p))
		return -errno;
	if (statfs(p, &sf) < 0)
		return -errno;
	if (sf.f_type != CGROUP2_SUPER_MAGIC)
		return -ENOTDIR;
	if (stat(p, &st) < 0)
		return -errno;
	for (;;) {
		char *slash = strrchr(p, '/');
		if (!slash || slash == p)
			break;
		*slash = '\0';
		if (stat(p, &up) < 0 || up.st_dev != st.st_dev)
			break;
		depth++;
	}
	*ret = depth;
	return 0;
}

static int check_features(struct egress *e)
{
	for (int i = 0; i <= EGRESS_FT_REQUIRED_LAST; i++)
		if (e->ft.err[i])
			return eg_fail(e, -EOPNOTSUPP, "%s: %s",
				       egress_feature_name(i), e->ft.why[i]);
	return 0;
}

/* Optional programs the kernel cannot take are not loaded. */
static void choose_programs(struct egress *e)
{
	for (int i = 0; i < EG_NPROGS; i++) {
		struct bpf_program *p = bpf_object__find_program_by_name(
		    e->skel->obj, eg_progs[i].name);
		bool ok = !e->ft.err[eg_progs[i].ft];
		if (!p)
			continue;
		if (eg_progs[i].attach == EG_ATTACH_UNIX_CONNECT ||
		    eg_progs[i].attach == EG_ATTACH_UNIX_SENDMSG) {
			ok = ok && !e->ft.err[EGRESS_FT_KERN_CTX];
			/* this libbpf does not know the section names */
			bpf_program__set_expected_attach_type(
			    p, (enum bpf_attach_type)eg_progs[i].attach);
		}
		bpf_program__set_autoload(p, ok);
	}
}

static int pin_path(const struct egress *e, const char *pfx, const char *name,
		    char *buf, size_t bufsz)
{
	int n = snprintf(buf, bufsz, "%s/%s%s", e->pin_dir, pfx, name);
	return n < 0 || (size_t)n >= bufsz ? -ENAMETOOLONG : 0;
}

static int prepare_pins(struct egress *e, bool *ret_adopt)
{
	struct statfs sf;
	char p[PATH_MAX];

	if (mkdir(e->pin_dir, 0700) < 0 && errno != EEXIST)
		return eg_fail(e, -errno, "%s: %s", e->pin_dir,
			       strerror(errno));
	if (statfs(e->pin_dir, &sf) < 0)
		return eg_fail(e, -errno, "%s: %s", e->pin_dir,
			       strerror(errno));
	if (sf.f_type != BPF_FS_MAGIC)
		return eg_fail(e, -ENOTSUP,
			       "%s is not on a bpf file system (mount -t bpf "
			       "bpf /sys/fs/bpf)",
			       e->pin_dir);
	for (size_t i = 0; i < TG_ARRAY_SIZE(pinned_maps); i++) {
		struct bpf_map *m =
		    bpf_object__find_map_by_name(e->skel->obj, pinned_maps[i]);
		int r = pin_path(e, "", pinned_maps[i], p, sizeof(p));
		if (r < 0 || !m)
			return eg_fail(e, r < 0 ? r : -ENOENT, "pin path");
		r = bpf_map__set_pin_path(m, p);
		if (r < 0)
			return eg_fail(e, r, "%s: %s", p, strerror(-r));
	}
	pin_path(e, "", "tg_sess", p, sizeof(p));
	*ret_adopt = access(p, F_OK) == 0;
	return 0;
}

/* A link pinned by an earlier run: replace its program with ours (one
 * atomic step for the hook: never unenforced). */
static int adopt_link(struct egress *e, int i, struct bpf_program *prog,
		      uint64_t parent_cgid, const char *path)
{
	struct bpf_link_info info;
	__u32 len = sizeof(info);
	struct bpf_link *l;
	int r;

	l = bpf_link__open(path);
	if (!l)
		return eg_fail(e, -errno, "%s: %s", path, strerror(errno));
	memset(&info, 0, sizeof(info));
	r = bpf_obj_get_info_by_fd(bpf_link__fd(l), &info, &len);
	if (r < 0 || info.type != BPF_LINK_TYPE_CGROUP ||
	    info.cgroup.cgroup_id != parent_cgid) {
		/* closes our descriptor; the pin keeps the link */
		bpf_link__destroy(l);
		return eg_fail(e, -EEXIST,
			       "%s is attached to another cgroup: stop that "
			       "layer first (egress_unpin)",
			       path);
	}
	r = bpf_link__update_program(l, prog);
	if (r < 0) {
		bpf_link__destroy(l);
		return eg_fail(e, r, "%s: replacing the program: %s", path,
			       strerror(-r));
	}
	e->links[i] = l;
	e->adopted[i] = true;
	return 0;
}

static int attach_all(struct egress *e, const char *parent_dir,
		      uint64_t parent_cgid)
{
	_cleanup_close_ int cg =
	    open(parent_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	char p[PATH_MAX];

	if (cg < 0)
		return eg_fail(e, -errno, "%s: %s", parent_dir,
			       strerror(errno));
	for (int i = 0; i < EG_NPROGS; i++) {
		struct bpf_program *prog = bpf_object__find_program_by_name(
		    e->skel->obj, eg_progs[i].name);
		bool have_pin = false;
		int r;

		if (eg_sessprog_index(eg_progs[i].name) >= 0)
			continue; /* per session (egress_sessprogs.c) */
		if (e->pinned) {
			pin_path(e, "link_", eg_progs[i].name, p, sizeof(p));
			have_pin = access(p, F_OK) == 0;
		}
		if (!prog || !bpf_program__autoload(prog)) {
			if (have_pin)
				unlink(p); /* not ours any more */
			continue;
		}
		if (have_pin) {
			r = adopt_link(e, i, prog, parent_cgid, p);
			if (r < 0)
				return r;
			continue;
		}
		e->links[i] = bpf_program__attach_cgroup(prog, cg);
		if (!e->links[i]) {
			r = -errno;
			return eg_fail(e, r, "attaching %s: %s",
				       eg_progs[i].name, strerror(-r));
		}
		if (e->pinned && (r = bpf_link__pin(e->links[i], p)) < 0)
			return eg_fail(e, r, "%s: %s", p, strerror(-r));
	}
	return 0;
}

static int on_ring(void *ctx, void *data, size_t size);

static void unpin_maps(struct egress *e)
{
	char p[PATH_MAX];

	for (size_t i = 0; i < TG_ARRAY_SIZE(pinned_maps); i++)
		if (pin_path(e, "", pinned_maps[i], p, sizeof(p)) == 0)
			unlink(p);
}

int egress_start(struct egress *e, const char *parent_dir)
{
	uint64_t parent_cgid;
	uint32_t depth;
	bool adopt = false;
	int r;

	if (e->started)
		return eg_fail(e, -EALREADY, "already started");
	egress_probe(parent_dir, &e->ft);
	if ((r = check_features(e)) < 0)
		return r;
	if ((r = egress_cgroup_id(parent_dir, &parent_cgid)) < 0 ||
	    (r = cgroup_depth(parent_dir, &depth)) < 0)
		return eg_fail(e, r, "%s: not a cgroup v2 directory: %s",
			       parent_dir, strerror(-r));
	e->skel = tg_egress__open();
	if (!e->skel)
		return eg_fail(e, -errno, "opening the BPF object: %s",
			       libbpf_last);
	e->skel->rodata->parent_cgid = parent_cgid;
	e->skel->rodata->session_level = depth + 1;
	e->skel->rodata->queue_scaled = (__s64)e->queue_bytes << TG_RATE_SHIFT;
	e->skel->rodata->limit_loopback = e->limit_loopback;
	choose_programs(e);
	if (e->pinned && (r = prepare_pins(e, &adopt)) < 0)
		goto fail;
	r = tg_egress__load(e->skel);
	if (r < 0) {
		eg_fail(e, r, "loading: %s (%s)", strerror(-r), libbpf_last);
		goto fail;
	}
	e->cg_fd = open(parent_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (e->cg_fd < 0) {
		r = eg_fail(e, -errno, "%s: %s", parent_dir, strerror(errno));
		goto fail;
	}
	if ((r = attach_all(e, parent_dir, parent_cgid)) < 0)
		goto fail;
	e->rb = ring_buffer__new(eg_map_fd(e, "tg_events"), on_ring, e, NULL);
	if (!e->rb) {
		r = eg_fail(e, -errno, "ring buffer: %s", strerror(errno));
		goto fail;
	}
	if (adopt && (r = eg_sessions_adopt(e)) < 0)
		goto fail;
	for (size_t i = 0; i < e->nsess; i++)
		if ((r = eg_sessprogs_sync(e, &e->sess[i], &e->sess[i].cfg,
					   true)) < 0)
			goto fail;
	/* after the sessions have theirs: never a moment without */
	eg_sessprogs_drop_parent_pins(e);
	e->started = true;
	return 0;
fail:
	/* What this call made goes (links, and the pins of a fresh layer);
	 * an adopted layer stays pinned and attached (a link already
	 * switched to our program works with the same maps). Destroying a
	 * link closes our descriptor: only its pin can keep it. */
	for (int i = 0; i < EG_NPROGS; i++) {
		if (e->links[i] && e->pinned && !e->adopted[i])
			bpf_link__unpin(e->links[i]);
		bpf_link__destroy(e->links[i]);
		e->links[i] = NULL;
		e->adopted[i] = false;
	}
	for (size_t i = 0; i < e->nsess; i++)
		eg_sessprogs_release(&e->sess[i], !e->pinned);
	eg_sessions_free(e);
	if (e->pinned && !adopt && e->skel)
		unpin_maps(e);
	if (e->cg_fd >= 0)
		close(e->cg_fd);
	e->cg_fd = -1;
	ring_buffer__free(e->rb);
	e->rb = NULL;
	tg_egress__destroy(e->skel);
	e->skel = NULL;
	return r;
}

const struct egress_features *egress_features(const struct egress *e)
{
	return &e->ft;
}

static void release(struct egress *e, bool remove)
{
	/* a link that is not pinned goes with its descriptor anyway */
	for (size_t i = 0; i < e->nsess; i++)
		eg_sessprogs_release(&e->sess[i], remove);
	if (e->cg_fd >= 0)
		close(e->cg_fd);
	e->cg_fd = -1;
	for (int i = 0; i < EG_NPROGS; i++) {
		if (!e->links[i])
			continue;
		if (remove) {
			if (e->pinned)
				bpf_link__unpin(e->links[i]);
			bpf_link__detach(e->links[i]);
		}
		/* closes our descriptor (a pinned link stays) */
		bpf_link__destroy(e->links[i]);
		e->links[i] = NULL;
		e->adopted[i] = false;
	}
	ring_buffer__free(e->rb);
	e->rb = NULL;
	if (remove && e->pinned && e->skel) {
		unpin_maps(e);
		rmdir(e->pin_dir);
	}
	tg_egress__destroy(e->skel);
	e->skel = NULL;
	eg_sessions_free(e);
	e->started = false;
}

int egress_stop(struct egress *e)
{
	if (!e->started)
		return eg_fail(e, -EINVAL, "not started");
	release(e, true);
	return 0;
}

void egress_free(struct egress *e)
{
	if (!e)
		return;
	if (e->started)
		release(e, !e->pinned);
	free(e);
}

/* Links are detached before their pins go (another process may hold
 * them open); the names are read first: unlinking while reading a
 * directory can skip entries. */
static int unpin_round(const char *pin_dir, int *ret_n)
{
	char names[64][NAME_MAX + 1];
	struct dirent *de;
	int n = 0, r = 0;
	DIR *d = opendir(pin_dir);

	if (!d)
		return -errno;
	while ((de = readdir(d)) && n < 64)
		if (de->d_name[0] != '.')
			snprintf(names[n++], sizeof(names[0]), "%s",
				 de->d_name);
	closedir(d);
	for (int i = 0; i < n; i++) {
		char p[PATH_MAX + NAME_MAX + 2];
		snprintf(p, sizeof(p), "%.*s/%.255s", PATH_MAX - 1, pin_dir,
			 names[i]);
		if (!strncmp(names[i], "link_", 5)) {
			int fd = bpf_obj_get(p);
			if (fd >= 0) {
				bpf_link_detach(fd);
				close(fd);
			}
		}
		if (unlink(p) < 0 && !r)
			r = -errno;
	}
	*ret_n = n;
	return r;
}

int egress_unpin(const char *pin_dir)
{
	int n = 0, r;

	/* 64 names a round: sessions' links can be many more */
	do
		r = unpin_round(pin_dir, &n);
	while (r == 0 && n == 64);
	if (r == -ENOENT)
		return 0;
	if (rmdir(pin_dir) < 0 && !r)
		r = -errno;
	return r;
}

/* ---------------------------------------------------------------- DNS */

int egress_dns_set(struct egress *e, uint32_t addr4, const uint8_t *addr6)
{
	struct tg_dns_cfg c;
	__u32 k = 0;

	if (!e->started)
		return eg_fail(e, -EINVAL, "not started");
	memset(&c, 0, sizeof(c));
	c.addr4 = addr4;
	if (addr6)
		memcpy(c.addr6, addr6, 16);
	if (bpf_map_update_elem(eg_map_fd(e, "tg_dns"), &k, &c, BPF_ANY) < 0)
		return eg_fail(e, -errno, "tg_dns: %s", strerror(errno));
	e->dns = c;
	/* every session carries a copy (no lookup on a steered connect) */
	return eg_sessions_push_dns(e);
}

int egress_port_reserve(struct egress *e, uint16_t port)
{
	int fd;
	__u8 one = 1;
	uint16_t old = e->reserved_port;

	if (!e->started)
		return eg_fail(e, -EINVAL, "not started");
	fd = eg_map_fd(e, "tg_fwdports");
	if (port && bpf_map_update_elem(fd, &port, &one, BPF_ANY) < 0)
		return eg_fail(e, -errno, "tg_fwdports: %s", strerror(errno));
	e->reserved_port = port;
	if (old && old != port && !eg_fwdport_used(e, old))
		bpf_map_delete_elem(fd, &old);
	return 0;
}

int egress_resolvers_set(struct egress *e, const uint8_t (*addrs)[16], size_t n)
{
	int fd;
	uint8_t key[16], next[16], one = 1;

	if (!e->started)
		return eg_fail(e, -EINVAL, "not started");
	if (n > TG_MAX_RESOLVERS)
		return eg_fail(e, -E2BIG, "more than %d resolvers",
			       TG_MAX_RESOLVERS);
	fd = eg_map_fd(e, "tg_resolv");
	while (bpf_map_get_next_key(fd, NULL, next) == 0) {
		memcpy(key, next, 16);
		if (bpf_map_delete_elem(fd, key) < 0)
			return eg_fail(e, -errno, "tg_resolv: %s",
				       strerror(errno));
	}
	for (size_t i = 0; i < n; i++)
		if (bpf_map_update_elem(fd, addrs[i], &one, BPF_ANY) < 0)
			return eg_fail(e, -errno, "tg_resolv: %s",
				       strerror(errno));
	return 0;
}

/* ------------------------------------------------------------- events */

static const char *const reason_names[EGRESS_R_MAX] = {
    "rule",	    "default",	       "raw_socket",	"socket_protocol",
    "connect_rate", "egress_total",    "ingress_total", "dns_forwarder",
    "unix_addrlen", "unknown_session", "source-route",
};
static const char *const kind_names[EGRESS_EV_MAX] = {
    "connect", "sendmsg", "socket", "egress", "ingress", "unix",
};
static const char *const action_names[EGRESS_ACTION_MAX] = {"allow", "log",
							    "prompt", "deny"};

const char *egress_reason_name(unsigned reason)
{
	return reason < EGRESS_R_MAX ? reason_names[reason] : "?";
}

const char *egress_kind_name(unsigned kind)
{
	return kind < EGRESS_EV_MAX ? kind_names[kind] : "?";
}

const char *egress_action_name(unsigned action)
{
	return action < EGRESS_ACTION_MAX ? action_names[action] : "?";
}

static int on_ring(void *ctx, void *data, size_t size)
{
	struct egress *e = ctx;
	const struct tg_event *k = data;
	struct egress_event ev;

	if (size < sizeof(*k) || !e->cb)
		return 0;
	memset(&ev, 0, sizeof(ev));
	ev.ts_ns = k->ts_ns;
	ev.cgid = k->cgid;
	ev.pid = k->pid;
	ev.tgid = k->tgid;
	memcpy(ev.comm, k->comm, sizeof(k->comm));
	ev.kind = k->kind;
	ev.action = k->action;
	ev.reason = k->reason;
	ev.proto = k->proto;
	ev.family = k->family;
	ev.port = k->port;
	ev.rule = k->rule;
	memcpy(ev.addr, k->addr, 16);
	ev.value = k->value;
	e->cb(&ev, e->cb_ud);
	return 0;
}

int egress_events_fd(const struct egress *e)
{
	return e->rb ? ring_buffer__epoll_fd(e->rb) : -EINVAL;
}

int egress_events_consume(struct egress *e, egress_event_cb cb, void *ud)
{
	int r;

	if (!e->rb)
		return -EINVAL;
	e->cb = cb;
	e->cb_ud = ud;
	r = ring_buffer__consume(e->rb);
	e->cb = NULL;
	e->cb_ud = NULL;
	return r;
}

/* ----------------------------------------------------------- counters */

int egress_counters(const struct egress *e, uint64_t cgid,
		    struct egress_counters *ret)
{
	const struct eg_sess *s = e->started ? eg_sess_find(e, cgid) : NULL;
	int ncpu = libbpf_num_possible_cpus();
	struct egress_counters c;
	struct tg_sess_state st;
	__u32 slot;

	if (!s || ncpu <= 0)
		return -ENOENT;
	_cleanup_free_ struct tg_counters *v = calloc((size_t)ncpu, sizeof(*v));
	if (!v)
		return -ENOMEM;
	slot = s->slot;
	if (bpf_map_lookup_elem(eg_map_fd(e, "tg_cnt"), &slot, v) < 0 ||
	    bpf_map_lookup_elem(eg_map_fd(e, "tg_state"), &cgid, &st) < 0)
		return -errno;
	memset(&c, 0, sizeof(c));
	for (int i = 0; i < ncpu; i++) {
		c.bytes_out += v[i].bytes_out;
		c.bytes_in += v[i].bytes_in;
		c.pkts_out += v[i].pkts_out;
		c.pkts_in += v[i].pkts_in;
		c.connects += v[i].connects;
		c.refused += v[i].refused;
		c.logged += v[i].logged;
		c.prompts += v[i].prompts;
		c.sock_refused += v[i].sock_refused;
		c.rate_drops += v[i].rate_drops;
		c.rate_marks += v[i].rate_marks;
		c.conn_rate_refused += v[i].conn_rate_refused;
		c.total_drops_out += v[i].total_drops_out;
		c.total_drops_in += v[i].total_drops_in;
		c.dns_steered += v[i].dns_steered;
	}
	c.packets_counted = eg_sess_counts_packets(&s->cfg);
	c.egress_spent = st.out_spent;
	c.ingress_spent = st.in_spent;
	*ret = c;
	return 0;
}

int egress_global_counters(const struct egress *e, struct egress_global *ret)
{
	int ncpu = libbpf_num_possible_cpus();
	uint64_t sum[TG_G_MAX] = {0};
	struct egress_global g;

	if (!e->started || ncpu <= 0)
		return -EINVAL;
	_cleanup_free_ uint64_t *v = calloc((size_t)ncpu, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (__u32 k = 0; k < TG_G_MAX; k++) {
		if (bpf_map_lookup_elem(eg_map_fd(e, "tg_global"), &k, v) < 0)
			return -errno;
		for (int c = 0; c < ncpu; c++)
			sum[k] += v[c];
	}
	memset(&g, 0, sizeof(g));
	g.events_lost = sum[TG_G_EVENTS_LOST];
	g.level_mismatch = sum[TG_G_LEVEL_MISMATCH];
	g.unknown_session = sum[TG_G_UNKNOWN_SESSION];
	g.sessions = e->nsess;
	g.prefixes = e->nprefixes;
	*ret = g;
	return 0;
}
