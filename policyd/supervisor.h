/* SPDX-License-Identifier: MIT */
/* supervisor: answers a session's seccomp notifications (see supervisor.c).
 */
#ifndef TIERGATE_SUPERVISOR_H
#define TIERGATE_SUPERVISOR_H

#include <stdbool.h>
#include <stddef.h>

#include <linux/seccomp.h>

#include "daemon.h"

#define SV_PARK_MAX 32

struct sv_parked {
	struct seccomp_notif n;
	int slot; /* in-flight slot, or -1 */
};

struct sv {
	struct conn tag; /* epoll tag: tag.notifier points back here */
	int fd;		 /* the listener */
	struct session *s;
	struct tgp_inflight *inflight; /* shared with agent-shell, or NULL */
	bool sync_wakeup;
	/* 1 once a caller's root was seen to be policyd's: the session cannot
	 * change it (chroot, pivot_root, namespaces are refused by the filter
	 * every session process runs under), so it is not asked again */
	int same_root;
	struct sv_parked parked[SV_PARK_MAX]; /* waiting for a host lookup */
	size_t nparked;
	bool dead; /* detached; freed by supervisor_reap() */
	struct sv *next_dead;
};

/* Takes ownership of lfd (and inflight_fd); answers calls a previous
 * policyd left pending. 0 or -errno with a reason in err. */
int supervisor_attach(struct session *s, int lfd, int inflight_fd, char *err,
		      size_t errsz);
/* One notification is waiting on sv's listener. */
void supervisor_ready(struct sv *sv);
void supervisor_detach(struct session *s);
/* Frees detached supervisors (after each epoll batch). */
void supervisor_reap(void);
/* Can policyd hold a racing caller's exec for checking (ptrace)? why says
 * why (or why not); may be NULL. */
bool supervisor_verify_available(char *why, size_t whysz);
/* Writes one line to pid's stderr, never blocking policyd. */
void sv_tell_caller(pid_t pid, const char *line, size_t len);

#endif
