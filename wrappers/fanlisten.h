/* SPDX-License-Identifier: MIT */
/*
 * fanlisten: the kernel deny-read layer for what the masks cannot cover
 * (mountmask.h): files created after the session starts under a denied
 * path, tree or glob, and globs with a wildcard below a directory
 * ("**" + "/x.pem"). A fanotify group with permission events (FAN_OPEN_PERM,
 * which execs and mappings also pass through) marks every mount of the
 * session's own mount namespace, so only the session's opens ask it, never
 * the host's. A listener process outside the session answers each open by
 * the path of the opened object (readlink of the event's descriptor)
 * against the deny-read plan with the glob matcher policyd's engine uses
 * (common/glob.c): FAN_DENY (EPERM) for a denied read, FAN_ALLOW otherwise.
 *
 * Fail closed: the kernel answers an event "allow" only when the group's
 * last descriptor is closed. agent-shell keeps one for the session's life,
 * so a dead listener leaves readers waiting (killable), and agent-shell
 * then ends the session before it closes its own (fanlisten_close after
 * proctree_end_session): no pending read is ever let through.
 *
 * Needs CAP_SYS_ADMIN in the initial user namespace (permission events,
 * mount marks): a root session. Otherwise fanlisten_new says why and the
 * session goes on with the masks and the interposer only.
 *
 * Lifecycle: fanlisten_new() in agent-shell before the session's first
 * process forks → fanlisten_mark_mounts() in that process, in its own
 * mount namespace, before its sandbox → fanlisten_start() (the listener)
 * → fanlisten_close() once the session's processes are gone (NULL
 * accepted).
 */
#ifndef TIERGATE_FANLISTEN_H
#define TIERGATE_FANLISTEN_H

#include <stdbool.h>
#include <sys/types.h>

#include "mountmask.h"

struct fanlisten;

/* A fanotify group and the compiled plan p (its files, trees and globs).
 * 0, or -errno with *why saying what is missing (-EPERM: no
 * CAP_SYS_ADMIN; -ENOENT: nothing in p to watch). */
int fanlisten_new(const struct mountmask_plan *p, struct fanlisten **ret,
		  const char **why);

/* In the session's first process, in its own mount namespace: marks every
 * mount listed in /proc/self/mountinfo. 0 or -errno with the first mount
 * that could not be marked in what (the caller says the layer is partial).
 * Must never run in the host's namespace: the host's opens would wait on
 * the session's listener. */
int fanlisten_mark_mounts(struct fanlisten *fl, char *what, size_t whatsz);

/* Forks the listener (it never returns; its comm is "tg-denyread").
 * Refusals are written as one line each to err, and as a TGP_KREFUSED
 * message to policyd on report (-1: none). Should agent-shell die first,
 * the listener lets go of report and keeps answering until no process is
 * left in the session's mount namespace. The listener's pid, or -errno. */
pid_t fanlisten_start(struct fanlisten *fl, int err, int report);

/* Closes agent-shell's descriptor of the group: pending events are then
 * answered "allow" by the kernel, so only once the session's processes are
 * gone. */
void fanlisten_close(struct fanlisten *fl);

#endif
