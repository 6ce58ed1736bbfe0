/* SPDX-License-Identifier: MIT */
/*
 * scratch: the private scratch directory of a session whose policy says
 * `scratch: private` (docs/policy-language.md): made by agent-shell before
 * the session's first program, held at TG_SCRATCH_FD (common/tg_proto.h)
 * and removed when the session ends.
 */
#ifndef TIERGATE_SCRATCH_H
#define TIERGATE_SCRATCH_H

#include <stddef.h>

/* Makes BASE/tiergate-SID.XXXXXX (mode 0700; BASE: "/tmp" when not an
 * absolute path), holds it (scratch_hold) and writes its path, as the
 * kernel names the held directory, to out. 0, -EBUSY (made, not held), or
 * -errno (-EPERM: what the name led to was not the directory made). */
int scratch_make(const char *base, const char *sid, char *out, size_t cap);
/* Puts a copy of fd at TG_SCRATCH_FD (kept across exec). -EBUSY when that
 * number is taken (a descriptor agent-shell inherited). */
int scratch_hold(int fd);
/* Removes everything beneath the directory held at held (or, with held -1,
 * at path) without following a symlink, then path if it still names that
 * directory. 0, or -errno of the first thing that could not be removed. */
int scratch_remove(const char *path, int held);

#endif
