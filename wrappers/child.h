/* SPDX-License-Identifier: MIT */
/*
 * child: runs the agent's command as the session's first process. The
 * child masks the paths the policy denies reading (mountmask.h), then
 * applies the sandbox (no_new_privs, Landlock, the seccomp filter);
 * with the backstop, agent-shell takes the filter's listener from it and
 * hands it to policyd before the command runs. agent-shell then forwards
 * SIGTERM and SIGHUP, reaps orphans (it is the session's subreaper) and,
 * with the backstop, watches its connection to policyd and finds a policyd
 * again when that one goes away.
 */
#ifndef TIERGATE_CHILD_H
#define TIERGATE_CHILD_H

#include <stdbool.h>

#include "fanlisten.h"
#include "mountmask.h"
#include "pdlink.h"
#include "sandbox.h"

struct child_plan {
	const char *path;	   /* the program, resolved */
	char **argv;		   /* its argv */
	bool sandbox;		   /* apply the sandbox */
	bool backstop;		   /* with a listener for policyd */
	struct sandbox_fs *fs; /* the Landlock plan */
	const struct mountmask_plan *mask; /* deny-read masks, or NULL */
	struct fanlisten *fan; /* the fanotify deny-read layer, or NULL (with
				  mask only); child_run closes it */
};

/* Runs the command and ends the session's other processes; returns the
 * command's exit status (128 + signal when a signal ended it), or 126 when
 * the listener could not be handed to policyd or the deny-read listener
 * died (the session is ended then, whatever settings.background says).
 * Exits 126 when it cannot fork. l->fd is the session's connection; it is
 * closed on return. */
int child_run(struct pdlink *l, const struct child_plan *p);

#endif
