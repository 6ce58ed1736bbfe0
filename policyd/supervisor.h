/* SPDX-License-Identifier: MIT */
/* supervisor: answers a session's seccomp notifications (see supervisor.c).
 */
#ifndef TIERGATE_SUPERVISOR_H
#define TIERGATE_SUPERVISOR_H

#include <stdbool.h>
#include <stddef.h>

#include "daemon.h"

struct sv {
	struct conn tag; /* epoll tag: tag.notifier points back here */
	int fd;		 /* the listener */
	struct session *s;
	struct tgp_inflight *inflight; /* shared with agent-shell, or NULL */
	bool sync_wakeup;
};

/* Takes ownership of lfd (and inflight_fd); answers calls a previous
 * policyd left pending. 0 or -errno with a reason in err. */
int supervisor_attach(struct session *s, int lfd, int inflight_fd,
		      char *err, size_t errsz);
/* One notification is waiting on sv's listener. */
void supervisor_ready(struct sv *sv);
void supervisor_detach(struct session *s);

#endif
