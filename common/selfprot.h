/* SPDX-License-Identifier: MIT */
/*
 * selfprot: tiergate's own state, which no session may change whatever its
 * policy says (the built-in rule `tiergate-self`): the run directory
 * (sockets, pid and lock files, the generation file, policyd's log), the
 * audit log's directory, the policy files in force with their includes and
 * the grants overlay next to each (NAME.grants.yaml), the programs and the
 * preload library, and the cgroup file systems (a process that writes
 * another cgroup's cgroup.procs leaves its session's cgroup and what is
 * attached to it). One implementation: policyd decides with it (both
 * paths, the kernel path and the interposer's requests); policyctl
 * explain builds the same set offline.
 *
 * A path is protected when it is an entry, lies below a tree entry, or is
 * a directory above an entry (renaming, removing or changing a directory
 * that holds the state moves or hides it). Only writes, creates and
 * deletes (and the calls decided as those: renames, links, binds, chmod,
 * chown, extended attributes, timestamps) are refused; reads and execs
 * are the policy's.
 *
 * Lifecycle: selfprot_init() -> selfprot_add_*() -> selfprot_match() ...
 * -> selfprot_free(). Entries are absolute and normal; a path given
 * through symlinks is kept as given and as resolved.
 */
#ifndef TIERGATE_SELFPROT_H
#define TIERGATE_SELFPROT_H

#include <stdbool.h>
#include <stddef.h>

#define SELFPROT_MAX 2048 /* entries; more are not added (-ENOSPC) */

enum selfprot_kind {
	SELFPROT_RUNDIR,
	SELFPROT_AUDIT,
	SELFPROT_POLICY,
	SELFPROT_GRANTS,
	SELFPROT_PROGRAM,
	SELFPROT_CGROUP,
	SELFPROT_SCRATCH, /* a session's scratch directory (policyd/self.c) */
	SELFPROT_KIND_MAX
};

struct selfprot_entry {
	char *path;
	bool tree; /* everything below it too */
	enum selfprot_kind kind;
};

struct selfprot {
	struct selfprot_entry *v;
	size_t n, cap;
};

void selfprot_init(struct selfprot *sp);
void selfprot_free(struct selfprot *sp);
/* path (absolute) as an entry, and as resolved when that differs (a
 * missing last component: its directory resolved). 0, -EINVAL (relative),
 * -ENOSPC, -ENOMEM. */
int selfprot_add(struct selfprot *sp, const char *path, bool tree,
		 enum selfprot_kind kind);
/* tiergate's own files: the run directory, the audit log and its
 * rotations audit.1 ... audit.KEEP (audit may be NULL; its directory is
 * protected as a directory above them), and in bindir the programs and the
 * preload library (and the installed layout's ../lib/tiergate/). 0 or
 * -errno. */
int selfprot_add_tiergate(struct selfprot *sp, const char *rundir,
			  const char *audit, unsigned keep, const char *bindir);
/* Every cgroup file system mounted (v2 and v1, from mounts: a
 * /proc/mounts file), as trees. 0 or -errno (-ENOENT: mounts missing). */
int selfprot_add_cgroups(struct selfprot *sp, const char *mounts);
/* A policy in force: its files (files, n), and the grants overlay next to
 * its main file (main: as named; the last of files: as resolved). */
int selfprot_add_policy(struct selfprot *sp, const char *main,
			const char *const *files, size_t n);

/* The entry path (absolute, normal) touches with access (TGPA_* bits):
 * NULL when none or when access neither writes, creates nor deletes.
 * *ret_above: path is a directory above the entry rather than in it. */
const struct selfprot_entry *selfprot_match(const struct selfprot *sp,
					    const char *path, unsigned access,
					    bool *ret_above);
/* The refusal's message for a match (static): "tiergate self-protection:",
 * what it is, what to do instead. */
const char *selfprot_message(const struct selfprot_entry *e, bool above);

#endif
