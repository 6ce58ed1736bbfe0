/* SPDX-License-Identifier: MIT */
/*
 * The layer's life: every BPF object gone after egress_stop (programs,
 * maps, links, by id, through the kernel's listings and bpftool's); a
 * pinned layer that outlives a policyd killed with SIGKILL, keeps its
 * sessions enforced, and is adopted by the next one without a moment
 * unenforced; egress_unpin; a cgroup namespace keeping a root process
 * in its session.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "tb.h"

static uint16_t P1;

struct objs {
	__u32 prog[64], map[64], link[64];
	int np, nm, nl;
};

static bool has(const __u32 *v, int n, __u32 id)
{
	for (int i = 0; i < n; i++)
		if (v[i] == id)
			return true;
	return false;
}

/* The programs that run for the session at path (the parent's and the
 * session's own), their maps, their links: this instance's objects,
 * whatever else runs on the machine. */
static void our_objects(struct objs *o, const char *path)
{
	memset(o, 0, sizeof(*o));
	o->np = tb_layer_progs(path, o->prog, 64);
	if (o->np < 0)
		o->np = 0;
	for (int i = 0; i < o->np; i++) {
		struct bpf_prog_info info = {0};
		__u32 maps[32], len = sizeof(info);
		info.nr_map_ids = 32;
		info.map_ids = (__u64)(unsigned long)maps;
		int fd = bpf_prog_get_fd_by_id(o->prog[i]);
		if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len) < 0) {
			if (fd >= 0)
				close(fd);
			continue;
		}
		close(fd);
		for (__u32 k = 0; k < info.nr_map_ids && k < 32; k++)
			if (!has(o->map, o->nm, maps[k]) && o->nm < 64)
				o->map[o->nm++] = maps[k];
	}
	for (__u32 id = 0; bpf_link_get_next_id(id, &id) == 0;) {
		struct bpf_link_info info = {0};
		__u32 len = sizeof(info);
		int fd = bpf_link_get_fd_by_id(id);
		if (fd < 0)
			continue;
		if (bpf_obj_get_info_by_fd(fd, &info, &len) == 0 &&
		    has(o->prog, o->np, info.prog_id) && o->nl < 64)
			o->link[o->nl++] = id;
		close(fd);
	}
}

/* How many of o's objects still exist (by id). */
static int alive(const struct objs *o)
{
	int n = 0, fd;
	for (int i = 0; i < o->np; i++)
		if ((fd = bpf_prog_get_fd_by_id(o->prog[i])) >= 0) {
			n++;
			close(fd);
		}
	for (int i = 0; i < o->nm; i++)
		if ((fd = bpf_map_get_fd_by_id(o->map[i])) >= 0) {
			n++;
			close(fd);
		}
	for (int i = 0; i < o->nl; i++)
		if ((fd = bpf_link_get_fd_by_id(o->link[i])) >= 0) {
			n++;
			close(fd);
		}
	return n;
}

/* bpftool's listings, filtered by the layer's names and our ids. */
static int bpftool_count(const struct objs *o)
{
	int n = 0;
	for (int i = 0; i < o->np; i++)
		n += tb_sh("bpftool prog show id %u 2>/dev/null | grep -q ' "
			   "name tg_'",
			   o->prog[i]) == 0;
	for (int i = 0; i < o->nm; i++)
		n += tb_sh("bpftool map show id %u 2>/dev/null | grep -q ' "
			   "name tg_'",
			   o->map[i]) == 0;
	for (int i = 0; i < o->nl; i++)
		n += tb_sh("bpftool link show id %u >/dev/null 2>&1",
			   o->link[i]) == 0;
	return n;
}

static int wait_gone(const struct objs *o)
{
	/* maps are freed after an RCU grace period */
	for (int i = 0; i < 300; i++) {
		if (alive(o) == 0)
			return 0;
		usleep(10000);
	}
	return alive(o);
}

static void objects_gone(void)
{
	struct objs o;
	/* a session with a rate: its own programs are attached too */
	struct egress_session cfg = {.rules = &tb_allow_all,
				     .nrules = 1,
				     .egress_rate = 1 << 20,
				     .egress_burst = 64 * 1024};
	struct tb_sess s;

	printf("== every BPF object gone after egress_stop\n");
	if (tb_sess_new(&s, &cfg) < 0) {
		tb_check(false, "a session with a rate");
		return;
	}
	our_objects(&o, s.path);
	int names = bpftool_count(&o);
	tb_check(o.np >= 13 && o.nm >= 10 && o.nl == o.np &&
		     names == o.np + o.nm + o.nl,
		 "while running: %d programs, %d maps, %d links (bpftool "
		 "lists %d of them by name)",
		 o.np, o.nm, o.nl, names);
	tb_stop();
	int left = wait_gone(&o);
	tb_check(left == 0 && bpftool_count(&o) == 0,
		 "after egress_stop: %d left, bpftool lists none", left);
	tb_check(tb_sh("bpftool cgroup show %s | grep -q tg_", T.parent) != 0 &&
		     tb_sh("bpftool cgroup show %s | grep -q tg_", s.path) != 0,
		 "bpftool cgroup show lists nothing on the parent nor on the "
		 "session");
	tb_cgroup_remove(s.path); /* the layer that knew it is gone */
}

static int do_denied(void *arg)
{
	(void)arg;
	return tb_connect("127.90.0.1", P1, SOCK_STREAM);
}

/* Connects to a denied address in a loop while the layer is restarted
 * and adopted; returns how many got through (must be none). */
static int do_hammer(void *arg)
{
	volatile int *stop = arg;
	int through = 0;
	while (!*stop)
		if (tb_connect("127.90.0.1", P1, SOCK_STREAM) == 0)
			through++;
	return through > 250 ? 250 : through;
}

static const struct egress_rule deny90[] = {
    {.addr = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 90, 0, 0},
     .plen = 112,
     .protos = EGRESS_PROTO_ANY,
     .port_lo = 0,
     .port_hi = 65535,
     .action = EGRESS_DENY,
     .rule = 3},
};

/* A policyd that pins the layer, adds a session and dies by SIGKILL. */
static int crashing_policyd(const char *cg, int ready)
{
	struct egress_opts o = {.pin_dir = T.pin_dir};
	struct egress_session cfg = {
	    .rules = deny90, .nrules = 1, .default_action = EGRESS_ALLOW};
	struct egress *e;
	uint64_t id;

	if (egress_new(&o, &e) < 0 || egress_start(e, T.parent) < 0 ||
	    egress_cgroup_id(cg, &id) < 0 ||
	    egress_session_set(e, id, &cfg) < 0)
		return 1;
	if (write(ready, "r", 1) != 1)
		return 1;
	pause();
	return 0;
}

static void pinned_restart(void)
{
	struct tb_sess s;
	int pfd[2], st;
	uint64_t id;
	char c;

	printf("== a pinned layer outlives policyd and is adopted\n");
	if (tb_cgroup_make(T.parent, "pinned", s.path, sizeof(s.path), &id) <
		0 ||
	    pipe(pfd) < 0)
		return;
	s.id = id;
	fflush(stdout);
	pid_t pd = fork();
	if (pd == 0) {
		close(pfd[0]);
		_exit(crashing_policyd(s.path, pfd[1]));
	}
	close(pfd[1]);
	if (read(pfd[0], &c, 1) != 1) {
		tb_bad("the first policyd did not start");
		waitpid(pd, &st, 0);
		return;
	}
	close(pfd[0]);
	int r = tb_run_in(s.path, do_denied, NULL);
	tb_check(r == EPERM, "first policyd: the session is enforced (%s)",
		 strerror(r));
	kill(pd, SIGKILL);
	waitpid(pd, &st, 0);
	r = tb_run_in(s.path, do_denied, NULL);
	tb_check(r == EPERM,
		 "policyd killed (SIGKILL): still enforced by the pinned layer "
		 "(%s)",
		 strerror(r));
	/* the next policyd adopts while a session process hammers */
	volatile int *stop = tb_shared(sizeof(int));
	int *through = tb_shared(sizeof(int));
	*stop = 0;
	pid_t hp = fork();
	if (hp == 0)
		_exit(tb_run_in(s.path, do_hammer, (void *)stop));
	usleep(200000);
	r = tb_start(true);
	usleep(200000);
	*stop = 1;
	waitpid(hp, &st, 0);
	*through = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	tb_check(r == 0 && *through == 0,
		 "the next policyd adopts it: no connect got through meanwhile "
		 "(%d)",
		 *through);
	if (r < 0)
		return;
	uint64_t ids[8];
	size_t n = 0;
	egress_sessions(T.e, ids, 8, &n);
	tb_check(n == 1 && ids[0] == id, "it knows the session (%zu)", n);
	struct egress_host h = {.protos = EGRESS_PROTO_ANY,
				.action = EGRESS_ALLOW,
				.port_hi = 65535,
				.rule = 4};
	tb_check(egress_host_add(T.e, id, &h, 0) == -ESTALE,
		 "host addresses wait for the session's rules to be set again");
	struct egress_session cfg = {.default_action = EGRESS_ALLOW};
	tb_check(egress_session_set(T.e, id, &cfg) == 0, "rules set again");
	r = tb_run_in(s.path, do_denied, NULL);
	tb_check(r == 0, "the new rules hold (%s)", strerror(r));
	struct objs o;
	our_objects(&o, s.path);
	egress_stop(T.e);
	egress_free(T.e);
	T.e = NULL;
	char p[PATH_MAX + 16];
	snprintf(p, sizeof(p), "%s/tg_sess", T.pin_dir);
	tb_check(wait_gone(&o) == 0 && access(p, F_OK) != 0,
		 "egress_stop removed the pins and every object");
	tb_cgroup_remove(s.path);
}

static void unpin(void)
{
	struct egress_opts o = {.pin_dir = T.pin_dir};
	/* with a rate: the session's own links are pinned too */
	struct egress_session cfg = {.rules = &tb_allow_all,
				     .nrules = 1,
				     .egress_rate = 1 << 20,
				     .egress_burst = 64 * 1024};
	char path[PATH_MAX];
	struct egress *e;
	struct objs ob;
	uint64_t id;

	printf("== egress_unpin removes a layer left pinned\n");
	if (egress_new(&o, &e) < 0 || egress_start(e, T.parent) < 0 ||
	    tb_cgroup_make(T.parent, "unpin", path, sizeof(path), &id) < 0 ||
	    egress_session_set(e, id, &cfg) < 0) {
		tb_bad("cannot start a pinned layer with a session");
		return;
	}
	our_objects(&ob, path);
	egress_free(e); /* pinned: stays */
	tb_check(alive(&ob) > 0, "after egress_free the pinned layer stays");
	int r = egress_unpin(T.pin_dir);
	tb_check(r == 0 && wait_gone(&ob) == 0 && ob.np >= 13,
		 "egress_unpin: %d, all gone (%d programs with the session's "
		 "own)",
		 r, ob.np);
	tb_cgroup_remove(path);
}

/* In the session, as root: move out to the cgroup root. */
static int do_escape(void *arg)
{
	bool ns = arg != NULL;
	char procs[PATH_MAX + 16];

	if (ns && unshare(CLONE_NEWCGROUP) < 0)
		return 201;
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", T.mount);
	int fd = open(procs, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return 202;
	int w = (int)write(fd, "0", 1);
	close(fd);
	if (w == 1)
		return 200; /* moved out */
	return tb_connect("127.90.0.1", P1, SOCK_STREAM);
}

/* Is the cgroup2 hierarchy mounted with nsdelegate? Only then does a
 * cgroup namespace bound where its processes may move. */
static bool nsdelegate(void)
{
	char cmd[PATH_MAX + 64];
	snprintf(cmd, sizeof(cmd),
		 "grep -q ' %s cgroup2 .*nsdelegate' /proc/mounts", T.mount);
	return tb_sh("%s", cmd) == 0;
}

static void cgroup_escape(void)
{
	struct egress_session cfg = {
	    .rules = deny90, .nrules = 1, .default_action = EGRESS_ALLOW};
	struct tb_sess s;

	printf("== a root process leaving its session cgroup\n");
	if (tb_sess_new(&s, &cfg) < 0)
		return;
	int r = tb_run_in(s.path, do_escape, NULL);
	printf("    note: a root session process %s move itself out of its "
	       "session cgroup (and out of this layer) by writing the "
	       "cgroup root's cgroup.procs\n",
	       r == 200 ? "CAN" : "cannot");
	if (!nsdelegate()) {
		tb_skip("cgroup namespace as the bound: %s is mounted without "
			"nsdelegate, so a cgroup namespace does not stop that "
			"move here; policyd must refuse write-opens under the "
			"cgroup mount",
			T.mount);
	} else {
		r = tb_run_in(s.path, do_escape, (void *)1);
		tb_check(r == EPERM,
			 "in a cgroup namespace rooted at the session it "
			 "cannot, and stays enforced (%d)",
			 r);
	}
	tb_sess_end(&s);
}

/* A bpf file system of the suite's own, in a mount namespace of its own. */
static int private_bpffs(void)
{
	snprintf(T.pin_dir, sizeof(T.pin_dir), "/tmp/tg-bpftest-%d-fs",
		 (int)getpid());
	if (unshare(CLONE_NEWNS) < 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mkdir(T.pin_dir, 0700) < 0 ||
	    mount("bpf", T.pin_dir, "bpf", 0, "mode=0700") < 0)
		return -1;
	/* pins go in a directory under it, as /sys/fs/bpf/tiergate */
	strncat(T.pin_dir, "/tiergate",
		sizeof(T.pin_dir) - strlen(T.pin_dir) - 1);
	return 0;
}

static void private_bpffs_end(void)
{
	char *slash = strrchr(T.pin_dir, '/');
	if (slash)
		*slash = '\0';
	umount2(T.pin_dir, MNT_DETACH);
	rmdir(T.pin_dir);
}

void t_lifecycle(void)
{
	int l = tb_listen_any(SOCK_STREAM, &P1);

	cgroup_escape();
	objects_gone();
	if (private_bpffs() < 0) {
		tb_skip("pinning: no private bpf file system (%s)",
			strerror(errno));
	} else {
		pinned_restart();
		unpin();
		private_bpffs_end();
	}
	/* later suites run on a fresh, unpinned layer */
	if (!T.e && tb_start(false) < 0)
		tb_bad("cannot start the layer again");
	tb_drain(l, SOCK_STREAM);
	close(l);
}
