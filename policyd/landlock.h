/* SPDX-License-Identifier: MIT */
/*
 * landlock: what a session's Landlock domain bounds its writes by, kept so
 * that a refusal by that layer can be explained. agent-shell gives
 * Landlock the plan's write trees that exist when the session starts (a
 * tree made later is not in the domain: Landlock rules name inodes), so
 * policyd records, when it sends the plan, which of them exist and what
 * they are (device, inode).
 *
 * Lifecycle: ll_bound_new() at the session's start → ll_bound_covers(),
 * ll_bound_describe() → ll_bound_free() at its end (NULL accepted).
 */
#ifndef TIERGATE_LANDLOCK_H
#define TIERGATE_LANDLOCK_H

#include <stdbool.h>
#include <stddef.h>

struct ll_bound;

/* The trees of the plan (n paths) that exist now. NULL when none can be
 * kept (out of memory): then nothing is explained. */
struct ll_bound *ll_bound_new(const char *const *trees, size_t n);
void ll_bound_free(struct ll_bound *b);
/* Does the domain let path (absolute, as policyd sees the caller's file:
 * "/proc/PID/root/..." is fine) be written: is it, or a directory above
 * it, one of the trees? Missing names at the end are skipped (a name to
 * be made is written in its directory). */
bool ll_bound_covers(const struct ll_bound *b, const char *path,
		     size_t root_len);
/* The trees, joined with ", " into out (cut with "..."). */
void ll_bound_describe(const struct ll_bound *b, char *out, size_t outsz);

#endif
