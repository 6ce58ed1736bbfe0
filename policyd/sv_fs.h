/* SPDX-License-Identifier: MIT */
/*
 * sv_fs: rename, link, unlink, rmdir, mkdir, symlink, mknod, truncate and
 * the metadata calls (modes, owners, extended attributes, timestamps), by
 * path or by descriptor: decided like the interposer's file calls (one or
 * two paths, decide.c). Calls that make or remove names or change a file
 * are then carried out by policyd itself on what it decided on
 * (sv_fsdo.c); the others get "continue": the kernel performs the call and
 * walks the path again (the residual race is in docs/threat-model.md).
 * Calls that can only fail fail as the kernel would fail them, undecided
 * (as in the interposer).
 */
#ifndef TIERGATE_SV_FS_H
#define TIERGATE_SV_FS_H

#include "sv_call.h"

/* Answers k (a file call; k->sc says which). 0 (never parks). */
int sv_fs(struct call *k);

#endif
