/* SPDX-License-Identifier: MIT */
/*
 * self: tiergate's own state as this policyd protects it (the built-in rule
 * `tiergate-self`, common/selfprot.h): its run directory, its audit log
 * and rotations, its programs, the cgroup file systems, and the files of every
 * policy in force (the default policy and each session's, with their includes
 * and grants overlays). Every session is refused every write, create, delete,
 * rename, link, bind and metadata change of them, whatever its policy says
 * (decide.c).
 *
 * Lifecycle: self_default_policy() (the default policy, checked at start)
 * and self_init() (once the run directory and audit log are known) ->
 * self_track()/self_untrack() as sessions load and drop policies ->
 * self_refuses() per decision.
 */
#ifndef TIERGATE_SELF_H
#define TIERGATE_SELF_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "caller.h"
#include "policy.h"
#include "selfprot.h"

/* The default policy's files (p: loaded from path, freed afterwards). */
int self_default_policy(const struct policy *p, const char *path);
/* The base set: D.rd.dir, the audit log (audit may be NULL), policyd's own
 * directory of programs. 0 or -errno. */
int self_init(const char *audit);
/* A policy that came into force (a session's, or a reload's): its files
 * are protected while it is tracked. 0 or -errno (the set is then kept as
 * it was, plus what could be added). */
int self_track(const struct policy *p);
/* A policy about to be freed. */
void self_untrack(const struct policy *p);
/* A session's scratch directory (session.h: scratch) comes (add) or its
 * session ends: then it is kept as long as it exists (processes that
 * outlive their session keep its route). 0 or -errno (the set stays as it
 * was; -EEXIST: kept already). */
int self_scratch(const char *dir, bool add);
/* Is one of a and b (names as policyd resolved them) in or below a kept
 * scratch directory and the other not? */
bool self_scratch_crossing(const char *a, const char *b);
/* The entry of tiergate's own state a file call of caller c touches, or
 * NULL: by name (real: the path resolved as the caller; lex: as spelled,
 * made absolute), then by the kernel's view of the object (its device and
 * inode, its directory's, its file system being a cgroup one). Only
 * access that writes, creates or deletes (POLICY_ACC_*) is refused. made:
 * the call makes a new file at real or fails (O_CREAT|O_EXCL), so what is
 * there now is not looked at (its directory is). */
const struct selfprot_entry *self_refuses(struct caller *c, const char *real,
					  const char *lex, unsigned access,
					  bool made, bool *ret_above);

/*
 * Policy content pins. A session's policy content (policy_digest: its
 * files and includes) is recorded at its start in the run directory, under
 * the identity of the agent-shell that opened it (pid and start time, the
 * kernel's view). A policyd restarted while the session runs (agent-shell
 * starts one in user mode after a crash) serves the session again only
 * with the same content: the agent may have edited the file meanwhile.
 *
 * self_pin(): p loaded from policy for the session of (pid, start): 0 when
 * pinned now or equal to the pin; -EPERM when it differs (fail closed:
 * the session is not served), -errno when the pin cannot be read or
 * written; err says why. replace: an operator's reload, the new content
 * becomes the pin.
 */
int self_pin(pid_t pid, uint64_t start, const struct policy *p,
	     const char *policy, bool replace, char *err, size_t errsz);
/* The session ended: its pin goes. */
void self_unpin(pid_t pid, uint64_t start);
/* At start: pins of agent-shells no longer running go. */
void self_pins_sweep(void);

#endif
