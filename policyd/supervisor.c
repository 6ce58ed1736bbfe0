/* SPDX-License-Identifier: MIT */
/*
 * supervisor: policyd's half of the kernel backstop. agent-shell installs a
 * seccomp filter whose user-notify listener it hands to policyd; every
 * call of common/syscalls.h (execs, opens that may write, the file calls,
 * binds, connects and addressed sends) of the session then waits in the
 * kernel until policyd answers here.
 *
 * One notification, one decision, one audit line, one answer:
 *   - the notification is dispatched by the table of notified calls to the
 *     handler of its family (sv_exec.c, sv_open.c, sv_fs.c, sv_net.c);
 *   - arguments are read from the caller's memory with process_vm_readv,
 *     page by page (sv_mem.c), and SECCOMP_IOCTL_NOTIF_ID_VALID is checked
 *     after the reads (the pid still names the waiting caller);
 *   - the caller is a struct caller, decided on like any other (decide.c);
 *   - refusals fail with EACCES (EPERM for network calls), and the one-line
 *     message is written to the caller's stderr by policyd (pidfd_getfd, a
 *     poll-bounded write), so static programs get it too.
 *
 * Each notification being handled is copied to a slot of the session's
 * in-flight table (a memfd that agent-shell created): a policyd started
 * after a crash answers the calls the dead one had received.
 */
#include "supervisor.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "chase.h"
#include "daemon.h"
#include "log.h"
#include "pending.h"
#include "procfs.h"
#include "rtcount.h"
#include "session.h"
#include "sv_call.h"
#include "sv_exec.h"
#include "sv_fs.h"
#include "sv_net.h"
#include "sv_open.h"
#include "sv_proc.h"
#include "sv_refuse.h"
#include "util.h"

/* ------------------------------------------------------- the dispatch */

/* The notified calls, from common/syscalls.h: the same table makes the
 * filter's rules in agent-shell. */
enum {
#define SV_INDEX(n, ...) SV_SC_##n,
	TG_NOTIFIED_SYSCALLS(SV_INDEX)
#undef SV_INDEX
	    SV_NSYSCALLS
};
#define SV_ENTRY(...) TG_SC_ENTRY(__VA_ARGS__),
static const struct tg_syscall sv_syscalls[SV_NSYSCALLS] = {
    TG_NOTIFIED_SYSCALLS(SV_ENTRY)};
#undef SV_ENTRY

/* utimensat(fd, NULL, times, 0) and futimesat(fd, NULL, times): the
 * times of the descriptor's file */
static const struct tg_syscall futimens_sc =
    TG_SC_ENTRY(utimensat, FILE, ALWAYS, -1, (-1, -1, -1, -1, -1, 0),
		(TG_SC_W, FOLLOW, TG_SC_TS));
static const struct tg_syscall futimes_sc =
    TG_SC_ENTRY(futimesat, FILE, ALWAYS, -1, (-1, -1, -1, -1, -1, 0),
		(TG_SC_W, FOLLOW, TG_SC_TS));

const struct tg_syscall *supervisor_syscall(const struct seccomp_notif *n)
{
	int nr = n->data.nr;
	if ((nr == SYS_utimensat || nr == SYS_futimesat) &&
	    n->data.args[1] == 0 && (int)n->data.args[0] != AT_FDCWD)
		/* (AT_FDCWD, NULL) is EFAULT */
		return nr == SYS_utimensat ? &futimens_sc : &futimes_sc;
	switch (nr) {
#define SV_CASE(name, ...)                                                     \
	case __NR_##name:                                                      \
		return &sv_syscalls[SV_SC_##name];
		TG_NOTIFIED_SYSCALLS(SV_CASE)
#undef SV_CASE
	default:
		return NULL;
	}
}

/* The handler of each family: 0 answered, 1 waits for a host lookup. */
static int (*const handlers[TG_SC_FAMILY_MAX])(struct call *) = {
    [TG_SC_NONE] = NULL, /* the filter answers these itself */
    [TG_SC_EXEC] = sv_exec, [TG_SC_OPEN] = sv_open, [TG_SC_FILE] = sv_fs,
    [TG_SC_BIND] = sv_bind, [TG_SC_NET] = sv_net,
    [TG_SC_PROC] = sv_proc, [TG_SC_SOCKET] = sv_socket,
    [TG_SC_REFUSE] = sv_refuse,
};

/* ---------------------------------------------------- in-flight table */

static size_t notif_size = sizeof(struct seccomp_notif);

static void slot_free(struct sv *sv, int slot)
{
	if (slot >= 0)
		__atomic_store_n(&sv->inflight[slot].used, 0, __ATOMIC_RELEASE);
}

/* A free in-flight slot, zeroed (the receive fills it in), marked used;
 * -1 when there is none (the call is then not kept across a restart). */
static int slot_take(struct sv *sv)
{
	if (!sv->inflight)
		return -1;
	for (int i = 0; i < TGP_INFLIGHT_SLOTS; i++)
		if (!sv->inflight[i].used) {
			struct tgp_inflight *e = &sv->inflight[i];
			memset(&e->n, 0, sizeof(e->n));
			e->state = 0;
			__atomic_store_n(&sv->inflight[i].used, 1,
					 __ATOMIC_RELEASE);
			return i;
		}
	return -1;
}

/* n (handled afresh after a restart) in a free slot; -1: none. */
static int slot_set(struct sv *sv, const struct seccomp_notif *n)
{
	int slot = slot_take(sv);
	if (slot >= 0)
		memcpy(&sv->inflight[slot].n, n, sizeof(*n));
	return slot;
}

/* ------------------------------------------------------- one call */

/* The call k as its handler finds it: the caller (a write-open is done
 * as the caller: its credentials, groups and umask; execs and connects
 * need none of it to be decided, the race probe and the audit line read
 * what they need themselves). false: the caller is gone (answered). */
static bool call_init(struct call *k, struct sv *sv,
		      const struct seccomp_notif *n, int slot)
{
	k->lfd = sv->fd;
	k->n = n;
	k->sc = supervisor_syscall(n);
	k->t0 = tg_mono_ns();
	k->c.pid = (pid_t)n->pid;
	k->c.s = sv->s;
	k->c.same_root = sv->same_root == 1 ? 1 : -1;
	k->c.notified = true;
	/* a name made or removed by policyd: its directory as the decision
	 * found it (chase_kept_dir) */
	k->c.keep_dir = k->sc && k->sc->family == TG_SC_FILE;
	k->fsfd = -1;
	k->ifl = slot >= 0 ? &sv->inflight[slot] : NULL;
	k->q.dirfd = AT_FDCWD;
	if (!k->sc || k->sc->family != TG_SC_OPEN) {
		k->c.uid_lazy = true;
		return true;
	}
	if (procfs_status(k->c.pid, &k->c.cr) < 0) {
		/* the caller is gone (or /proc is unreadable): refuse */
		sv_call_answer(k, -EACCES);
		return false;
	}
	k->c.have_cr = true;
	k->c.uid = k->c.cr.fsuid;
	return true;
}

/* A call that waits for a host lookup: the caller keeps waiting; tried
 * again when the resolver answers (the in-flight slot stays). false: no
 * room (answered EAGAIN). */
static bool park(struct sv *sv, const struct seccomp_notif *n, int slot,
		 uint64_t recorded)
{
	if (sv->nparked >= SV_PARK_MAX) {
		sv_respond(sv->fd, n->id, -EAGAIN, 0, false);
		return false;
	}
	sv->parked[sv->nparked].n = *n;
	sv->parked[sv->nparked].recorded = recorded;
	sv->parked[sv->nparked++].slot = slot;
	return true;
}

/* slot: its in-flight slot (-1: none; -2: left by a previous policyd,
 * put in a slot here); recorded: its audit record so far, a parked call
 * decided again (0: none). */
static void handle_one(struct sv *sv, const struct seccomp_notif *n, int slot,
		       uint64_t recorded)
{
	bool rehandled = slot == -2;
	if (rehandled)
		slot = slot_set(sv, n);
	struct call *k = calloc(1, sizeof(*k));
	if (!k) {
		sv_respond(sv->fd, n->id, -ENOMEM, 0, false);
		slot_free(sv, slot);
		return;
	}
	k->rehandled = rehandled;
	k->recorded = recorded;
	if (call_init(k, sv, n, slot)) {
		int (*h)(struct call *) =
		    k->sc && k->sc->family < TG_SC_FAMILY_MAX
			? handlers[k->sc->family]
			: NULL;
		if (!h)
			/* the filter notifies nothing else: fail closed */
			sv_call_answer(k, -EPERM);
		else if ((h(k) == 1 || k->waiting) &&
			 park(sv, n, slot, k->recorded))
			slot = -1;
		else if (k->waiting) /* no room: answered EAGAIN */
			pending_forget_waiter(sv, n->id);
	}
	if (k->fsfd >= 0)
		close(k->fsfd);
	chase_kept_close(&k->c);
	if (k->c.same_root == 1)
		sv->same_root = 1;
	req_free(&k->q);
	free(k);
	slot_free(sv, slot);
}

void supervisor_ready(struct sv *sv, uint32_t events)
{
	if (sv->dead)
		return;
	/* one notification per readiness report: RECV would block when the
	 * queue is empty, and poll reports the rest (level-triggered) */
	union {
		struct seccomp_notif n;
		uint8_t pad[512];
	} u;
	memset(&u, 0, sizeof(u));
	/* the kernel writes the notification straight into a slot of the
	 * in-flight table (shared with agent-shell), taken before it is
	 * received: a policyd killed at any point after the receive leaves
	 * it there for the next one, which answers it (a kill that landed
	 * during the receive used to lose the call, and its caller waited
	 * for ever). A slot taken but never filled has id 0: not valid. */
	int slot = slot_take(sv);
	struct seccomp_notif *into = slot >= 0 ? &sv->inflight[slot].n : &u.n;
	if (ioctl(sv->fd, SECCOMP_IOCTL_NOTIF_RECV, into) < 0) {
		/* ENOENT: the caller died before we looked */
		slot_free(sv, slot);
		/* no task uses the filter any more: no notification can
		 * come (a filter is only inherited), and a level-triggered
		 * HUP would wake this loop for nothing until the session's
		 * end closes the listener (measured: ~50 empty receives in
		 * 7 ms at every session's end) */
		if (events & EPOLLHUP)
			sv->hup = true;
		return;
	}
	if (slot >= 0)
		u.n = *into;
	sv->s->n_notifications++;
	D.n_notifications++;
	rtcount_notified(supervisor_syscall(&u.n));
	handle_one(sv, &u.n, slot, 0);
	rtcount_done();
}

/* ------------------------------------------------------- listeners */

static bool is_seccomp_listener(int fd)
{
	char p[64], t[64];
	snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
	ssize_t n = readlink(p, t, sizeof(t) - 1);
	if (n <= 0)
		return false;
	t[n] = '\0';
	return !strcmp(t, "anon_inode:seccomp notify");
}

/* Is descriptor fd of thread tid the file dev/ino? (A descriptor the
 * previous policyd put in: other threads may have closed or replaced it
 * since.) */
static bool caller_has_file(pid_t tid, int fd, uint64_t dev, uint64_t ino)
{
	char p[TG_PATH_MAX], what[32];
	struct stat st;
	snprintf(what, sizeof(what), "fd/%d", fd);
	return fd >= 0 && procfs_path(tid, what, p, sizeof(p)) == 0 &&
	       stat(p, &st) == 0 && (uint64_t)st.st_dev == dev &&
	       (uint64_t)st.st_ino == ino;
}

/* One call a previous policyd had received but not answered: from its
 * mark when it has one (a mark only stands for the calls that can carry
 * one: the table is outside the sandbox; a process call carries one when
 * policyd set a core limit itself), else handled afresh. */
static void answer_left(struct sv *sv, const struct tgp_inflight *e)
{
	const struct tg_syscall *sc = supervisor_syscall(&e->n);
	daemon_log("session %s: answering call %llu left by the previous "
		   "policyd%s",
		   sv->s->id, (unsigned long long)e->n.id,
		   e->state ? " (already carried out)" : "");
	if (e->state == TGP_IFL_DONE && e->value <= 0 && e->value > -4096 &&
	    sc && (sc->family == TG_SC_FILE || sc->family == TG_SC_PROC)) {
		sv_respond(sv->fd, e->n.id, e->value, 0, false);
	} else if (e->state == TGP_IFL_FD && sc && sc->family == TG_SC_OPEN &&
		   caller_has_file(e->n.pid, e->value, e->dev, e->ino) &&
		   sv_notif_valid(sv->fd, e->n.id)) {
		sv_respond(sv->fd, e->n.id, 0, e->value, false);
	} else {
		handle_one(sv, &e->n, -2, 0);
	}
}

/* The calls a previous policyd left in the table, answered. They are
 * taken out of the table first: handling one puts it back in a free slot,
 * possibly one further on (a parked connect stays there), which this loop
 * must not take for a left-over call and handle twice. */
static void answer_left_calls(struct sv *sv)
{
	static struct tgp_inflight left[TGP_INFLIGHT_SLOTS];
	int nleft = 0;
	for (int i = 0; i < TGP_INFLIGHT_SLOTS; i++) {
		if (!sv->inflight[i].used)
			continue;
		left[nleft++] = sv->inflight[i];
		sv->inflight[i].used = 0;
	}
	for (int i = 0; i < nleft; i++)
		if (sv_notif_valid(sv->fd, left[i].n.id))
			answer_left(sv, &left[i]);
}

/* agent-shell's in-flight table (a memfd of TGP_INFLIGHT_BYTES), mapped;
 * NULL when it is none. Closes fd. */
static struct tgp_inflight *inflight_map(int fd)
{
	if (fd < 0)
		return NULL;
	struct stat st;
	void *m = MAP_FAILED;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_size == TGP_INFLIGHT_BYTES)
		m = mmap(NULL, TGP_INFLIGHT_BYTES, PROT_READ | PROT_WRITE,
			 MAP_SHARED, fd, 0);
	close(fd);
	return m == MAP_FAILED ? NULL : m;
}

int supervisor_attach(struct session *s, int lfd, int inflight_fd, char *err,
		      size_t errsz)
{
	if (!is_seccomp_listener(lfd)) {
		snprintf(err, errsz, "not a seccomp listener");
		return -EINVAL;
	}
	if (s->sv) {
		snprintf(err, errsz, "the session already has a listener");
		return -EEXIST;
	}
	struct seccomp_notif_sizes sz;
	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sz) == 0)
		notif_size = sz.seccomp_notif;
	if (notif_size > 512) {
		snprintf(err, errsz, "kernel notification size %zu unknown",
			 notif_size);
		return -EINVAL;
	}
	struct sv *sv = calloc(1, sizeof(*sv));
	if (!sv) {
		snprintf(err, errsz, "out of memory");
		return -ENOMEM;
	}
	sv->fd = lfd;
	sv->s = s;
	sv->inflight = inflight_map(inflight_fd);
	/* the kernel wakes the caller on the answering CPU (6.6+) */
	uint64_t fl = SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP;
	sv->sync_wakeup = ioctl(lfd, SECCOMP_IOCTL_NOTIF_SET_FLAGS, fl) == 0;
	s->sv = sv;
	if (sv->inflight)
		answer_left_calls(sv);
	/* not in policyd's epoll set: the loop polls listeners directly
	 * (supervisor_pollfds), where the kernel's same-CPU wake-up reaches
	 * policyd; through epoll it is an ordinary wake-up on whichever CPU
	 * policyd last ran (measured: a notified rename 24 µs over native
	 * through epoll, 17 µs through poll) */
	return 0;
}

size_t supervisor_pollfds(struct pollfd *p, struct sv **who, size_t max)
{
	size_t n = 0;
	for (struct session *s = D.sessions; s && n < max; s = s->next) {
		struct sv *sv = s->sv;
		if (!sv || sv->dead || sv->hup || sv->fd < 0)
			continue;
		p[n] = (struct pollfd){.fd = sv->fd, .events = POLLIN};
		who[n++] = sv;
	}
	return n;
}

void supervisor_retry_parked(void)
{
	(void)sv_open_fifo_waits(true); /* set again by those still waiting */
	sv_open_fifo_pass(true);
	for (struct session *s = D.sessions; s; s = s->next) {
		struct sv *sv = s->sv;
		if (!sv || !sv->nparked)
			continue;
		struct sv_parked p[SV_PARK_MAX];
		size_t np = sv->nparked;
		memcpy(p, sv->parked, np * sizeof(p[0]));
		sv->nparked = 0;
		for (size_t i = 0; i < np; i++) {
			if (sv_notif_valid(sv->fd, p[i].n.id)) {
				handle_one(sv, &p[i].n, p[i].slot,
					   p[i].recorded);
				continue;
			}
			/* the caller died (or was killed): its prompt, if
			 * any, is withdrawn */
			pending_forget_waiter(sv, p[i].n.id);
			if (p[i].slot >= 0)
				sv->inflight[p[i].slot].used = 0;
		}
	}
	sv_open_fifo_pass(false);
}

/* Detached supervisors are freed after the loop's batch: a later event of
 * the same batch may still name them. */
static struct sv *graveyard;

void supervisor_detach(struct session *s)
{
	struct sv *sv = s->sv;
	if (!sv)
		return;
	pending_forget_owner(sv);
	close(sv->fd);
	sv->fd = -1;
	sv->dead = true;
	sv->s = NULL;
	if (sv->inflight)
		munmap(sv->inflight, TGP_INFLIGHT_BYTES);
	sv->inflight = NULL;
	s->sv = NULL;
	sv->next_dead = graveyard;
	graveyard = sv;
}

void supervisor_reap(void)
{
	while (graveyard) {
		struct sv *n = graveyard->next_dead;
		free(graveyard);
		graveyard = n;
	}
}
