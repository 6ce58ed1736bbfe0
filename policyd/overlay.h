/* SPDX-License-Identifier: MIT */
/*
 * overlay: the `--always` grants of the policies in force, kept in
 * NAME.grants.yaml beside each policy (engine/policy_grants.h says what a
 * grant matches and how the file is written). Read when a prompt-tier
 * call needs them, again whenever the file changed (inode, size, mtime);
 * a corrupt overlay is logged with FILE:LINE:COL once per change and
 * counts as none: its prompts ask again, the policy is not affected.
 *
 * Lifecycle: overlay_find() / overlay_add() / overlay_revoke() any time
 * (the loop's thread) -> overlay_reset() (tests).
 */
#ifndef TIERGATE_OVERLAY_H
#define TIERGATE_OVERLAY_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "policy_grants.h"

/* The grant of policy_path's overlay that covers c, or NULL; *where (if
 * found): "FILE:LINE". The pointer is valid until the next overlay_*(). */
const struct policy_grant *overlay_find(const char *policy_path,
					const struct policy_grant_call *c,
					char *where, size_t wsz);
/* Adds g (taken on success) to policy_path's overlay as "always-N",
 * written atomically; *ret_id: its id. An overlay that is corrupt is not
 * overwritten. 0 or -errno, *err saying why. */
int overlay_add(const char *policy_path, struct policy_grant *g,
		char *ret_id, size_t idsz, char *err, size_t errsz);
/* Takes grant id ("always-N") out of the overlay that holds it (one of
 * those read so far). 0, -ENOENT, -EEXIST (several hold one of that id:
 * name it FILE:always-N) or -errno. */
int overlay_revoke(const char *id, uid_t by, char *err, size_t errsz);
/* Every grant of every overlay read so far, with its file. */
void overlay_each(void (*fn)(const struct policy_grant *, const char *file,
			     void *),
		  void *arg);
void overlay_reset(void);

#endif
