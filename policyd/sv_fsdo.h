/* SPDX-License-Identifier: MIT */
/*
 * sv_fsdo: file calls carried out by policyd itself, as the caller (its
 * credentials, umask and root), once sv_fs.c has decided them: on exactly
 * the directories and files policyd decided on (held by descriptors), so
 * that a symlink swapped in since, a path string another thread rewrote
 * since, or a descriptor number re-pointed (dup2) since, changes nothing.
 */
#ifndef TIERGATE_SV_FSDO_H
#define TIERGATE_SV_FSDO_H

#include "sv_call.h"

/* The allowed call k (o: its decision; lflags: its AT_* flags) carried
 * out. 0 or -errno (the call's result), -ENOSYS (not done here: the kernel
 * performs it, "continue"), -ESRCH (the caller is gone: no answer). */
int sv_fsdo_perform(struct call *k, const struct outcome *o, int lflags);
/* fchmod, fchown, fsetxattr, fremovexattr, futimens or futimesat(fd, NULL)
 * on policyd's copy of the caller's descriptor (k->fsfd). 0 or -errno;
 * -ESRCH: the caller is gone. */
int sv_fsdo_fd(struct call *k);
/* A call on (fd, "", AT_EMPTY_PATH) done on k->fsfd (o NULL: a descriptor
 * in no file system). 0 or -errno. */
int sv_fsdo_empty_path(struct call *k, const struct outcome *o, int lflags);

#endif
