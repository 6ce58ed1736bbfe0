/* SPDX-License-Identifier: MIT */
/*
 * supervisor: policyd's half of the kernel backstop (see supervisor.c): a
 * session's seccomp listener, its in-flight table, and the dispatch of each
 * notification to the handler of its call family (sv_exec.c, sv_open.c,
 * sv_fs.c, sv_net.c), driven by the table of notified calls in
 * common/syscalls.h.
 *
 * Lifecycle: supervisor_attach() (LISTENER) -> supervisor_ready() per
 * notification -> supervisor_detach() (the session ends) ->
 * supervisor_reap() (after the epoll batch).
 */
#ifndef TIERGATE_SUPERVISOR_H
#define TIERGATE_SUPERVISOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/seccomp.h>
#include <poll.h>

#include "daemon.h"
#include "syscalls.h"
#include "tg_proto.h"

#define SV_PARK_MAX 32

struct session;

struct sv_parked {
	struct seccomp_notif n;
	int slot;	   /* in-flight slot, or -1 */
	uint64_t recorded; /* its audit record so far (struct call) */
};

struct sv {
	int fd;		   /* the listener */
	struct session *s;
	struct tgp_inflight *inflight; /* shared with agent-shell, or NULL */
	bool sync_wakeup;
	/* 1 once a caller's root was seen to be policyd's: the session cannot
	 * change it (chroot, pivot_root, namespaces are refused by the filter
	 * every session process runs under), so it is not asked again */
	int same_root;
	struct sv_parked parked[SV_PARK_MAX]; /* waiting for a host lookup */
	size_t nparked;
	bool hup;  /* no task uses the filter any more: not polled */
	bool dead; /* detached; freed by supervisor_reap() */
	struct sv *next_dead;
};

/* Takes ownership of lfd (and inflight_fd); answers calls a previous
 * policyd left pending. 0 or -errno with a reason in err. */
int supervisor_attach(struct session *s, int lfd, int inflight_fd, char *err,
		      size_t errsz);
/* sv's listener is ready (poll's events, the EPOLL values): one
 * notification is waiting, or (EPOLLHUP) no task uses the filter any more. */
void supervisor_ready(struct sv *sv, uint32_t events);
/* The listeners to wait on, at most max: p[i] for who[i]; the count. */
size_t supervisor_pollfds(struct pollfd *p, struct sv **who, size_t max);
void supervisor_detach(struct session *s);
/* Frees detached supervisors (after each epoll batch). */
void supervisor_reap(void);
/* Notifications parked for a host lookup, tried again (the resolver
 * answered, or the loop's timer). */
void supervisor_retry_parked(void);
/* The table entry of the call n notifies (utimensat and futimesat with no
 * path: their by-descriptor variants); NULL: not one the filter notifies. */
const struct tg_syscall *supervisor_syscall(const struct seccomp_notif *n);

#endif
