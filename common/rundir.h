/* SPDX-License-Identifier: MIT */
/*
 * rundir: where policyd's sockets and files live.
 *   system mode (root): /run/tiergate, audit in /var/log/tiergate
 *   user mode:          $XDG_RUNTIME_DIR/tiergate (or /tmp/tiergate-UID),
 *                       audit in $XDG_STATE_HOME/tiergate (~/.local/state)
 * TIERGATE_RUNDIR overrides the directory (tests run private daemons).
 * The directory is created 0700 and must be owned by us and not writable
 * by others; anything else is refused (a planted directory in /tmp could
 * otherwise capture the sockets).
 */
#ifndef TIERGATE_RUNDIR_H
#define TIERGATE_RUNDIR_H

#include <stdbool.h>
#include <stddef.h>

struct rundir {
	bool system;
	char dir[512];
	char agent_sock[600];
	char control_sock[600];
	char pidfile[600];
	char logfile[600];
	char audit[600];
};

/* Fills rd for the mode; create makes and checks the directories. */
int rundir_get(bool system, bool create, struct rundir *rd);

#endif
