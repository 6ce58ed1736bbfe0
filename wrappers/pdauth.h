/* SPDX-License-Identifier: MIT */
/*
 * pdauth: is the process answering on the agent socket tiergate's policyd?
 * agent-shell hands policyd the session's seccomp listener and in-flight
 * table, and takes its Landlock plan: whoever holds the listener answers
 * the session's calls. The socket's path proves nothing (a session, or a
 * process it left behind, may have bound it after policyd died), nor does
 * the pid file. From the kernel's view of the peer (the process that
 * listens, SO_PEERPIDFD or SO_PEERCRED), in this order:
 *   - its uid is root, or agent-shell's own in user mode;
 *   - it is no process of this session (not below agent-shell, bar the
 *     policyds agent-shell started) and of no session at all as far as the
 *     kernel tells: it runs under no more seccomp filters than agent-shell
 *     (every session process carries its session's filter, inherited and
 *     never removed);
 *   - its program (/proc/PID/exe) is the policyd agent-shell starts or the
 *     installed one, by device and inode, else by identical bytes. Where a
 *     user's agent-shell may not look at a root policyd's program, the
 *     run directory must be root's and writable by nobody else: only root
 *     could have bound its socket.
 * With SO_PEERPIDFD (Linux 6.5) the checks are tied to that process: it is
 * still alive after them, so its pid was not reused meanwhile.
 *
 * Lifecycle: pdauth_init once before the session starts (it opens the
 * policyd binaries, so that a later rename cannot change what is
 * compared), pdauth_check for every connection.
 */
#ifndef TIERGATE_PDAUTH_H
#define TIERGATE_PDAUTH_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "proctree.h"

#define PDAUTH_BINS 2

struct pdauth {
	uid_t uid;	   /* agent-shell's euid */
	bool user;	   /* user mode: our own uid is accepted too */
	int filters;	   /* our seccomp filters; -1 unknown */
	const char *rundir;
	const struct proctree_keep *keep; /* policyds we started */
	struct {
		char path[PATH_MAX];
		int fd; /* opened at init; -1 */
	} bin[PDAUTH_BINS];
	size_t nbin;
};

/* The policyd binaries accepted: SELF_DIR/policyd (what agent-shell
 * starts) and the policyd on PATH (the installed one). */
void pdauth_init(struct pdauth *a, const char *self_dir, bool user,
		 const char *rundir, const struct proctree_keep *keep);

/* What was found about a peer, filled whatever the answer. */
struct pdauth_peer {
	pid_t pid;	/* 0 when unknown */
	char why[512]; /* why it was refused: "pid N ..." */
};

/* 0 when the peer of the connected socket fd is policyd; -ESRCH when it
 * exited before or while it was checked (no policyd there); otherwise
 * -EPERM. peer->why says why. */
int pdauth_check(const struct pdauth *a, int fd, struct pdauth_peer *peer);

#endif
