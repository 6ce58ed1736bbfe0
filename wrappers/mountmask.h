/* SPDX-License-Identifier: MIT */
/*
 * mountmask: the kernel deny-read layer. In the session's first process,
 * before the sandbox, the files and trees whose every read the policy
 * denies (policyd's deny-read plan: policy_denyread.c) are masked in a
 * mount namespace of the session's own: an empty read-only file bound over
 * each file (a tree's files one by one: their names stay, so the interposer
 * still refuses them by their rule, with its line). Static binaries and
 * raw system calls read nothing there; reads elsewhere cost nothing.
 *
 * The namespace is private (no mount propagates to or from the host). As
 * root it is a plain mount namespace: the session keeps no CAP_SYS_ADMIN
 * and its filter refuses the whole mount family (sandbox.c), so no mask
 * can be taken off. Otherwise it is made in a user namespace mapping only
 * the caller's uid and gid, and a second user and mount namespace is
 * entered after the masks are made: the kernel locks every mount copied
 * into a less privileged namespace, so the masks cannot be unmounted even
 * by a process with every capability of the session's namespace.
 *
 * Not covered (see docs/threat-model.md): files created after the session
 * starts, matches of globs with a wildcard below their first directory,
 * other names of a masked file (hard links, other mounts of the same
 * filesystem).
 */
#ifndef TIERGATE_MOUNTMASK_H
#define TIERGATE_MOUNTMASK_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#define MOUNTMASK_MAX 1024 /* masks (files) per session */

struct mountmask_plan {
	const char *const *path; /* a file (a directory named alone is not
				    masked: only its listing is denied) */
	size_t npath;
	const char *const *tree; /* the files below a directory, or a file */
	size_t ntree;
	const char *const *globs; /* deny-read globs: the files matching
				     one-level ones now are masked */
	size_t nglobs;
	const char *const *keep; /* never masked nor hidden: tiergate's
				    runtime directory (the session's
				    socket to policyd) */
	size_t nkeep;
	bool need_ns; /* make the namespace even with nothing to mask (the
			 fanotify layer marks its mounts: fanlisten.h) */
};

struct mountmask_report {
	unsigned masked;   /* masks made */
	unsigned deferred; /* globs left to the interposer */
	unsigned skipped;  /* paths not masked (reason in note) */
	bool ns;	   /* the process is in a mount namespace of its own */
	char note[PATH_MAX + 128];
};

/* Masks p's paths that exist in a mount namespace of the calling process's
 * own (none made when nothing exists to mask). Must run single-threaded,
 * before the sandbox. 0 (report in *ret), or -errno with *what naming the
 * step (then the paths may be partly masked: the caller says so). */
int mountmask_apply(const struct mountmask_plan *p,
		    struct mountmask_report *ret, const char **what);

#endif
